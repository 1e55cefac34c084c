"""Detectors on traced guns: short time-to-crime, purchaser not the possessor, purchasers with
several traced guns and the dealers and days they share."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from tenaza.detect.base import Detector, register
from tenaza.detect.scoring import Feature, Score
from tenaza.pillars.weapons.common import ATF_SHORT_TTC_DAYS, guns_cte, no_nulls, saturate, subjects
from tenaza.pillars.weapons.link import LinkConfig
from tenaza.pillars.weapons.normalize import purchaser_id


class ShortTimeToCrimeConfig(LinkConfig):
    max_days: int = Field(ATF_SHORT_TTC_DAYS, gt=0,
                          description="Time-to-crime under which a recovery counts as short: ATF uses three years.")
    min_guns: int = Field(1, ge=1, description="Short time-to-crime guns a purchaser needs.")


@register
class ShortTimeToCrime(Detector[ShortTimeToCrimeConfig]):
    """Purchasers whose guns were recovered in Mexico soon after the retail sale.

    ATF counts a time-to-crime (retail sale to recovery) under three years as an indicator of
    trafficking: a gun bought for oneself stays home for years, a gun bought for a trafficker
    crosses within months. Each trace is linked to its sale (serial, make, model, caliber, fuzzy
    serials); where no sale links, the trace's own purchase date is used. One alert per
    purchaser: the score grows with the number of short-time guns and with how short the
    time was. Honest guns stolen and recovered quickly exist, so one gun alone scores low.
    """

    NAME = "weapons_short_time_to_crime"
    PILLAR = "weapons"
    TYPOLOGIES = ("short_time_to_crime",)
    CONFIG = ShortTimeToCrimeConfig
    NEEDS = ("firearm_traces",)
    SCORE = Score(combine="product", features=(
        Feature("guns", 1.0, "Short-time guns of the purchaser: n / (n + 1.5); one gun alone scores 0.4."),
        Feature("quickness", 0.6, "How short the median time to crime is: 1 - median days / max_days."),
    ))

    def findings(self, params: dict[str, Any]) -> str:
        c, dl = self.config, self.dialect
        params.update(max_days=c.max_days, min_guns=c.min_guns)
        return f"""
WITH {guns_cte(c, params, dl)},
p AS (
  SELECT coalesce({purchaser_id('purchaser_key', 'ffl_state')}, 'trace ' || trace_id) AS who, min(purchaser) AS purchaser, count(*) AS guns,
         median(ttc_days) AS median_days, min(ttc_days) AS min_days, {dl.list_agg('sale_id')} AS sales, {dl.list_agg('trace_id')} AS traces,
         {dl.array_concat(dl.list_agg('trace_rid'), dl.list_agg('sale_rid'))} AS rids, count(DISTINCT ffl_id) AS dealers,
         min(purchase_date) AS first_sale, max(recovery_date) AS last_recovery
  FROM mx WHERE ttc_days >= 0 AND ttc_days < $max_days GROUP BY 1
)
SELECT 'short_time_to_crime' AS typology,
       {saturate('guns', '1.5')} AS f_guns, 1.0 - median_days / $max_days AS f_quickness,
       {subjects('sales', 'traces', dl)} AS subjects, {no_nulls('rids', dl)} AS evidence,
       {dl.json_object(('guns', 'guns'), ('median_days', 'median_days'), ('shortest_days', 'min_days'),
                       ('dealers', 'dealers'), ('threshold_days', '$max_days'))} AS figures,
       {dl.format_text('{} bought {} gun(s) recovered in Mexico a median {} days after the sale (ATF indicator: '
                       'under {} days).', "coalesce(purchaser, 'An unnamed purchaser')", 'guns',
                       'CAST(median_days AS BIGINT)', '$max_days')} AS explanation,
       CAST(first_sale AS TIMESTAMP) AS period_start, CAST(last_recovery AS TIMESTAMP) AS period_end
