"""Features of a declaration or crossing, from its fields and from the PAST outcomes of its parties.

The input is a *targeting frame* (``frame.FIELDS``): one row per item that could be inspected,
with whatever declaration fields the source has. Every feature is defined from the field's
meaning, not from one data set's quirks, and every missing field gives missing features
(LightGBM routes them on their own) instead of an error:

- **unit price against the HS code's distribution**: the robust z-score of log(value /
  quantity) among items of the same HS code in the reference period (6 digits where that code
  has enough items, else 4, else 2, else all items). Undervaluation (revenue fraud, trade-based
  laundering) and overvaluation both show.
- **party histories**, for each role present (importer, exporter or shipper, broker, carrier,
  driver, consignee, plate): how often the party was seen and inspected before, and its
  violation and dangerous-find rates, smoothed towards the overall rate with weight
  ``smoothing`` so that a party with one inspection is not judged by it. Only outcomes of
  EARLIER DAYS count (an inspection's result is known after the day), never the item's own or
  a later one; rows are counted only among items with the same releasability, so that a
  derived score never carries the outcome of a row its reader may not see.
- **rules** (``rules``), which are also the cold-start queue: unit-price outlier, new party on
  a well-known route, crossing and declaration disagreeing on the goods, a party linked to an
  entity with alerts in other pillars, and the rarity of the route.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

PARTY_ROLES = ("importer", "exporter", "broker", "carrier", "driver", "consignee", "plate")
CATEGORICAL = ("port", "mode", "origin_country", "hs2", "route")
SEEN_CAP = 50  # earlier items beyond which a party's count stops growing
MIN_PRICE_GROUP = 20  # items an HS code needs in the reference period for its own price distribution


@dataclass
class PriceReference:
    """Median and MAD of log unit price per HS prefix (6, 4, 2 digits) and over all items."""

    levels: dict[int, dict[str, tuple[float, float]]] = field(default_factory=dict)
    overall: tuple[float, float] = (math.nan, math.nan)


def log_unit_price(df: pd.DataFrame) -> np.ndarray:
    value = df["value_usd"].to_numpy(dtype=float)
    qty = df["quantity"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.log(value / qty)
    p[~np.isfinite(p)] = np.nan
    return np.asarray(p, dtype=float)


def fit_prices(df: pd.DataFrame) -> PriceReference:
    import pandas as pd

    p = pd.Series(log_unit_price(df), index=df.index)
    ok = p.notna()
    ref = PriceReference()
    if not ok.any():
        return ref
    med = float(p[ok].median())
    ref.overall = (med, float((p[ok] - med).abs().median()) or 1.0)
    for digits in (6, 4, 2):
        code = df.loc[ok, "hs_code"].astype("string").str[:digits]
        keep = code.str.len() == digits
        g = pd.DataFrame({"code": code[keep], "p": p[ok][keep]})
        if g.empty:
            ref.levels[digits] = {}
            continue
        stats = g.groupby("code")["p"].agg(["median", "size"])
        stats = stats[stats["size"] >= MIN_PRICE_GROUP]
        dev = (g["p"] - g["code"].map(stats["median"])).abs().groupby(g["code"]).median()
        ref.levels[digits] = {c: (float(m), float(dev.get(c, 0.0)) or ref.overall[1])
                              for c, m in stats["median"].items()}
    return ref


def price_z(df: pd.DataFrame, ref: PriceReference) -> np.ndarray:
    """Robust z of log unit price against the most specific HS prefix with a distribution."""
    p = log_unit_price(df)
    med = np.full(len(df), ref.overall[0])
    mad = np.full(len(df), ref.overall[1])
    done = np.zeros(len(df), bool)
    hs = df["hs_code"].astype("string").fillna("")
    for digits in (6, 4, 2):
        table = ref.levels.get(digits, {})
        if not table:
            continue
        from tenaza.pillars.distribution.targeting.matrix import lookup

        code = hs.str[:digits]
        m = lookup(code, {c: v[0] for c, v in table.items()})
        s = lookup(code, {c: v[1] for c, v in table.items()})
        use = ~done & ~np.isnan(m)
        med[use], mad[use], done[use] = m[use], s[use], True
    return np.asarray((p - med) / (1.4826 * mad), dtype=float)


@dataclass
class Totals:
    """A party role's outcome totals at the end of a period, to carry histories into the next."""

    keys: pd.Index
    sums: np.ndarray  # (keys x 4): seen, inspected, violations, dangerous finds


def _keys(df: pd.DataFrame, key: str) -> pd.Series:
    k = df[key].astype("string")
    marks = df["_mark"]
    if marks.nunique(dropna=False) > 1:  # histories never cross releasability (see the module docstring)
        k = marks.astype("string") + "\x1f" + k
    return k


