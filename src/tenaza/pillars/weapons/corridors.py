"""Trafficking corridors: from the US state where a gun was sold to the Mexican state where it
was recovered, ready for a flow map (one row per pair, with counts and time-to-crime)."""

from __future__ import annotations

from typing import Any

from tenaza.pillars.weapons.link import LinkConfig
from tenaza.store.dialect import DUCKDB, Dialect
from tenaza.store.workspace import Workspace


def corridors_sql(config: LinkConfig | None = None, params: dict[str, Any] | None = None,
                  d: Dialect = DUCKDB) -> str:
    """SQL: source_state, recovery_state, guns, short_ttc (under three years), median_ttc_days, linked."""
    from tenaza.pillars.weapons.common import ATF_SHORT_TTC_DAYS, guns_cte

    params = params if params is not None else {}
    params["short_days"] = ATF_SHORT_TTC_DAYS
    return f"""WITH {guns_cte(config or LinkConfig(), params, d)}
SELECT coalesce(ffl_state, 'unknown') AS source_state, coalesce(recovery_state, 'unknown') AS recovery_state,
       count(*) AS guns, count(*) FILTER (WHERE ttc_days < $short_days) AS short_ttc,
       median(ttc_days) AS median_ttc_days, count(sale_id) AS linked
FROM mx GROUP BY 1, 2 ORDER BY guns DESC, source_state, recovery_state"""


def corridors(ws: Workspace, config: LinkConfig | None = None) -> list[tuple[Any, ...]]:
    params: dict[str, Any] = {}
    sql = corridors_sql(config, params, ws.backend.dialect)
    return [tuple(r) for r in ws.backend.fetch("weapons corridors", sql, params)]
