"""Phantom shipments: declarations of goods that no crossing shows to have moved."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import Field

from tenaza.detect.base import Detector, DetectorConfig, register
from tenaza.detect.scoring import Feature, Score
from tenaza.detect.survey import Survey
from tenaza.markings.audience import audience_rows
from tenaza.pillars.cash.trade.common import (
    LAND_MODES,
    chance_sql,
    declarations_sql,
    doc_key,
    hs_digits,
    keyed,
    mirror_pairs_sql,
    money,
    party_keys_sql,
    party_subjects,
    surprise,
    trade_findings,
)

if TYPE_CHECKING:
    from tenaza.store.workspace import Workspace

# Crossings citing a declaration on file from which their distance to its date is the data's own
# crossing lag; with fewer the edges keep window_days.
MIN_CITED = 10


class TradePhantomConfig(DetectorConfig):
    window_days: int = Field(7, ge=0, description=(
        "Days between a declaration and a crossing of the same shipper or consignee for the crossing to "
        "support it when the crossing does not cite the declaration."))
    land_modes: tuple[str, ...] = Field(LAND_MODES, description=(
        "Transport modes whose goods cross a land port, where a crossing record must exist."))
    min_coverage: float = Field(0.6, ge=0, le=1, description=(
        "Share of a month's land declarations (per reporting country and mode) that crossings must support before "
        "an unsupported one is suspicious; below it the crossings loaded do not cover that month or mode."))
    min_cell: int = Field(10, ge=1, description=(
        "Fewest land declarations a reporting country's month and mode need to be judged."))
    min_value_usd: float = Field(5_000, ge=0, description="Smallest declared value (US dollars) worth an alert.")
    mirror_days: int = Field(20, ge=0, description="Window (days) for pairing the export and import declarations.")
    max_chance: float = Field(0.01, gt=0, le=1, description=(
        "Where the exporter and importer (or else the exporter) have a track record (min_history), their unsupported "
        "declarations must be less likely than this by chance at the rate crossings are missing for the others "
        "(binomial tail); otherwise the missing crossing is a gap in the crossing extract, not a pattern."))
    min_history: int = Field(2, ge=1, description=(
        "Other land declarations of the same exporter and importer needed before a missing crossing can be ju"
        "dged a gap in the extract; a newer relationship has no track record to give it the benefit of the doubt."))
    edge_days: int | None = Field(None, ge=0, description=(
        "Days at each end of the crossing extract in which a declaration is not judged (its crossing may lie "
        "outside the extract). None: the data's own crossing lag, the most days between a declaration and a "
        f"crossing that cites it (from {MIN_CITED} such crossings on), at most window_days; else window_days. "
        "tenaza detect prints the extract's span and the edge used, and warns where the span leaves no day to judge."))
    outage_parties: int = Field(3, ge=2, description=(
        "Unsupported declarations of at least this many unrelated exporters at one port on one day mean the crossing "
        "extract lacks that port and day; none of them is alerted."))


@register
class TradePhantom(Detector[TradePhantomConfig]):
    """Land-border declarations that no crossing record supports (phantom shipments).

    A phantom shipment is paperwork without goods: an export or import declared, invoiced and
    paid, so that money moves as payment for trade, while nothing crosses. Every truck or
    train that carries declared goods across a land port leaves a crossing record that cites
    the declaration (the pedimento or entry number), or at least names the same shipper or
    consignee within days of it.

    A declaration by truck or rail is supported where a crossing cites it or its mirror
    declaration on the other side, or where a crossing that cites no declaration on file
    names the same shipper or consignee (names folded, legal forms dropped) within the window,
    with a compatible HS code. A crossing that cites another declaration belongs to that one:
    a front company's real shipments do not cover its paper ones. The
    crossings loaded may cover only some ports, months or modes (a source of truck crossings
    says nothing about trains), so a declaration is judged only where most land declarations
    of its reporting country, month and mode (60 % by default) are supported; elsewhere the
    absence of a crossing says nothing. Vessel and air shipments are out of
    scope: no land crossing is expected for them.

    A crossing extract misses trucks now and then. A lone unsupported declaration is judged
    against its track record (the exporter and importer's other land declarations, else the
    exporter's with all its buyers, from ``min_history`` on) and alerted only where that many
    unsupported ones would arise by chance with probability at most ``max_chance`` at the
    rate of unsupported declarations of the rest of that country and mode. Unsupported
    declarations of ``outage_parties`` or more unrelated exporters at one port on one day mean
    the extract lacks that port and day; none of them is alerted.

    A declaration within days of either end of the crossing extract is not judged: its crossing
    may lie just outside it. How many days is the data's own crossing lag, measured before the
    run on the crossings that cite a declaration on file (the most days between the two dates; at
    most ``window_days``), since a crossing extract of ten days cannot spare a week at each end
    while trucks cross on the day of their declaration. Where the extract is too short for that
    lag on both ends, no declaration can be judged and the run says so.
    """

    NAME = "cash_trade_phantom"
    SCORE = Score(base=0.45, features=(
        Feature("coverage", 0.15, "How well the crossing data covers the declaration's port and days, beyond "
                "min_coverage: (coverage - min_coverage) / (1 - min_coverage)."),
        Feature("value", 0.1, "The declared value against min_value_usd: log10(value / min_value_usd) / 2, in [0, 1]."),
        Feature("chance", 0.3, "How unlikely it is that the crossing went unrecorded: 0 at even odds, 1 at one in a "
                "million or rarer."),
    ))
    PILLAR = "cash"
    TYPOLOGIES = ("phantom_shipment",)
    CONFIG = TradePhantomConfig
    NEEDS = ("trade_declarations", "crossings")

    def survey(self, ws: Workspace) -> Survey:
        """The crossing extract's span and the data's crossing lag, which set ``edge_days``."""
        cfg, d = self.config, ws.backend.dialect
        assert isinstance(cfg, TradePhantomConfig)
        first, last, lag, cited = ws.backend.fetch("phantom: crossing extract span and lag", f"""
            WITH cx AS (SELECT CAST(ts AS DATE) AS day, {doc_key('decl_ref', d)} AS ref FROM crossings WHERE ts IS NOT NULL),
            dk AS (SELECT DISTINCT {doc_key('decl_id', d)} AS ref, date FROM trade_declarations WHERE date IS NOT NULL)
            SELECT s.first_day, s.last_day, g.lag, g.n
            FROM (SELECT min(day) AS first_day, max(day) AS last_day FROM cx) AS s
            CROSS JOIN (SELECT max(abs({d.days_between('cx.day', 'dk.date')})) AS lag, count(*) AS n
                        FROM cx JOIN dk ON dk.ref = cx.ref) AS g""")[0]
        out = Survey()
        if first is None:
            return out
        span = (last - first).days + 1
        cited, set_to = int(cited), cfg.edge_days
        if set_to is None:
            if cited >= MIN_CITED and lag is not None:
                edge = min(cfg.window_days, int(lag))
                why = (f"the data's crossing lag: {cited:,} crossings cite a declaration on file, at most {int(lag)} "
                       f"day(s) from its date" + (f", capped at window_days {cfg.window_days}"
                                                  if int(lag) > cfg.window_days else ""))
            else:
                edge = cfg.window_days
                why = f"window_days ({cited:,} crossings cite a declaration on file, {MIN_CITED} needed to measure a lag)"
            out.update["edge_days"] = edge
        else:
            edge, why = set_to, "edge_days as set"
        out.notes.append(f"crossings span {span:,} days ({first} to {last}); declarations judged from {edge} day(s) "
                         f"inside either end ({why})")
        if span <= 2 * edge:
            out.warnings.append(
                f"{self.NAME}: the crossing extract spans {span:,} days, too few to leave any day {edge} day(s) from "
                f"both of its ends: no declaration can be judged (a crossing may lie outside the extract); "
                f"load a longer crossing extract or lower edge_days")
        return out

    def findings(self, params: dict[str, Any]) -> str:
        cfg, d = self.config, self.dialect
        assert isinstance(cfg, TradePhantomConfig)
        params.update({"ph_window": cfg.window_days,
                       "ph_edge": cfg.window_days if cfg.edge_days is None else cfg.edge_days, "ph_modes": [m.lower() for m in cfg.land_modes],
                       "ph_cov": cfg.min_coverage, "ph_cell": cfg.min_cell, "ph_min_value": cfg.min_value_usd,
                       "ph_chance": cfg.max_chance, "ph_history": cfg.min_history, "ph_outage": cfg.outage_parties})
        pairs = mirror_pairs_sql(params, days_before=cfg.mirror_days, days_after=cfg.mirror_days, qty_tolerance=0.05,
                                 d=d)
        near = f"abs({d.days_between('cx.day', 'l.date')}) <= $ph_window AND coalesce(cx.hs4 = l.hs4, true)"
        chance = chance_sql("t_miss", "t_n", "greatest(scope_miss - t_miss, 1) / greatest(scope_n - t_n, 1)", d)
        figures = d.json_object(
            ("value_usd", "round(j.usd, 2)"), ("transport_mode", "j.mode"), ("port", "j.port"),
            ("transport_doc", "j.transport_doc"), ("mirror_decl", "j.other"),
            ("month_coverage", "round(j.coverage, 3)"), ("month_land_declarations", "j.cell_n"),
            ("window_days", "$ph_window"), ("relationship_land_declarations", "j.rel_n"),
            ("relationship_unsupported", "j.rel_miss"), ("judged_against", "j.track"),
            ("chance_of_repeat", "j.chance"))
        return trade_findings(f"""
        decl AS ({declarations_sql(d)}),
        pairs AS ({pairs}),
        mirror AS (SELECT aud, e_id AS decl_id, i_id AS other FROM pairs UNION ALL SELECT aud, i_id, e_id FROM pairs),
        cx AS (
          SELECT c.aud, c.crossing_id, CAST(c.ts AS DATE) AS day, {doc_key('c.decl_ref', d)} AS ref,
                 ks.key AS shipper_key, kc.key AS consignee_key, {hs_digits('c.hs_code', 4, d)} AS hs4
          FROM ({audience_rows('crossings')}) AS c {keyed('c', 'shipper', 'ks')} {keyed('c', 'consignee', 'kc')}
        ),
        land AS (
          SELECT d.*, m.other, {doc_key('d.decl_id', d)} AS own_ref, {doc_key('m.other', d)} AS other_ref
          FROM decl AS d LEFT JOIN mirror AS m USING (aud, decl_id)
          WHERE {d.array_contains('$ph_modes', 'd.mode')}
        ),
        cited AS (
          SELECT DISTINCT l.aud, l.decl_id FROM land AS l JOIN cx ON cx.aud = l.aud AND cx.ref = l.own_ref
          UNION SELECT DISTINCT l.aud, l.decl_id FROM land AS l JOIN cx ON cx.aud = l.aud AND cx.ref = l.other_ref
        ),
        known AS (SELECT DISTINCT aud, {doc_key('decl_id', d)} AS ref FROM decl),
        free_cx AS (SELECT cx.* FROM cx WHERE cx.ref IS NULL
                      OR NOT EXISTS (SELECT 1 FROM known AS k WHERE k.aud = cx.aud AND k.ref = cx.ref)),
        named AS (
          -- the shipper's name, or else the consignee's: two equi-joins, not one join on an OR
          SELECT DISTINCT l.aud, l.decl_id FROM land AS l JOIN free_cx AS cx
            ON cx.aud = l.aud AND cx.shipper_key = l.exporter_key AND {near}
          UNION
          SELECT DISTINCT l.aud, l.decl_id FROM land AS l JOIN free_cx AS cx
            ON cx.aud = l.aud AND cx.consignee_key = l.importer_key AND {near}
        ),
        judged AS (
          SELECT l.*, c.decl_id IS NOT NULL OR n.decl_id IS NOT NULL AS supported,
                 date_trunc('month', l.date) AS month
          FROM land AS l LEFT JOIN cited AS c USING (aud, decl_id) LEFT JOIN named AS n USING (aud, decl_id)
        ),
        span AS (SELECT aud, min(day) AS first_day, max(day) AS last_day FROM cx GROUP BY aud),
        cells AS (
          SELECT aud, reporting_country, month, mode, count(*) AS n, avg(CAST(supported AS INTEGER)) AS coverage
          FROM judged GROUP BY ALL
        ),
        pk AS ({party_keys_sql(d)}),
        scope AS (
          SELECT j.*, c.coverage, c.n AS cell_n FROM judged AS j JOIN cells AS c USING (aud, reporting_country, month, mode)
          WHERE c.coverage >= $ph_cov AND c.n >= $ph_cell
        ),
        rel AS (
          SELECT *, count(*) OVER r AS rel_n, count(*) FILTER (WHERE NOT supported) OVER r AS rel_miss,
                 count(*) OVER e AS exp_n, count(*) FILTER (WHERE NOT supported) OVER e AS exp_miss,
                 count(*) FILTER (WHERE NOT supported) OVER s AS scope_miss, count(*) OVER s AS scope_n,
                 {d.count_distinct_over('exporter_key', 'pd', 'NOT supported')} AS day_missing_exporters
          FROM scope
          WINDOW r AS (PARTITION BY aud, reporting_country, mode, exporter_key, importer_key),
                 e AS (PARTITION BY aud, reporting_country, mode, exporter_key),
                 s AS (PARTITION BY aud, reporting_country, mode),
                 pd AS (PARTITION BY aud, reporting_country, mode, port, date)
        ),
        tracked AS (
          -- the track record a missing crossing is judged against: the relationship's, else the exporter's
          SELECT *, CASE WHEN rel_n - 1 >= $ph_history THEN 'relationship'
                         WHEN exporter_key IS NOT NULL AND exp_n - 1 >= $ph_history THEN 'exporter' END AS track,
                 CASE WHEN rel_n - 1 < $ph_history AND exporter_key IS NOT NULL AND exp_n - 1 >= $ph_history
                      THEN exp_n ELSE rel_n END AS t_n,
                 CASE WHEN rel_n - 1 < $ph_history AND exporter_key IS NOT NULL AND exp_n - 1 >= $ph_history
                      THEN exp_miss ELSE rel_miss END AS t_miss
          FROM rel WHERE NOT supported AND day_missing_exporters < $ph_outage
        ),
        suspects AS (
          SELECT *, {chance} AS chance
          FROM tracked
        )
        SELECT j.aud, 'phantom_shipment' AS typology,
               greatest(0.0, least(1.0, (j.coverage - $ph_cov) / greatest(1 - $ph_cov, 1e-9))) AS f_coverage,
               greatest(0.0, least(1.0, log10(greatest(j.usd, 1) / greatest($ph_min_value, 1)) / 2)) AS f_value,
               {surprise('j.chance')} AS f_chance,
               {d.array("'decl:' || j.decl_id")} || {party_subjects('pe.ids', 'j.exporter', d)}
                 || {party_subjects('pi.ids', 'j.importer', d)} AS subjects,
               {d.array('j.record_id')} AS evidence,
               {figures} AS figures,
               'Declaration ' || j.decl_id || ' (' || j.direction || ' by ' || j.mode || ', ' || {money('j.usd', d)}
                 || ' USD) has no crossing that cites it or names its shipper or consignee within '
                 || $ph_window || ' days, although crossings support ' || CAST(round(100 * j.coverage) AS INTEGER)
                 || ' % of that month''s ' || j.mode || ' declarations'
                 || CASE WHEN j.rel_miss > 1 THEN '; ' || j.rel_miss || ' of the ' || j.rel_n
                         || ' land declarations between these parties have no crossing' ELSE '' END
                 || '.' AS explanation,
               CAST(j.date AS TIMESTAMP) AS period_start, CAST(j.date AS TIMESTAMP) AS period_end
        FROM suspects AS j JOIN span AS s ON s.aud = j.aud
        LEFT JOIN pk AS pe ON pe.aud = j.aud AND pe.key = j.exporter_key
        LEFT JOIN pk AS pi ON pi.aud = j.aud AND pi.key = j.importer_key
        WHERE (j.track IS NULL OR j.chance <= $ph_chance) AND coalesce(j.usd, 0) >= $ph_min_value
          AND j.date BETWEEN s.first_day + $ph_edge AND s.last_day - $ph_edge""", d,
                              names={"crossings": ("shipper", "consignee")}, score=self.SCORE)
