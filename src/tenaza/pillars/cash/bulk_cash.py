"""Bulk cash repatriation (FinCEN alert FIN-2025-Alert001)."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from tenaza.detect.base import Detector, register
from tenaza.pillars.cash.common import CTR_THRESHOLD_USD, CashConfig, account_subjects, bind_list, money, rid, txn_cte


class BulkCashConfig(CashConfig):
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


@register
class BulkCash(Detector):
    """Bulk cash repatriation: large cash credits, often by armored car, wired to Mexico within days.

    FinCEN alert FIN-2025-Alert001 describes how Mexico-based criminal organizations bring
    dollars smuggled south back into the US financial system: the cash is delivered by an
    armored car service (or carried to a money transmitter near the southwest border) into an
    account of a Mexico-based business, often a casa de cambio, and rapidly moved on to
    financial institutions in Mexico. The detector takes cash credits of at least the reporting
    threshold into accounts outside Mexico and the transfers that leave the same account within
    days to accounts at Mexican institutions (accounts.institution_country, or the transaction's country where the accounts
    are not loaded). An account is flagged when several deliveries were followed so, and at
    least half the delivered cash left that way. Subjects are the account and the Mexican
    recipients.
    """

    NAME = "bulk_cash"
    PILLAR = "cash"
    TYPOLOGIES = ("bulk_cash",)
    CONFIG = BulkCashConfig
    NEEDS = ("transactions",)

    def findings(self, params: dict[str, Any]) -> str:
        c = self.config
        assert isinstance(c, BulkCashConfig)
        params.update(min_delivery=c.min_delivery_usd, window=c.window_days, min_deliveries=c.min_deliveries,
                      min_share=c.min_onward_share)
        cash = bind_list(params, "cash_channels", c.cash_channels)
        onward = bind_list(params, "onward_channels", c.onward_channels)
        t = txn_cte(c, params, where=f"list_contains({cash}, channel) OR list_contains({onward}, channel)")
        window = "to_seconds(CAST($window * 86400 AS BIGINT))"
        return f"""
WITH {t},
mx AS (SELECT account_id FROM accounts WHERE institution_country = 'MEX' GROUP BY account_id),
-- cash paid into accounts outside Mexico: repatriation crosses the border, a domestic Mexican
-- transfer does not
d AS (SELECT to_account AS account, ts, usd, ingest_id, source_row FROM t
      WHERE list_contains({cash}, channel) AND to_account IS NOT NULL AND usd >= $min_delivery
        AND coalesce(country, '') <> 'MEX' AND to_account NOT IN (SELECT account_id FROM mx)),
o AS (
  SELECT t.from_account AS account, t.to_account AS recipient, t.ts, t.usd, t.ingest_id, t.source_row
  FROM t SEMI JOIN (SELECT DISTINCT account FROM d) AS da ON t.from_account = da.account
  WHERE list_contains({onward}, t.channel)
    AND (t.to_account IN (SELECT account_id FROM mx) OR coalesce(t.country = 'MEX', FALSE))
),
-- each delivery and the transfers to Mexico that follow it within the window
pair AS (
  SELECT d.account, d.ts AS d_ts, d.usd AS d_usd, {rid('d')} AS d_rec, o.recipient, o.usd AS o_usd,
         {rid('o')} AS o_rec, o.ts AS o_ts
  FROM d JOIN o ON o.account = d.account AND o.ts > d.ts AND o.ts <= d.ts + {window}
),
per_delivery AS (
  SELECT account, d_rec, any_value(d_usd) AS d_usd, any_value(d_ts) AS d_ts FROM pair GROUP BY account, d_rec
),
onward AS (SELECT DISTINCT account, o_rec, o_usd, recipient, o_ts FROM pair),
a AS (
  SELECT account, count(*) AS n_followed, sum(d_usd) AS followed_usd, min(d_ts) AS period_start
  FROM per_delivery GROUP BY account HAVING count(*) >= $min_deliveries
),
tot AS (SELECT account, sum(usd) AS delivered, count(*) AS n_deliveries FROM d GROUP BY account),
outs AS (
  SELECT account, sum(o_usd) AS sent, list(DISTINCT recipient) AS recipients, list(o_rec) AS o_recs,
         max(o_ts) AS period_end
  FROM onward GROUP BY account
)
SELECT 'bulk_cash' AS typology,
       least(1.0, sent / delivered) * (0.6 + 0.4 * n_followed / n_deliveries) AS score,
       {account_subjects('list_prepend(account, recipients)')} AS subjects,
       (SELECT list(d_rec) FROM per_delivery AS p WHERE p.account = a.account) || o_recs AS evidence,
       json_object('deliveries', n_deliveries, 'delivered_usd', round(delivered, 2),
                   'deliveries_followed', n_followed, 'sent_to_mexico_usd', round(sent, 2),
                   'onward_share', round(least(1.0, sent / delivered), 3), 'recipients', len(recipients),
                   'window_days', $window) AS figures,
       format('Account {{}} took {{}} in {{}} cash deliveries; after {{}} of them {{}} left for {{}} account(s) in '
              || 'Mexico within {{}} days, the repatriation of bulk cash FinCEN alert FIN-2025-Alert001 describes.',
              account, {money('delivered')}, n_deliveries, n_followed, {money('sent')}, len(recipients),
              $window) AS explanation,
       period_start, period_end
FROM a JOIN tot USING (account) JOIN outs USING (account)
WHERE sent >= $min_share * delivered
"""
