"""One-round cycles: money that goes round once and comes back, judged on the strength of the
rest of its evidence; time order by default, coarse timestamps as an option."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, model_validator

from tenaza.detect.base import Detector, register
from tenaza.detect.pace import TimedConfig
from tenaza.detect.scoring import Feature, Score
from tenaza.detect.sql import account_subjects, rid, saturate
from tenaza.pillars.cash.transactions.relative import RelativeConfig, edges_cte


class RoundCycleConfig(RelativeConfig, TimedConfig):
    min_hops: int = Field(3, ge=2, description="Fewest transfers in a cycle; two-hop round trips are mostly refunds "
                                               "and loan repayments.")
    max_hops: int = Field(6, ge=2, le=8, description="Most transfers in a cycle (one join per hop).")
    time_order: Literal["respect", "coarse"] = Field(
        "respect",
        description="respect: each hop after the previous one and within max_gap_days of it. coarse: for data "
                    "whose timestamps are dates or were shuffled (a simulator's steps, a monthly extract), the "
                    "hops may come in any order, all within max_span_days of the first.")
    max_gap_days: float = Field(7, gt=0, description="Longest wait between one hop and the next (time_order "
                                                     "respect).")
    max_span_days: float = Field(30, gt=0, description="Longest time the hops of one cycle may spread over.")
    min_hop_ratio: float = Field(0.7, gt=0, le=1,
                                 description="Each hop carries at least this share of the previous one.")
    max_hop_ratio: float = Field(1.15, ge=1,
                                 description="Each hop carries at most this multiple of the previous one: room for "
                                             "exchange-rate moves and rounding when a cycle crosses currencies.")
    max_degree: int = Field(30, ge=2, description="Accounts with more distinct counterparties than this are not "
                                                  "followed: among busy businesses a chain of payments closes by "
                                                  "chance.")
    min_score: float = Field(0.6, ge=0, le=1,
                             description="A cycle that went round once is reported when its evidence (amounts kept, "
                                         "speed, size against the data's amounts) scores at least this; cycles the "
                                         "same accounts ran twice or more always are.")

    min_amount_variation: float = Field(
        0.05, ge=0,
        description="Accounts that went round more than once must vary the sum (coefficient of variation of the "
                    "amounts their rounds start with, at least this): a group's cash pooling sweeps the same sum "
                    "round every week, however strong each round looks.")

    skip_found_by_cycles: bool = Field(
        True,
        description="Leave out rings (the same set of accounts) the cycles detector already alerted in the "
                    "workspace: one alert per ring. tenaza detect runs cycles first; run both together (--pillar "
                    "cash does) so that a ring is never alerted twice.")

    @model_validator(mode="after")
    def _hops_in_order(self) -> RoundCycleConfig:
        if self.max_hops < self.min_hops:
            raise ValueError("max_hops must be at least min_hops")
        return self


@register
class RoundCycles(Detector[RoundCycleConfig]):
    """One-round cycles: funds that leave an account and come back to it through a chain of
    other accounts, reported after a single round when the rest of the evidence is strong.

    Round-tripping (FATF trade-based and professional money laundering reports; the cycle
    pattern of the IBM AML and AMLSim benchmarks) sends money out through front companies and
    back, often once. The ``cycles`` detector asks for two rounds over the reporting threshold,
    which a one-off scheme or a simulator's planted cycle never gives. Here a cycle is a chain
    of transfers A to B to ... to A through accounts that never repeat, each hop carrying between
    ``min_hop_ratio`` and ``max_hop_ratio`` of the previous one (amounts compared in dollars at
    each date's rate, so a cycle across currencies may grow or shrink a little), over transfers
    above the floor (a percentile of the data's own amounts), through accounts with at most
    ``max_degree`` counterparties. By default the hops must come in time order within
    ``max_gap_days`` of each other; ``time_order: coarse`` accepts any order within
    ``max_span_days``, for data whose timestamps are coarse. One round is enough when its
    evidence scores at least ``min_score``: how much of the amount each hop kept (the geometric
    mean, against the ``min_hop_ratio`` allowed), how fast against
    the span allowed, and how large the amounts are against the data's (their percentile).
    Accounts that went round several times with the same sum are a group's cash pooling and
    are not reported (``min_amount_variation``). Look-alikes: intercompany settlements, a loan
    paid out and repaid through a broker; a customer file tells most of them.

    Both this detector and ``cycles`` report typology ``cycle``. A ring (a set of accounts)
    ``cycles`` has already alerted is left out here (``skip_found_by_cycles``), so that each ring
    has one alert: the repeated-rounds rule's where it holds, this one's otherwise.
    """

    NAME = "cycles_round"
    SCORE = Score(features=(
        Feature("kept", 0.4, "How much of the amount each hop kept (geometric mean), from min_hop_ratio (0) to all of it (1)."),
        Feature("speed", 0.3, "How fast the money came back, against the span allowed (1: at once)."),
        Feature("amount", 0.3, "Percentile of the cycle's amounts among the data's own amounts."),
        Feature("more_rounds", 0.3, "Rounds beyond the first, as n / (n + 1): half at 2 rounds. A single round is "
                "reported only when the other three reach min_score."),
    ))
    PILLAR = "cash"
    TYPOLOGIES = ("cycle",)
    CONFIG = RoundCycleConfig
    TIME_WINDOWS = ("max_gap_days", "max_span_days")
    NEEDS = ("transactions",)

    def findings(self, params: dict[str, Any]) -> str:
        c, d = self.config, self.dialect
        assert isinstance(c, RoundCycleConfig)
        params.update(rc_min_hops=c.min_hops, rc_lo=c.min_hop_ratio, rc_hi=c.max_hop_ratio, rc_deg=c.max_degree,
                      rc_min_score=c.min_score, rc_order=c.time_order,
                      rc_min_var=c.min_amount_variation, rc_span_s=c.max_span_days * 86400,
                      rc_skip_known=c.skip_found_by_cycles)
        gap, span = d.interval_seconds(c.max_gap_days * 86400), d.interval_seconds(c.max_span_days * 86400)
        # the evidence of the rounds themselves: the score without the rounds' own feature
        assert self.SCORE is not None
        strength = self.SCORE.expr(d, {**c.weights, "more_rounds": 0.0})
        if c.time_order == "respect":
            when = f"f.ts >= p.tl AND f.ts <= p.tl + {gap} AND f.ts <= p.t0 + {span}"
        else:
            when = f"f.ts >= p.t0 - {span} AND f.ts <= p.t0 + {span}"
        steps = []
        for k in range(2, c.max_hops + 1):
            steps.append(f"""p{k} AS (
  SELECT p.origin, f.dst AS node, p.t0, greatest(p.tl, f.ts) AS tl, least(p.tmin, f.ts) AS tmin, p.a0, f.v AS al,
         {d.array_append('p.path', 'f.dst')} AS path, {d.array_append('p.ev', 'f.record_id')} AS ev,
         greatest(p.pr, f.pr) AS pr, p.unit
  FROM p{k - 1} AS p JOIN f ON f.src = p.node AND {when}
   AND f.v >= p.al * $rc_lo AND f.v <= p.al * $rc_hi AND f.record_id <> {d.array_last('p.ev')}
  WHERE p.node <> p.origin AND (f.dst = p.origin AND {k} >= $rc_min_hops OR NOT {d.array_contains('p.path', 'f.dst')})
)""")
        closed = "\nUNION ALL\n".join(f"SELECT * FROM p{k} WHERE node = origin" for k in range(2, c.max_hops + 1))
        speed = f"(1 - least(1.0, {d.seconds_between('tmin', 'tl')} / $rc_span_s))"
        n_ev, n_members, path = d.array_length("ev"), d.array_length("members"), d.array_join("first_path", "' > '")
        f = f"""SELECT src, dst, ts, v, pr, unit, {rid('e')} AS record_id FROM e
                   WHERE src IN (SELECT n FROM nodes) AND dst IN (SELECT n FROM nodes)"""
        return f"""
WITH {edges_cte(d, c, params, 'rc')},
deg AS (SELECT n, count(DISTINCT other) AS n_cp FROM (SELECT src AS n, dst AS other FROM e UNION ALL
                                                      SELECT dst, src FROM e) AS x GROUP BY n),
-- an account on a cycle both sends and receives, and is no busy business
nodes AS (SELECT n FROM deg WHERE n_cp <= $rc_deg AND n IN (SELECT src FROM e) AND n IN (SELECT dst FROM e)),
{d.cte('f', f, materialized=True)},
p1 AS (SELECT src AS origin, dst AS node, ts AS t0, ts AS tl, ts AS tmin, v AS a0, v AS al, {d.array('src', 'dst')} AS path,
              {d.array('record_id')} AS ev, pr, unit FROM f),
{",".join(steps)},
-- one row per cycle: a coarse cycle (or one of hops at the same time) is found from each of its
-- hops, and is read from its earliest start (then its first transfer's id); its span, greatest
-- percentile and unit are the same from every start
cyc AS (
  SELECT key, path, ev, a0, al, tmin, tl, pr, unit
  FROM (SELECT c.*, {d.array_sort('ev')} AS key,
               row_number() OVER (PARTITION BY {d.array_sort('ev')} ORDER BY t0, {d.array_element('ev', 1)}) AS _start
        FROM ({closed}) AS c) AS r
  WHERE _start = 1
),
scored AS (
  SELECT *, {d.array_sort(d.array_distinct('path'))} AS members,
         pow(least(al, a0) / greatest(al, a0), 1.0 / {n_ev}) AS kept, {speed} AS speed
  FROM cyc
),
g AS (
  SELECT members, count(*) AS rounds, {d.array_distinct(d.array_flatten(d.list_agg('ev')))} AS evidence,
         max_by(path, pr) AS first_path,
         max(a0) AS largest, avg(kept) AS kept, max(speed) AS speed, max(pr) AS pr, min(tmin) AS period_start,
         max(tl) AS period_end, any_value(unit) AS unit, max({n_ev}) AS hops,
         coalesce(stddev_pop(a0) / avg(a0), 0) AS variation
  FROM scored GROUP BY members
),
-- rings the cycles detector already alerted: one alert per ring
known AS (SELECT DISTINCT {d.array_sort('subjects')} AS subj FROM alerts
          WHERE $rc_skip_known AND detector = 'cycles' AND typology = 'cycle'),
feat AS (
  SELECT *, greatest(0.0, (kept - $rc_lo) / (1 - $rc_lo + 1e-9)) AS f_kept, speed AS f_speed, pr AS f_amount,
         {saturate('rounds - 1', '1')} AS f_more_rounds FROM g
  WHERE {d.array_sort(account_subjects(d, 'members'))} NOT IN (SELECT subj FROM known)
),
s AS (SELECT *, {strength} AS strength FROM feat)
SELECT 'cycle' AS typology, f_kept, f_speed, f_amount, f_more_rounds,
       {account_subjects(d, 'members')} AS subjects, evidence,
       {d.json_object(('rounds', 'rounds'), ('hops', 'hops'), ('accounts', n_members), ('largest', 'round(largest, 2)'), ('unit', 'unit'), ('kept_share', 'round(kept, 3)'), ('speed', 'round(speed, 3)'), ('amount_variation', 'round(variation, 3)'), ('amount_percentile', 'round(100 * pr, 1)'), ('evidence_strength', 'round(strength, 3)'), ('path', path), ('time_order', '$rc_order'))} AS figures,
       {d.format_text('Money went round {} accounts and back ({}), {} round(s), up to {} ({}) a time, {}% of it coming back; evidence strength {}: round-tripping.', n_members, path, 'rounds', 'round(largest, 2)', 'unit', 'CAST(round(kept * 100) AS INTEGER)', 'round(strength, 2)')} AS explanation,
       period_start, period_end
FROM s WHERE (rounds >= 2 OR strength >= $rc_min_score) AND (rounds = 1 OR variation >= $rc_min_var)
"""