def history(df: pd.DataFrame, key: str, prior_any: float, prior_rare: float, smoothing: float,
            before: Totals | None = None) -> tuple[np.ndarray, Totals]:
    """Past appearances, inspections and smoothed outcome rates of ``key``'s value, counting only
    earlier days (and the totals of ``before``, an earlier period); plus this period's totals.

    Returns a (rows x 4) array: log1p(seen), log1p(inspected), rate_any, rate_rare; NaN where
    the item has no such party.
    """
    import pandas as pd

    k = _keys(df, key)
    present = df[key].notna().to_numpy(dtype=bool)  # prepare() turned empty strings into NA
    codes, uniques = pd.factorize(k[present], sort=False)
    insp = df["inspected"].to_numpy(dtype=bool)[present]
    vals = np.column_stack([np.ones(len(codes)), insp.astype(float),
                            np.where(insp, df["label_any"].fillna(0).to_numpy(dtype=float)[present], 0.0),
                            np.where(insp, df["label_rare"].fillna(0).to_numpy(dtype=float)[present], 0.0)])
    day = df["day"].to_numpy()[present]
    span = int(day.max() - day.min() + 1) if len(day) else 1
    order = np.argsort(codes.astype(np.int64) * span + (day - (day.min() if len(day) else 0)), kind="stable")
    c_s, d_s = codes[order], day[order]
    n = len(order)
    csum = np.vstack([np.zeros((1, 4)), np.cumsum(vals[order], axis=0)])
    idx = np.arange(n)
    new_group = np.ones(n, bool)
    new_group[1:] = c_s[1:] != c_s[:-1]
    new_block = new_group.copy()
    new_block[1:] |= d_s[1:] != d_s[:-1]
    g = np.maximum.accumulate(np.where(new_group, idx, 0))
    b = np.maximum.accumulate(np.where(new_block, idx, 0))
    earlier = np.empty((n, 4))
    earlier[order] = csum[b] - csum[g]
    last = np.append(np.flatnonzero(new_group)[1:], n)
    first = np.flatnonzero(new_group)
    period = np.empty((len(uniques), 4))
    period[c_s[first]] = csum[last] - csum[first]
    keys = pd.Index(uniques)
    if before is not None and len(before.keys):
        pos = before.keys.get_indexer(keys)
        carried = np.where((pos >= 0)[:, None], before.sums[np.maximum(pos, 0)], 0.0)
        earlier += carried[codes]
        period += carried
        old = pos >= 0
        rest = np.ones(len(before.keys), bool)
        rest[pos[old]] = False
        keys = keys.append(before.keys[rest])
        period = np.vstack([period, before.sums[rest]])
    out = np.full((len(df), 4), np.nan)
    ninsp = earlier[:, 1]
    # counts are capped: beyond SEEN_CAP a party is simply "well known", and cumulative counts
    # that only grow with time would otherwise drift away from the training period's
    out[present] = np.column_stack([np.log1p(np.minimum(earlier[:, 0], SEEN_CAP)),
                                    np.log1p(np.minimum(ninsp, SEEN_CAP)),
                                    (earlier[:, 2] + smoothing * prior_any) / (ninsp + smoothing),
                                    (earlier[:, 3] + smoothing * prior_rare) / (ninsp + smoothing)])
    return out, Totals(keys, period)


# Rule weights of the cold-start score 1 - prod(1 - weight * strength); documented assumptions.
RULE_WEIGHTS = {"rule_price_outlier": 0.6, "rule_new_party_known_route": 0.3, "rule_goods_mismatch": 0.5,
                "rule_linked_alerts": 0.7, "anomaly_route_rarity": 0.2}
KNOWN_ROUTE = 20  # earlier items that make a route "well known"


def rules(df: pd.DataFrame, z: np.ndarray, route_seen: np.ndarray, party_seen: np.ndarray) -> dict[str, np.ndarray]:
    """The documented rules and anomaly scores, each a strength in [0, 1] (0 where unknown)."""
    za = np.nan_to_num(np.abs(z), nan=0.0)
    crossing_hs = df["crossing_hs_code"].astype("string").str[:4]
    decl_hs = df["hs_code"].astype("string").str[:4]
    both = (crossing_hs.str.len() == 4).fillna(False).to_numpy(dtype=bool) & \
        (decl_hs.str.len() == 4).fillna(False).to_numpy(dtype=bool)
    mismatch = both & (crossing_hs != decl_hs).fillna(False).to_numpy(dtype=bool)
    route_n = np.expm1(np.nan_to_num(route_seen, nan=0.0))
    new_party = np.isnan(party_seen) | (party_seen == 0)
    has_route = df["route"].notna().to_numpy()
    return {
        "rule_price_outlier": np.clip((za - 2.0) / 3.0, 0.0, 1.0),
        "rule_new_party_known_route": (new_party & (route_n >= KNOWN_ROUTE) & has_route).astype(float),
        "rule_goods_mismatch": mismatch.astype(float),
        "rule_linked_alerts": df["linked_alerts"].fillna(False).to_numpy(dtype=bool).astype(float),
        "anomaly_route_rarity": np.where(has_route, 1.0 / (1.0 + route_n), 0.0),
    }


def rule_score(r: dict[str, np.ndarray]) -> np.ndarray:
    keep = np.ones(len(next(iter(r.values())))) if r else np.ones(0)
    for name, w in RULE_WEIGHTS.items():
        keep = keep * (1.0 - w * r[name])
    return 1.0 - keep
