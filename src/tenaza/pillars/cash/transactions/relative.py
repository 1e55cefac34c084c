"""Transfers with an amount to compare and a floor relative to the data, for the graph typologies
(bipartite, stack, layering paths, one-round cycles).

Amounts are compared in US dollars at the rate of each transfer's own date (``usd_join`` of
tenaza.money; a dollar amount the source gave wins). Where a releasability group of rows has no
dollar amount at all (no rates loaded, a single-currency extract in its own unit), the amount is
compared as it is: the typologies here judge amounts against each other, never against a dollar
figure, so one unit is as good as another. Rows of a currency without a rate in a group that
does have dollar amounts are left out, and the finding's figures say which unit was used.

The floor is a percentile of the group's own amounts (``amount_percentile``), not a fixed dollar
figure, so that a simulator whose every transfer is under $3,000 and a bank whose every wire is
over $10,000 are both screened. The percentile is taken per releasability group (the sorted
``releasable_to`` of the rows' files): a baseline that mixed groups would let rows a viewer may
not see move the alerts it does see. ``min_amount`` replaces it with an absolute floor (the
regulatory profile).
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from tenaza.detect.base import DetectorConfig
from tenaza.detect.sql import bind_list
from tenaza.money import usd_join
from tenaza.store.dialect import Dialect


class RelativeConfig(DetectorConfig):
    """Settings the graph-typology detectors share."""

    amount_percentile: float = Field(
        25, ge=0, lt=100,
        description="Transfers below this percentile of the amounts of their releasability group are not counted "
                    "(0 counts every transfer). Relative to the data, so it holds at any scale and currency.")
    min_amount: float | None = Field(
        None, ge=0,
        description="An absolute floor instead of the percentile, in US dollars (or in the source unit where no "
                    "row of the group has a dollar amount): the regulatory profile, e.g. 3000.")
    channels: list[str] | None = Field(
        None, description="Channels of the transfers counted; none (the default) counts every channel of transfers "
                          "between two accounts.")


def edges_cte(d: Dialect, config: RelativeConfig, params: dict[str, Any], prefix: str) -> str:
    """CTEs ending in ``e``: transfers between two distinct accounts at or above the floor, with
    src, dst, ts, v (the amount compared), pr (its percent rank in its group), unit, ingest_id,
    source_row and day (days since the epoch, fractional). ``pr`` ranks the amount among all
    of its group's, below the floor too."""
    where = "from_account IS NOT NULL AND to_account IS NOT NULL AND from_account <> to_account AND amount > 0"
    if config.channels is not None:
        where += f" AND {d.array_contains(bind_list(params, prefix + '_channels', config.channels), 'channel')}"
    params[prefix + "_pct"] = config.amount_percentile / 100.0
    params[prefix + "_abs"] = config.min_amount
    mark = d.array_join(d.array_sort("l.releasable_to"), "','")
    e = f"""  SELECT r.*, f.floor_v, {d.epoch_seconds('r.ts')} / 86400.0 AS day
  FROM ranked AS r JOIN floors AS f USING (mark) WHERE r.v >= f.floor_v"""
    return f"""tx AS (
  SELECT ingest_id, source_row, ts, from_account, to_account, amount, currency, amount_usd
  FROM transactions WHERE {where}
),
tu AS ({usd_join('tx')}),
tm AS (SELECT tu.*, {mark} AS mark FROM tu JOIN ingest_log AS l ON l.ingest_id = tu.ingest_id),
grp AS (SELECT mark, count(usd) > 0 AS in_usd FROM tm GROUP BY mark),
tv AS (
  SELECT tm.ingest_id, tm.source_row, tm.ts, tm.from_account AS src, tm.to_account AS dst, tm.mark,
         CASE WHEN g.in_usd THEN tm.usd ELSE CAST(tm.amount AS DOUBLE) END AS v,
         CASE WHEN g.in_usd THEN 'USD' ELSE 'source unit' END AS unit
  FROM tm JOIN grp AS g USING (mark)
),
ranked AS (SELECT tv.*, percent_rank() OVER (PARTITION BY tv.mark ORDER BY tv.v) AS pr FROM tv WHERE tv.v IS NOT NULL),
floors AS (
  SELECT mark, coalesce(${prefix}_abs, {d.quantile_cont('v', f'${prefix}_pct')}) AS floor_v FROM ranked GROUP BY mark
),
{d.cte('e', e, materialized=True)}"""
