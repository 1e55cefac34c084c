"""The data's own time scale, and the time windows a detector uses on it.

A detector's time windows (money sent on "within days", hops "within a week", cash "within a
month") are written in calendar days, for accounts that move money at the pace of a bank's
transfer book. Data whose clock runs at another pace (a simulator's steps, a world stretched
over years or squeezed into days) holds the same patterns at another speed, and a fixed window
then sees none of them. As amounts have a regulatory and a relative profile (tenaza.detect.screen),
windows have two:

- ``absolute``: the windows as set, in calendar days;
- ``relative``: every window times the data's pace, ``typical gap / PACE_REF_DAYS``, where the
  typical gap is the median over accounts (with at least ``MIN_MOVEMENTS`` movements, sent or
  received) of each account's median time between its consecutive movements. The windows then
  mean "as fast against the account's usual pace as the set days are against a transfer book's";
- ``auto`` (the default): absolute unless the data is more than ``PACE_OFF`` times slower or
  faster than the pace the windows are written for, then relative. Slower data breaks a
  window by missing: a pattern stretched past it is not seen. Faster data breaks it by
  coincidence: where accounts move money every few hours, a window of days holds dozens of
  any busy account's ordinary payments, and chains of them come back round or empty an
  account by chance (on a year of trade squeezed into ten days, 10 of the 16 cycles alerted at
  fixed windows ran through busy trading companies with 40 to 265 counterparties, each round
  within the 7-day hop window by chance; none was left at the data's pace).

Faster is judged on a second figure as well, the *spread gap*: the data's span over an
account's number of movements (median over every account that moves money at all). A short
extract hides slow accounts from the typical gap, which counts only accounts with three
movements, and those have gaps of at most half the span: on any extract of ten days the
typical gap is a few days at most, however slowly its accounts move. An account seen once in
ten days has a spread gap of ten days, so the spread gap does not make slow data look fast.
Windows shrink only where both figures are more than ``PACE_OFF`` times below the reference,
by the larger of the two.

A shrunk window never goes below the finest that timestamps can be trusted to order:
``MIN_WINDOW_DAYS`` (one day) for a window in fractional days, since many sources carry a
date and no time, and the same calendar day for a whole-day window (which counts calendar
days already). A window set below that floor stays as set.

The runner measures the pace once per run, applies it to the config fields a detector names in
``TIME_WINDOWS`` and prints the choice, the pace and each window used. Too few active accounts
to measure a pace keep the windows as set, and say so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field

from tenaza.detect.base import DetectorConfig

if TYPE_CHECKING:
    from tenaza.store.workspace import Workspace

# The pace the windows in days are written for: an account of a transfer book (wires, ACH,
# cash, checks; no card payments) moves money about every ten days, a few times a month.
PACE_REF_DAYS = 10.0
# auto goes relative where the data's typical gap is more than this many times the reference.
PACE_OFF = 2.0
# An account's gaps say something about its pace from this many movements (two gaps).
MIN_MOVEMENTS = 3
# Accounts with MIN_MOVEMENTS a pace is measured over, at least: a handful of accounts is no pace.
MIN_ACCOUNTS = 20

# A window shrunk to faster data keeps at least this many days (fractional-day windows; whole-day
# windows keep the same calendar day): many sources date their rows without a time of day, and
# a shorter window would order hops that the data cannot order.
MIN_WINDOW_DAYS = 1.0

TimeProfile = Literal["auto", "absolute", "relative"]


class TimedConfig(DetectorConfig):
    """Settings of a detector with time windows in days (its ``TIME_WINDOWS``)."""

    time_profile: TimeProfile = Field(
        "auto",
        description="Which time windows the detector uses: 'absolute' (its day settings as they are), 'relative' "
                    "(each of them times the data's pace: the accounts' typical gap between consecutive movements "
                    f"over the {PACE_REF_DAYS:g} days of a transfer book's account; a window shrunk to faster data "
                    f"keeps at least {MIN_WINDOW_DAYS:g} day, or the same calendar day where it counts whole days) or "
                    f"'auto': absolute unless the data is more than {PACE_OFF:g} times slower or faster than that, "
                    "then relative. tenaza detect prints the choice, the pace and the windows used.")


@dataclass
class Pace:
    """The workspace's typical gap between an account's consecutive movements, in days."""

    gap_days: float | None
    accounts: int  # accounts with MIN_MOVEMENTS movements, the gap is the median of theirs
    # the data's span over an account's movements, median over every account that moves money:
    # not biased fast by a short extract (see the module docstring); None where not measured
    spread_days: float | None = None

    @property
    def factor(self) -> float | None:
        return None if self.gap_days is None else self.gap_days / PACE_REF_DAYS

    @property
    def fast_factor(self) -> float | None:
        """The factor windows shrink by: the larger of the typical and the spread gap over the reference."""
        if self.gap_days is None:
            return None
        return max(self.gap_days, self.spread_days if self.spread_days is not None else self.gap_days) / PACE_REF_DAYS

    def describe(self) -> str:
        if self.gap_days is None:
            return (f"too few accounts to measure a pace ({self.accounts:,} with {MIN_MOVEMENTS} movements or more, "
                    f"{MIN_ACCOUNTS} needed)")
        return (f"accounts move money every {_days(self.gap_days)} (median over {self.accounts:,} accounts of the "
                f"gap between consecutive movements), {_times(self.gap_days / PACE_REF_DAYS)} the "
                f"{PACE_REF_DAYS:g} days the windows are written for")


@dataclass
class WindowChoice:
    profile: str  # absolute or relative, the one in force
    update: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def _days(x: float) -> str:
    return f"{x:,.1f} days" if x >= 1 else f"{x * 24:,.1f} hours"


def _times(f: float) -> str:
    return f"{f:,.2f} times" if f >= 1 else f"1/{1 / f:,.0f} of" if f > 0 else "0 times"


def measure_pace(ws: Workspace) -> Pace:
    b = ws.backend
    d = b.dialect
    row = b.fetch("pace: gaps between an account's movements", f"""
