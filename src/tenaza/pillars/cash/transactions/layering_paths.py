"""Long layering paths: money moved hop after hop, each account passing on most of what it got."""

from __future__ import annotations

from typing import Any

from pydantic import Field, model_validator

from tenaza.detect.base import Detector, register
from tenaza.detect.scoring import Feature, Score
from tenaza.detect.sql import account_subjects, rid, saturate
from tenaza.pillars.cash.transactions.relative import RelativeConfig, edges_cte


class LayeringPathConfig(RelativeConfig):
    min_hops: int = Field(4, ge=3, description="Fewest transfers in a path. Three-hop chains of similar amounts "
                                               "happen by chance in busy data; layering goes on.")
    max_hops: int = Field(8, ge=3, le=12, description="Longest path followed (one join per hop).")
    max_gap_days: float = Field(3, gt=0, description="Longest wait between receiving and passing on.")
    min_hop_ratio: float = Field(0.75, gt=0, le=1,
                                 description="Each hop carries at least this share of the previous one: a peel "
                                             "takes a little, not most.")
    max_hop_ratio: float = Field(1.02, ge=1,
                                 description="Each hop carries at most this multiple of the previous one (room for "
                                             "exchange-rate noise): money peeled off never grows back.")
    max_degree: int = Field(20, ge=2,
                            description="Intermediaries with more distinct counterparties than this in the data are "
                                        "not followed: a busy business forwards similar sums to someone every day.")

    @model_validator(mode="after")
    def _hops_in_order(self) -> LayeringPathConfig:
        if self.max_hops < self.min_hops:
            raise ValueError("max_hops must be at least min_hops")
        return self


@register
class LayeringPaths(Detector[LayeringPathConfig]):
    """Long layering paths: a chain of transfers A to B to C to ... in time order, each account
    passing on, within days, most of what it received (a peel chain).

    FinCEN and FATF describe layering as moving proceeds through many accounts, one after the
    other, to put distance between the money and its source; a peel chain skims a little at
    each hop (the mule's fee, a cash withdrawal) and sends the rest on. The IBM AML (AMLworld)
    pattern set plants such paths among ordinary traffic. A path here is at least ``min_hops``
    transfers, each after the previous one and within ``max_gap_days`` of it, each carrying
    between ``min_hop_ratio`` and ``max_hop_ratio`` of the previous, through accounts that never
    repeat, over transfers above the floor (a percentile of the data's own amounts). Only
    intermediaries with at most ``max_degree`` counterparties are followed, and only the longest
    path is reported (not its sub-paths). The score grows with the hops and with how much of the
    amount reached the end. Look-alikes: a sweep through a person's own accounts at several
    banks (only a customer file tells), a supply chain paying on for goods of the same value;
    they rarely go on for four hops within days.
    """

    NAME = "layering_paths"
    SCORE = Score(base=0.5, features=(
        Feature("hops", 0.5, "Hops beyond min_hops - 1, as x / (x + 2): half at min_hops + 1 hops."),
    ), gates=(
        Feature("reached", 0.5, "Share of the first amount that reached the end of the path (at most 1): "
                "a path that kept nothing halves the score."),
    ))
    PILLAR = "cash"
    TYPOLOGIES = ("layering_path",)
    CONFIG = LayeringPathConfig
    NEEDS = ("transactions",)

    def findings(self, params: dict[str, Any]) -> str:
        c, d = self.config, self.dialect
        assert isinstance(c, LayeringPathConfig)
        params.update(lp_min_hops=c.min_hops, lp_lo=c.min_hop_ratio, lp_hi=c.max_hop_ratio, lp_deg=c.max_degree)
        gap = d.interval_seconds(c.max_gap_days * 86400)
        steps = []
        for k in range(2, c.max_hops + 1):
            steps.append(f"""p{k} AS (
  SELECT p.origin, f.dst AS node, p.t0, f.ts AS tl, p.a0, f.v AS al, {d.array_append('p.path', 'f.dst')} AS path,
         {d.array_append('p.ev', 'f.record_id')} AS ev, p.first_id, p.unit
  FROM p{k - 1} AS p JOIN f ON f.src = p.node AND f.ts >= p.tl AND f.ts <= p.tl + {gap}
   AND f.v >= p.al * $lp_lo AND f.v <= p.al * $lp_hi AND f.record_id <> {d.array_last('p.ev')}
  WHERE NOT {d.array_contains('p.path', 'f.dst')} AND f.src IN (SELECT n FROM mid)
)""")
        paths = "\nUNION ALL\n".join(f"SELECT * FROM p{k}" for k in range(c.min_hops, c.max_hops + 1))
        n_ev, n_path, path = d.array_length("ev"), d.array_length("path"), d.array_join("path", "' > '")
        f = f"SELECT src, dst, ts, v, unit, {rid('e')} AS record_id FROM e"
        return f"""
WITH {edges_cte(d, c, params, 'lp')},
deg AS (SELECT n, count(DISTINCT other) AS n_cp FROM (SELECT src AS n, dst AS other FROM e UNION ALL
                                                      SELECT dst, src FROM e) AS x GROUP BY n),
-- an intermediary both receives and sends, and is no busy business
mid AS (SELECT n FROM deg WHERE n_cp <= $lp_deg AND n IN (SELECT src FROM e) AND n IN (SELECT dst FROM e)),
{d.cte('f', f, materialized=True)},
p1 AS (SELECT src AS origin, dst AS node, ts AS t0, ts AS tl, v AS a0, v AS al, {d.array('src', 'dst')} AS path,
              {d.array('record_id')} AS ev, record_id AS first_id, unit FROM f WHERE dst IN (SELECT n FROM mid)),
{",".join(steps)},
found AS (SELECT * FROM ({paths}) AS u),
-- the longest path from each first transfer (of equally long ones, the one that kept the most,
-- then the earliest, then the first by its transfers' ids: one path, each column read from it),
-- and no path that is the tail of another
longest AS (
  SELECT first_id, path, ev, al, a0, t0, tl, unit
  FROM (SELECT found.*, row_number() OVER (PARTITION BY first_id ORDER BY {n_path} DESC, al DESC, tl,
                                           {d.array_join('ev', "','")}) AS _rank FROM found) AS r
  WHERE _rank = 1
),
tails AS (SELECT DISTINCT id FROM (SELECT {d.explode(d.array_slice('ev', '2', n_ev))} AS id FROM longest) AS x),
kept AS (SELECT * FROM longest WHERE first_id NOT IN (SELECT id FROM tails))
SELECT 'layering_path' AS typology,
       {saturate(f'{n_ev} - $lp_min_hops + 1', '2')} AS f_hops, least(1.0, al / a0) AS f_reached,
       {account_subjects(d, 'path')} AS subjects, ev AS evidence,
       {d.json_object(('hops', n_ev), ('first_amount', 'round(a0, 2)'), ('last_amount', 'round(al, 2)'), ('retained_share', 'round(al / a0, 3)'), ('path', path), ('unit', 'unit'))} AS figures,
       {d.format_text('Money moved through {} accounts in {} hops ({}), from {} to {}, keeping {}% of it: a layering path.', n_path, n_ev, path, 'round(a0, 2)', 'round(al, 2)', 'CAST(round(100 * al / a0) AS INTEGER)')} AS explanation,
       t0 AS period_start, tl AS period_end
FROM kept
"""
