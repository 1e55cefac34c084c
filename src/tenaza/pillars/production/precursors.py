"""The precursor import detector."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from tenaza.detect.base import Detector, DetectorConfig, register
from tenaza.detect.scoring import Feature, Score
from tenaza.pillars.production.reference import load
from tenaza.pillars.production.screening import fold_phrase, fold_sql, screen_ctes

LEGAL_FORMS = ("S", "A", "DE", "C", "V", "R", "L", "SA", "CV", "SAPI", "RL", "SC", "SPR", "SAB", "CO", "LTD",
               "INC", "LLC", "CORP")


class PrecursorConfig(DetectorConfig):
    reference: str | None = Field(None, description="CSV of the precursor list (columns of the shipped "
                                                     "data/reference/precursors.csv); empty uses the shipped list.")
    vague_phrases: tuple[str, ...] = Field(
        ("materia prima", "industria quimica", "producto quimico", "productos quimicos", "raw material",
         "chemical product", "intermediate", "intermedio", "reactivo", "organic compound", "compuesto organico",
         "muestra", "sample"),
        description="Generic descriptions that, under a chemical-chapter code (28, 29, 38), suggest a precursor "
                    "declared under cover.")
    asia: tuple[str, ...] = Field(("CHN", "IND", "HKG", "TWN", "KOR", "VNM", "THA", "MYS", "SGP", "JPN"),
                                  description="Origins counted as Asian suppliers (ISO alpha-3).")
    pacific_ports: tuple[str, ...] = Field(("160", "510", "MANZANILLO", "LAZARO CARDENAS"),
                                           description="Mexican Pacific ports of entry (aduana codes or names): "
                                                       "Manzanillo 160, Lázaro Cárdenas 510.")
    large_kg: float = Field(1000.0, gt=0, description="Quantity in kg at which the quantity factor is half-way.")
    price_low: float = Field(0.25, gt=0, description="Declared value per kg below this share of the usual price "
                                                     "is anomalous (under-declared).")
    price_high: float = Field(4.0, gt=1, description="… or above this multiple of it.")
    new_importer_declarations: int = Field(3, ge=1, description="An importer with fewer earlier declarations than "
                                                                "this is new.")
    min_score: float = Field(0.5, ge=0, le=1, description="Lowest score alerted.")


@register
class PrecursorImport(Detector[PrecursorConfig]):
    """Imports of fentanyl and methamphetamine precursors, named or hidden, with the shipment's risks.

    Mexican labs make fentanyl and methamphetamine from precursor chemicals shipped in from
    China and India, often through the Pacific ports of Manzanillo and Lázaro Cárdenas, often
    under catch-all tariff codes with vague descriptions, and for companies set up for the
    purpose. The detector screens every declaration's description against the precursor list
    (English and Spanish names, synonyms, CAS numbers; one typo per long word tolerated) and
    its tariff code (a subheading only one listed chemical has), and marks generic
    descriptions under chemical-chapter codes. It then weighs the shipment: quantity, value per
    kg against the chemical's usual price, an importer with little earlier history or whose
    declarations are almost all chemicals of the list, and the route (Asian origin into a
    Pacific port). Honest pharmaceutical importers bring in the same chemicals: in smaller
    lots, with history, and they score below the threshold.
    """

    NAME = "precursor_import"
    PILLAR = "production"
    TYPOLOGIES = ("precursor_import", "precursor_concealment")
    CONFIG = PrecursorConfig
    NEEDS = ("trade_declarations",)
    SCORE = Score(base=0.2, features=(
        Feature("named_chemical", 0.1, "The description names a listed chemical (not only a vague chemical phrase)."),
        Feature("pacific_route", 0.2, "Shipped from Asia into a Mexican Pacific port."),
        Feature("new_importer", 0.15, "The importer has fewer than new_importer_declarations earlier declarations."),
        Feature("chemical_importer", 0.1, "Half or more of the importer's declarations are chemicals of the list."),
        Feature("quantity", 0.15, "Quantity: kg / (kg + large_kg)."),
        Feature("price", 0.1, "Declared value per kg outside [price_low, price_high] times the usual price."),
    ))

    def findings(self, params: dict[str, Any]) -> str:
        c, d = self.config, self.dialect
        params.update(asia=list(c.asia), pacific=[fold_phrase(p) for p in c.pacific_ports], large_kg=c.large_kg,
                      price_low=c.price_low, price_high=c.price_high, new_n=c.new_importer_declarations,
                      min_score=c.min_score, legal=list(LEGAL_FORMS))
        # the importer's name without legal forms, folded as descriptions are (accents, punctuation)
        words = d.array_filter(d.split(fold_sql("importer", d), " "), "w", f"NOT {d.array_contains('$legal', 'w')}")
        imp = d.array_join(words, "' '")
        pacific = (f"{d.array_contains('$pacific', 'upper(port)')} "
                   f"OR {d.array_contains('$pacific', fold_sql('port', d))}")
        return f"""
