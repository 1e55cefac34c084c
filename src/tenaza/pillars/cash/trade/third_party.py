"""Exports paid by third parties: the Black Market Peso Exchange pattern."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import Field

from tenaza.detect.base import Detector, register
from tenaza.detect.pace import TimedConfig
from tenaza.detect.scoring import Feature, Score
from tenaza.detect.sql import usd_source
from tenaza.detect.survey import Survey
from tenaza.markings.audience import audience_ctes, audience_rows
from tenaza.pillars.cash.trade.common import (
    declarations_sql,
    keyed,
    mirror_pairs_sql,
    money,
    name_keys_ctes,
    party_keys_sql,
    party_subjects,
    trade_findings,
)
from tenaza.store.dialect import Dialect

if TYPE_CHECKING:
    from tenaza.store.workspace import Workspace

# Importers pay for what they buy: over the period, what an importer paid its exporter is about what
# it was shipped. Where the median of that ratio over at least UNIT_PAIRS importer-exporter pairs is
# more than UNIT_OFF times off 1, the bank's amounts are in another unit than the declarations'
# (cents, a currency written as dollars).
UNIT_OFF = 10.0
UNIT_PAIRS = 10


class TradeThirdPartyConfig(TimedConfig):
    days_before: int = Field(30, ge=0, description="Days before an export in which a payment may be a prepayment for it.")
    days_after: int = Field(90, ge=0, description=(
        "Days after an export in which a payment may settle it (open-account terms run 30 to 90 days)."))
    min_third_share: float = Field(0.5, ge=0, description=(
        "Share of the export's value that payments from unrelated parties must reach in its window."))
    max_importer_share: float = Field(0.5, ge=0, description=(
        "Above this share of the export's value paid by its own importer in the window, or of everything the "
        "exporter shipped to that importer paid by it over the whole period, the buyer pays its own way and the "
        "export is not flagged."))
    min_payers: int = Field(2, ge=1, description=(
        "Fewest distinct unrelated payers (each cash deposit counts as one) for payments alone to raise an alert; "
        "a declared third-party payer raises one by itself."))
    cash_is_third_party: bool = Field(True, description=(
        "Count cash deposits into the exporter's accounts (depositor unknown) as third-party payments."))
    min_payment_usd: float = Field(1_000, ge=0, description=(
        "Smallest payment (US dollars) counted as paying for an export; retail-sized card and ACH payments are an "
        "exporter's ordinary domestic income."))
    count_company_payers: bool = Field(False, description=(
        "Count payments from unrelated companies as third-party payments. Off by default: an exporter's domestic "
        "customers pay it too, and nothing in a payment tells them apart from a broker's shell company; "
        "individuals and cash paying for a foreign buyer's goods are the distinctive sign."))
    same_name: float = Field(0.92, ge=0, le=1, description=(
        "Jaro-Winkler similarity of two folded names (legal forms dropped) at or above which a payer is taken to "
        "be the importer or a related party, so that a typo in a registry does not make a buyer a stranger."))
    min_value_usd: float = Field(5_000, ge=0, description="Smallest third-party total (US dollars) worth an alert.")
    settled_share: float = Field(0.9, gt=0, le=1, description=(
        "An export counts as settled by its declared payer where one payment from that payer within the window is "
        "within this share of the invoice value (0.9: 90 % to 111 %)."))
    financier_share: float = Field(0.5, ge=0, le=1, description=(
        "A declared payer that settles at least this share of the exports it is named on is a disclosed financier "
        "(a factoring or trade-finance house paying the invoice for the buyer): naming it is not a third-party "
        "sign. A peso broker's nominees pay in pieces, not the invoice."))
    payment_scale: float | None = Field(None, gt=0, description=(
        "Declared dollars per dollar of the bank's payments, applied to every payment before it is compared with "
        "an export's value or a dollar floor. None: measured, the inverse of the median ratio of what an importer "
        f"paid its exporter over the period to what it was shipped (from {UNIT_PAIRS} such pairs on), "
        f"where it is more than {UNIT_OFF:g} times off 1 (the bank data is in another unit), else 1. tenaza detect "
        "prints the ratio measured and the scale used."))
    min_repeat_payments: int = Field(2, ge=1, description=(
        "Fewest payments that one unrelated payer account must make to the exporter within the flagged exports' "
        "windows for payments alone to raise an alert. A broker's few nominees pay export after export; a "
        "dealer's or retailer's walk-in customers each pay once. A declared third-party payer raises an alert "
        "without it. 1 turns the test off."))


@register
class TradeThirdParty(Detector[TradeThirdPartyConfig]):
    """US exporters paid for their exports by parties unrelated to the importer (BMPE).

    In the Black Market Peso Exchange a Mexican importer buys dollars from a peso broker, who
    has drug dollars in the US pay the US exporter: the exporter is paid by strangers (many
    people, cash deposits, money transmitters, accounts of unrelated companies) and not by
    the buyer named on the export. FinCEN's advisories on trade-based laundering
    (FIN-2010-A001, FIN-2014-A005) list payment by unrelated third parties as a main flag.

    Payments are linked to declarations through the parties: the exporter's name on the
    declaration (folded, legal form dropped) finds its party records, whose accounts
    (accounts.holder_party_id) are the exporter's accounts. Every credit to them within the
    window around an export (30 days before to 90 after by default, in the data's pace where it
    runs at another: ``time_profile``) is classed by its payer,
    the holder of the debited account: the importer named on that export; a related party
    (the exporter itself, or another of its importers); an unrelated individual; a cash
    deposit (depositor unknown); an unrelated company; or unidentified (an account with no
    known holder). Unrelated individuals and cash deposits of $1,000 or more are third-party
    payments. Unrelated companies are not counted by default: an exporter's domestic
    customers pay it too, and nothing in the payment tells them apart from a shell company.
    An export is flagged where third-party payments reach half its value, from at least two
    payers, while its importer paid less than half of it, and less than half of all it bought
    from this exporter over the period (in the peso exchange the importer pays the broker in
    pesos and never the exporter; an honest buyer who is late with one invoice pays the
    others); or where the declaration itself names a payer who is neither importer nor
    exporter (names compared with Jaro-Winkler), unless that payer is a disclosed financier:
    a factoring or trade-finance house pays the invoice itself, in one payment, for most of
    the exports it is named on, where a broker's nominees pay in pieces. Alerts group flagged
    exports per exporter and importer, with the Mexican import declarations of the same
    shipments (mirror pairs) and the parties and accounts that paid. Unless a payer is declared,
    a group is only an alert where one unrelated account paid at least twice within its exports'
    windows: a broker has a handful of nominees pay export after export, where a car dealer's or
    retailer's walk-in customers (which also pass the third-party test when the dealer ships a
    few cars south) each pay once. Groups with more such recurring payers score higher.

    Payments and declarations come from different agencies, whose amounts need not share a unit
    (a bank extract in cents, a currency written as dollars). Before the run, what each importer
    paid its exporter over the period is set against what it was shipped: buyers pay for their
    goods, so the median ratio is about 1. Where it is more than ten times off (from ten pairs
    on), every payment is taken at that unit (``payment_scale``), so that "half the export's
    value" and the dollar floors mean what they say; the run prints the ratio. A payment in
    another currency with no dollar amount in the file is valued at the rate of its day (the
    ECB's, loaded where the workspace has none); one with no rate at all is not counted. Without
    a customer file no account has a known holder, so no payment can be linked to an export:
    only declared payers are judged then, none of them can be told from a disclosed financier,
    and the run says so.
    """

    NAME = "cash_trade_third_party"
    SCORE = Score(base=0.5, features=(
        Feature("third_share", 0.2, "Share of the exports' value paid by third parties or in cash, at most 1."),
        Feature("payers", 0.24, "Third-party accounts and cash payments, up to 6, over 6."),
        Feature("repeaters", 0.15, "Third parties who paid the pair more than once, up to 3, over 3."),
        Feature("declared", 0.15, "1 where the declarations themselves name a third-party payer."),
    ))
    PILLAR = "cash"
    TYPOLOGIES = ("bmpe",)
    CONFIG = TradeThirdPartyConfig
    # open-account terms are days of trade: on data stretched over years a factor's settlement
    # falls past a fixed 90 days, and the factor is then taken for a broker's nominee
    TIME_WINDOWS = ("days_before", "days_after")
    NEEDS = ("trade_declarations",)

    def survey(self, ws: Workspace) -> Survey:
        """How many exporters hold a known account (without one, no payment is linked to an export),
        and the unit of the bank's amounts against the declarations', which sets ``payment_scale``."""
        from tenaza.detect.runner import ensure_rates  # the runner imports the pillars: not at module level

        cfg, d = self.config, ws.backend.dialect
        assert isinstance(cfg, TradeThirdPartyConfig)
        ensure_rates(ws)  # payments in other currencies are valued at their day's rate
        out = Survey()
        exporters, linked, n, ratio = ws.backend.fetch("bmpe: exporters' accounts, importers' payments", f"""
            WITH {audience_ctes(d, ("trade_declarations", "transactions"))},
            {name_keys_ctes(d)},
            {_payments_ctes(d)},
            shipped AS (SELECT aud, exporter_key, importer_key, sum(usd) AS exported FROM exp
                        WHERE importer_key <> '' GROUP BY aud, exporter_key, importer_key),
            paid AS (
              SELECT e.aud, e.exporter_key, e.importer_key, sum(p.usd) AS paid
              FROM shipped AS e JOIN pay AS p ON p.aud = e.aud AND p.exporter_key = e.exporter_key
              WHERE {d.jaro_winkler('p.payer_key', 'e.importer_key')} >= $bp_same
              GROUP BY e.aud, e.exporter_key, e.importer_key
            ),
            ratios AS (SELECT p.paid / e.exported AS ratio FROM paid AS p
                       JOIN shipped AS e USING (aud, exporter_key, importer_key))
            SELECT x.n, a.n, r.n, r.ratio
            FROM (SELECT count(DISTINCT exporter_key) AS n FROM exporters) AS x
            CROSS JOIN (SELECT count(DISTINCT exporter_key) AS n FROM xacc) AS a
            CROSS JOIN (SELECT count(*) AS n, {d.quantile_cont('ratio', '0.5')} AS ratio FROM ratios) AS r""",
                                                      {"bp_scale": 1.0, "bp_same": cfg.same_name})[0]
        exporters, linked, n = int(exporters), int(linked), int(n)
        if exporters and not linked:
            out.warnings.append(
                f"{self.NAME}: none of the {exporters:,} exporters named on the declarations holds a known account "
                "(no customer file names the accounts' holders): no payment can be linked to an export, so only "
                "declared third-party payers are judged, and a declared payer cannot be told from a disclosed "
                "financier (the financier test reads the payments); load the banks' customer files (parties)")
        if cfg.payment_scale is not None:
            out.notes.append(f"payment_scale {cfg.payment_scale:g} as set")
            return out
        if n < UNIT_PAIRS or ratio is None or ratio <= 0:
            out.notes.append(f"payment_scale 1: {n:,} importer-exporter pairs with a payment, {UNIT_PAIRS} needed to "
                             f"compare the bank's unit with the declarations'")
            return out
        ratio = float(ratio)
        what = (f"importers paid their exporters {ratio:.3g} times the value of what they shipped them (median over "
                f"{n:,} importer-exporter pairs)")
        if 1 / UNIT_OFF <= ratio <= UNIT_OFF:
            out.notes.append(f"payment_scale 1: {what}")
            return out
        out.update["payment_scale"] = 1 / ratio
        out.notes.append(f"payment_scale {1 / ratio:.4g}: {what}, more than {UNIT_OFF:g} times off; the bank's "
                         f"amounts are taken in that unit")
        return out

    def findings(self, params: dict[str, Any]) -> str:
        cfg, d = self.config, self.dialect
        assert isinstance(cfg, TradeThirdPartyConfig)
        params.update({"bp_third": cfg.min_third_share,
                       "bp_imp": cfg.max_importer_share, "bp_payers": cfg.min_payers, "bp_cash": cfg.cash_is_third_party,
                       "bp_min": cfg.min_value_usd, "bp_min_pay": cfg.min_payment_usd,
                       "bp_companies": cfg.count_company_payers, "bp_same": cfg.same_name,
                       "bp_settled": cfg.settled_share, "bp_financier": cfg.financier_share,
                       "bp_repeat": cfg.min_repeat_payments,
                       "bp_scale": 1.0 if cfg.payment_scale is None else cfg.payment_scale})
        pairs = mirror_pairs_sql(params, days_before=5, days_after=20, qty_tolerance=0.05, d=d)
        window = _window(d, cfg)

        def same(a: str, b: str) -> str:
            return f"{d.jaro_winkler(a, b)} >= $bp_same"

        empty = d.empty_string_array()
        figures = d.json_object(
            ("exports", d.array_length("g.decls")), ("exported_usd", "round(g.exported, 2)"),
            ("third_party_paid_usd", "round(coalesce(m.third_total, 0), 2)"),
            ("third_party_payments", "coalesce(m.n_payments, 0)"),
            ("unrelated_paying_accounts", "coalesce(m.n_accounts, 0)"),
            ("cash_deposits", "coalesce(m.n_cash, 0)"),
            ("recurring_payers", "coalesce(m.n_repeaters, 0)"), ("declared_payers", "g.declared_payers"))
        return trade_findings(f"""
        {_payments_ctes(d)},
        win AS (
          SELECT d.aud, d.decl_id, p.txn_id, p.record_id AS t_rec, p.usd, p.amount_usd, p.from_account, p.to_account,
                 p.payer_party,
                 CASE WHEN {same('p.payer_key', 'd.importer_key')} THEN 'importer'
                      WHEN r.key IS NOT NULL THEN 'related'
                      WHEN p.usd < $bp_min_pay THEN 'small'
                      WHEN p.payer_key IS NOT NULL AND (p.payer_kind = 'person' OR $bp_companies) THEN 'third'
                      WHEN p.payer_key IS NOT NULL THEN 'company'
                      WHEN p.from_account IS NULL AND p.channel IN ('cash_deposit', 'armored_car') AND $bp_cash
                        THEN 'cash'
                      ELSE 'unidentified' END AS cls
          FROM exp AS d JOIN pay AS p ON p.aud = d.aud AND p.exporter_key = d.exporter_key AND {window}
          LEFT JOIN (SELECT DISTINCT r.aud, r.exporter_key, p.payer_key AS key FROM related AS r
                     JOIN (SELECT DISTINCT aud, exporter_key, payer_key FROM pay) AS p USING (aud, exporter_key)
                     WHERE {same('p.payer_key', 'r.key')}) AS r
            ON r.aud = d.aud AND r.exporter_key = d.exporter_key AND r.key = p.payer_key
        ),
        settled AS (
          -- (the payments matched in an inner join first: Spark takes no UDF, the name comparison,
          -- in the ON clause of an outer join)
          SELECT d.aud, d.decl_id, d.payer_key, coalesce(bool_or(m.hit), false) AS settled
          FROM exp AS d LEFT JOIN (
            SELECT d.aud, d.decl_id, p.usd BETWEEN $bp_settled * d.usd AND d.usd / $bp_settled AS hit
            FROM exp AS d JOIN pay AS p ON p.aud = d.aud AND p.exporter_key = d.exporter_key AND {window}
            WHERE d.payer_key IS NOT NULL AND {same('p.payer_key', 'd.payer_key')}
          ) AS m ON m.aud = d.aud AND m.decl_id = d.decl_id
          WHERE d.payer_key IS NOT NULL AND d.payer_key <> d.importer_key AND d.payer_key <> d.exporter_key
          GROUP BY d.aud, d.decl_id, d.payer_key, d.usd
        ),
        financiers AS (
          SELECT aud, payer_key FROM settled GROUP BY aud, payer_key HAVING avg(CAST(settled AS DOUBLE)) >= $bp_financier
        ),
        relation AS (
          -- what the importer paid the exporter over the whole period (a grouped join, not a correlated
          -- subquery: the name comparison is a UDF on Spark, which a correlated predicate may not hold)
          SELECT e.aud, e.exporter_key, e.importer_key, e.exported, coalesce(m.paid, 0) AS paid
          FROM (SELECT aud, exporter_key, importer_key, sum(usd) AS exported FROM exp GROUP BY ALL) AS e
          LEFT JOIN (
            SELECT e.aud, e.exporter_key, e.importer_key, sum(p.usd) AS paid
            FROM (SELECT DISTINCT aud, exporter_key, importer_key FROM exp) AS e
            JOIN pay AS p ON p.aud = e.aud AND p.exporter_key = e.exporter_key
            WHERE {same('p.payer_key', 'e.importer_key')}
            GROUP BY e.aud, e.exporter_key, e.importer_key
          ) AS m ON m.aud = e.aud AND m.exporter_key = e.exporter_key AND m.importer_key = e.importer_key
        ),
        per_decl AS (
          SELECT d.*, coalesce(w.importer_paid, 0) AS importer_paid, r.paid AS relation_paid,
                 r.exported AS relation_exported, coalesce(w.third_paid, 0) AS third_paid,
                 coalesce(w.payers, 0) AS payers,
                 d.payer_key IS NOT NULL AND {d.jaro_winkler('d.payer_key', 'd.importer_key')} < $bp_same
                   AND {d.jaro_winkler('d.payer_key', 'd.exporter_key')} < $bp_same
                   AND NOT EXISTS (SELECT 1 FROM financiers AS fi WHERE fi.aud = d.aud AND fi.payer_key = d.payer_key)
                   AS declared_third
          FROM exp AS d LEFT JOIN (
            SELECT aud, decl_id, sum(usd) FILTER (WHERE cls = 'importer') AS importer_paid,
                   sum(usd) FILTER (WHERE cls IN ('third', 'cash')) AS third_paid,
                   count(DISTINCT from_account) FILTER (WHERE cls = 'third') + count(*) FILTER (WHERE cls = 'cash')
                     AS payers
            FROM win GROUP BY aud, decl_id
          ) AS w USING (aud, decl_id)
          JOIN relation AS r USING (aud, exporter_key, importer_key)
        ),
        flagged AS (
          SELECT * FROM per_decl
          WHERE declared_third
             OR (third_paid >= $bp_third * usd AND importer_paid < $bp_imp * usd
                 AND relation_paid < $bp_imp * relation_exported AND payers >= $bp_payers)
        ),
        pairs AS ({pairs}),
        grouped AS (
          SELECT f.aud, f.exporter_key, f.importer_key, {d.arg_min('f.exporter', 'f.decl_id')} AS exporter,
                 {d.arg_min('f.importer', 'f.decl_id')} AS importer,
                 {d.array_sort(d.list_agg('f.decl_id', distinct=True))} AS decls,
                 {d.array_sort(d.list_agg('f.record_id', distinct=True))} AS decl_recs,
                 {d.list_agg('i.decl_id', distinct=True)} AS imports,
                 {d.array_sort(d.list_agg('i.record_id', distinct=True, where='i.decl_id IS NOT NULL'))} AS import_recs,
                 sum(f.usd) AS exported, bool_or(f.declared_third) AS declared,
                 {d.array_sort(d.list_agg('f.payer', distinct=True, where='f.declared_third'))} AS declared_payers,
                 min(f.date) AS first_day, max(f.date) AS last_day
          FROM flagged AS f LEFT JOIN pairs AS pr ON pr.aud = f.aud AND pr.e_id = f.decl_id
          LEFT JOIN decl AS i ON i.aud = f.aud AND i.decl_id = pr.i_id
          GROUP BY f.aud, f.exporter_key, f.importer_key
        ),
        repeaters AS (
          SELECT f.aud, f.exporter_key, f.importer_key, w.from_account, count(DISTINCT w.txn_id) AS repeats
          FROM flagged AS f JOIN win AS w USING (aud, decl_id) WHERE w.cls = 'third' GROUP BY ALL
        ),
        moneys AS (
          -- the third-party total summed exactly (DECIMAL): a sum of doubles depends on the order the engine
          -- adds them in, and a total ending in half a dollar then rounded either way in the sentence
          SELECT f.aud, f.exporter_key, f.importer_key, CAST(sum(w.amount_usd) AS DOUBLE) * $bp_scale AS third_total,
                 count(*) AS n_payments,
                 count(DISTINCT w.from_account) FILTER (WHERE w.cls = 'third') AS n_accounts,
                 count(*) FILTER (WHERE w.cls = 'cash') AS n_cash, {d.array_sort(d.list_agg('w.t_rec'))} AS t_recs,
                 {d.list_agg("'account:' || w.from_account", distinct=True)} AS payer_accts,
                 {d.list_agg("'account:' || w.to_account", distinct=True)} AS exporter_accts,
                 min(w.ts) AS first_ts, max(w.ts) AS last_ts,
                 {d.list_agg("'party:' || w.payer_party", distinct=True)} AS payer_parties,
                 max(r.repeats) AS max_repeats, count(DISTINCT r.from_account) FILTER (WHERE r.repeats >= 2) AS n_repeaters
          FROM (SELECT DISTINCT w.aud, w.txn_id, w.t_rec, w.usd, w.amount_usd, w.cls, w.from_account, w.to_account, w.payer_party,
                       p.ts, f.exporter_key, f.importer_key
                FROM flagged AS f JOIN win AS w USING (aud, decl_id) JOIN pay AS p ON p.aud = w.aud AND p.txn_id = w.txn_id
                WHERE w.cls IN ('third', 'cash')) AS w
          JOIN (SELECT DISTINCT aud, exporter_key, importer_key FROM flagged) AS f USING (aud, exporter_key, importer_key)
          LEFT JOIN repeaters AS r ON r.aud = f.aud AND r.exporter_key = f.exporter_key AND r.importer_key = f.importer_key
           AND r.from_account = w.from_account
          GROUP BY f.aud, f.exporter_key, f.importer_key
        ),
        pk AS ({party_keys_sql(d)})
        SELECT g.aud, 'bmpe' AS typology,
               least(1.0, coalesce(m.third_total, 0) / g.exported) AS f_third_share,
               least(coalesce(m.n_accounts, 0) + coalesce(m.n_cash, 0), 6) / 6.0 AS f_payers,
               least(coalesce(m.n_repeaters, 0), 3) / 3.0 AS f_repeaters,
               CASE WHEN g.declared THEN 1.0 ELSE 0.0 END AS f_declared,
               {d.array_transform(f'g.decls || coalesce(g.imports, {empty})', 'x', "'decl:' || x")}
                 || {party_subjects('pe.ids', 'g.exporter', d)} || {party_subjects('pi.ids', 'g.importer', d)}
                 || coalesce(m.exporter_accts, {empty}) || coalesce(m.payer_accts, {empty})
                 || coalesce(m.payer_parties, {empty}) AS subjects,
               g.decl_recs || coalesce(g.import_recs, {empty}) || coalesce(m.t_recs, {empty}) AS evidence,
               {figures} AS figures,
               'Exporter ' || g.exporter || ' shipped ' || {d.array_length('g.decls')} || ' export(s) worth '
                 || {money('g.exported', d)}
                 || ' USD to ' || coalesce(g.importer, 'an unnamed importer') || ' but was paid '
                 || {money('coalesce(m.third_total, 0)', d)} || ' USD by parties unrelated to it ('
                 || coalesce(m.n_accounts, 0) || ' unrelated accounts, ' || coalesce(m.n_repeaters, 0)
                 || ' of them paying more than once, ' || coalesce(m.n_cash, 0) || ' cash deposits'
                 || CASE WHEN g.declared THEN ', and a declared payer ' || {d.array_join('g.declared_payers', "', '")}
                         ELSE '' END || '), the Black Market Peso Exchange pattern.' AS explanation,
               CAST(least(g.first_day, CAST(m.first_ts AS DATE)) AS TIMESTAMP) AS period_start,
               CAST(greatest(g.last_day, CAST(m.last_ts AS DATE)) AS TIMESTAMP) AS period_end
        FROM grouped AS g LEFT JOIN moneys AS m USING (aud, exporter_key, importer_key)
        LEFT JOIN pk AS pe ON pe.aud = g.aud AND pe.key = g.exporter_key
        LEFT JOIN pk AS pi ON pi.aud = g.aud AND pi.key = g.importer_key
        WHERE (coalesce(m.third_total, 0) >= $bp_min AND coalesce(m.max_repeats, 0) >= $bp_repeat)
           OR (g.declared AND g.exported >= $bp_min)""", d, ("trade_declarations", "transactions"),
                              score=self.SCORE)


def _payments_ctes(d: Dialect) -> str:
    """CTEs ``decl`` to ``pay``: the exports with an exporter, the exporters' accounts (through the
    holders' names) and every credit to them, valued in dollars at the rate of its day where the
    source gave no dollar amount, in declared dollars (``$bp_scale``); ``amount_usd`` keeps the
    exact dollar amount, for sums that do not depend on the order of their rows."""
    return f"""
    decl AS ({declarations_sql(d)}),
    holders AS (
      SELECT a.aud, a.account_id, {d.arg_min('k.key', 'p.party_id')} AS key, {d.arg_min('p.kind', 'p.party_id')} AS kind,
             min(p.party_id) AS party_id
      FROM ({audience_rows('accounts')}) AS a JOIN ({audience_rows('parties')}) AS p
        ON p.aud = a.aud AND p.party_id = a.holder_party_id
      {keyed('p', 'name', 'k')}
      GROUP BY a.aud, a.account_id
    ),
    exp AS (SELECT {d.star_replace(('importer_key', "coalesce(importer_key, '')"))} FROM decl
             WHERE direction = 'export' AND exporter_key IS NOT NULL AND usd > 0),
    exporters AS (SELECT DISTINCT aud, exporter_key FROM exp),
    related AS (
      SELECT DISTINCT aud, exporter_key, importer_key AS key FROM exp WHERE importer_key <> ''
      UNION SELECT aud, exporter_key, exporter_key FROM exporters
    ),
    xacc AS (SELECT DISTINCT h.aud, h.account_id, e.exporter_key FROM holders AS h
             JOIN exporters AS e ON h.aud = e.aud AND h.key = e.exporter_key),
    pay AS (
      SELECT t.aud, t.txn_id, t.record_id, t.ts, t.usd * $bp_scale AS usd,
             coalesce(t.amount_usd, CAST(t.usd AS DECIMAL(20, 4))) AS amount_usd, t.channel, t.from_account,
             t.to_account, x.exporter_key, hp.key AS payer_key, hp.kind AS payer_kind,
             hp.party_id AS payer_party
      FROM ({usd_source(d, f"({audience_rows('transactions')})")}) AS t
      JOIN xacc AS x ON x.aud = t.aud AND x.account_id = t.to_account
      LEFT JOIN holders AS hp ON hp.aud = t.aud AND hp.account_id = t.from_account
      WHERE t.usd > 0 AND t.channel <> 'cash_withdrawal'
    )"""


def _window(d: Dialect, cfg: TradeThirdPartyConfig) -> str:
    """A payment within the window around an export: from days_before before its date to the end of
    the day days_after after it."""
    return (f"p.ts BETWEEN d.date - {d.interval_days(cfg.days_before)} "
            f"AND d.date + {d.interval_days(cfg.days_after + 1)}")
