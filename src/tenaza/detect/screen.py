"""What a transaction detector's settings let through, measured before it runs.

A detector that reads amounts declares a ``Screen``: the rows it reads and the setting that
holds its amount floor. The runner measures them on the workspace (rows, rows without a dollar
amount, the share that reaches the floor, the median) and from the figures:

- chooses the threshold profile where the detector's config says ``auto``: the regulatory
  floor, unless it lets through fewer than ``MIN_PASSING_SHARE`` of the rows or stands more than
  ``OFF_SCALE`` times above their median amount (the data is not on the scale the law's floor
  was set for), then the relative one (a quantile of the same rows' own dollar amounts);
- warns when the floor in force still excludes nearly every row, naming the setting;
- says how many rows the detector could not judge because they have no dollar amount, and how
  many it judged by their rank in their own currency instead (``Screen.by_rank``).

A detector that finds nothing then says why, instead of a silent zero.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from tenaza.detect.sql import usd_source

if TYPE_CHECKING:
    from tenaza.store.dialect import Dialect
    from tenaza.store.workspace import Workspace

log = logging.getLogger("tenaza")

# Below this share of rows reaching the floor the settings exclude "nearly every row" (> 99 %).
MIN_PASSING_SHARE = 0.01
# A legal floor more than this many times the median amount of the rows a detector reads sits
# two orders of magnitude off the data's own scale (amounts in cents or another unit, a
# simulator's toy values): the few rows that reach it are the data's extreme tail, not the
# payments the law meant, and the auto profile takes the relative floor.
OFF_SCALE = 100.0
# Amounts heap just below a reporting threshold when the rows just under it outnumber those just
# over it by this many standard deviations (a one-sided sign test of the two counts).
HEAP_Z = 4.0
# The round values tried as a data's own reporting threshold: these mantissas times a power of ten.
ROUND_MANTISSAS = (1.0, 2.0, 2.5, 3.0, 5.0)


@dataclass(frozen=True)
class Screen:
    """The rows a detector reads and the one amount floor that decides which of them count.

    ``where`` is trusted SQL over the transactions' columns (no user text), with its bound values
    in ``params``. ``setting`` is the CONFIG field holding the floor in dollars, None where the
    detector has no per-row amount floor. ``scale`` multiplies the setting into the floor a row
    must reach (structuring sees deposits from 80 % of its threshold). ``relative`` is False
    where the typology is defined by the legal threshold itself (structuring evades the CTR).
    ``evaded`` says the setting is a reporting threshold the rows keep under: under ``auto``, where
    the amounts do not heap just below it, the data's own threshold is looked for
    (``own_threshold``). ``band`` is the width of the two bands heaping is counted in (the rows
    from T x band to T against those from T to T / band; None: ``scale``). ``summed`` says the
    setting is a floor on rows added up, not on one row (a month's cash deposits): no row needs to
    reach it, so the share of rows that does chooses no profile and warns of nothing; it names
    what is added up, for the notes. A summed floor has no relative profile (a quantile of single
    rows is no sum); under ``auto`` or ``relative`` it takes the data's own threshold where it is
    ``evaded`` and one is found, and otherwise stays as set, with a warning where it stands
    ``OFF_SCALE`` times above the rows' median. ``by_rank`` says the detector values rows without a
    dollar amount by their rank among their own currency's rows, where the currency has at least
    that many of them in scope (``by_rank_setting`` names the setting that chooses it): the notes
    count those rows apart from the rows left unjudged."""

    where: str
    setting: str | None
    params: dict[str, Any] = field(default_factory=dict)
    scale: float = 1.0
    relative: bool = True
    evaded: bool = False
    band: float | None = None
    summed: str | None = None
    by_rank: int | None = None
    by_rank_setting: str | None = None

    @property
    def heap_band(self) -> float:
        return self.scale if self.band is None else self.band


@runtime_checkable
class Screened(Protocol):
    def screen(self) -> Screen: ...


@dataclass
class ScreenResult:
    rows: int
    unjudged: int  # rows without a dollar amount that the detector leaves out
    by_currency: dict[str, int]
    passing: int
    median_usd: float | None
    profile: str
    floor_usd: float | None
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    update: dict[str, float] = field(default_factory=dict)  # config changes the profile makes


def _stats_sql(d: Dialect, source: str, where: str) -> str:
    med, q = d.quantile_cont("usd", "0.5"), d.quantile_cont("usd", "$_screen_q")
    return (f"SELECT count(*), count(*) FILTER (WHERE usd IS NULL), count(*) FILTER (WHERE usd >= $_screen_floor), "
            f"{med}, {q} FROM ({source}) AS s WHERE ({where}) AND amount > 0")


def heaping(ws: Workspace, name: str, screen: Screen, thresholds: list[float]) -> dict[float, tuple[int, int]]:
    """Per threshold T: rows of ``screen`` with a dollar amount in [T x band, T) and in
    [T, T / band) (``Screen.heap_band``), the two bands of equal width on a log scale, leaving out round amounts
    (multiples of T / 10: people deposit round sums out of habit, not to evade). A smooth amount
    density puts about as many rows in each band; deposits kept under T fill the lower one."""
    b = ws.backend
    d = b.dialect
    rows = b.fetch(f"screen {name}: amounts around thresholds", f"""
        WITH c AS (SELECT {d.explode('$_heap_t')} AS t),
        s AS (SELECT usd FROM ({usd_source(d)}) AS s WHERE ({screen.where}) AND amount > 0 AND usd IS NOT NULL)
        SELECT c.t, count(*) FILTER (WHERE s.usd < c.t), count(*) FILTER (WHERE s.usd >= c.t)
        FROM c JOIN s ON s.usd >= c.t * $_heap_w AND s.usd < c.t / $_heap_w
        WHERE abs(s.usd * 10 / c.t - round(s.usd * 10 / c.t)) > 1e-6
        GROUP BY c.t""", {**screen.params, "_heap_t": thresholds, "_heap_w": screen.heap_band})
    found = {float(t): (int(lo), int(hi)) for t, lo, hi in rows}
    return {t: found.get(t, (0, 0)) for t in thresholds}


def heap_z(under: int, over: int) -> float:
    return (under - over) / math.sqrt(under + over) if under + over else 0.0


def own_threshold(ws: Workspace, name: str, screen: Screen, legal: float) -> tuple[float | None, str]:
    """The reporting threshold the data's amounts keep under, where they do not keep under ``legal``:
    the round value (``ROUND_MANTISSAS`` x 10^k, amounts reaching past both its bands) with the strongest
    heaping just below it, if that reaches ``HEAP_Z``; None keeps ``legal``. With the sentence
    saying what was found."""
    lo, hi = ws.backend.fetch(f"screen {name}: amount range", f"SELECT min(usd), max(usd) FROM ({usd_source(ws.backend.dialect)}) "
                              f"AS s WHERE ({screen.where}) AND amount > 0 AND usd IS NOT NULL", screen.params)[0]
    if lo is None:
        return None, "no amount to look for a threshold in"
    # a value is tried only where amounts reach past both of its bands: at the edge of the data
    # the density stops, which is no heaping
    w = screen.heap_band
    cands = sorted({legal} | {t for k in range(math.floor(math.log10(float(lo))), math.ceil(math.log10(float(hi))) + 1)
                              for m in ROUND_MANTISSAS if float(lo) <= (t := m * 10.0 ** k) * w and t / w <= float(hi)})
    counts = heaping(ws, name, screen, cands)
    z_legal = heap_z(*counts[legal])
    if z_legal >= HEAP_Z:
        return None, (f"amounts heap just below {screen.setting} = ${legal:,.2f} ({counts[legal][0]:,} just under, "
                      f"{counts[legal][1]:,} just over)")
    best = max(cands, key=lambda t: heap_z(*counts[t]))
    z = heap_z(*counts[best])
    if z < HEAP_Z:
        return None, (f"no heaping just below ${legal:,.2f} or any round amount (best ${best:,.2f}: "
                      f"{counts[best][0]:,} just under, {counts[best][1]:,} just over)")
    return best, (f"the data's own threshold ${best:,.2f}: {counts[best][0]:,} amounts just under it, "
                  f"{counts[best][1]:,} just over (z {z:.1f}); just below ${legal:,.2f}: {counts[legal][0]:,} "
                  f"under, {counts[legal][1]:,} over")


def measure(ws: Workspace, name: str, screen: Screen, config: Any) -> ScreenResult:
    """Figures of ``screen`` on ``ws`` and the profile they choose for ``config`` (a CashConfig)."""
    b = ws.backend
    d = b.dialect
    source = usd_source(d)
    profile = str(getattr(config, "profile", "regulatory"))
    quantile = float(getattr(config, "relative_quantile", 0.5))
    regulatory = float(getattr(config, screen.setting)) * screen.scale if screen.setting else 0.0
    # a floor on rows added up: every row counts towards it, so every row "passes"
    params = {**screen.params, "_screen_floor": 0.0 if screen.summed else regulatory, "_screen_q": quantile}
    n, unjudged, passing, median, q_value = b.fetch(f"screen {name}", _stats_sql(d, source, screen.where),
                                                   params)[0]
    n, unjudged, passing = int(n), int(unjudged), int(passing)
    by_currency: dict[str, int] = {}
    if unjudged:
        rows = b.fetch(f"screen {name}: currencies without rates",
                       f"SELECT coalesce(currency, '(none)'), count(*) FROM ({source}) AS s "
                       f"WHERE ({screen.where}) AND amount > 0 AND usd IS NULL GROUP BY 1 ORDER BY 2 DESC",
                       screen.params)
        by_currency = {str(c): int(k) for c, k in rows}
    res = ScreenResult(n, unjudged, by_currency, passing, None if median is None else float(median),
                       profile, regulatory if screen.setting else None)
    if n == 0:
        res.warnings.append(f"{name}: no transaction is of the kind it reads; it has nothing to judge")
        return res
    ranked = {c: k for c, k in by_currency.items() if screen.by_rank is not None and k >= screen.by_rank}
    if ranked:
        k_ranked = sum(ranked.values())
        res.unjudged = unjudged = unjudged - k_ranked
        cur = ", ".join(f"{c} {k:,}" for c, k in list(ranked.items())[:6])
        res.notes.append(f"{k_ranked:,} of {n:,} rows ({k_ranked / n:.1%}) have no US-dollar rate ({cur}) and are "
                         f"judged by their rank among their own currency's rows, valued at the dollar amount of "
                         f"the same rank ({screen.by_rank_setting}: rank; load rates with `tenaza rates load "
                         f"--file RATES.csv` to value them at a real rate)")
    if unjudged:
        left = {c: k for c, k in by_currency.items() if c not in ranked}
        cur = ", ".join(f"{c} {k:,}" for c, k in list(left.items())[:6])
        few = (f", each under the {screen.by_rank} rows a currency needs to be ranked in"
               if screen.by_rank is not None else "")
        res.notes.append(f"{unjudged:,} of {n:,} rows ({unjudged / n:.1%}) not judged: no US-dollar rate ({cur}"
                         f"{few}); load rates with `tenaza rates load --file RATES.csv`")
    if screen.setting is None:
        res.profile = "regulatory"
        return res
    if screen.summed is not None:
        return _summed(ws, name, screen, profile, regulatory, res)
    chose = profile
    if profile == "auto":
        off_scale = median is not None and regulatory > OFF_SCALE * float(median)
        chose = "relative" if screen.relative and (passing < MIN_PASSING_SHARE * n or off_scale) \
            and q_value is not None else "regulatory"
        what = (f"floor of ${regulatory:,.2f} ({screen.setting} x {screen.scale:g})" if screen.scale != 1
                else f"{screen.setting} of ${regulatory:,.2f}")
        scale = (f", {regulatory / float(median):,.0f} times their median ${float(median):,.2f}"
                 if off_scale and median is not None else "")
        res.notes.append(f"profile auto -> {chose}: {passing / n:.1%} of {n:,} rows reach the regulatory {what}{scale}")
    elif profile == "relative" and not screen.relative:
        chose = "regulatory"
        res.notes.append(f"profile relative does not apply: the typology is defined by {screen.setting} itself")
    if profile in ("auto", "relative") and screen.evaded:
        own, why = own_threshold(ws, name, screen, regulatory / screen.scale)
        res.notes.append(f"{screen.setting}: {why}")
        if own is not None:
            chose = "own threshold"
            res.floor_usd = own * screen.scale
            res.update[screen.setting] = own
            res.passing = passing = _passing(ws, f"screen {name}: own threshold", source, screen, params,
                                             res.floor_usd)
    res.profile = chose
    if chose == "relative" and q_value is not None:
        floor = float(q_value)
        res.floor_usd = floor
        res.update[screen.setting] = floor / screen.scale
        res.passing = passing = _passing(ws, f"screen {name}: relative floor", source, screen, params, floor)
        res.notes.append(f"relative {screen.setting} = ${floor:,.2f} (quantile {quantile:g} of the rows' own "
                         f"dollar amounts)")
    if passing < MIN_PASSING_SHARE * n:
        med = "none has a dollar amount" if res.median_usd is None else f"median ${res.median_usd:,.2f}"
        res.warnings.append(
            f"{name}: its settings exclude {1 - passing / n:.1%} of its {n:,} rows: {passing:,} "
            f"({passing / n:.2%}) reach {screen.setting} = ${res.floor_usd or 0:,.2f} ({med}); lower "
            f"{screen.setting} or set profile: relative")
    return res


def _passing(ws: Workspace, label: str, source: str, screen: Screen, params: dict[str, Any], floor: float) -> int:
    """The rows in the detector's scope that reach ``floor`` (dollars)."""
    params["_screen_floor"] = floor
    return int(ws.backend.scalar(label, f"SELECT count(*) FROM ({source}) AS s WHERE ({screen.where}) AND amount > 0 "
                                        "AND usd >= $_screen_floor", params))


def _summed(ws: Workspace, name: str, screen: Screen, profile: str, regulatory: float, res: ScreenResult) -> ScreenResult:
    """The profile of a floor on rows added up (``Screen.summed``): the data's own threshold where
    the rows keep under one and the profile is auto or relative, else the floor as set; a warning
    where that floor stands off the rows' scale."""
    setting = str(screen.setting)
    what = f"{setting} of ${regulatory:,.2f} is a floor on {screen.summed} added up, not on one row"
    chose = "regulatory"
    if profile in ("auto", "relative") and screen.evaded:
        own, why = own_threshold(ws, name, screen, regulatory / screen.scale)
        res.notes.append(f"profile {profile}: {what}; {setting}: {why}")
        if own is not None:
            chose = "own threshold"
            res.floor_usd = own * screen.scale
            res.update[setting] = own
    elif profile == "relative":
        res.notes.append(f"profile relative does not apply: {what}")
    else:
        res.notes.append(f"profile {profile}: {what}")
    median = res.median_usd
    if chose == "regulatory" and median is not None and median > 0 and regulatory > OFF_SCALE * median:
        res.warnings.append(
            f"{name}: {setting} = ${regulatory:,.2f} stands {regulatory / median:,.0f} times above the median "
            f"${median:,.2f} of its {res.rows:,} rows, and the rows keep under no threshold of their own: the data "
            f"may be in another unit; set {setting} in its unit")
    res.profile = chose
    return res
