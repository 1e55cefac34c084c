"""Bulk cash repatriation (FinCEN alert FIN-2025-Alert001)."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from tenaza.detect.base import Detector, register
from tenaza.detect.pace import TimedConfig
from tenaza.detect.scoring import Feature, Score
from tenaza.detect.screen import Screen
from tenaza.pillars.cash.transactions.common import (
    CTR_THRESHOLD_USD,
    CashConfig,
    account_subjects,
    bind_list,
    days,
    rid,
    txn_cte,
)

# Words of company legal forms in the US and Mexico, left out when holders' names are compared
# (with every one-letter word: S.A.P.I. folds to s a p i). Names within a Jaro-Winkler similarity
# of 0.92 are one holder, so that a typo in one bank's record does not make a third party.
LEGAL_FORMS = ("sa", "sapi", "sab", "de", "cv", "rl", "llc", "inc", "corp", "co", "ltd", "lp", "pllc", "company",
               "corporation", "incorporated", "limited")


class BulkCashConfig(CashConfig, TimedConfig):
    min_delivery_usd: float = Field(CTR_THRESHOLD_USD, ge=0,
                                    description="Smallest cash credit counted: the default is the currency "
                                                "transaction report threshold.")
    cash_channels: list[str] = Field(["armored_car", "cash_deposit"],
                                     description="Channels of the cash credits: armored-car deliveries and cash "
                                                 "paid in at a bank or money transmitter.")
    onward_channels: list[str] = Field(["wire", "msb_transfer"],
                                       description="Channels of the transfers that move the money on.")
    window_days: float = Field(5, gt=0, description="Transfers within this many days after a delivery move it on "
                                                    "'rapidly'.")
    min_deliveries: int = Field(2, ge=1, description="Cash deliveries followed by transfers to Mexico an account "
                                                     "needs: a pattern, not one event.")
    min_onward_share: float = Field(0.5, ge=0, le=1,
                                    description="Share of the delivered cash that leaves for Mexico within the "
                                                "window.")
    min_third_party_share: float = Field(0.5, ge=0, le=1,
                                         description="Share of the money sent to Mexico that goes to someone else "
                                                     "than the account's holder. An exchange house moving its own "
                                                     "dollars to its own Mexican account is its business; paying "
                                                     "third parties there is how proceeds reach an organization. "
                                                     "Holders are compared by name (legal forms left out, typos forgiven); where "
                                                     "accounts or parties are not loaded, every recipient counts as "
                                                     "a third party.")


@register
class BulkCash(Detector[BulkCashConfig]):
    """Bulk cash repatriation: large cash credits, often by armored car, wired to Mexico within days.

    FinCEN alert FIN-2025-Alert001 describes how Mexico-based criminal organizations bring
    dollars smuggled south back into the US financial system: the cash is delivered by an
    armored car service (or carried to a money transmitter near the southwest border) into an
    account of a Mexico-based business, often a casa de cambio, and rapidly moved on to
    financial institutions in Mexico. The detector takes cash credits of at least the reporting
    threshold into accounts outside Mexico and the transfers that leave the same account within
    days to accounts at Mexican institutions (accounts.institution_country, or the transaction's country where the accounts
    are not loaded). An account is flagged when several deliveries were followed so, and at
    least half the delivered cash left that way, mostly to others than the account's holder (an
    exchange house moving its own dollars to its own Mexican account is its business). Subjects
    are the account and the Mexican recipients.
    """

    NAME = "bulk_cash"
    PILLAR = "cash"
    TYPOLOGIES = ("bulk_cash",)
    CONFIG = BulkCashConfig
    TIME_WINDOWS = ("window_days",)
    NEEDS = ("transactions",)
    SCORE = Score(combine="product", features=(
        Feature("onward", 1.0, "Share of the delivered cash that left for Mexico within the window (at most 1)."),
        Feature("followed", 0.4, "Share of the deliveries that transfers to Mexico followed: an account whose "
                                 "every delivery moves on keeps the onward share, one whose deliveries mostly "
                                 "stay loses up to 40 % of it."),
    ))

    def screen(self) -> Screen:
        c = self.config
        return Screen(f"to_account IS NOT NULL AND {self.dialect.array_contains('$cash_channels', 'channel')}",
                      "min_delivery_usd", {"cash_channels": list(c.cash_channels)})

    def findings(self, params: dict[str, Any]) -> str:
        c, d = self.config, self.dialect
        params.update(min_delivery=c.min_delivery_usd, window=c.window_days, min_deliveries=c.min_deliveries,
                      min_share=c.min_onward_share, min_third=c.min_third_party_share)
        legal = bind_list(params, "legal_forms", LEGAL_FORMS)
        cash = bind_list(params, "cash_channels", c.cash_channels)
        onward = bind_list(params, "onward_channels", c.onward_channels)
        t = txn_cte(d, c, params, where=f"{d.array_contains(cash, 'channel')} OR {d.array_contains(onward, 'channel')}")
        none = d.empty_string_array()
        # holders by name without legal forms and one-letter words (S.A.P.I. folds to s a p i)
        words = d.array_filter(d.split(d.fold("p.name"), " "), "w", f"length(w) > 1 AND NOT {d.array_contains(legal, 'w')}")
        o_recs = d.array_concat(
            d.array_concat(d.list_agg("o.o_rec"), d.array_flatten(d.list_agg(f"coalesce(hr.hrecs, {none})"))),
            d.array_concat(d.array_flatten(d.list_agg(f"coalesce(m.mrecs, {none})")),
                           f"coalesce(any_value(hs.hrecs), {none})"))
        n_recipients = d.array_length("recipients")
        figures = d.json_object(
            ("deliveries", "n_deliveries"), ("delivered_usd", "round(delivered, 2)"),
            ("deliveries_followed", "n_followed"), ("sent_to_mexico_usd", "round(sent, 2)"),
            ("onward_share", "round(least(1.0, sent / delivered), 3)"), ("recipients", n_recipients),
            ("third_party_share", "round(coalesce(third_party, 0) / sent, 3)"), ("window_days", "$window"))
        explanation = d.format_text(
            "Account {} took {} in {} cash deliveries; after {} of them {} left for {} account(s) in Mexico within "
            "{} days, the repatriation of bulk cash FinCEN alert FIN-2025-Alert001 describes.",
            "account", d.money("delivered"), "n_deliveries", "n_followed", d.money("sent"), n_recipients, "$window")
        return f"""
