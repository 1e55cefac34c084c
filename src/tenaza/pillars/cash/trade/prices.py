"""Abnormal unit prices in customs declarations: over- and under-invoicing."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import Field

from tenaza.detect.base import Detector, DetectorConfig, register
from tenaza.detect.scoring import Feature, Score
from tenaza.detect.survey import Survey
from tenaza.markings.audience import audience_ctes
from tenaza.pillars.cash.trade.common import (
    chance_sql,
    declarations_sql,
    money,
    name_keys_ctes,
    party_keys_sql,
    party_subjects,
    price_norms_sql,
    surprise,
    trade_findings,
)

if TYPE_CHECKING:
    from tenaza.store.workspace import Workspace

# Share of the priced declarations without another seller to compare with beyond which the run warns.
ALONE_WARN = 0.5


class TradePricesConfig(DetectorConfig):
    min_group: int = Field(12, ge=4, description=(
        "Fewest priced declarations a comparison group (trade flow, unit, HS code) needs before its prices are a "
        "norm; smaller six-digit groups fall back to the four-digit heading."))
    min_sellers: int = Field(3, ge=2, description=(
        "Fewest distinct exporters a six-digit group needs before each seller counts once in its norm (its "
        "declarations sharing one weight), so that one busy seller's prices cannot pass for the market; the widest "
        "such group (the flow, or the same goods into the same country from any origin) is used. Where no group has "
        "that many sellers, the norm counts declarations."))
    z_threshold: float = Field(3.5, gt=0, description=(
        "Robust z-score of the log unit price (0.6745 x distance to the median / MAD) beyond which a price is "
        "abnormal; 3.5 is the cut Iglewicz and Hoaglin recommend for outliers."))
    min_spread: float = Field(0.05, ge=0, description=(
        "Smallest MAD of log prices used, so that a group of near-identical prices does not turn a few percent "
        "into an alert (0.05 is about 5 %). The data's own lot-to-lot spread (the median, over sellers with 3 "
        "priced lots or more of a code on a flow, of the MAD of their own log prices; figure lot_spread) is used "
        "where it is wider: a price within a seller's ordinary variation from lot to lot is no anomaly."))
    min_value_moved_usd: float = Field(5_000, ge=0, description=(
        "Smallest estimated value moved (US dollars, against the group median) worth an alert."))
    max_chance: float = Field(0.01, gt=0, le=1, description=(
        "Where the relationship (exporter, importer, reporting side, price group) or else the exporter has a track "
        "record (min_history), its off-market prices must be less likely than this by chance at the rate of "
        "off-market prices in the rest of the data (binomial tail); otherwise they are one-off lots (a premium grade, "
        "a product-mix change) and not alerted."))
    min_history: int = Field(2, ge=1, description=(
        "Other declarations of the same relationship needed before an off-market price can be judged a one-of"
        "f against them; a newer relationship has no track record to give it the benefit of the doubt."))
    house_price_buyers: int = Field(3, ge=2, description=(
        "An exporter whose typical price in a group is itself off-market, with at least this many buyers, sells at "
        "its own price level (a premium brand, a discount line): its prices are not alerted."))


@register
class TradePrices(Detector[TradePricesConfig]):
    """Declarations whose unit price is abnormally high or low for their goods and trade flow.

    Over-invoicing (or under-invoicing) moves value across the border hidden in the price of
    real goods: the importer pays more than the goods are worth, or the exporter is paid in
    part outside the invoice. Following Zdanowicz's price-filter analysis of US trade, each
    declaration's unit price (US dollars per declared unit) is compared with the prices of
    comparable declarations: the same trade flow (from-country, to-country, whichever side
    declared it), the same unit and the same six-digit HS code (the four-digit heading where
    the six-digit group is small).

    Zdanowicz treats every price outside the interquartile range as abnormal, which flags half
    of all trade, and a quartile moves as soon as a quarter of a group is misdeclared. This
    detector uses robust z-scores instead: the distance of the log price from the group median
    in units of the median absolute deviation (MAD), which hold until half the group is
    misdeclared; beyond 3.5 (Iglewicz and Hoaglin) the price is abnormal. The MAD used is at
    least the data's lot-to-lot spread (how much one seller's prices of the same goods vary from
    lot to lot, a median over the data's sellers), so that a norm made of a few sellers' one or
    two lots each does not turn a big seller's ordinary variation into alerts. A price above is
    `over_invoicing`, one below `under_invoicing`. The value moved is estimated against the
    group median (the arm's-length price) times the quantity, with Zdanowicz's conservative
    figure (against the nearer quartile) beside it.

    Honest trade has off-market lots too (a premium grade, a product-mix change), one now and
    then in a relationship that otherwise sells at market; laundering repeats. Each price is
    judged against its track record: the relationship's declarations in the same group, or,
    where the relationship has fewer than ``min_history`` others, the exporter's with all its
    buyers. It is alerted only where that many off-market prices would arise by chance with
    probability at most ``max_chance`` (binomial tail) at the rate of off-market prices in the
    rest of the data, or where there is no track record to judge. An exporter whose typical
    price is itself off-market with ``house_price_buyers`` or more buyers sells at its own
    level (a premium brand) and is not alerted. The score grows with the z-score, the value
    moved and, most, the improbability of the repetition, so patterns rank first.
    """

    NAME = "cash_trade_prices"
    SCORE = Score(base=0.45, features=(
        Feature("deviation", 0.15, "How far the unit price stands beyond min_z, against min_z: (|z| - min_z) / min_z, "
                "in [0, 1]."),
        Feature("moved", 0.1, "The value moved by the price against min_moved_usd: log10(moved / min_moved_usd) / 2, "
                "in [0, 1]."),
        Feature("chance", 0.3, "How unlikely the price is among the party's own history: 0 at even odds, 1 at one in a "
                "million or rarer."),
    ))
    PILLAR = "cash"
    TYPOLOGIES = ("over_invoicing", "under_invoicing")
    CONFIG = TradePricesConfig
    NEEDS = ("trade_declarations",)

    def survey(self, ws: Workspace) -> Survey:
        """How many priced declarations have a market to be judged against: a norm of other sellers'
        prices, a norm of their own seller's prices only (no other seller of the goods in the
        comparison group), or no group of ``min_group`` declarations at all."""
        cfg, d = self.config, ws.backend.dialect
        assert isinstance(cfg, TradePricesConfig)
        params: dict[str, Any] = {}
        priced, alone, unjudged = ws.backend.fetch("cash_trade_prices: markets of the declarations", f"""
            WITH {audience_ctes(d, ("trade_declarations",))},
            {name_keys_ctes(d)},
            decl AS ({declarations_sql(d)}),
            norms AS ({price_norms_sql(cfg.min_group, params, d, min_sellers=cfg.min_sellers)}),
            per AS (
              SELECT x.decl_id, max(n.sellers) AS sellers
              FROM decl AS x LEFT JOIN norms AS n ON n.aud = x.aud AND n.decl_id = x.decl_id
              WHERE x.unit_price > 0 AND x.hs4 IS NOT NULL GROUP BY x.decl_id
            )
            SELECT count(*), count(*) FILTER (WHERE sellers = 1), count(*) FILTER (WHERE sellers IS NULL)
            FROM per""", params)[0]
        priced, alone, unjudged = int(priced), int(alone), int(unjudged)
        out = Survey()
        if not priced:
            out.warnings.append(f"{self.NAME}: no declaration has a unit price (value and quantity above 0 and an "
                                "HS code of four digits or more): nothing to judge")
            return out
        what = (f"{priced:,} priced declarations: {priced - alone - unjudged:,} judged against other sellers' prices, "
                f"{alone:,} ({alone / priced:.0%}) only against their own seller's (no other seller of the goods in "
                f"their comparison group: a price misstated on every lot cannot show), {unjudged:,} not judged "
                f"(no group of min_group {cfg.min_group} declarations)")
        if alone + unjudged > ALONE_WARN * priced:
            out.warnings.append(f"{self.NAME}: {what}; the data holds too few sellers of the same goods to make "
                                "markets: load more declarations of the same flows, or lower min_group")
        else:
            out.notes.append(what)
        return out

    def findings(self, params: dict[str, Any]) -> str:
        cfg, d = self.config, self.dialect
        assert isinstance(cfg, TradePricesConfig)
        params.update({"tp_z": cfg.z_threshold, "tp_min_spread": cfg.min_spread,
                       "tp_min_moved": cfg.min_value_moved_usd, "tp_chance": cfg.max_chance, "tp_history": cfg.min_history,
                       "tp_buyers": cfg.house_price_buyers})
        q1, q2, q3 = (d.array_element("n.q", i) for i in (1, 2, 3))
        chance = chance_sql("t_off", "t_n", "greatest(CASE WHEN side = 1 THEN all_hi ELSE all_lo END - t_off, 1) "
                                            "/ greatest(all_n - t_n, 1)", d)
        figures = d.json_object(
            ("unit_price_usd", "round(f.unit_price, 4)"), ("unit", "f.unit_key"),
            ("group_median_usd", "round(f.med, 4)"), ("group_q1_usd", "round(f.q1, 4)"),
            ("group_q3_usd", "round(f.q3, 4)"), ("group_size", "f.group_size"), ("group_sellers", "f.sellers"),
            ("norm", "f.norm"), ("group_mad", "round(f.mad, 4)"), ("lot_spread", "round(f.lot_spread, 4)"),
            ("robust_z", "round(f.z, 2)"),
            ("hs_group", "f.price_group"), ("flow", "f.flow_from || '>' || f.flow_to"),
            ("direction", "f.direction"), ("price_ratio_to_median", "round(f.unit_price / f.med, 3)"),
            ("value_usd", "round(f.usd, 2)"), ("value_moved_usd", "round(f.moved, 2)"),
            ("value_moved_lower_bound_usd", "round(f.lower, 2)"),
            ("relationship_declarations", "f.rel_n"), ("relationship_off_market", "f.rel_off"),
            ("judged_against", "f.track"), ("chance_of_repeat", "f.chance"))
        return trade_findings(f"""
        decl AS ({declarations_sql(d)}),
        norms AS ({price_norms_sql(cfg.min_group, params, d, min_sellers=cfg.min_sellers)}),
        pk AS ({party_keys_sql(d)}),
        scored AS (
          SELECT d.*, n.price_group, n.group_size, n.sellers, n.norm, n.mad, n.lot_spread,
                 exp({q1}) AS q1, exp({q2}) AS med, exp({q3}) AS q3,
                 0.6745 * (ln(d.unit_price) - {q2}) / greatest(n.mad, n.lot_spread, $tp_min_spread) AS z
          FROM decl AS d JOIN norms AS n USING (aud, decl_id)
        ),
        flagged AS (
          SELECT *,
                 CASE WHEN z >= $tp_z THEN 'over_invoicing' WHEN z <= -$tp_z THEN 'under_invoicing' END AS typology,
                 CASE WHEN z >= $tp_z THEN 1 WHEN z <= -$tp_z THEN -1 ELSE 0 END AS side,
                 abs(unit_price - med) * qty AS moved,
                 greatest(CASE WHEN z > 0 THEN (unit_price - q3) * qty ELSE (q1 - unit_price) * qty END, 0) AS lower
          FROM scored
        ),
        rel AS (
          SELECT *, count(*) OVER r AS rel_n, count(*) FILTER (WHERE side = 1) OVER r AS rel_hi,
                 count(*) FILTER (WHERE side = -1) OVER r AS rel_lo,
                 count(*) OVER e AS exp_n, count(*) FILTER (WHERE side = 1) OVER e AS exp_hi,
                 count(*) FILTER (WHERE side = -1) OVER e AS exp_lo,
                 count(*) FILTER (WHERE side = 1) OVER a AS all_hi, count(*) FILTER (WHERE side = -1) OVER a AS all_lo,
                 count(*) OVER a AS all_n, median(z) OVER e AS house_z,
                 {d.count_distinct_over('importer_key', 'e')} AS buyers
          FROM flagged
          WINDOW a AS (PARTITION BY aud),
                 r AS (PARTITION BY aud, flow_from, flow_to, unit_key, price_group, reporting_country, exporter_key,
                       importer_key),
                 e AS (PARTITION BY aud, flow_from, flow_to, unit_key, price_group, reporting_country, exporter_key)
        ),
        tracked AS (
          -- the track record a price is judged against: the relationship's, else the exporter's with all buyers
          SELECT *, CASE WHEN rel_n - 1 >= $tp_history THEN 'relationship'
                         WHEN exporter_key IS NOT NULL AND exp_n - 1 >= $tp_history THEN 'exporter' END AS track,
                 CASE WHEN rel_n - 1 < $tp_history AND exporter_key IS NOT NULL AND exp_n - 1 >= $tp_history
                      THEN exp_n ELSE rel_n END AS t_n,
                 CASE WHEN rel_n - 1 < $tp_history AND exporter_key IS NOT NULL AND exp_n - 1 >= $tp_history
                      THEN CASE WHEN side = 1 THEN exp_hi ELSE exp_lo END
                      ELSE CASE WHEN side = 1 THEN rel_hi ELSE rel_lo END END AS t_off
          FROM rel WHERE typology IS NOT NULL AND moved >= $tp_min_moved
        ),
        judged AS (
          SELECT *, CASE WHEN side = 1 THEN rel_hi ELSE rel_lo END AS rel_off,
                 {chance} AS chance,
                 exporter_key IS NOT NULL AND buyers >= $tp_buyers AND sign(house_z) = side
                   AND abs(house_z) >= $tp_z AS house_price
          FROM tracked
        )
        SELECT f.aud, f.typology,
               greatest(0.0, least(1.0, (abs(f.z) - $tp_z) / $tp_z)) AS f_deviation,
               greatest(0.0, least(1.0, log10(greatest(f.moved, 1) / greatest($tp_min_moved, 1)) / 2)) AS f_moved,
               {surprise('f.chance')} AS f_chance,
               {d.array("'decl:' || f.decl_id")} || {party_subjects('pe.ids', 'f.exporter', d)}
                 || {party_subjects('pi.ids', 'f.importer', d)} AS subjects,
               {d.array('f.record_id')} AS evidence,
               {figures} AS figures,
               'Declaration ' || f.decl_id || ' (' || f.direction || ', HS ' || coalesce(f.hs_code, '?') || ', '
                 || coalesce(f.flow_from, '?') || ' to ' || coalesce(f.flow_to, '?') || ') prices the goods at '
                 || {d.format_fixed('f.unit_price', 2)} || ' USD per ' || coalesce(f.unit_key, 'unit') || ', '
                 || {d.format_fixed('f.unit_price / f.med', 1)} || ' times the median of ' || f.group_size
                 || ' comparable declarations; about ' || {money('f.moved', d)}
                 || ' USD may have moved through the price'
                 || CASE WHEN f.rel_off > 1 THEN '; ' || f.rel_off || ' of the ' || f.rel_n
                         || ' declarations between these parties are priced off the market in the same direction'
                         ELSE '' END || '.' AS explanation,
               CAST(f.date AS TIMESTAMP) AS period_start, CAST(f.date AS TIMESTAMP) AS period_end
        FROM judged AS f
        LEFT JOIN pk AS pe ON pe.aud = f.aud AND pe.key = f.exporter_key
        LEFT JOIN pk AS pi ON pi.aud = f.aud AND pi.key = f.importer_key
        WHERE NOT f.house_price AND (f.track IS NULL OR f.chance <= $tp_chance)""", d, score=self.SCORE)