WITH {screen_ctes(load(c.reference), params, vague=c.vague_phrases, d=d)},
s AS (
  SELECT sc.*, {imp} AS imp_key,
         CAST(CASE WHEN lower(unit) IN ('kg', 'kgm', 'kgs', 'kilogram', 'kilogramos') THEN quantity
                   WHEN lower(unit) IN ('t', 'tne', 'ton', 'tonelada') THEN quantity * 1000
                   WHEN lower(unit) IN ('g', 'grm', 'gramos') THEN quantity / 1000 END AS DOUBLE) AS kg
  FROM screened AS sc
),
h AS (
  -- declarations on earlier days (same-day ones are not earlier: counting rows before this one in
  -- date order let the engine's order among a day's declarations decide it, run to run)
  SELECT *, count(*) OVER (PARTITION BY imp_key ORDER BY date RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
              - count(*) OVER (PARTITION BY imp_key, date) AS earlier,
         avg(CASE WHEN chem IS NOT NULL OR vague THEN 1.0 ELSE 0.0 END) OVER (PARTITION BY imp_key) AS chem_share,
         count(*) OVER (PARTITION BY imp_key) AS imp_total
  FROM s WHERE imp_key IS NOT NULL AND imp_key <> ''
),
f AS (
  SELECT h.*, chem.name AS chem_name, chem.family, chem.usd_per_kg, chem.hs_confidence,
         CAST(value_usd AS DOUBLE) / nullif(kg, 0) / chem.usd_per_kg AS price_ratio,
         {d.array_contains('$asia', 'origin_country')} AND ({pacific}) AS pacific_route,
         earlier < $new_n AS new_importer
  FROM h LEFT JOIN chem USING (chem) WHERE h.chem IS NOT NULL OR h.vague
),
scored AS (
  SELECT *, CASE WHEN chem IS NOT NULL THEN 1.0 ELSE 0.0 END AS f_named_chemical,
            CASE WHEN pacific_route THEN 1.0 ELSE 0.0 END AS f_pacific_route,
            CASE WHEN new_importer THEN 1.0 ELSE 0.0 END AS f_new_importer,
            CASE WHEN chem_share >= 0.5 THEN 1.0 ELSE 0.0 END AS f_chemical_importer,
            coalesce(kg / (kg + $large_kg), 0) AS f_quantity,
            CASE WHEN price_ratio < $price_low OR price_ratio > $price_high THEN 1.0 ELSE 0.0 END AS f_price
  FROM f
)
SELECT CASE WHEN chem IS NOT NULL THEN 'precursor_import' ELSE 'precursor_concealment' END AS typology,
       f_named_chemical, f_pacific_route, f_new_importer, f_chemical_importer, f_quantity, f_price,
       {d.array("'decl:' || decl_id")} AS subjects, {d.array('record_id')} AS evidence,
       {d.json_object(('chemical', 'chem_name'), ('drug_family', 'family'), ('matched_by', 'how'),
                      ('vague_description', 'vague'), ('hs6', 'hs6'), ('hs_confidence', 'hs_confidence'), ('kg', 'kg'),
                      ('usd_per_kg_declared', 'round(CAST(value_usd AS DOUBLE) / nullif(kg, 0), 2)'),
                      ('usd_per_kg_usual', 'usd_per_kg'), ('price_ratio', 'round(price_ratio, 2)'),
                      ('importer', 'importer'), ('importer_earlier_declarations', 'earlier'),
                      ('importer_chemical_share', 'round(chem_share, 2)'), ('origin', 'origin_country'),
                      ('port', 'port'), ('pacific_route', 'pacific_route'))} AS figures,
       {d.format_text('Declaration {}: {} ({} kg) for {}{}{}.', 'decl_id',
                      "coalesce(chem_name || ' found by ' || how, 'a vague chemical description under HS ' || hs6)",
                      "coalesce(CAST(round(kg) AS STRING), '?')", 'importer',
                      "CASE WHEN new_importer THEN ', a new importer' ELSE '' END",
                      "CASE WHEN pacific_route THEN ', from ' || origin_country || ' into Pacific port ' || port "
                      "ELSE '' END")} AS explanation,
       CAST(date AS TIMESTAMP) AS period_start, CAST(date AS TIMESTAMP) AS period_end
FROM scored WHERE {self.score_sql()} >= $min_score
"""
