"""The feature matrix of a prepared targeting frame, and each feature's meaning in words."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from tenaza.pillars.distribution.targeting import features as f

if TYPE_CHECKING:
    import pandas as pd

ROLE_WORDS = {"importer": "importer", "exporter": "exporter or shipper", "broker": "broker or declarant",
              "carrier": "carrier", "driver": "driver", "consignee": "consignee", "plate": "plate"}

# feature -> (words, format of its value)
WORDS: dict[str, tuple[str, str]] = {
    "log_value_usd": ("declared value (log US$)", "{:.1f}"),
    "log_quantity": ("declared quantity (log)", "{:.1f}"),
    "unit_price_z": ("unit price against its HS code (robust z)", "{:+.1f}"),
    "port": ("port", "{}"), "mode": ("transport mode", "{}"), "origin_country": ("origin", "{}"),
    "hs2": ("HS chapter", "{}"), "route": ("route (origin > port)", "{}"),
    "route_seen": ("earlier items on the route (log)", "{:.1f}"),
    **{r: (w, "{:.2f}") for r, w in {
        "rule_price_outlier": "rule: unit price outlier", "rule_new_party_known_route": "rule: new party on a known route",
        "rule_goods_mismatch": "rule: crossing and declaration disagree on the goods",
        "rule_linked_alerts": "rule: party linked to alerts in other pillars",
        "anomaly_route_rarity": "anomaly: rare route"}.items()},
}
for _role, _w in ROLE_WORDS.items():
    WORDS[f"{_role}_seen"] = (f"{_w}'s earlier items (log)", "{:.1f}")
    WORDS[f"{_role}_inspected"] = (f"{_w}'s earlier inspections (log)", "{:.1f}")
    WORDS[f"{_role}_rate_any"] = (f"{_w}'s past violation rate (smoothed)", "{:.1%}")
    WORDS[f"{_role}_rate_rare"] = (f"{_w}'s past dangerous-find rate (smoothed)", "{:.2%}")


@dataclass
class Encoding:
    """What the matrix needs from the training period: prices, category codes, prior rates."""

    prices: f.PriceReference
    categories: dict[str, list[str]]
    prior_any: float
    prior_rare: float
    smoothing: float
    names: list[str] = field(default_factory=list)


def fit_encoding(df: pd.DataFrame, smoothing: float) -> Encoding:
    lab = df[df["inspected"]]
    prior_any = float(lab["label_any"].mean()) if len(lab) else 0.0
    prior_rare = float(lab["label_rare"].fillna(0).mean()) if len(lab) else 0.0
    cats = {c: sorted(df[c].dropna().unique().tolist()) for c in f.CATEGORICAL}
    return Encoding(f.fit_prices(df), cats, 0.0 if math.isnan(prior_any) else prior_any,
                    0.0 if math.isnan(prior_rare) else prior_rare, smoothing)


def category_codes(values: pd.Series, categories: list[str]) -> np.ndarray:
    """The training period's code of each value; NaN for a value training never saw (or none)."""
    return lookup(values, {c: float(i) for i, c in enumerate(categories)})


def lookup(values: pd.Series, table: dict[str, float]) -> np.ndarray:
    """``table[value]`` for each value, NaN where absent: the distinct values are looked up once."""
    import pandas as pd

    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    found = np.array([table.get(str(u), np.nan) for u in uniques] + [np.nan], dtype=float)
    return np.asarray(found[codes], dtype=float)  # the sentinel -1 picks the trailing NaN


def build(df: pd.DataFrame, enc: Encoding, before: dict[str, f.Totals] | None = None
          ) -> tuple[np.ndarray, list[str], dict[str, np.ndarray], dict[str, f.Totals]]:
    """(matrix, feature names, rule strengths, history totals at the end of ``df``).

    Histories count the outcomes of earlier days of ``df`` and, where given, the totals of an
    earlier period (``before``, as returned by a previous call)."""

    cols: dict[str, np.ndarray] = {}
    cols["log_value_usd"] = np.log1p(df["value_usd"].clip(lower=0).to_numpy(dtype=float))
    cols["log_quantity"] = np.log1p(df["quantity"].clip(lower=0).to_numpy(dtype=float))
    z = f.price_z(df, enc.prices)
    cols["unit_price_z"] = z
    for c in f.CATEGORICAL:
        cols[c] = category_codes(df[c], enc.categories[c])
    totals: dict[str, f.Totals] = {}

    def hist(key: str) -> np.ndarray:
        h, totals[key] = f.history(df, key, enc.prior_any, enc.prior_rare, enc.smoothing,
                                   (before or {}).get(key))
        return h

    cols["route_seen"] = hist("route")[:, 0]
    party_seen = np.full(len(df), np.nan)
    for role in f.PARTY_ROLES:
        h = hist(role)
        for j, part in enumerate(("seen", "inspected", "rate_any", "rate_rare")):
            cols[f"{role}_{part}"] = h[:, j]
        if role in ("importer", "exporter"):
            party_seen = np.fmin(party_seen, cols[f"{role}_seen"])
    r = f.rules(df, z, cols["route_seen"], party_seen)
    cols.update(r)
    names = list(cols)
    return np.column_stack([cols[n] for n in names]), names, r, totals


RAW = ("log_value_usd", "log_quantity", "port", "mode", "origin_country", "hs2")


def build_raw(df: pd.DataFrame, enc: Encoding) -> tuple[np.ndarray, list[str]]:
    """The baseline's matrix: the declaration's raw fields only (value, quantity, codes)."""

    cols = {"log_value_usd": np.log1p(df["value_usd"].clip(lower=0).to_numpy(dtype=float)),
            "log_quantity": np.log1p(df["quantity"].clip(lower=0).to_numpy(dtype=float))}
    for c in ("port", "mode", "origin_country", "hs2"):
        cols[c] = category_codes(df[c], enc.categories[c])
    return np.column_stack(list(cols.values())), list(cols)
