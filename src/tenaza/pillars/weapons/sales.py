"""Detectors on the sales themselves: multiple sales and cartel-favoured calibers.

Purchasers are told apart by their name's normal form (sorted words, no accents), which is
what sales records carry, within the state of the dealer (``normalize.purchaser_id``: a person
buys at the dealers of the state of residence); resolution adds identities across sources.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from tenaza.detect.base import Detector, DetectorConfig, register
from tenaza.detect.scoring import Feature, Score
from tenaza.detect.steps import Steps
from tenaza.pillars.weapons.common import MEXICO, no_nulls, saturate, subjects
from tenaza.pillars.weapons.normalize import CARTEL_CALIBERS, alias_steps, caliber_clean, clean, name_key, purchaser_id
from tenaza.store.dialect import Dialect

# The southwest border states of ATF's demand letter 3 (2011): dealers there report two or
# more semi-automatic rifles above .22 caliber with a detachable magazine sold to one person
# within five business days.
RIFLE_RULE_STATES = ("AZ", "CA", "NM", "TX")
HANDGUN_TYPES = ("PISTOL", "REVOLVER", "HANDGUN")


def _sales_steps(params: dict[str, Any], dl: Dialect) -> Steps:
    """Steps ``sales`` (sales with the purchaser key, normal caliber, business-day number and
    flags) and ``traced`` (guns traced from Mexico, with their trace records)."""
    params.update(rifle_states=list(RIFLE_RULE_STATES), handgun_types=list(HANDGUN_TYPES),
                  cartel=list(CARTEL_CALIBERS), mexico=list(MEXICO))
    # Business days counted from Monday 1970-01-05: five per week, a weekend day counts as the next Monday.
    d = dl.days_between("DATE '1970-01-05'", "s.date")
    steps = alias_steps(Steps())
    steps.add("sales", f"""
  SELECT s.sale_id, s.record_id AS rid, s.date, s.ffl_id, s.ffl_state, s.purchaser, s.multiple_sale_report,
         {purchaser_id(name_key('s.purchaser', dl), 's.ffl_state')} AS who, upper(s.firearm_type) AS kind,
         coalesce(ca.canonical, {caliber_clean('s.caliber', dl)}) AS caliber_n,
         CAST(floor({d} / 7.0) AS BIGINT) * 5 + least({d} - CAST(floor({d} / 7.0) AS BIGINT) * 7, 5) AS bday
  FROM firearm_sales AS s LEFT JOIN caliber_alias AS ca ON ca.alias = {caliber_clean('s.caliber', dl)}""")
    # guns traced from Mexico, with the trace records: a figure that counts them puts them in the evidence
    return steps.add("traced", f"""
  SELECT upper(t.ffl_id) AS ffl_id, {clean('t.serial', dl)} AS serial, {dl.list_agg('t.record_id')} AS trids
  FROM firearm_traces AS t WHERE {dl.array_contains('$mexico', 't.recovery_country')} GROUP BY ALL""")


class MultipleSalesConfig(DetectorConfig):
    business_days: int = Field(5, ge=1, description="Business days of the reporting window (27 CFR 478.126a for "
                                                    "handguns; ATF demand letter 3 for rifles).")
    min_guns: int = Field(2, ge=2, description="Guns within the window that make a multiple sale.")
    plain_reported: bool = Field(False, description=(
        "Also alert a window with nothing beyond the rule (every gun reported, one dealer, no cartel-favoured "
        "caliber, none traced from Mexico): that is the multiple-sale report ATF already holds."))


@register
class MultipleSales(Detector[MultipleSalesConfig]):
    """Multiple sales: one purchaser, several handguns, or several rifles at a border dealer, in five business days.

    Dealers must report two or more handguns sold to one person within five business days
    (27 CFR 478.126a), and, in Arizona, California, New Mexico and Texas, two or more
    semi-automatic rifles above .22 caliber (ATF demand letter 3; the sales records carry no
    action type, so every rifle above .22 at a dealer in those states counts). Straw buyers
    either buy in bulk (reported) or spread purchases over dealers and days to stay under the
    rule. The detector finds every window that meets a rule, whether or not a report was
    filed; the score rises for windows spread over several dealers, for windows that met the
    rule without a report, for cartel-favoured calibers and for guns of the window later
    traced from Mexico. Honest collectors buy two pistols at one shop, and the shop reports
    it: a window with nothing beyond that report is not alerted (``plain_reported``).
    """

    NAME = "weapons_multiple_sales"
    PILLAR = "weapons"
    TYPOLOGIES = ("multiple_sale",)
    CONFIG = MultipleSalesConfig
    NEEDS = ("firearm_sales",)
    SCORE = Score(base=0.15, features=(
        Feature("dealers", 0.2, "Spread over dealers: (dealers - 1) / dealers, 0 for one dealer, 0.5 for two."),
        Feature("unreported", 0.2, "Share of the window's guns without a multiple-sale report."),
        Feature("cartel_calibers", 0.2, "Share of the window's guns in cartel-favoured calibers."),
        Feature("traced", 0.25, "Guns of the window later traced from Mexico: n / (n + 1)."),
    ))

    def findings(self, params: dict[str, Any]) -> Steps:
        c, dl = self.config, self.dialect
        params.update(window=c.business_days - 1, min_guns=c.min_guns, plain_reported=c.plain_reported)
        steps = _sales_steps(params, dl)
        steps.add("ruled", f"""
  SELECT *, CASE WHEN {dl.array_contains('$handgun_types', 'kind')} THEN 'handgun'
                 WHEN kind = 'RIFLE' AND {dl.array_contains('$rifle_states', 'ffl_state')} AND caliber_n <> '.22' THEN 'rifle'
            END AS rule
  FROM sales WHERE who IS NOT NULL""")
        steps.add("w", """
  SELECT *, count(*) OVER win AS n_back FROM ruled WHERE rule IS NOT NULL
  WINDOW win AS (PARTITION BY who, rule ORDER BY bday RANGE BETWEEN $window PRECEDING AND CURRENT ROW)""")
        # a window closes at a sale that completes min_guns; its members are the sales of the window
        steps.add("closes", "SELECT who, rule, bday AS b1 FROM w WHERE n_back >= $min_guns")
        steps.add("member", """
  SELECT DISTINCT r.*, c.rule AS win_rule FROM ruled AS r JOIN closes AS c
    ON r.who = c.who AND r.rule = c.rule AND r.bday BETWEEN c.b1 - $window AND c.b1""")
        steps.add("g", f"""
  SELECT m.who, min(m.purchaser) AS purchaser, {dl.array_sort(dl.list_agg('m.win_rule', distinct=True))} AS rules, count(*) AS guns,
         count(DISTINCT m.ffl_id) AS dealers, count(DISTINCT m.date) AS days,
         count(*) FILTER (WHERE NOT coalesce(m.multiple_sale_report, FALSE)) AS unreported,
         count(*) FILTER (WHERE {dl.array_contains('$cartel', 'm.caliber_n')}) AS cartel_guns,
         count(t.serial) AS traced, {dl.list_agg('m.sale_id')} AS sales,
         {dl.array_concat(dl.list_agg('m.rid'), dl.array_flatten(dl.list_agg('t.trids')))} AS rids,
         min(m.date) AS p0, max(m.date) AS p1
  FROM member AS m LEFT JOIN firearm_sales AS fs ON fs.sale_id = m.sale_id
  LEFT JOIN traced AS t ON t.serial = {clean('fs.serial', dl)} AND t.ffl_id = upper(m.ffl_id)
  GROUP BY m.who""")
        return steps.select(f"""
