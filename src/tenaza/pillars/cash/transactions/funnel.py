"""Funnel accounts (FinCEN advisory FIN-2014-A005)."""

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
    bind_list,
    days,
    rid,
    saturate,
    txn_cte,
)

SOUTHWEST_BORDER_STATES = ("CA", "AZ", "NM", "TX")
# Deposits from 80 % of a reporting threshold up to it are "just below" it (structuring's
# near_fraction): the band the data's own threshold is looked for in.
JUST_BELOW = 0.8


class FunnelConfig(CashConfig, TimedConfig):
    min_states: int = Field(2, ge=1, description="Distinct states the cash was deposited in.")
    min_places: int = Field(3, ge=1, description="Distinct places (state and city) the cash was deposited in.")
    min_cash_usd: float = Field(CTR_THRESHOLD_USD, ge=0,
                                description="Cash deposited within cash_window_days, at least, at some time: a "
                                            "funnel moves cash on the scale of a currency transaction report "
                                            "(the default) every month, while a family sending a student "
                                            "pocket money does not. Under profile auto or relative, where the "
                                            "deposits do not heap just below it but below a round amount of their "
                                            "own (data in cents or another unit), that amount is the floor; "
                                            "tenaza detect prints which.")
    cash_window_days: float = Field(30, gt=0, description="Window of min_cash_usd.")
    window_days: float = Field(7, gt=0, description="An outflow is quick when cash deposited within this many days "
                                                    "before it covers it.")
    min_quick_share: float = Field(0.5, ge=0, le=1,
                                   description="Share of the deposited cash that leaves quickly (withdrawn in cash, "
                                               "wired or sent through a money transmitter).")
    min_elsewhere_share: float = Field(0.5, ge=0, le=1,
                                       description="Share of the money that left which left 'elsewhere': withdrawn "
                                                   "in a state where nothing was paid in or on the border, or sent "
                                                   "to Mexico. Cash paid in and taken out in the same places is no "
                                                   "funnel.")
    border_states: list[str] = Field(list(SOUTHWEST_BORDER_STATES),
                                     description="States of the US southwest border; withdrawals there count as "
                                                 "'elsewhere' towards Mexico, as the advisory describes.")


