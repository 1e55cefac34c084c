"""Routing through a third country: goods or invoices of a two-country trade sent by a detour."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from tenaza.detect.base import Detector, DetectorConfig, register
from tenaza.detect.scoring import Feature, Score
from tenaza.markings.audience import audience_rows
from tenaza.pillars.cash.trade.common import (
    declarations_sql,
    keyed,
    mirror_pairs_sql,
    money,
    party_keys_sql,
    party_subjects,
    trade_findings,
)


class TradeRoutingConfig(DetectorConfig):
    partners: tuple[str, ...] = Field(("USA", "MEX"), description=(
        "ISO alpha-3 codes of the countries whose trade with each other is watched; any other country on the "
        "route is a third country."))
    leg_days: int = Field(90, ge=0, description=(
        "Days within which an export to the third country and the import from it count as two legs of one "
        "route."))
    leg_qty_tolerance: float = Field(0.10, ge=0, description=(
        "Relative quantity difference within which the two legs carry the same goods."))
    mirror_days: int = Field(20, ge=0, description="Window (days) for pairing the export and import declarations.")
    min_value_usd: float = Field(5_000, ge=0, description="Smallest declared value (US dollars) worth an alert.")
    distributor_buyers: int = Field(10, ge=2, description=(
        "A foreign supplier that sells goods of partner origin by the same detour to at least this many unrelated "
        "importers is a distributor (a free-zone wholesaler such as Colón's): its sales are not a detour sign."))


@register
class TradeRouting(Detector[TradeRoutingConfig]):
    """Trade between the partner countries routed through a third country.

    Laundering networks route goods or their paperwork through a third country (a free zone,
    a transshipment port, a shell company abroad) to break the trail between the money and the
    goods and to re-invoice the trade at another price. Three signs are scored, each from the
    declarations alone; any one is enough, and signs that hold together are independent evidence
    (``combine="any"``, 1 - the product of the misses; the weights are in ``SCORE``):

    - **detour** (0.7, and 0.85 with its first leg): an import of goods that originate in the other partner country but
      depart from a third country (US goods entering Mexico from Panama). Where the first
      leg is found (an export of the same six-digit HS code and quantity to that third country
      within 90 days) it joins the evidence and the score. A supplier that sells partner-origin
      goods by the same detour to ``distributor_buyers`` or more unrelated importers is a
      wholesaler (a Colón free-zone distributor) and raises no detour sign.
    - **declared elsewhere** (0.8): an export declared to a third country whose mirror import
      (same transport document, or same parties, goods and quantity) was filed by a partner.
    - **third-country party** (0.6): goods that go straight from one partner to the other,
      but whose exporter or declared payer is registered only in a third country (party
      records with the same name), the sign of re-invoicing through a foreign intermediary.
    """

    NAME = "cash_trade_routing"
    SCORE = Score(combine="any", features=(
        Feature("detour", 0.7, "1 where goods of one partner's origin enter the other from a third country (not by a "
                "distributor)."),
        Feature("first_leg", 0.5, "1 where the detour's first leg is found: an export of the same goods and quantity to "
                "that third country within leg_days."),
        Feature("declared_elsewhere", 0.8, "1 where an export declared to a third country was imported by a partner."),
        Feature("third_country_party", 0.6, "1 where goods moving directly between the partners name an exporter or "
                "payer registered only in a third country."),
    ))
    PILLAR = "cash"
    TYPOLOGIES = ("third_country_routing",)
    CONFIG = TradeRoutingConfig
    NEEDS = ("trade_declarations",)

    def findings(self, params: dict[str, Any]) -> str:
        cfg, d = self.config, self.dialect
        assert isinstance(cfg, TradeRoutingConfig)
        params.update({"tr_partners": list(cfg.partners), "tr_leg_days": cfg.leg_days,
                       "tr_leg_qty": cfg.leg_qty_tolerance, "tr_min_value": cfg.min_value_usd,
                       "tr_distributor": cfg.distributor_buyers})
        pairs = mirror_pairs_sql(params, days_before=cfg.mirror_days, days_after=cfg.mirror_days, qty_tolerance=0.05,
                                 d=d)

        def partner(x: str) -> str:
            return d.array_contains("$tr_partners", x)

        def third_country(countries: str) -> str:  # registered in countries, none of them a partner
            return (f"{d.array_length(d.array_filter(countries, 'c', partner('c')))} = 0 "
                    f"AND {d.array_length(countries)} > 0")

        def maybe(cond: str, item: str) -> str:
            return f"CASE WHEN {cond} THEN {d.empty_string_array()} ELSE {d.array(item)} END"

        leg_gap = d.days_between("e.date", "i.date")
        figures = d.json_object(
            ("value_usd", "round(s.usd, 2)"), ("origin", "s.origin_country"),
            ("departure", "s.departure_country"), ("destination", "s.destination_country"), ("via", "s.via"),
            ("first_leg_decl", "s.leg_id"), ("mirror_decl", "s.other"), ("landed_in", "s.landed"),
            ("third_country_party", "s.foreign_who"))
        signs = d.array(
            "CASE WHEN s.via IS NOT NULL THEN 'brings goods of ' || s.origin_country || ' origin in from ' "
            "|| s.via || CASE WHEN s.leg_id IS NOT NULL THEN ' after export ' || s.leg_id || ' sent them there' "
            "ELSE '' END END",
            "CASE WHEN s.other IS NOT NULL THEN 'declares the goods for ' || s.destination_country "
            "|| ' but they were imported into ' || s.landed || ' under ' || s.other END",
            "CASE WHEN s.foreign_who IS NOT NULL THEN 'names a third-country ' || s.foreign_who "
            "|| ' for goods that move directly between the partners' END")
        return trade_findings(f"""
        decl AS ({declarations_sql(d)}),
        pairs AS ({pairs}),
        detour AS (
          SELECT i.aud, i.decl_id, i.departure_country AS via FROM decl AS i
          WHERE i.direction = 'import' AND {partner('i.reporting_country')}
            AND {partner('i.origin_country')} AND i.origin_country <> i.reporting_country
            AND i.departure_country IS NOT NULL AND NOT {partner('i.departure_country')}
        ),
        distributors AS (
          SELECT i.aud, i.exporter_key, t.via FROM detour AS t JOIN decl AS i USING (aud, decl_id)
          WHERE i.exporter_key IS NOT NULL
          GROUP BY ALL HAVING count(DISTINCT i.importer_key) >= $tr_distributor
        ),
        captive AS (
          SELECT t.* FROM detour AS t JOIN decl AS i USING (aud, decl_id)
          WHERE NOT EXISTS (SELECT 1 FROM distributors AS ds WHERE ds.aud = t.aud AND ds.exporter_key = i.exporter_key
                                                                AND ds.via = t.via)
        ),
        first_leg AS (
          SELECT aud, decl_id, e_id, e_rec FROM (
            SELECT t.aud, t.decl_id, e.decl_id AS e_id, e.record_id AS e_rec,
                   row_number() OVER (PARTITION BY t.aud, t.decl_id ORDER BY {leg_gap}, e.decl_id) AS r
            FROM captive AS t JOIN decl AS i USING (aud, decl_id)
            JOIN decl AS e ON e.aud = t.aud AND e.direction = 'export' AND e.reporting_country = i.origin_country
             AND e.destination_country = t.via AND e.hs6 = i.hs6
             AND {leg_gap} BETWEEN 0 AND $tr_leg_days
             AND e.qty > 0 AND abs(i.qty / nullif(e.qty, 0) - 1) <= $tr_leg_qty
          ) AS legs WHERE r = 1
        ),
        elsewhere AS (
          SELECT p.aud, e.decl_id, i.decl_id AS other, i.record_id AS other_rec, i.reporting_country AS landed
          FROM pairs AS p JOIN decl AS e ON e.aud = p.aud AND e.decl_id = p.e_id
          JOIN decl AS i ON i.aud = p.aud AND i.decl_id = p.i_id
          WHERE {partner('i.reporting_country')} AND e.destination_country IS NOT NULL
            AND NOT {partner('e.destination_country')}
        ),
        pk AS ({party_keys_sql(d)}),
        pc AS (
          SELECT p.aud, k.key, {d.list_agg('p.country', distinct=True)} AS countries
          FROM ({audience_rows('parties')}) AS p {keyed('p', 'name', 'k')} GROUP BY 1, 2
        ),
        foreign_party AS (
          SELECT d.aud, d.decl_id, CASE WHEN {third_country('ce.countries')} THEN 'exporter ' || d.exporter || ' ('
                                      || {d.array_join('ce.countries', "'/'")} || ')' END AS who_e,
                 CASE WHEN {third_country('cp.countries')} THEN 'payer ' || d.payer || ' ('
                           || {d.array_join('cp.countries', "'/'")} || ')' END AS who_p
          FROM decl AS d LEFT JOIN pc AS ce ON ce.aud = d.aud AND ce.key = d.exporter_key
          LEFT JOIN pc AS cp ON cp.aud = d.aud AND cp.key = d.payer_key
          WHERE {partner('d.reporting_country')}
            AND {partner('coalesce(d.origin_country, d.reporting_country)')}
            AND {partner('coalesce(d.departure_country, d.origin_country, d.reporting_country)')}
            AND {partner('coalesce(d.destination_country, d.reporting_country)')}
        ),
        signs AS (
          SELECT d.*, t.via, fl.e_id AS leg_id, fl.e_rec AS leg_rec, el.other, el.other_rec, el.landed,
                 coalesce(fp.who_e, fp.who_p) AS foreign_who,
                 CASE WHEN t.decl_id IS NULL THEN 0.0 ELSE 1.0 END AS f_detour,
                 CASE WHEN fl.e_id IS NULL THEN 0.0 ELSE 1.0 END AS f_first_leg,
                 CASE WHEN el.decl_id IS NULL THEN 0.0 ELSE 1.0 END AS f_declared_elsewhere,
                 CASE WHEN coalesce(fp.who_e, fp.who_p) IS NULL THEN 0.0 ELSE 1.0 END AS f_third_country_party
          FROM decl AS d
          LEFT JOIN captive AS t USING (aud, decl_id) LEFT JOIN first_leg AS fl USING (aud, decl_id)
          LEFT JOIN elsewhere AS el USING (aud, decl_id) LEFT JOIN foreign_party AS fp USING (aud, decl_id)
          WHERE (t.decl_id IS NOT NULL OR el.decl_id IS NOT NULL OR fp.who_e IS NOT NULL OR fp.who_p IS NOT NULL)
            AND coalesce(d.usd, 0) >= $tr_min_value
        )
        SELECT s.aud, 'third_country_routing' AS typology, s.f_detour, s.f_first_leg, s.f_declared_elsewhere,
               s.f_third_country_party,
               {d.array("'decl:' || s.decl_id")} || {maybe('s.leg_id IS NULL', "'decl:' || s.leg_id")}
                 || {maybe('s.other IS NULL', "'decl:' || s.other")}
                 || {party_subjects('pe.ids', 's.exporter', d)} || {party_subjects('pi.ids', 's.importer', d)} AS subjects,
               {d.array_filter(d.array('s.record_id', 's.leg_rec', 's.other_rec'), 'x', 'x IS NOT NULL')} AS evidence,
               {figures} AS figures,
               'Declaration ' || s.decl_id || ' (' || {money('s.usd', d)} || ' USD, HS ' || coalesce(s.hs_code, '?')
                 || ') ' || {d.array_join(d.array_filter(signs, 'x', 'x IS NOT NULL'), "'; and '")} || '.' AS explanation,
               CAST(s.date AS TIMESTAMP) AS period_start, CAST(s.date AS TIMESTAMP) AS period_end
        FROM signs AS s
        LEFT JOIN pk AS pe ON pe.aud = s.aud AND pe.key = s.exporter_key
        LEFT JOIN pk AS pi ON pi.aud = s.aud AND pi.key = s.importer_key""", d, score=self.SCORE)