SELECT 'multiple_sale' AS typology,
       {saturate('dealers - 1', '1')} AS f_dealers, CAST(unreported AS DOUBLE) / guns AS f_unreported,
       CAST(cartel_guns AS DOUBLE) / guns AS f_cartel_calibers, {saturate('traced', '1')} AS f_traced,
       {subjects('sales', dl.empty_string_array(), dl)} AS subjects, {no_nulls('rids', dl)} AS evidence,
       {dl.json_object(('guns', 'guns'), ('rules', 'rules'), ('dealers', 'dealers'), ('days', 'days'),
                       ('unreported', 'unreported'), ('cartel_caliber_guns', 'cartel_guns'),
                       ('traced_from_mexico', 'traced'), ('business_days', '$window + 1'))} AS figures,
       {dl.format_text('{} bought {} guns meeting the multiple-sale rule ({}) at {} dealer(s) over {} day(s); '
                       '{} not reported, {} of cartel-favoured calibers, {} traced from Mexico.',
                       'purchaser', 'guns', dl.array_join('rules', "', '"), 'dealers', 'days', 'unreported',
                       'cartel_guns', 'traced')} AS explanation,
       CAST(p0 AS TIMESTAMP) AS period_start, CAST(p1 AS TIMESTAMP) AS period_end
