"""What a transaction detector's settings let through, measured before it runs.

A detector that reads amounts declares a ``Screen``: the rows it reads and the setting that
holds its amount floor. The runner measures them on the workspace (rows, rows without a dollar
amount, the share that reaches the floor, the median) and from the figures:

- chooses the threshold profile where the detector's config says ``auto``: the regulatory
  floor, unless it lets through fewer than ``MIN_PASSING_SHARE`` of the rows, then the relative
  one (a quantile of the same rows' own dollar amounts);
- warns when the floor in force still excludes nearly every row, naming the setting;
- says how many rows the detector could not judge because they have no dollar amount.

A detector that finds nothing then says why, instead of a silent zero.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from tenaza.detect.sql import usd_source

if TYPE_CHECKING:
    from tenaza.store.workspace import Workspace

log = logging.getLogger("tenaza")

# Below this share of rows reaching the floor the settings exclude "nearly every row" (> 99 %).
MIN_PASSING_SHARE = 0.01


@dataclass(frozen=True)
class Screen:
    """The rows a detector reads and the one amount floor that decides which of them count.

    ``where`` is trusted SQL over the transactions' columns (no user text), with its bound values
    in ``params``. ``setting`` is the CONFIG field holding the floor in dollars, None where the
    detector has no per-row amount floor. ``scale`` multiplies the setting into the floor a row
    must reach (structuring sees deposits from 80 % of its threshold). ``relative`` is False
    where the typology is defined by the legal threshold itself (structuring evades the CTR)."""

    where: str
    setting: str | None
    params: dict[str, Any] = field(default_factory=dict)
    scale: float = 1.0
    relative: bool = True


@runtime_checkable
class Screened(Protocol):
    def screen(self) -> Screen: ...


@dataclass
class ScreenResult:
    rows: int
    unjudged: int
    by_currency: dict[str, int]
    passing: int
    median_usd: float | None
    profile: str
    floor_usd: float | None
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    update: dict[str, float] = field(default_factory=dict)  # config changes the profile makes


def _stats_sql(dialect_name: str, source: str, where: str) -> str:
    if dialect_name == "spark":
        med, q = "percentile(usd, 0.5)", "percentile(usd, $_screen_q)"
    else:
        med, q = "quantile_cont(usd, 0.5)", "quantile_cont(usd, $_screen_q)"
    return (f"SELECT count(*), count(*) FILTER (WHERE usd IS NULL), count(*) FILTER (WHERE usd >= $_screen_floor), "
            f"{med}, {q} FROM ({source}) AS s WHERE ({where}) AND amount > 0")


def measure(ws: Workspace, name: str, screen: Screen, config: Any) -> ScreenResult:
    """Figures of ``screen`` on ``ws`` and the profile they choose for ``config`` (a CashConfig)."""
    b = ws.backend
    d = b.dialect
    source = usd_source(d)
    profile = str(getattr(config, "profile", "regulatory"))
    quantile = float(getattr(config, "relative_quantile", 0.5))
    regulatory = float(getattr(config, screen.setting)) * screen.scale if screen.setting else 0.0
    params = {**screen.params, "_screen_floor": regulatory, "_screen_q": quantile}
    n, unjudged, passing, median, q_value = b.fetch(f"screen {name}", _stats_sql(d.name, source, screen.where),
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
    if unjudged:
        cur = ", ".join(f"{c} {k:,}" for c, k in list(by_currency.items())[:6])
        res.notes.append(f"{unjudged:,} of {n:,} rows ({unjudged / n:.1%}) not judged: no US-dollar rate ({cur}); "
                         f"load rates with `tenaza rates load --file RATES.csv`")
    if screen.setting is None:
        res.profile = "regulatory"
        return res
    chose = profile
    if profile == "auto":
        chose = "relative" if screen.relative and passing < MIN_PASSING_SHARE * n and q_value is not None \
            else "regulatory"
        what = (f"floor of ${regulatory:,.2f} ({screen.setting} x {screen.scale:g})" if screen.scale != 1
                else f"{screen.setting} of ${regulatory:,.2f}")
        res.notes.append(f"profile auto -> {chose}: {passing / n:.1%} of {n:,} rows reach the regulatory {what}")
    elif profile == "relative" and not screen.relative:
        chose = "regulatory"
        res.notes.append(f"profile relative does not apply: the typology is defined by {screen.setting} itself")
    res.profile = chose
    if chose == "relative" and q_value is not None:
        floor = float(q_value)
        res.floor_usd = floor
        res.update[screen.setting] = floor / screen.scale
        params["_screen_floor"] = floor
        res.passing = passing = int(b.scalar(
            f"screen {name}: relative floor",
            f"SELECT count(*) FROM ({source}) AS s WHERE ({screen.where}) AND amount > 0 AND usd >= $_screen_floor",
            params))
        res.notes.append(f"relative {screen.setting} = ${floor:,.2f} (quantile {quantile:g} of the rows' own "
                         f"dollar amounts)")
    if passing < MIN_PASSING_SHARE * n:
        med = "none has a dollar amount" if res.median_usd is None else f"median ${res.median_usd:,.2f}"
        res.warnings.append(
            f"{name}: its settings exclude {1 - passing / n:.1%} of its {n:,} rows: {passing:,} "
            f"({passing / n:.2%}) reach {screen.setting} = ${res.floor_usd or 0:,.2f} ({med}); lower "
            f"{screen.setting} or set profile: relative")
    return res