WITH m AS (SELECT from_account AS account, ts FROM transactions WHERE from_account IS NOT NULL AND ts IS NOT NULL
           UNION ALL
           SELECT to_account, ts FROM transactions WHERE to_account IS NOT NULL AND ts IS NOT NULL),
g AS (SELECT account, ({d.epoch_seconds('ts')} - {d.epoch_seconds('lag(ts) OVER (PARTITION BY account ORDER BY ts)')})
                      / 86400.0 AS gap FROM m),
per AS (SELECT account, {d.quantile_cont('gap', '0.5')} AS gap FROM g WHERE gap IS NOT NULL
        GROUP BY account HAVING count(*) >= {MIN_MOVEMENTS - 1}),
span AS (SELECT ({d.epoch_seconds('max(ts)')} - {d.epoch_seconds('min(ts)')}) / 86400.0 AS days FROM m),
spread AS (SELECT {d.quantile_cont('s.days / c.n', '0.5')} AS gap
           FROM (SELECT account, count(*) AS n FROM m GROUP BY account) AS c CROSS JOIN span AS s)
SELECT count(*), {d.quantile_cont('gap', '0.5')}, (SELECT gap FROM spread) FROM per""")[0]
    n, gap, spread = int(row[0]), row[1], row[2]
    if n < MIN_ACCOUNTS or gap is None:
        return Pace(None, n)
    return Pace(float(gap), n, None if spread is None else float(spread))


def choose(pace: Pace, config: Any, windows: tuple[str, ...], *, shrink: bool = True) -> WindowChoice:
    """The windows ``config`` (a TimedConfig) runs with on data of ``pace``, and what to print.
    ``shrink`` False (a detector's SHRINK_WINDOWS) keeps them on faster data, in every profile."""
    profile = str(getattr(config, "time_profile", "absolute"))
    factor = pace.factor
    if factor is None:
        out = WindowChoice("absolute")
        out.notes.append(f"time_profile {profile} -> absolute: {pace.describe()}; windows as set")
        return out
    why = pace.describe()
    fast = pace.fast_factor if factor < 1 else None
    if fast is not None:
        # faster data shrinks the windows by the larger gap, and never widens them
        factor = min(fast, 1.0) if shrink else 1.0
        if pace.spread_days is not None:
            why += (f"; spread over the data's span, an account moves every {_days(pace.spread_days)} (median over "
                    f"every account that moves money)")
    if profile == "auto":
        chose = "relative" if factor > PACE_OFF or factor < 1 / PACE_OFF else "absolute"
        if fast is not None and not shrink and fast < 1 / PACE_OFF:
            why += "; windows kept (this detector's windows do not shrink on faster data)"
        if fast is not None and chose == "relative":
            why += (f"; windows shrunk to {_times(factor)} their set days (at fixed windows a busy account's "
                    "ordinary payments fill them and chain by chance)")
        head = f"time_profile auto -> {chose}: {why}"
    else:
        chose = profile
        head = f"time_profile {profile}: {why}"
    out = WindowChoice(chose)
    if chose == "relative":
        parts = []
        for name in windows:
            set_to = getattr(config, name)
            if set_to is None:
                continue
            scaled = set_to * factor
            if type(config).model_fields[name].annotation is int:  # whole days stay whole (calendar days counted)
                out.update[name] = round(scaled)
                parts.append(f"{name} {set_to} -> {round(scaled)} days"
                             + (" (the same calendar day)" if round(scaled) == 0 < set_to else ""))
            else:
                floored = factor < 1 and scaled < min(set_to, MIN_WINDOW_DAYS)
                if floored:
                    scaled = min(set_to, MIN_WINDOW_DAYS)
                out.update[name] = scaled
                parts.append(f"{name} {set_to:g} -> {scaled:.3g} days" + (" (the floor)" if floored else ""))
        head += "; " + ", ".join(parts)
    else:
        head += "; " + ", ".join(f"{n} {getattr(config, n):g} days" for n in windows if getattr(config, n) is not None)
    out.notes.append(head)
    return out