WITH {t},
-- every row a figure rests on goes into the evidence: the account records that make a recipient
-- Mexican, every delivery counted (followed or not), the holder records the third-party test reads
mx AS (SELECT account_id, {d.list_agg(rid('ac'))} AS mrecs FROM accounts AS ac WHERE institution_country = 'MEX'
       GROUP BY account_id),
-- cash paid into accounts outside Mexico: repatriation crosses the border, a domestic Mexican
-- transfer does not
d AS (SELECT to_account AS account, ts, usd, ingest_id, source_row FROM t
      WHERE {d.array_contains(cash, 'channel')} AND to_account IS NOT NULL AND usd >= $min_delivery
        AND coalesce(country, '') <> 'MEX' AND to_account NOT IN (SELECT account_id FROM mx)),
o AS (
  SELECT t.from_account AS account, t.to_account AS recipient, t.ts, t.usd, t.ingest_id, t.source_row
  FROM t {d.semi_join()} (SELECT DISTINCT account FROM d) AS da ON t.from_account = da.account
  WHERE {d.array_contains(onward, 't.channel')}
    AND (t.to_account IN (SELECT account_id FROM mx) OR coalesce(t.country = 'MEX', FALSE))
),
-- each delivery and the transfers to Mexico that follow it within the window
pair AS (
  SELECT d.account, d.ts AS d_ts, d.usd AS d_usd, {rid('d')} AS d_rec, o.recipient, o.usd AS o_usd,
         {rid('o')} AS o_rec, o.ts AS o_ts
  FROM d JOIN o ON o.account = d.account AND o.ts > d.ts AND o.ts <= d.ts + {days(d, c.window_days)}
),
per_delivery AS (
  SELECT account, d_rec, any_value(d_usd) AS d_usd, any_value(d_ts) AS d_ts FROM pair GROUP BY account, d_rec
),
onward AS (SELECT DISTINCT account, o_rec, o_usd, recipient, o_ts FROM pair),
a AS (
  SELECT account, count(*) AS n_followed, sum(d_usd) AS followed_usd, min(d_ts) AS period_start
  FROM per_delivery GROUP BY account HAVING count(*) >= $min_deliveries
),
tot AS (SELECT account, sum(usd) AS delivered, count(*) AS n_deliveries, {d.list_agg(rid('d'))} AS d_recs FROM d
        GROUP BY account),
-- holders by name without legal forms, so that CASA DE CAMBIO X S.A. DE C.V. at a US bank and at a
-- Mexican bank are one holder
holder AS (
  SELECT a.account_id, any_value({d.array_join(words, "' '")}) AS name,
         {d.array_concat(d.list_agg(rid('a')), d.list_agg(rid('p')))} AS hrecs
  FROM accounts AS a JOIN parties AS p ON p.party_id = a.holder_party_id GROUP BY a.account_id
),
outs AS (
  SELECT o.account, sum(o.o_usd) AS sent, {d.list_agg('o.recipient', distinct=True)} AS recipients,
         {o_recs} AS o_recs, max(o.o_ts) AS period_end,
         sum(o.o_usd) FILTER (WHERE hs.name IS NULL OR hr.name IS NULL
                              OR {d.jaro_winkler('hs.name', 'hr.name')} < 0.92) AS third_party
  FROM onward AS o LEFT JOIN holder AS hs ON hs.account_id = o.account
  LEFT JOIN holder AS hr ON hr.account_id = o.recipient LEFT JOIN mx AS m ON m.account_id = o.recipient
  GROUP BY o.account
)
SELECT 'bulk_cash' AS typology,
       least(1.0, sent / delivered) AS f_onward, CAST(n_followed AS DOUBLE) / n_deliveries AS f_followed,
       {account_subjects(d, d.array_prepend('account', 'recipients'))} AS subjects,
       {d.array_distinct(d.array_concat('d_recs', 'o_recs'))} AS evidence,
       {figures} AS figures, {explanation} AS explanation, period_start, period_end
FROM a JOIN tot USING (account) JOIN outs USING (account)
WHERE sent >= $min_share * delivered AND coalesce(third_party, 0) >= $min_third * sent
"""