FROM p WHERE guns >= $min_guns
"""


class PossessorConfig(LinkConfig):
    max_days: int = Field(ATF_SHORT_TTC_DAYS, gt=0,
                          description="Time-to-crime under which a mismatch scores high (ATF's three years).")
    short_only: bool = Field(True, description=(
        "Alert only where the time-to-crime is known and under max_days: a gun found with another person years "
        "after its sale is the ordinary fate of resold and stolen guns; false lists every mismatch."))


@register
class PurchaserNotPossessor(Detector[PossessorConfig]):
    """Guns recovered in Mexico from someone other than their US retail purchaser.

    A straw purchaser buys for someone else, so the gun is found with another person. Names
    are compared as sorted words without accents ('KING, ROBERT' is 'Robert King'). A mismatch
    alone is common (guns are resold and stolen); with a short time-to-crime it is the
    classic straw-purchase trace (ATF), so by default only mismatches with a short time-to-crime
    are alerted (``short_only``).
    """

    NAME = "weapons_purchaser_not_possessor"
    PILLAR = "weapons"
    TYPOLOGIES = ("purchaser_not_possessor",)
    CONFIG = PossessorConfig
    NEEDS = ("firearm_traces",)
    SCORE = Score(base=0.3, features=(
        Feature("quickness", 0.6, "A time to crime under max_days: 1 - days / max_days (0 when longer or unknown)."),
    ))

    def findings(self, params: dict[str, Any]) -> str:
        c, dl = self.config, self.dialect
        params.update(max_days=c.max_days, short_only=c.short_only)
        return f"""
WITH {guns_cte(c, params, dl)}
SELECT 'purchaser_not_possessor' AS typology,
       CASE WHEN ttc_days >= 0 AND ttc_days < $max_days THEN 1.0 - ttc_days / $max_days ELSE 0 END AS f_quickness,
       {subjects(dl.array('sale_id'), dl.array('trace_id'), dl)} AS subjects,
       {no_nulls(dl.array('trace_rid', 'sale_rid'), dl)} AS evidence,
       {dl.json_object(('time_to_crime_days', 'ttc_days'), ('purchaser', 'purchaser'), ('possessor', 'possessor'),
                       ('link', 'match'))} AS figures,
       {dl.format_text('Gun {} bought by {} was recovered in {} from {}{}.', 'trace_id', 'purchaser',
                       "coalesce(recovery_state, 'Mexico')", 'possessor',
                       "CASE WHEN ttc_days IS NOT NULL THEN ' ' || CAST(ttc_days AS STRING) || ' days after the sale' "
                       "ELSE '' END")} AS explanation,
       CAST(purchase_date AS TIMESTAMP) AS period_start, CAST(recovery_date AS TIMESTAMP) AS period_end
FROM mx WHERE purchaser_key IS NOT NULL AND possessor_key IS NOT NULL AND purchaser_key <> possessor_key
  AND (NOT $short_only OR (ttc_days >= 0 AND ttc_days < $max_days))
"""


class TracedPurchasersConfig(LinkConfig):
    min_traced: int = Field(2, ge=2, description="Guns recovered in Mexico a purchaser needs.")
    ring_days: int = Field(7, ge=0, description="Days apart within which two purchasers of traced guns at the "
                                                 "same dealer count as buying together (a ring).")


@register
class TracedPurchasers(Detector[TracedPurchasersConfig]):
    """Purchasers with several guns recovered in Mexico, and rings of them.

    One recovered gun can be bad luck; several from one purchaser is a pattern. A ring shows
    where purchasers of traced guns bought at the same dealer within a few days of each other:
    recruiters send straw buyers to the same shop in turns. One alert per purchaser with at
    least ``min_traced`` traced guns (typology repeat_traced_purchaser) and one per dealer and
    ring of two or more such co-buying purchasers (typology purchaser_ring). The sales tables
    carry no addresses or phones, so rings are drawn from dealer and timing; resolution of
    the purchasers' party records adds the rest.
    """

    NAME = "weapons_traced_purchasers"
    PILLAR = "weapons"
    TYPOLOGIES = ("repeat_traced_purchaser", "purchaser_ring")
    CONFIG = TracedPurchasersConfig
    NEEDS = ("firearm_traces",)
    # A purchaser's alert scores on guns and dealers, a ring's on its size; the other's features are 0.
    SCORE = Score(features=(
        Feature("guns", 0.6, "Repeat purchaser: traced guns beyond one, (n - 1) / (n + 1)."),
        Feature("dealers", 0.4, "Repeat purchaser: dealers of the traced guns, d / (d + 2)."),
        Feature("ring", 1.0, "Ring: purchasers beyond one, (m - 1) / (m + 1)."),
    ))

    def findings(self, params: dict[str, Any]) -> str:
        c, dl = self.config, self.dialect
        params.update(min_traced=c.min_traced, ring_days=c.ring_days)
        return f"""
