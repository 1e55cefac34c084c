"""Cycles: money that comes back to where it started, hop by hop in time order."""

from __future__ import annotations

from typing import Any

from pydantic import Field, model_validator

from tenaza.detect.base import Detector, register
from tenaza.detect.pace import TimedConfig
from tenaza.detect.scoring import Feature, Score
from tenaza.detect.screen import Screen
from tenaza.pillars.cash.transactions.common import (
    CTR_THRESHOLD_USD,
    TRANSFERS,
    CashConfig,
    account_subjects,
    bind_list,
    days,
    rid,
    saturate,
    txn_cte,
)


class CycleConfig(CashConfig, TimedConfig):
    min_hops: int = Field(3, ge=2, description="Fewest transfers in a cycle. Two-hop round trips (A to B and back) "
                                               "are mostly refunds and loan repayments, so they are left out by "
                                               "default.")
    max_hops: int = Field(5, ge=2, le=8, description="Most transfers in a cycle (k). Each hop is one join; the cost "
                                                     "grows with k.")
    min_amount_usd: float = Field(CTR_THRESHOLD_USD, ge=0,
                                  description="Smallest transfer that can be a hop; the default is the $10,000 "
                                              "reporting threshold.")
    max_gap_days: float = Field(7, gt=0, description="Longest wait between one hop and the next.")
    max_span_days: float = Field(30, gt=0, description="Longest time from the first hop to the return.")
    min_hop_ratio: float = Field(0.8, gt=0, le=1,
                                 description="Each hop carries at least this share of the previous one: fees and "
                                             "skims take a little, not most.")
    max_hop_ratio: float = Field(1.05, ge=1,
                                 description="Each hop carries at most this multiple of the previous one (room for "
                                             "rounding and exchange-rate noise).")
    min_cycles: int = Field(2, ge=1, description="Cycles the same accounts must run: among busy trading companies "
                                                 "one round trip can be a coincidence of ordinary payments; "
                                                 "round-tripping is a scheme used again and again.")
    min_amount_variation: float = Field(0.05, ge=0,
                                        description="Coefficient of variation of the amounts the cycles of one set "
                                                    "of accounts start with, at least: a group's cash pooling sweeps "
                                                    "the same sum round every month; round-tripping moves whatever "
                                                    "there is to move.")
    channels: list[str] = Field(list(TRANSFERS), description="Channels of the transfers that can be hops.")

    @model_validator(mode="after")
    def _hops_in_order(self) -> CycleConfig:
        if self.max_hops < self.min_hops:
            raise ValueError("max_hops must be at least min_hops")
        return self


