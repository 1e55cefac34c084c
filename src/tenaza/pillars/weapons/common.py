"""What the weapons detectors share: the link settings, Mexico as the recovery country, and
the SQL pieces that turn lists of sales and traces into alert subjects."""

from __future__ import annotations

from typing import Any

from tenaza.pillars.weapons.link import LinkConfig, link_ctes
from tenaza.store.dialect import DUCKDB, Dialect

# Countries of recovery counted as Mexico (ingest maps names to ISO alpha-3; raw files say MX).
MEXICO = ("MEX", "MX")
ATF_SHORT_TTC_DAYS = 3 * 365  # ATF: a time-to-crime under three years is an indicator of trafficking


def guns_cte(config: LinkConfig, params: dict[str, Any], d: Dialect = DUCKDB, *, per_audience: bool = False) -> str:
    """The link's CTEs plus ``mx``: linked guns recovered in Mexico (``per_audience``: see ``link_ctes``)."""
    params["mexico"] = list(MEXICO)
    return (link_ctes(config, params, d, per_audience=per_audience)
            + f",\nmx AS (SELECT * FROM guns WHERE {d.array_contains('$mexico', 'recovery_country')})")


def subjects(sales: str, traces: str, d: Dialect = DUCKDB) -> str:
    """An array of sale:ID and trace:ID subjects from two arrays of ids, without NULLs."""
    s = d.array_transform(d.array_filter(sales, "x", "x IS NOT NULL"), "x", "'sale:' || x")
    t = d.array_transform(d.array_filter(traces, "x", "x IS NOT NULL"), "x", "'trace:' || x")
    return d.array_distinct(d.array_concat(s, t))


def no_nulls(expr: str, d: Dialect = DUCKDB) -> str:
    return d.array_distinct(d.array_filter(expr, "x", "x IS NOT NULL"))


def saturate(x: str, half: str) -> str:
    return f"(CAST({x} AS DOUBLE) / (CAST({x} AS DOUBLE) + CAST({half} AS DOUBLE)))"
