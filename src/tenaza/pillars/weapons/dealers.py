"""Dealers whose guns are traced from Mexico more often than their sales volume predicts."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from tenaza.detect.base import FINDING_COLUMNS, Detector, register
from tenaza.detect.scoring import Feature, Score
from tenaza.detect.sql import rid
from tenaza.markings.audience import audience_ctes, audience_rows, keep_own_audience
from tenaza.pillars.weapons.common import guns_cte, no_nulls, saturate
from tenaza.pillars.weapons.link import LinkConfig


class DealerExcessConfig(LinkConfig):
    min_traces: int = Field(3, ge=1, description="Guns traced from Mexico a dealer needs before it is tested.")
    min_z: float = Field(3.09, gt=0,
                         description="Signed root of the Poisson likelihood-ratio statistic a dealer must reach: "
                                     "3.09 is a one-sided p of about 0.001.")
    overdispersion: float = Field(0.0, ge=0,
                                  description="Negative-binomial overdispersion alpha (variance = mu + alpha mu^2); "
                                              "0 is the Poisson test. Raise it where dealers differ in clientele "
                                              "more than chance explains.")


@register
class DealerTraceExcess(Detector[DealerExcessConfig]):
    """Dealers (FFLs) whose sales are traced from Mexico far more often than their volume predicts.

    Expectation: a dealer with n sales in the period is expected to have
    mu = n * T / N of its guns traced from Mexico, where T is the Mexico traces that name a
    dealer with sales in the data and N is all those dealers' sales (one national rate). The
    observed count t is tested against it with the likelihood-ratio statistic
    G = 2 (t ln(t / mu) - (t - mu)) of a Poisson count; its signed root z = sqrt(G) is about
    standard normal under the expectation, so z >= 3.09 is p < 0.001 one-sided. With an
    overdispersion alpha > 0 the variance is mu + alpha mu^2 (negative binomial) and z is
    deflated by sqrt(1 + alpha mu). A dealer used by straw buyers need not be complicit; the
    alert asks for an inspection of its multiple-sale and trace records.

    The evidence is the dealer's sales and its traces from Mexico. The national rate rests on
    every dealer's: it is computed per audience (``tenaza.markings.audience``), from the sales
    and traces shared at least as widely as the alert, so a viewer who sees the alert may see
    every row behind its expectation.
    """

    NAME = "weapons_dealer_trace_excess"
    SCORE = Score(features=(
        Feature("excess", 1.0, "How far the dealer's traces stand above what its sales predict: the "
                "overdispersed Poisson z beyond min_z - 1, as x / (x + 3)."),
    ))
    PILLAR = "weapons"
    TYPOLOGIES = ("dealer_trace_excess",)
    CONFIG = DealerExcessConfig
    NEEDS = ("firearm_sales", "firearm_traces")

    def findings(self, params: dict[str, Any]) -> str:
        c, dl = self.config, self.dialect
        assert isinstance(c, DealerExcessConfig)
        params.update(min_traces=c.min_traces, min_z=c.min_z, alpha=c.overdispersion)
        test = "CASE WHEN $alpha > 0 THEN 'negative binomial LR, alpha ' || CAST($alpha AS STRING) ELSE 'Poisson LR' END"
        evidence = ("firearm_traces", "firearm_sales")
        return keep_own_audience(dl, f"""
WITH {audience_ctes(dl, evidence)},
{guns_cte(c, params, dl, per_audience=True)},
vol AS (SELECT aud, ffl_id, count(*) AS sales, min(ffl_state) AS state, min(date) AS p0, max(date) AS p1,
               {dl.list_agg(rid())} AS sale_rids
        FROM ({audience_rows('firearm_sales')}) AS s WHERE ffl_id IS NOT NULL GROUP BY aud, ffl_id),
tr AS (SELECT aud, ffl_id, count(*) AS traced, {dl.list_agg('trace_rid')} AS rids, {dl.list_agg('trace_id')} AS traces,
              median(ttc_days) AS median_days FROM mx WHERE ffl_id IS NOT NULL GROUP BY aud, ffl_id),
d AS (SELECT v.*, coalesce(t.traced, 0) AS traced, t.rids, t.traces, t.median_days FROM vol AS v
      LEFT JOIN tr AS t USING (aud, ffl_id)),
rate AS (SELECT aud, CAST(sum(traced) AS DOUBLE) / sum(sales) AS r FROM d GROUP BY aud),
z AS (
  SELECT d.*, d.sales * rate.r AS mu FROM d JOIN rate ON rate.aud = d.aud WHERE d.traced >= $min_traces AND rate.r > 0
),
zz AS (
  SELECT *, sqrt(greatest(2.0 * (traced * ln(traced / mu) - (traced - mu)), 0.0)) / sqrt(1.0 + $alpha * mu) AS zval
  FROM z WHERE traced > mu
)
SELECT aud, 'dealer_trace_excess' AS typology, {saturate('zval - $min_z + 1', '3')} AS f_excess,
       {dl.array("'ffl:' || ffl_id")} AS subjects, {no_nulls(dl.array_concat('rids', 'sale_rids'), dl)} AS evidence,
       {dl.json_object(('sales', 'sales'), ('traced_from_mexico', 'traced'), ('expected', 'round(mu, 3)'),
                       ('ratio', 'round(traced / mu, 2)'), ('z', 'round(zval, 2)'), ('state', 'state'),
                       ('median_time_to_crime_days', 'median_days'),
                       ('test', test))} AS figures,
       {dl.format_text('Dealer {} ({}) sold {} guns; {} were traced from Mexico against {} expected at the '
                       'national rate (z = {}).', 'ffl_id', "coalesce(state, '?')", 'sales', 'traced',
                       'CAST(round(mu, 2) AS STRING)', 'CAST(round(zval, 1) AS STRING)')} AS explanation,
       CAST(p0 AS TIMESTAMP) AS period_start, CAST(p1 AS TIMESTAMP) AS period_end
FROM zz WHERE zval >= $min_z
""", tuple("f_excess" if col == "score" else col for col in FINDING_COLUMNS))