WITH {guns_cte(c, params, dl)},
k AS (SELECT *, {purchaser_id('purchaser_key', 'ffl_state')} AS pid FROM mx WHERE purchaser_key IS NOT NULL),
rep AS (
  SELECT pid, min(purchaser) AS purchaser, count(*) AS guns, count(DISTINCT ffl_id) AS dealers,
         median(ttc_days) AS median_days, {dl.list_agg('sale_id')} AS sales, {dl.list_agg('trace_id')} AS traces,
         {dl.array_concat(dl.list_agg('trace_rid'), dl.list_agg('sale_rid'))} AS rids, min(purchase_date) AS p0, max(recovery_date) AS p1
  FROM k GROUP BY pid HAVING count(*) >= $min_traced
),
pairs AS (
  SELECT a.ffl_id, a.pid AS pa, b.pid AS pb, a.sale_id AS sa, b.sale_id AS sb,
         a.trace_id AS ta, b.trace_id AS tb, a.sale_rid AS ra, b.sale_rid AS rb, a.trace_rid AS qa,
         b.trace_rid AS qb, least(a.purchase_date, b.purchase_date) AS d0, greatest(a.purchase_date, b.purchase_date) AS d1
  FROM k AS a JOIN k AS b ON a.ffl_id = b.ffl_id AND a.pid < b.pid
   AND abs({dl.days_between('a.purchase_date', 'b.purchase_date')}) <= $ring_days
),
ring AS (
  SELECT ffl_id, {dl.array_distinct(dl.array_concat(dl.list_agg('pa'), dl.list_agg('pb')))} AS members,
         {dl.array_concat(dl.list_agg('sa'), dl.list_agg('sb'))} AS sales,
         {dl.array_concat(dl.list_agg('ta'), dl.list_agg('tb'))} AS traces,
         {dl.array_concat(dl.array_concat(dl.list_agg('ra'), dl.list_agg('rb')),
                          dl.array_concat(dl.list_agg('qa'), dl.list_agg('qb')))} AS rids,
         min(d0) AS p0, max(d1) AS p1
  FROM pairs GROUP BY ffl_id
)
SELECT 'repeat_traced_purchaser' AS typology, {saturate('guns - 1', '2')} AS f_guns,
       {saturate('dealers', '2')} AS f_dealers, 0.0 AS f_ring,
       {subjects('sales', 'traces', dl)} AS subjects, {no_nulls('rids', dl)} AS evidence,
       {dl.json_object(('traced_guns', 'guns'), ('dealers', 'dealers'), ('median_time_to_crime_days', 'median_days'))}
         AS figures,
       {dl.format_text('{} bought {} guns later recovered in Mexico, from {} dealer(s).', 'purchaser', 'guns',
                       'dealers')} AS explanation,
       CAST(p0 AS TIMESTAMP) AS period_start, CAST(p1 AS TIMESTAMP) AS period_end
FROM rep
UNION ALL
SELECT 'purchaser_ring', 0.0, 0.0, {saturate(dl.array_length('members') + ' - 1', '2')},
       {dl.array_prepend("'ffl:' || ffl_id", subjects('sales', 'traces', dl))}, {no_nulls('rids', dl)},
       {dl.json_object(('purchasers', dl.array_length('members')),
                       ('traced_guns', dl.array_length(dl.array_distinct('traces'))), ('dealer', 'ffl_id'),
                       ('window_days', '$ring_days'))},
       {dl.format_text('{} purchasers bought guns later recovered in Mexico at dealer {} within {} days of each '
                       'other.', dl.array_length('members'), 'ffl_id', '$ring_days')},
       CAST(p0 AS TIMESTAMP), CAST(p1 AS TIMESTAMP)
FROM ring
"""
