"""Series in and out of a workspace: checked, then loaded through ingest; read back one series at a time.

A file is checked as a whole before anything is stored. A month given twice or a state code that
does not exist stops the load (every problem reported, with its line); a gap is only a warning,
because public series do have holes, and evaluation refuses a window with one.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

from tenaza.errors import OutcomesError, Problem
from tenaza.outcomes.geo import state_codes
from tenaza.store import Workspace

log = logging.getLogger("tenaza")

ORIGINATOR = "PUBLIC"
RELEASABLE_TO = ("MEX", "USA")
KEY = ["indicator", "geo_level", "geo_code", "period_start", "period_end"]


def shipped_files() -> list[Path]:
    """The compact public series bundled with tenaza (see data/series/SOURCES.md)."""
    root = Path(str(resources.files("tenaza") / "data" / "series"))
    return sorted(root.glob("*.csv.gz"))


def shipped_not_loaded(ws: Workspace) -> list[Path]:
    """The shipped series files whose name no indicator row carries as its source: a workspace
    may hold other indicators (the sample's, a user's) and still lack the public series."""
    loaded = {r[0] for r in ws.backend.fetch("outcomes: loaded sources", "SELECT DISTINCT source FROM indicators")}
    return [p for p in shipped_files() if p.name not in loaded]


@dataclass
class SeriesCheck:
    path: str
    rows: int
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _monthly(start: pd.Series, end: pd.Series) -> pd.Series:
    return (start.dt.day == 1) & (end == start + pd.offsets.MonthEnd(0))


def check_frame(df: pd.DataFrame, path: str) -> SeriesCheck:
    """Collect every problem of a file in the indicator layout. Lines count the header as line 1."""
    check = SeriesCheck(path, len(df))
    line = pd.Series(range(2, len(df) + 2), index=df.index)
    start = pd.to_datetime(df["period_start"], errors="coerce")
    end = pd.to_datetime(df["period_end"], errors="coerce")
    for col, parsed in (("period_start", start), ("period_end", end)):
        for i in parsed.index[parsed.isna()]:
            check.problems.append(Problem(path, f"not a date: {df.at[i, col]!r} (expected YYYY-MM-DD)", int(line[i]),
                                          col))
    bad_order = start.notna() & end.notna() & (end < start)
    for i in df.index[bad_order]:
        check.problems.append(Problem(path, "period_end is before period_start", int(line[i]), "period_end"))
    states = df["geo_level"] == "state"
    codes = df["geo_code"].astype(str)
    valid = codes.map(lambda c: c in state_codes("MEX") or c in state_codes("USA"))
    for i in df.index[states & ~valid]:
        check.problems.append(Problem(path, f"unknown state code {codes[i]!r} (expected a US postal code or an "
                                            "INEGI key 01-32)", int(line[i]), "geo_code"))
    dup = df.assign(period_start=start, period_end=end).duplicated(KEY, keep="first")
    for i in df.index[dup]:
        check.problems.append(Problem(path, f"{df.at[i, 'indicator']} {codes[i]} {df.at[i, 'period_start']} given "
                                            "twice in this file", int(line[i]), "period_start"))
    monthly = start.notna() & end.notna() & _monthly(start, end)
    if monthly.any():
        m = df[monthly].assign(month=start[monthly].dt.to_period("M"))
        for (ind, geo), grp in m.groupby(["indicator", "geo_code"]):
            months = grp["month"].drop_duplicates().sort_values()
            span = (months.iloc[-1] - months.iloc[0]).n + 1
            missing = span - len(months)
            if missing:
                full = pd.period_range(months.iloc[0], months.iloc[-1], freq="M")
                first_gap = next(p for p in full if p not in set(months))
                check.warnings.append(f"{path}: {ind} {geo}: {missing} month(s) missing, the first {first_gap}")
    return check


def read_file(path: Path) -> pd.DataFrame:
    try:
        return pd.read_csv(path, dtype={"geo_code": str, "indicator": str, "geo_level": str}, keep_default_na=False,
                           na_values={"value": [""]})
    except (OSError, ValueError) as exc:
        raise OutcomesError([Problem(str(path), f"cannot read: {exc}")]) from exc


@dataclass
class LoadResult:
    path: str
    ingest_id: int | None
    rows: int
    already_loaded: bool
    warnings: list[str]


def load_series(ws: Workspace, paths: list[Path] | None = None) -> list[LoadResult]:
    """Check every file, then ingest each into ``indicators`` (public: releasable to USA and MEX).
    A file loaded before (same content) is not loaded twice."""
    from tenaza.ingest import ingest_file

    paths = paths if paths is not None else shipped_files()
    checks = [check_frame(read_file(p), str(p)) for p in paths]
    problems = [pr for c in checks for pr in c.problems]
    if problems:
        raise OutcomesError(problems)
    results = []
    for p, c in zip(paths, checks, strict=True):
        if c.warnings:  # one line per file; the full list is in the result
            log.warning("%s: %d series with missing months, e.g. %s", p.name, len(c.warnings),
                        c.warnings[0].split(": ", 1)[1])
        rep = ingest_file(ws, p, "indicators", originator=ORIGINATOR, releasable_to=list(RELEASABLE_TO))
        results.append(LoadResult(str(p), rep.ingest_id or rep.already_ingested_as, rep.rows_accepted,
                                  rep.already_ingested_as is not None, c.warnings))
    return results


@dataclass(frozen=True)
class Series:
    """One indicator at one place, as read: the latest load of each period wins (revisions)."""

    indicator: str
    geo_code: str
    unit: str
    publisher: str
    values: pd.Series  # indexed by period_end (Timestamp), float
    record_ids: list[str]

    @property
    def monthly(self) -> bool:
        idx = pd.DatetimeIndex(self.values.index)
        return len(idx) > 2 and bool(((idx[1:] - idx[:-1]).days <= 31).all())


# The latest row of each period (a later load of the same period wins): row_number in a subquery,
# which both engines read (Spark SQL has no QUALIFY).
_LATEST = """row_number() OVER (PARTITION BY indicator, geo_level, geo_code, period_start, period_end
                                ORDER BY ingest_id DESC, source_row DESC) AS _latest"""

_READ = f"""
SELECT period_start, period_end, value, unit, publisher, record_id FROM (
  SELECT period_start, period_end, CAST(value AS DOUBLE) AS value, unit, publisher, record_id, {_LATEST}
  FROM indicators
  WHERE indicator = $indicator AND geo_code = $geo AND value IS NOT NULL) AS i