@register
class FunnelAccount(Detector[FunnelConfig]):
    """Funnel accounts: cash paid in across several states, then withdrawn or wired out quickly.

    FinCEN advisory FIN-2014-A005 describes accounts in one region that receive many cash
    deposits, often under the reporting threshold, in several other states and by different
    people, with the money withdrawn soon after in another place, often near the US southwest
    border, or wired onward, often to Mexico. The detector takes accounts whose cash deposits
    were made in at least two states and three places, and reached the reporting threshold
    within a month at some time (a family paying a student's pocket money in does not; on data whose
    deposits keep under a threshold of their own, in cents or another unit, that threshold), measures how much of that cash left
    within a week (the outflow covered by cash deposited in the days before it), and how much
    left 'elsewhere': withdrawn in a state where nothing was deposited or on the border, or sent
    to an account at a Mexican institution (accounts.institution_country). The score weighs the
    quick share, the spread of deposit states and the share that went elsewhere.
    """

    NAME = "funnel_account"
    SCORE = Score(features=(
        Feature("quick_out", 0.5, "Share of the cash paid in that left within the window."),
        Feature("states", 0.25, "States the cash was paid in beyond the first, as n / (n + 2): half at 3 states."),
        Feature("elsewhere", 0.25, "Share of the cash paid in that was withdrawn away from the deposit states "
                "(or at the border) or sent to Mexico."),
    ))
    PILLAR = "cash"
    TYPOLOGIES = ("funnel_account",)
    CONFIG = FunnelConfig
    TIME_WINDOWS = ("window_days", "cash_window_days")
    NEEDS = ("transactions",)

    def screen(self) -> Screen:
        """The funnel's floor (min_cash_usd) is the currency transaction report threshold, applied
        to a month's deposits added up, not to one row. Funnel deposits are often kept just under
        that threshold (FIN-2014-A005), so under profile auto the runner looks for the threshold
        the data's deposits keep under where they do not keep under the legal one (data in cents,
        in another unit) and uses it, saying so; where there is none the floor stays as set, with
        a warning where it is off the deposits' scale."""
        return Screen("to_account IS NOT NULL AND channel = 'cash_deposit'", "min_cash_usd", evaded=True,
                      band=JUST_BELOW, summed="cash deposited within cash_window_days")

    def findings(self, params: dict[str, Any]) -> str:
        c, d = self.config, self.dialect
        assert isinstance(c, FunnelConfig)
        params.update(min_states=c.min_states, min_places=c.min_places, min_cash=c.min_cash_usd,
                      cash_window=c.cash_window_days, min_elsewhere=c.min_elsewhere_share,
                      window=c.window_days, min_quick=c.min_quick_share)
        border = bind_list(params, "border_states", c.border_states)
        t = txn_cte(d, c, params, where="channel IN ('cash_deposit', 'cash_withdrawal', 'wire', 'msb_transfer')")
        return f"""
WITH {t},
dep AS (SELECT to_account AS account, ts, usd, state, city, ingest_id, source_row FROM t
        WHERE channel = 'cash_deposit' AND to_account IS NOT NULL),
cand0 AS (
  SELECT account, count(DISTINCT state) AS n_states, count(DISTINCT coalesce(state, '') || '|' || coalesce(city, ''))
         AS n_places, sum(usd) AS cash_in, count(*) AS n_dep, {d.list_agg('state', distinct=True)} AS dep_states
  FROM dep GROUP BY account
  HAVING count(DISTINCT state) >= $min_states
     AND count(DISTINCT coalesce(state, '') || '|' || coalesce(city, '')) >= $min_places AND sum(usd) >= $min_cash
),
-- the scale of a funnel: as much cash as a currency transaction report within a month
monthly AS (
  SELECT account, max(m) AS max_month FROM (
    SELECT account, sum(usd) OVER (PARTITION BY account ORDER BY ts
                                   RANGE BETWEEN {days(d, c.cash_window_days)} PRECEDING AND CURRENT ROW) AS m
    FROM dep {d.semi_join()} cand0 USING (account))
  GROUP BY account HAVING max(m) >= $min_cash
),
cand AS (SELECT * FROM cand0 JOIN monthly USING (account)),
outs AS (
  SELECT t.from_account AS account, t.ts, t.usd, t.channel, t.state, t.ingest_id, t.source_row,
         coalesce(a.institution_country = 'MEX', FALSE) OR coalesce(t.country = 'MEX', FALSE) AS to_mexico,
         -- the account record that makes a recipient Mexican is evidence: the figures rest on it
         CASE WHEN a.institution_country = 'MEX' THEN {rid('a')} END AS acct_rec
  FROM t JOIN cand ON t.from_account = cand.account
  LEFT JOIN accounts AS a ON a.account_id = t.to_account
  WHERE t.channel IN ('cash_withdrawal', 'wire', 'msb_transfer')
),
ev AS (
  SELECT account, ts, usd AS dep, 0.0 AS out, ingest_id, source_row, CAST(NULL AS STRING) AS channel, CAST(NULL AS STRING) AS state,
         FALSE AS to_mexico, CAST(NULL AS STRING) AS acct_rec
  FROM dep {d.semi_join()} cand USING (account)
  UNION ALL
  SELECT account, ts, 0.0, usd, ingest_id, source_row, channel, state, to_mexico, acct_rec FROM outs
),
w AS (
  SELECT *, sum(dep) OVER (PARTITION BY account ORDER BY ts
                           RANGE BETWEEN {days(d, c.window_days)} PRECEDING AND CURRENT ROW) AS recent_in
  FROM ev
),
agg AS (
  SELECT w.account,
         sum(least(out, recent_in)) FILTER (WHERE out > 0) AS quick_out,
         coalesce(sum(out), 0) AS total_out,
         coalesce(sum(out) FILTER (WHERE to_mexico OR (channel = 'cash_withdrawal'
             AND (NOT {d.array_contains('cand.dep_states', 'state')} OR {d.array_contains(border, 'state')}))), 0) AS elsewhere_out,
         coalesce(sum(out) FILTER (WHERE to_mexico), 0) AS to_mexico_out,
         {d.array_concat(d.list_agg(rid()), d.list_agg('acct_rec', distinct=True))} AS evidence,
         min(ts) AS period_start, max(ts) AS period_end
  FROM w JOIN cand USING (account) GROUP BY w.account
)
SELECT 'funnel_account' AS typology,
       least(1.0, quick_out / cash_in) AS f_quick_out, {saturate('n_states - 1', '2')} AS f_states,
       least(1.0, elsewhere_out / cash_in) AS f_elsewhere,
       {d.array("'account:' || account")} AS subjects, evidence,
       {d.json_object(('cash_in_usd', 'round(cash_in, 2)'), ('deposits', 'n_dep'), ('deposit_states', 'n_states'), ('deposit_places', 'n_places'), ('quick_out_usd', 'round(quick_out, 2)'), ('quick_share', 'round(least(1.0, quick_out / cash_in), 3)'), ('total_out_usd', 'round(total_out, 2)'), ('elsewhere_out_usd', 'round(elsewhere_out, 2)'), ('to_mexico_usd', 'round(to_mexico_out, 2)'), ('max_cash_in_window_usd', 'round(max_month, 2)'), ('window_days', '$window'))} AS figures,
       {d.format_text('Account {} took {} in {} cash deposits made in {} states ({} places), and {} of it left within {} days ({} withdrawn elsewhere or sent to Mexico), the pattern of a funnel account.', 'account', d.money('cash_in'), 'n_dep', 'n_states', 'n_places', d.money('least(quick_out, cash_in)'), '$window', d.money('elsewhere_out'))} AS explanation,
       period_start, period_end
FROM agg JOIN cand USING (account)
WHERE coalesce(quick_out, 0) / cash_in >= $min_quick AND total_out > 0 AND elsewhere_out >= $min_elsewhere * total_out
"""