@register
class Cycles(Detector[CycleConfig]):
    """Cycles: funds that return to the account they left through up to k hops, in time order.

    Round-tripping moves money through a chain of accounts, often front companies on both sides
    of the border and in a third country, and back to where it started, so that it comes home
    looking like trade income or investment. A cycle here is a chain of transfers A to B to ...
    back to A, each hop after the previous one and within a few days of it, each carrying about
    what the previous one carried (between the decay bounds), all within a month. It is found
    with one join per hop over the transfers of at least the reporting threshold, restricted
    at every step to accounts that both send and receive such transfers. One alert per set of
    accounts gathers every cycle they ran, when they ran at least two and not always the same
    sum (that is a group's cash pooling); the score grows with the number of cycles.
    """

    NAME = "cycles"
    SCORE = Score(base=0.6, features=(
        Feature("more_cycles", 0.4, "Cycles beyond the first, as n / (n + 2): half at 3 cycles."),
    ), gates=(
        Feature("retained", 1.0, "Share of the amount each cycle brought back, against the lower decay bound "
                "(1 from that bound up)."),
    ))
    PILLAR = "cash"
    TYPOLOGIES = ("cycle",)
    CONFIG = CycleConfig
    TIME_WINDOWS = ("max_gap_days", "max_span_days")
    NEEDS = ("transactions",)

    def screen(self) -> Screen:
        c = self.config
        assert isinstance(c, CycleConfig)
        return Screen("from_account IS NOT NULL AND to_account IS NOT NULL AND from_account <> to_account "
                      f"AND {self.dialect.array_contains('$cycle_channels', 'channel')}", "min_amount_usd",
                      {"cycle_channels": list(c.channels)})

    def findings(self, params: dict[str, Any]) -> str:
        c, d = self.config, self.dialect
        assert isinstance(c, CycleConfig)
        params.update(min_hops=c.min_hops, min_cycles=c.min_cycles, min_variation=c.min_amount_variation, min_amount=c.min_amount_usd, gap=c.max_gap_days, span=c.max_span_days,
                      lo=c.min_hop_ratio, hi=c.max_hop_ratio)
        channels = bind_list(params, "cycle_channels", c.channels)
        t = txn_cte(d, c, params, where="from_account IS NOT NULL AND to_account IS NOT NULL "
                                     "AND from_account <> to_account")
        gap, span = days(d, c.max_gap_days), days(d, c.max_span_days)
        steps = []
        for k in range(2, c.max_hops + 1):
            # a path keeps going only while it has not come home; it may close on its origin
            # once it has min_hops hops, and never revisits any other account. A path that has
            # come home is carried on unchanged (the left join finds it no hop), so that the last
            # step holds every cycle and each step reads the one before it once: an engine that
            # plans a step once per reader (Spark) plans k steps, not k * k.
            ext = "e.src IS NOT NULL"
            steps.append(f"""p{k} AS (
  SELECT p.origin, CASE WHEN {ext} THEN e.dst ELSE p.node END AS node, p.t0,
         CASE WHEN {ext} THEN e.ts ELSE p.tl END AS tl, p.a0, CASE WHEN {ext} THEN e.usd ELSE p.al END AS al,
         CASE WHEN {ext} THEN {d.array_append('p.path', 'e.dst')} ELSE p.path END AS path,
         CASE WHEN {ext} THEN {d.array_append('p.ev', rid('e'))} ELSE p.ev END AS ev
  FROM p{k - 1} AS p LEFT JOIN e ON e.src = p.node AND p.node <> p.origin
   AND e.ts > p.tl AND e.ts <= p.tl + {gap} AND e.ts <= p.t0 + {span}
   AND e.usd >= p.al * $lo AND e.usd <= p.al * $hi
   AND (e.dst = p.origin AND {k} >= $min_hops OR NOT {d.array_contains('p.path', 'e.dst')})
  WHERE {ext} OR p.node = p.origin
)""")
        n_members, path = d.array_length("members"), d.array_join("first_path", "' > '")
        return f"""
WITH {t},
e0 AS (SELECT from_account AS src, to_account AS dst, ts, usd, ingest_id, source_row FROM t
       WHERE usd >= $min_amount AND {d.array_contains(channels, 'channel')}),
-- an account on a cycle both sends and receives; two rounds of pruning drop most dead ends
n0 AS (SELECT src AS n FROM e0 INTERSECT SELECT dst FROM e0),
e1 AS (SELECT * FROM e0 WHERE src IN (SELECT n FROM n0) AND dst IN (SELECT n FROM n0)),
n1 AS (SELECT src AS n FROM e1 INTERSECT SELECT dst FROM e1),
{d.cte('e', "SELECT * FROM e1 WHERE src IN (SELECT n FROM n1) AND dst IN (SELECT n FROM n1)", materialized=True)},
p1 AS (SELECT src AS origin, dst AS node, ts AS t0, ts AS tl, usd AS a0, usd AS al, {d.array('src', 'dst')} AS path,
              {d.array(rid('e'))} AS ev FROM e),
{",".join(steps)},
closed AS (
  SELECT {d.array_sort(d.array_distinct('path'))} AS members, path, ev, t0, tl, a0, al FROM p{c.max_hops} WHERE node = origin
),
g AS (
  SELECT members, count(DISTINCT {d.array_sort('ev')}) AS n_cycles,
         {d.array_distinct(d.array_flatten(d.list_agg('ev')))} AS evidence,
         min_by(path, t0) AS first_path, max(a0) AS largest, avg(al / a0) AS retained,
         max({d.array_length('path')} - 1) AS hops, min(t0) AS period_start, max(tl) AS period_end
  FROM closed GROUP BY members
  HAVING count(DISTINCT {d.array_sort('ev')}) >= $min_cycles
     AND coalesce(stddev_pop(a0) / avg(a0), 0) >= CASE WHEN count(DISTINCT {d.array_sort('ev')}) > 1 THEN $min_variation
                                                      ELSE 0 END
)
SELECT 'cycle' AS typology,
       least(1.0, retained / $lo) AS f_retained, {saturate('n_cycles - 1', '2')} AS f_more_cycles,
       {account_subjects(d, 'members')} AS subjects, evidence,
       {d.json_object(('cycles', 'n_cycles'), ('hops', 'hops'), ('accounts', n_members), ('largest_usd', 'round(largest, 2)'), ('retained_share', 'round(retained, 3)'), ('path', path), ('max_gap_days', '$gap'), ('max_span_days', '$span'))} AS figures,
       {d.format_text('Money went round {} accounts and back {} times (for example {}), up to {} a time, keeping {}% of the amount: round-tripping.', n_members, 'n_cycles', path, d.money('largest'), 'CAST(round(retained * 100) AS INTEGER)')} AS explanation,
       period_start, period_end
FROM g
"""