WHERE _latest = 1
ORDER BY period_end, period_start
"""


def _months(start: date, end: date) -> int:
    """How many calendar months a period covers (a year is 12, a 2007-2011 total is 60)."""
    return (end.year - start.year) * 12 + end.month - start.month + 1


def _one_period_length(rows: list[tuple[Any, ...]], what: str, start: int = 0, end: int = 1) -> list[tuple[Any, ...]]:
    """The rows of the period length most rows have (the shortest where two tie): a series is one
    kind of period. Public tables mix them (ATF's yearly traces beside a 2007-2011 total ending on
    the same day), and a five-year total charted among years is a spike that never happened."""
    spans = [_months(r[start], r[end]) for r in rows]
    if len(set(spans)) <= 1:
        return rows
    counts = Counter(spans)
    keep = min(counts, key=lambda n: (-counts[n], n))
    left = [r for r, n in zip(rows, spans, strict=True) if n != keep]
    log.info("%s: %d value(s) cover another period than the series' %d month(s) (first: %s to %s) and are left "
             "out of it", what, len(left), keep, left[0][start], left[0][end])
    return [r for r, n in zip(rows, spans, strict=True) if n == keep]


def read_series(ws: Workspace, indicator: str, geo_code: str) -> Series:
    rows = ws.backend.fetch("read series", _READ, {"indicator": indicator, "geo": geo_code})
    if not rows:
        raise OutcomesError([Problem(str(ws.path), f"no values of {indicator} for {geo_code} in the workspace "
                                                   "(load them with `tenaza outcomes load`)", field="indicator")])
    rows = _one_period_length(rows, f"{indicator} {geo_code}")
    idx = pd.DatetimeIndex([pd.Timestamp(r[1]) for r in rows])
    values = pd.Series([float(r[2]) for r in rows], index=idx, name=indicator)
    return Series(indicator, geo_code, str(rows[-1][3] or ""), str(rows[-1][4] or ""), values,
                  [str(r[5]) for r in rows])


def available(ws: Workspace) -> list[tuple[str, str, str, int, date, date]]:
    """(indicator, geo_level, geo_code, values, first period_end, last period_end) of every series present."""
    rows = ws.backend.fetch("series available", "SELECT indicator, geo_level, geo_code, count(*), min(period_end), "
                            "max(period_end) FROM indicators GROUP BY ALL ORDER BY ALL")
    return [(str(a), str(b), str(c), int(d), e, f) for a, b, c, d, e, f in rows]


_WORKSPACE = {
    "alerts": ("alerts", "pillar", "coalesce(period_start, created_at)", "alerts", "alert_id"),
    "seizures": ("seizures", "kind", "date", "seizures", "record_id"),
    "inspections": ("crossings", "inspection", "ts", "inspections", "record_id"),
}


def workspace_series(ws: Workspace, name: str) -> Series:
    """A count by month computed from the workspace: ``workspace_alerts_<pillar>``,
    ``workspace_seizures_<kind>`` or ``workspace_inspections_<level>`` (crossings by their deepest
    inspection). It reads the tables as they are, so it follows ``tenaza analyze``."""
    parts = name.split("_", 2)
    if len(parts) != 3 or parts[0] != "workspace" or parts[1] not in _WORKSPACE:
        raise OutcomesError([Problem("framework", f"{name!r}: a workspace series is workspace_alerts_<pillar>, "
                                                  "workspace_seizures_<kind> or workspace_inspections_<level>", field="series")])
    table, column, when, unit, ident = _WORKSPACE[parts[1]]
    counted = ws.backend.dialect.list_agg(ident, order_by=ident)  # the ids of the rows counted
    sql = (f"SELECT date_trunc('month', CAST({when} AS DATE)) AS m, count(*), {counted} "
           f"FROM {table} WHERE {column} = $v AND {when} IS NOT NULL GROUP BY m ORDER BY m")
    rows = ws.backend.fetch(f"workspace series {name}", sql, {"v": parts[2]})
    idx = pd.DatetimeIndex([pd.Timestamp(r[0]) + pd.offsets.MonthEnd(0) for r in rows])
    values = pd.Series([float(r[1]) for r in rows], index=idx, name=name, dtype=float)
    ids = {when: ",".join(str(x) for x in r[2]) for when, r in zip(idx, rows, strict=True)}
    if len(values):
        full = pd.date_range(idx.min(), idx.max(), freq="ME")
        values = values.reindex(full, fill_value=0.0)  # a month without any is a zero, not a gap
    # one entry per period, as for public series: the ids of the rows counted that month
    return Series(name, "USA-MEX", unit, f"tenaza workspace {ws.path.name}: {table}", values,
                  [ids.get(when, "") for when in values.index])


def read_panel(ws: Workspace, indicator: str, geo_level: str = "state") -> pd.DataFrame:
    """Every place's series of one indicator side by side: one column per geo_code, one row per period_end."""
    rows = ws.backend.fetch("read panel", f"""
        SELECT geo_code, period_end, value, period_start FROM (
          SELECT geo_code, period_end, CAST(value AS DOUBLE) AS value, period_start, {_LATEST} FROM indicators
          WHERE indicator = $indicator AND geo_level = $level AND value IS NOT NULL) AS i
        WHERE _latest = 1
        ORDER BY geo_code, period_end, period_start""",
        {"indicator": indicator, "level": geo_level})
    if not rows:
        raise OutcomesError([Problem(str(ws.path), f"no {geo_level} values of {indicator} in the workspace",
                                     field="indicator")])
    rows = [r[:3] for r in _one_period_length(rows, f"{indicator} by {geo_level}", start=3, end=1)]
    df = pd.DataFrame(rows, columns=["geo", "t", "y"])
    df["t"] = pd.to_datetime(df["t"])
    return df.pivot(index="t", columns="geo", values="y").sort_index()