FROM g WHERE $plain_reported OR dealers > 1 OR unreported > 0 OR cartel_guns > 0 OR traced > 0""")


class CartelCalibersConfig(DetectorConfig):
    min_guns: int = Field(3, ge=1, description="Cartel-favoured guns a purchaser needs.")
    min_occasions: int = Field(2, ge=1, description="Separate purchase days they need: a repeated pattern, not one "
                                                    "collector's buy.")


@register
class CartelCalibers(Detector[CartelCalibersConfig]):
    """Purchasers who keep buying the calibers cartels favour.

    Guns recovered from Mexican criminal groups are dominated by military-pattern rifles in
    5.56 and 7.62x39, .50 BMG anti-materiel rifles, 5.7x28 pistols and .38 Super pistols
    (ATF trace data, GAO-16-223). One such purchase is ordinary; a purchaser returning for
    them on several days is a pattern of supply. The score grows with the guns, the days and
    the dealers; guns later traced from Mexico raise it further.
    """

    NAME = "weapons_cartel_calibers"
    PILLAR = "weapons"
    TYPOLOGIES = ("cartel_caliber_pattern",)
    CONFIG = CartelCalibersConfig
    NEEDS = ("firearm_sales",)
    SCORE = Score(features=(
        Feature("guns", 0.5, "Cartel-favoured guns beyond two: (n - 2) / (n + 1)."),
        Feature("dealers", 0.2, "Spread over dealers: (dealers - 1) / dealers."),
        Feature("traced", 0.3, "Guns later traced from Mexico: n / (n + 1)."),
    ))

    def findings(self, params: dict[str, Any]) -> Steps:
        c, dl = self.config, self.dialect
        params.update(min_guns=c.min_guns, min_occasions=c.min_occasions)
        steps = _sales_steps(params, dl)
        steps.add("g", f"""
  SELECT s.who, min(s.purchaser) AS purchaser, count(*) AS guns, count(DISTINCT s.date) AS days,
         count(DISTINCT s.ffl_id) AS dealers, {dl.array_sort(dl.list_agg('s.caliber_n', distinct=True))} AS calibers,
         count(t.serial) AS traced, {dl.list_agg('s.sale_id')} AS sales,
         {dl.array_concat(dl.list_agg('s.rid'), dl.array_flatten(dl.list_agg('t.trids')))} AS rids,
         min(s.date) AS p0,
         max(s.date) AS p1
  FROM sales AS s LEFT JOIN firearm_sales AS fs ON fs.sale_id = s.sale_id
  LEFT JOIN traced AS t ON t.serial = {clean('fs.serial', dl)} AND t.ffl_id = upper(s.ffl_id)
  WHERE s.who IS NOT NULL AND {dl.array_contains('$cartel', 's.caliber_n')}
  GROUP BY s.who HAVING count(*) >= $min_guns AND count(DISTINCT s.date) >= $min_occasions""")
        return steps.select(f"""
SELECT 'cartel_caliber_pattern' AS typology,
       {saturate('guns - 2', '3')} AS f_guns, {saturate('dealers - 1', '1')} AS f_dealers,
       {saturate('traced', '1')} AS f_traced,
       {subjects('sales', dl.empty_string_array(), dl)} AS subjects, {no_nulls('rids', dl)} AS evidence,
       {dl.json_object(('guns', 'guns'), ('days', 'days'), ('dealers', 'dealers'), ('calibers', 'calibers'),
                       ('traced_from_mexico', 'traced'))} AS figures,
       {dl.format_text('{} bought {} guns in cartel-favoured calibers ({}) on {} days at {} dealer(s); {} traced '
                       'from Mexico.', 'purchaser', 'guns', dl.array_join('calibers', "', '"), 'days', 'dealers',
                       'traced')} AS explanation,
       CAST(p0 AS TIMESTAMP) AS period_start, CAST(p1 AS TIMESTAMP) AS period_end
FROM g""")
