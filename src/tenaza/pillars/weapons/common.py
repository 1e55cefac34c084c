"""What the weapons detectors share: the link settings, Mexico as the recovery country, and
the SQL pieces that turn lists of sales and traces into alert subjects."""

from __future__ import annotations

from typing import Any

from tenaza.pillars.weapons.link import LinkConfig, link_ctes

# Countries of recovery counted as Mexico (ingest maps names to ISO alpha-3; raw files say MX).
MEXICO = ("MEX", "MX")
ATF_SHORT_TTC_DAYS = 3 * 365  # ATF: a time-to-crime under three years is an indicator of trafficking


def guns_cte(config: LinkConfig, params: dict[str, Any]) -> str:
    """The link's CTEs plus ``mx``: linked guns recovered in Mexico."""
    params["mexico"] = list(MEXICO)
    return link_ctes(config, params) + ",\nmx AS (SELECT * FROM guns WHERE list_contains($mexico, recovery_country))"


def subjects(sales: str, traces: str) -> str:
    """A VARCHAR[] of sale:ID and trace:ID subjects from two lists of ids, without NULLs."""
    return (f"list_distinct(list_transform(list_filter({sales}, lambda x: x IS NOT NULL), lambda x: 'sale:' || x) "
            f"|| list_transform(list_filter({traces}, lambda x: x IS NOT NULL), lambda x: 'trace:' || x))")


def no_nulls(expr: str) -> str:
    return f"list_distinct(list_filter({expr}, lambda x: x IS NOT NULL))"


def saturate(x: str, half: str) -> str:
    return f"(CAST({x} AS DOUBLE) / (CAST({x} AS DOUBLE) + CAST({half} AS DOUBLE)))"
