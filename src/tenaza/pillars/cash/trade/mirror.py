"""Mirror matching: the same shipment declared differently on each side of the border."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from tenaza.detect.base import Detector, DetectorConfig, register
from tenaza.detect.scoring import Feature, Score
from tenaza.pillars.cash.trade.common import (
    chance_sql,
    declarations_sql,
    mirror_pairs_sql,
    money,
    party_keys_sql,
    party_subjects,
    price_norms_sql,
    surprise,
    trade_findings,
)


class TradeMirrorConfig(DetectorConfig):
    days_before: int = Field(5, ge=0, description=(
        "Days an import declaration may precede its export declaration and still pair with it (filings are "
        "often made before the truck leaves)."))
    days_after: int = Field(20, ge=0, description="Days after the export within which its import declaration may fall.")
    pair_qty_tolerance: float = Field(0.05, ge=0, description=(
        "Pairing by parties (no shared transport document): relative quantity difference still taken as the "
        "same shipment."))
    cif_fob_margin: float = Field(0.06, ge=0, description=(
        "Expected excess of the import value (CIF: cost, insurance and freight) over the export value (FOB). "
        "0.06 is the IMF Direction of Trade Statistics convention; land freight between the US and Mexico is "
        "usually below it."))
    value_tolerance: float = Field(0.10, ge=0, description=(
        "Further relative difference allowed for exchange-rate dates, rounding and valuation rules before a "
        "value discrepancy is flagged."))
    quantity_tolerance: float = Field(0.10, ge=0, description=(
        "Relative quantity difference (same unit) beyond which a paired shipment is flagged."))
    min_gap_usd: float = Field(5_000, ge=0, description="Smallest value gap (US dollars) worth an alert.")
    min_group: int = Field(12, ge=4, description=(
        "Fewest declarations in a price group for its median to tell which side of a pair misstates the value."))
    min_sellers: int = Field(3, ge=2, description=(
        "Fewest distinct exporters a six-digit price group needs before each seller counts once in its median "
        "(as in cash_trade_prices)."))
    max_chance: float = Field(0.01, gt=0, le=1, description=(
        "Where the exporter and importer have other paired shipments, value gaps in the same direction must be less "
        "likely than this by chance at the rate of such gaps among the other pairs (binomial tail); otherwise a gap in the "
        "value alone, with quantity and goods agreeing, is taken for a clerical slip that the mirror corrects."))
    min_history: int = Field(2, ge=1, description=(
        "Other paired shipments of the same exporter and importer needed before a value gap can be judged a c"
        "lerical slip against them; a newer relationship has no track record to give it the benefit of the doubt."))


@register
class TradeMirror(Detector[TradeMirrorConfig]):
    """Shipments whose export and import declarations disagree beyond the freight margin.

    A US export declaration (AES/EEI) and the Mexican import declaration (pedimento) of the
    same goods should agree: the import value exceeds the export value only by freight and
    insurance (CIF against FOB: 6 % by the IMF's convention, usually less by truck), and the
    quantity and goods are the same. A larger gap means one side was misstated, which is how
    trade-based laundering moves value: the importer pays an over-invoiced price, or an
    under-invoiced export is paid in part off the books.

    Pairs are found by transport document (bill of lading, carta porte), else by exporter and
    importer names (folded, legal forms dropped), the same six-digit HS code, dates within the
    window and quantities within 5 %; each declaration joins at most one pair. A value gap
    beyond the margin and the tolerance is attributed to the side whose unit price is further
    from the median of comparable declarations: `over_invoicing` where that side is priced
    high, `under_invoicing` where it is priced low. A gap that cannot be attributed (too few
    comparable declarations), a quantity gap or a different HS chapter (the goods described
    differently) is `mirror_discrepancy`.

    A clerical slip shows in one field and the mirror corrects it: a value gap alone (quantity
    and goods agree) between an exporter and importer with at least ``min_history`` other
    pairs is not alerted unless that many gaps the same way would arise by chance with
    probability at most ``max_chance`` (binomial tail) at the rate of such gaps among the other
    pairs. The score weighs that improbability, so repeated gaps rank first.
    """

    NAME = "cash_trade_mirror"
    SCORE = Score(base=0.45, features=(
        Feature("ratio", 0.15, "How far the two sides' values differ: |ln(exported / imported)|, at most 1."),
        Feature("gap", 0.05, "The dollar gap against min_gap_usd: log10(gap / min_gap_usd) / 2, in [0, 1]."),
        Feature("quantity", 0.1, "1 where the two sides' quantities disagree."),
        Feature("goods", 0.1, "1 where the two sides declare different goods (HS chapters)."),
        Feature("chance", 0.3, "How unlikely the gap is among the pair's own history: 0 at even odds, 1 at one in a "
                "million or rarer."),
    ))
    PILLAR = "cash"
    TYPOLOGIES = ("over_invoicing", "under_invoicing", "mirror_discrepancy")
    CONFIG = TradeMirrorConfig
    NEEDS = ("trade_declarations",)

    def findings(self, params: dict[str, Any]) -> str:
        cfg, d = self.config, self.dialect
        assert isinstance(cfg, TradeMirrorConfig)
        params.update({"tm_hi": (1 + cfg.cif_fob_margin) * (1 + cfg.value_tolerance),
                       "tm_lo": 1 / (1 + cfg.value_tolerance), "tm_margin": 1 + cfg.cif_fob_margin,
                       "tm_qty": cfg.quantity_tolerance, "tm_min_gap": cfg.min_gap_usd, "tm_chance": cfg.max_chance, "tm_history": cfg.min_history})
        pairs = mirror_pairs_sql(params, days_before=cfg.days_before, days_after=cfg.days_after,
                                 qty_tolerance=cfg.pair_qty_tolerance, d=d)
        gap_k = "CASE WHEN gap_side = 1 THEN rel_hi WHEN gap_side = -1 THEN rel_lo ELSE 0 END"
        gap_p = "greatest(CASE WHEN gap_side = 1 THEN all_hi - rel_hi ELSE all_lo - rel_lo END, 1) / greatest(all_n - rel_n, 1)"
        figures = d.json_object(
            ("export_decl", "f.e_id"), ("import_decl", "f.i_id"),
            ("paired_by", "CASE f.how WHEN 1 THEN 'transport_doc' ELSE 'parties_hs_date_quantity' END"),
            ("export_value_usd", "round(f.e_usd, 2)"), ("import_value_usd", "round(f.i_usd, 2)"),
            ("import_to_export_ratio", "round(f.ratio, 3)"), ("value_gap_usd", "round(f.gap, 2)"),
            ("expected_ratio_max", "round($tm_hi, 3)"), ("expected_ratio_min", "round($tm_lo, 3)"),
            ("export_quantity", "f.e_qty"), ("import_quantity", "f.i_qty"),
            ("export_hs", "f.e_hs"), ("import_hs", "f.i_hs"), ("misstated_side", "f.suspect"),
            ("quantity_differs", "f.qty_off"), ("goods_differ", "f.goods_off"),
            ("relationship_pairs", "f.rel_n"), ("relationship_gaps_same_way", "f.rel_off"),
            ("chance_of_repeat", "f.chance"))
        return trade_findings(f"""
        decl AS ({declarations_sql(d)}),
        pairs AS ({pairs}),
        norms AS ({price_norms_sql(cfg.min_group, params, d, min_sellers=cfg.min_sellers)}),
        pk AS ({party_keys_sql(d)}),
        p AS (
          SELECT pr.aud, pr.how, e.decl_id AS e_id, i.decl_id AS i_id, e.record_id AS e_rec, i.record_id AS i_rec,
                 e.usd AS e_usd, i.usd AS i_usd, e.qty AS e_qty, i.qty AS i_qty, e.unit_key AS e_unit,
                 i.unit_key AS i_unit, e.hs_code AS e_hs, i.hs_code AS i_hs, e.hs2 AS e_hs2, i.hs2 AS i_hs2,
                 e.exporter, e.importer, e.exporter_key, e.importer_key, e.date AS e_date, i.date AS i_date,
                 i.usd / nullif(e.usd, 0) AS ratio,
                 ln(e.unit_price) - {d.array_element('ne.q', 2)} AS e_dev,
                 ln(i.unit_price) - {d.array_element('ni.q', 2)} AS i_dev
          FROM pairs AS pr
          JOIN decl AS e ON e.aud = pr.aud AND e.decl_id = pr.e_id JOIN decl AS i ON i.aud = pr.aud AND i.decl_id = pr.i_id
          LEFT JOIN norms AS ne ON ne.aud = pr.aud AND ne.decl_id = e.decl_id
          LEFT JOIN norms AS ni ON ni.aud = pr.aud AND ni.decl_id = i.decl_id
        ),
        judged AS (
          SELECT *,
                 CASE WHEN ratio > $tm_hi THEN i_usd - e_usd * $tm_margin
                      WHEN ratio < $tm_lo THEN e_usd - i_usd ELSE 0 END AS gap,
                 e_unit = i_unit AND e_qty > 0 AND abs(i_qty / nullif(e_qty, 0) - 1) > $tm_qty AS qty_off,
                 coalesce(e_hs2 <> i_hs2, false) AS goods_off,
                 CASE WHEN e_dev IS NULL OR i_dev IS NULL THEN NULL
                      WHEN abs(e_dev) >= abs(i_dev) THEN 'export' ELSE 'import' END AS suspect
          FROM p
        ),
        rel AS (
          SELECT *, CASE WHEN ratio > $tm_hi THEN 1 WHEN ratio < $tm_lo THEN -1 ELSE 0 END AS gap_side,
                 count(*) OVER r AS rel_n,
                 count(*) FILTER (WHERE ratio > $tm_hi) OVER r AS rel_hi,
                 count(*) FILTER (WHERE ratio < $tm_lo) OVER r AS rel_lo,
                 count(*) FILTER (WHERE ratio > $tm_hi) OVER a AS all_hi,
                 count(*) FILTER (WHERE ratio < $tm_lo) OVER a AS all_lo, count(*) OVER a AS all_n
          FROM judged
          WINDOW r AS (PARTITION BY aud, exporter_key, importer_key), a AS (PARTITION BY aud)
        ),
        slips AS (
          SELECT *, {gap_k} AS rel_off, {chance_sql(gap_k, 'rel_n', gap_p, d)} AS chance
          FROM rel
        ),
        flagged AS (
          SELECT *,
                 rel_n - 1 >= $tm_history AND chance > $tm_chance AND NOT coalesce(qty_off, false) AND NOT goods_off AS slip,
                 CASE WHEN gap >= $tm_min_gap AND suspect = 'export' THEN
                           CASE WHEN e_dev > 0 THEN 'over_invoicing' ELSE 'under_invoicing' END
                      WHEN gap >= $tm_min_gap AND suspect = 'import' THEN
                           CASE WHEN i_dev > 0 THEN 'over_invoicing' ELSE 'under_invoicing' END
                      WHEN gap >= $tm_min_gap OR qty_off OR goods_off THEN 'mirror_discrepancy' END AS typology
          FROM slips
        )
        SELECT f.aud, f.typology,
               least(1.0, abs(ln(greatest(f.ratio, 1e-6)))) AS f_ratio,
               greatest(0.0, least(1.0, log10(greatest(f.gap, 1) / greatest($tm_min_gap, 1)) / 2)) AS f_gap,
               CASE WHEN f.qty_off THEN 1.0 ELSE 0.0 END AS f_quantity, CASE WHEN f.goods_off THEN 1.0 ELSE 0.0 END AS f_goods,
               {surprise('f.chance')} AS f_chance,
               {d.array("'decl:' || f.e_id", "'decl:' || f.i_id")} || {party_subjects('pe.ids', 'f.exporter', d)}
                 || {party_subjects('pi.ids', 'f.importer', d)} AS subjects,
               {d.array('f.e_rec', 'f.i_rec')} AS evidence,
               {figures} AS figures,
               'Export ' || f.e_id || ' declares ' || {money('f.e_usd', d)} || ' USD'
                 || CASE WHEN f.qty_off THEN ' for ' || CAST(f.e_qty AS STRING) || ' ' || coalesce(f.e_unit, '')
                         ELSE '' END
                 || CASE WHEN f.goods_off THEN ' of HS ' || coalesce(f.e_hs, '?') ELSE '' END
                 || ' but its mirror import ' || f.i_id || ' declares ' || {money('f.i_usd', d)} || ' USD'
                 || CASE WHEN f.qty_off THEN ' for ' || CAST(f.i_qty AS STRING) || ' ' || coalesce(f.i_unit, '')
                         ELSE '' END
                 || CASE WHEN f.goods_off THEN ' of HS ' || coalesce(f.i_hs, '?') ELSE '' END
                 || CASE WHEN f.gap > 0 THEN ', a gap of ' || {money('f.gap', d)} || ' USD beyond the freight margin'
                         ELSE '' END
                 || CASE WHEN f.suspect IS NOT NULL AND f.typology <> 'mirror_discrepancy'
                         THEN ' (the ' || f.suspect || ' side is priced off the market)' ELSE '' END
                 || CASE WHEN f.rel_off > 1 THEN '; ' || f.rel_off || ' of the ' || f.rel_n
                         || ' paired shipments between these parties differ the same way' ELSE '' END
                 || '.' AS explanation,
               CAST(least(f.e_date, f.i_date) AS TIMESTAMP) AS period_start,
               CAST(greatest(f.e_date, f.i_date) AS TIMESTAMP) AS period_end
        FROM flagged AS f
        LEFT JOIN pk AS pe ON pe.aud = f.aud AND pe.key = f.exporter_key
        LEFT JOIN pk AS pi ON pi.aud = f.aud AND pi.key = f.importer_key
        WHERE f.typology IS NOT NULL AND NOT f.slip""", d, score=self.SCORE)
