"""Bipartite and stack: a set of senders paying a set of receivers, and layers of them."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from tenaza.detect.base import Detector, register
from tenaza.detect.scoring import Feature, Score
from tenaza.detect.sql import account_subjects, rid, saturate
from tenaza.pillars.cash.transactions.relative import RelativeConfig, edges_cte


class BipartiteConfig(RelativeConfig):
    window_days: float = Field(10, gt=0, description="Length of the time windows a block is looked for in. Windows "
                                                     "overlap by half, so a block is never cut in two.")
    min_side: int = Field(3, ge=2, description="Fewest senders and fewest receivers of a block.")
    min_density: float = Field(0.6, gt=0, le=1,
                               description="Share of the block's receivers each sender pays, and share of the "
                                           "anchor receiver's senders another receiver shares, at least.")
    max_degree: int = Field(25, ge=2,
                            description="Accounts with more counterparties than this in one window (above the "
                                        "floor) are not members: a shop and its customers, an employer and its "
                                        "staff are stars, not blocks of nominees.")
    min_closure: float = Field(0.5, ge=0, le=1,
                               description="Share of the block's members' counterparties in the window that are in "
                                           "the block, at least, on each side: nominees exist for the scheme, a "
                                           "shop's customers who also pay the utility are a few of its many payers.")
    min_stack_overlap: float = Field(0.6, gt=0, le=1,
                                     description="Stack: share of the first block's receivers that are the second "
                                                 "block's senders.")


@register
class Bipartite(Detector[BipartiteConfig]):
    """Bipartite and stack: a set of senders that each pay most of one set of receivers.

    FATF's professional money-laundering report and the IBM AML (AMLworld) pattern set describe
    placement through nominees: several accounts, each controlled by the same organisation, pay
    the same handful of accounts within days, so that no one account looks like a hub. In the
    transfer graph that is a dense bipartite block: at least ``min_side`` senders and
    ``min_side`` receivers, each sender paying at least ``min_density`` of the receivers. A
    stack is layering through two such blocks: the receivers of one block pay on as the senders
    of a second block within a window, so money crosses two rows of nominees. A block is found
    from each receiver in each window: the receivers that share most of its senders, then the
    senders that pay most of those receivers. Transfers under the floor (a percentile of the
    data's own amounts) are not counted, and accounts with more counterparties in a window than
    ``max_degree`` are left out: a shop and its many customers, a payroll account and its staff,
    are stars. A block must be closed: at least ``min_closure`` of its members' counterparties
    in the window are in the block. A block that is a layer of a stack is reported as the stack only. Look-alikes:
    a family of companies paying the same suppliers (a real purchasing group), roommates paying
    the same utilities; amounts above the floor and short windows keep most of them out.
    """

    NAME = "bipartite"
    SCORE = Score(base=0.5, features=(
        Feature("size", 0.5, "A block: accounts on its smaller side beyond min_side plus its density (pairs that "
                "dealt / all pairs), as x / (x + min_side). A stack: 0.8 × the middle row's accounts beyond "
                "min_side - 1, as x / (x + min_side)."),
        Feature("layered", 0.1, "1 for a stack (two layers of nominees), 0 for a single block."),
    ))
    PILLAR = "cash"
    TYPOLOGIES = ("bipartite", "stack")
    CONFIG = BipartiteConfig
    NEEDS = ("transactions",)

    def findings(self, params: dict[str, Any]) -> str:
        c, d = self.config, self.dialect
        assert isinstance(c, BipartiteConfig)
        params.update(bp_window=c.window_days, bp_half=c.window_days / 2, bp_min=c.min_side,
                      bp_density=c.min_density, bp_max_degree=c.max_degree, bp_overlap=c.min_stack_overlap,
                      bp_closure=c.min_closure)
        window = d.interval_seconds(c.window_days * 86400)
        ln, has = d.array_length, d.array_contains

        n_senders, n_receivers, n_evidence = ln("senders"), ln("receivers"), ln("evidence")
        n_s1, n_mids, n_r2 = ln("s1"), ln("mids"), ln("r2")

        def common(a: str, b: str) -> str:
            return ln(d.array_intersect(a, b))

        def sorted_set(x: str) -> str:
            return d.array_sort(d.list_agg(x, distinct=True))

        b = d.cte("b", """SELECT e.*, o.off, CAST(floor((e.day + o.off) / $bp_window) AS BIGINT) AS bucket
      FROM e CROSS JOIN (SELECT 0.0 AS off UNION ALL SELECT $bp_half) AS o""", materialized=True)
        pe = d.cte("pe", "SELECT DISTINCT off, bucket, src, dst FROM b", materialized=True)
        deg = d.cte("deg", """  SELECT off, bucket, src, dst, count(*) OVER (PARTITION BY off, bucket, dst) AS n_in,
         count(*) OVER (PARTITION BY off, bucket, src) AS n_out
  FROM pe""", materialized=True)
        ce = d.cte("ce", """  SELECT off, bucket, src, dst FROM deg
  WHERE n_in >= 2 AND n_out >= 2 AND n_in <= $bp_max_degree AND n_out <= $bp_max_degree""", materialized=True)
        return f"""
WITH {edges_cte(d, c, params, 'bp')},
{b},
{pe},
{deg},
indeg AS (SELECT DISTINCT off, bucket, dst, n_in FROM deg),
outdeg AS (SELECT DISTINCT off, bucket, src, n_out FROM deg),
{ce},
-- receivers that share senders with an anchor receiver (the anchor with itself: its own senders)
co AS (
  SELECT x.off, x.bucket, x.dst AS anchor, y.dst AS r, count(*) AS common
  FROM ce AS x JOIN ce AS y ON y.off = x.off AND y.bucket = x.bucket AND y.src = x.src
  GROUP BY x.off, x.bucket, x.dst, y.dst
),
own AS (SELECT off, bucket, anchor, common AS n FROM co WHERE r = anchor AND common >= $bp_min),
rset AS (
  SELECT co.off, co.bucket, co.anchor, co.r FROM co JOIN own USING (off, bucket, anchor)
  WHERE co.common >= $bp_density * own.n
),
rsize AS (SELECT off, bucket, anchor, count(*) AS n_r FROM rset GROUP BY off, bucket, anchor HAVING count(*) >= $bp_min),
sset AS (
  SELECT rs.off, rs.bucket, rs.anchor, ce.src FROM rset AS rs JOIN rsize AS z USING (off, bucket, anchor)
  JOIN ce ON ce.off = rs.off AND ce.bucket = rs.bucket AND ce.dst = rs.r
  GROUP BY rs.off, rs.bucket, rs.anchor, ce.src, z.n_r HAVING count(*) >= $bp_density * z.n_r
),
blocks0 AS (
  SELECT r.off, r.bucket, r.anchor, s.senders, r.receivers
  FROM (SELECT off, bucket, anchor, {sorted_set('r')} AS receivers FROM rset
        JOIN rsize USING (off, bucket, anchor) GROUP BY off, bucket, anchor) AS r
  JOIN (SELECT off, bucket, anchor, {sorted_set('src')} AS senders FROM sset
        GROUP BY off, bucket, anchor HAVING count(*) >= $bp_min) AS s USING (off, bucket, anchor)
),
-- one block per (senders, receivers), with the transfers between them in its window
blocks AS (
  SELECT senders, receivers, min(off) AS off, {d.arg_min('bucket', 'off')} AS bucket FROM blocks0 GROUP BY senders, receivers
),
bev AS (
  SELECT k.senders, k.receivers, b.src, b.dst, b.v, b.unit, b.ts, {rid('b')} AS record_id
  FROM blocks AS k JOIN b ON b.off = k.off AND b.bucket = k.bucket
   AND {has('k.senders', 'b.src')} AND {has('k.receivers', 'b.dst')}
),
-- a block is closed: its members deal mostly with each other in the window (a shop's customers
-- who also pay the utility are a few of the shop's many payers)
-- (grouped joins, not correlated subqueries: Spark correlates on equalities only)
closure AS (
  SELECT ai.senders, ai.receivers, ai.all_in, ao.all_out
  FROM (SELECT k.senders, k.receivers, sum(i.n_in) AS all_in FROM blocks AS k
        JOIN indeg AS i ON i.off = k.off AND i.bucket = k.bucket AND {has('k.receivers', 'i.dst')}
        GROUP BY k.senders, k.receivers) AS ai
  JOIN (SELECT k.senders, k.receivers, sum(o.n_out) AS all_out FROM blocks AS k
        JOIN outdeg AS o ON o.off = k.off AND o.bucket = k.bucket AND {has('k.senders', 'o.src')}
        GROUP BY k.senders, k.receivers) AS ao USING (senders, receivers)
),
blk AS (
  SELECT b.senders, b.receivers, b.evidence, b.total, b.unit, b.pairs, b.t0, b.t1,
         b.pairs / c.all_in AS closure_in, b.pairs / c.all_out AS closure_out
  FROM (SELECT senders, receivers, {d.list_agg('record_id', distinct=True)} AS evidence, sum(v) AS total, any_value(unit) AS unit,
               count(DISTINCT src || '>' || dst) AS pairs, min(ts) AS t0, max(ts) AS t1
        FROM bev GROUP BY senders, receivers) AS b
  JOIN closure AS c USING (senders, receivers)
  WHERE b.pairs >= $bp_closure * c.all_in AND b.pairs >= $bp_closure * c.all_out
),
stk AS (
  SELECT l1.senders AS s1, l1.receivers AS mids, l2.receivers AS r2, l1.evidence AS ev1, l2.evidence AS ev2,
         l1.total AS total1, l2.total AS total2, l1.unit, l1.t0, greatest(l1.t1, l2.t1) AS t1,
         l2.senders AS s2, l1.receivers AS rec1
  FROM blk AS l1 JOIN blk AS l2
    ON {common('l1.receivers', 'l2.senders')} >= $bp_overlap * {ln('l1.receivers')}
   AND {common('l1.receivers', 'l2.senders')} >= $bp_min
   AND {common('l1.senders', 'l2.receivers')} = 0
   AND l2.t1 > l1.t0 AND l2.t0 <= l1.t1 + {window}
),
-- the blocks that are a layer of a stack (reported as the stack only)
layers AS (SELECT s1 AS senders, rec1 AS receivers FROM stk UNION SELECT s2, r2 FROM stk),
bipartite AS (
  SELECT 'bipartite' AS typology,
         {saturate(f'least({n_senders}, {n_receivers}) - $bp_min + pairs / ({n_senders} * {n_receivers})', '$bp_min')} AS f_size,
         0.0 AS f_layered,
         {account_subjects(d, d.array_concat('senders', 'receivers'))} AS subjects, evidence,
         {d.json_object(('senders', n_senders), ('receivers', n_receivers), ('pairs', 'pairs'), ('density', f'round(pairs / ({n_senders} * {n_receivers}), 3)'), ('closure', 'round(least(closure_in, closure_out), 3)'), ('total', 'round(total, 2)'), ('unit', 'unit'), ('transfers', n_evidence), ('window_days', '$bp_window'))} AS figures,
         {d.format_text('{} accounts paid {} accounts within {} days, {} of the {} possible pairs, {} ({}) in {} transfers: a block of nominees.', n_senders, n_receivers, '$bp_window', 'pairs', f'{n_senders} * {n_receivers}', 'round(total, 2)', 'unit', n_evidence)} AS explanation,
         t0 AS period_start, t1 AS period_end
  FROM (SELECT blk.*, l.senders IS NOT NULL AS is_layer FROM blk
        LEFT JOIN layers AS l ON l.senders = blk.senders AND l.receivers = blk.receivers) AS k
  WHERE NOT is_layer
),
stack AS (
  SELECT 'stack' AS typology,
         0.8 * {saturate(f'{n_mids} - $bp_min + 1', '$bp_min')} AS f_size, 1.0 AS f_layered,
         {account_subjects(d, d.array_concat(d.array_concat('s1', 'mids'), 'r2'))} AS subjects,
         {d.array_distinct(d.array_concat('ev1', 'ev2'))} AS evidence,
         {d.json_object(('senders', n_s1), ('middle', n_mids), ('receivers', n_r2), ('first_layer_total', 'round(total1, 2)'), ('second_layer_total', 'round(total2, 2)'), ('unit', 'unit'), ('window_days', '$bp_window'))} AS figures,
         {d.format_text('{} accounts paid {} accounts that paid on {} accounts, {} then {} ({}): layering through two rows of nominees.', n_s1, n_mids, n_r2, 'round(total1, 2)', 'round(total2, 2)', 'unit')} AS explanation,
         t0 AS period_start, t1 AS period_end
  FROM stk
)
SELECT * FROM bipartite UNION ALL SELECT * FROM stack
"""
