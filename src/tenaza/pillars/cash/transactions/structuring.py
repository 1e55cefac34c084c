"""Structuring: cash deposits kept under the currency transaction report threshold."""

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
    days,
    rid,
    saturate,
    txn_cte,
)


class StructuringConfig(CashConfig, TimedConfig):
    threshold_usd: float = Field(CTR_THRESHOLD_USD, gt=0,
                                 description="Reporting threshold the deposits stay under: the US currency "
                                             "transaction report threshold of 31 CFR 1010.311.")
    near_fraction: float = Field(0.8, gt=0, lt=1,
                                 description="A deposit from this fraction of the threshold up to it is 'just "
                                             "under' ($8,000 to $9,999.99 at the defaults).")
    window_days: float = Field(7, gt=0, description="Days over which deposits are added up; a run of "
                                                    "sub-threshold deposits adding up to the threshold within it "
                                                    "is one structured window.")
    min_near_deposits: int = Field(3, ge=1, description="Deposits just under the threshold an account needs.")
    min_windows: int = Field(1, ge=1, description="Structured windows an account needs.")
    min_near_share: float = Field(0.3, ge=0, le=1,
                                  description="Share of the account's cash deposits that are just under the "
                                              "threshold: structured deposits bunch there, ordinary ones spread "
                                              "over every amount.")
    min_avoidance: float = Field(0.8, ge=0, le=1,
                                 description="Share of the account's deposits of at least the 'just under' amount "
                                             "that stay under the threshold. Honest cash businesses deposit "
                                             "across the threshold; structurers avoid it.")


@register
class Structuring(Detector[StructuringConfig]):
    """Cash deposits kept under the $10,000 currency transaction report threshold.

    Structuring (31 U.S.C. 5324) breaks cash into deposits under the reporting threshold so that
    no currency transaction report is filed. The detector looks, per receiving account, at cash
    deposits: how many fall just under the threshold, whether runs of them add up to the
    threshold within a few days (across days, branches, cities and depositors alike), and
    whether the deposits bunch just under it, and whether the account *avoids* the threshold: a cash business deposits just under and over it
    alike, while a structured account has many deposits just under and few or none over. The
    score grows with the structured windows and the avoidance; the figures give the deposits
    just under, over, the windows, the branches and cities used, and the total. Subjects are the
    account and the accounts that received at least a tenth of the money from it in the period
    (a collector, the next hop abroad), whose transfers join the evidence.
    """

    NAME = "structuring"
    SCORE = Score(base=0.3, gates=(
        Feature("avoidance", 1.0, "Share of the account's deposits near the threshold that stay under it: "
                "an account that deposits over it as often is a cash business, not a structurer."),
    ), features=(
        Feature("near_share", 0.35, "Share of all the account's cash deposits that fall just under the threshold."),
        Feature("windows", 0.35, "Runs of deposits under the threshold that add up to it within the window, "
                "as n / (n + 3): half at 3 runs, towards 1 beyond."),
    ))
    PILLAR = "cash"
    TYPOLOGIES = ("structuring",)
    CONFIG = StructuringConfig
    TIME_WINDOWS = ("window_days",)
    NEEDS = ("transactions",)

    def screen(self) -> Screen:
        """Structuring evades the reporting threshold itself, so it has no relative profile (no
        quantile); the rows that count are the deposits from the 'just under' amount up. Under
        ``auto`` a data whose deposits do not heap just below the legal threshold, but do below a
        round amount of their own (a rescaled world, a simulator's units), is judged against
        that threshold, and detect says which it used."""
        c = self.config
        assert isinstance(c, StructuringConfig)
        return Screen("channel = 'cash_deposit' AND to_account IS NOT NULL", "threshold_usd", scale=c.near_fraction,
                      relative=False, evaded=True)

    def findings(self, params: dict[str, Any]) -> str:
        c, d = self.config, self.dialect
        assert isinstance(c, StructuringConfig)
        params.update(threshold=c.threshold_usd, near=c.near_fraction * c.threshold_usd, window=c.window_days,
                      min_near=c.min_near_deposits, min_windows=c.min_windows, min_near_share=c.min_near_share,
                      min_avoidance=c.min_avoidance)
        t = txn_cte(d, c, params, where="channel = 'cash_deposit' AND to_account IS NOT NULL")
        moves = txn_cte(d, c, params, name="moves", where="to_account IS NOT NULL AND from_account IS NOT NULL "
                                                       "AND from_account <> to_account")
        empty = d.empty_string_array()
        return f"""
WITH {t}, {moves},
w AS (
  SELECT *, usd < $threshold AS under,
         sum(usd) FILTER (WHERE usd < $threshold) OVER win AS win_sum,
         count(*) FILTER (WHERE usd < $threshold) OVER win AS win_n
  FROM t
  WINDOW win AS (PARTITION BY to_account ORDER BY ts RANGE BETWEEN {days(d, c.window_days)} PRECEDING AND CURRENT ROW)
),
closing AS (SELECT *, under AND win_n >= 2 AND win_sum >= $threshold AS closes FROM w),
-- a deposit belongs to a structured window when a window closing within the next days takes it in
member AS (
  SELECT *, bool_or(closes) OVER (PARTITION BY to_account ORDER BY ts
                                  RANGE BETWEEN CURRENT ROW AND {days(d, c.window_days)} FOLLOWING) AND under AS in_window
  FROM closing
),
a AS (
  SELECT to_account AS account,
         count(*) FILTER (WHERE usd >= $near AND under) AS n_near,
         count(*) FILTER (WHERE NOT under) AS n_over,
         count(*) AS n_deposits,
         count(*) FILTER (WHERE closes) AS n_windows,
         count(*) FILTER (WHERE in_window) AS n_in_windows,
         sum(usd) FILTER (WHERE in_window OR (usd >= $near AND under)) AS total,
         count(DISTINCT coalesce(branch, city)) FILTER (WHERE in_window) AS n_branches,
         count(DISTINCT city) FILTER (WHERE in_window) AS n_cities,
         count(DISTINCT CAST(ts AS DATE)) FILTER (WHERE in_window) AS n_days,
         {d.list_agg(rid(), where='in_window OR (usd >= $near AND under)')} AS evidence,
         min(ts) FILTER (WHERE in_window OR (usd >= $near AND under)) AS period_start,
         max(ts) FILTER (WHERE in_window OR (usd >= $near AND under)) AS period_end
  FROM member GROUP BY to_account
),
f AS (
  SELECT * FROM (SELECT *, n_near / (n_near + n_over) AS avoidance, n_near / n_deposits AS near_share FROM a
                 WHERE n_near >= $min_near AND n_windows >= $min_windows)
  WHERE avoidance >= $min_avoidance AND near_share >= $min_near_share
),
-- where the structured cash went: accounts paid at least a tenth of it from the period's start
-- until a window after its end (a collector, a sweep account, the next hop abroad)
ben AS (
  SELECT f.account, m.to_account AS beneficiary, sum(m.usd) AS sent, {d.list_agg(rid('m'))} AS recs
  FROM moves AS m JOIN f ON m.from_account = f.account
   AND m.ts >= f.period_start AND m.ts <= f.period_end + {days(d, c.window_days)}
  GROUP BY f.account, m.to_account
),
top AS (
  SELECT b.account, {d.list_agg('b.beneficiary', order_by='b.sent DESC')} AS beneficiaries, sum(b.sent) AS sent,
         {d.array_flatten(d.list_agg('b.recs'))} AS recs
  FROM ben AS b JOIN f USING (account) WHERE b.sent >= 0.1 * f.total GROUP BY b.account
)
SELECT 'structuring' AS typology,
       avoidance AS f_avoidance, near_share AS f_near_share, {saturate('n_windows', '3')} AS f_windows,
       {account_subjects(d, d.array_prepend('account', f'coalesce(beneficiaries, {empty})'))} AS subjects,
       {d.array_concat('evidence', f'coalesce(recs, {empty})')} AS evidence,
       {d.json_object(('deposits_just_under', 'n_near'), ('deposits_over', 'n_over'),
                      ('structured_windows', 'n_windows'), ('deposits_in_windows', 'n_in_windows'),
                      ('avoidance', 'round(avoidance, 3)'), ('near_share', 'round(near_share, 3)'),
                      ('deposits', 'n_deposits'), ('branches', 'n_branches'), ('cities', 'n_cities'),
                      ('days', 'n_days'), ('total_usd', 'round(total, 2)'),
                      ('sent_on_usd', 'round(coalesce(sent, 0), 2)'),
                      ('beneficiaries', d.array_length(f'coalesce(beneficiaries, {empty})')),
                      ('threshold_usd', '$threshold'), ('window_days', '$window'))} AS figures,
       {d.format_text("Account {} took {} cash deposits just under {} and {} over it; {} times within {} days "
                      "deposits under the threshold added up to it ({} in all, {} branches), a pattern that avoids "
                      "currency transaction reports.",
                      'account', 'n_near', d.money('$threshold'), 'n_over', 'n_windows', '$window',
                      d.money('total'), 'n_branches')} AS explanation,
       period_start, period_end
FROM f LEFT JOIN top USING (account)
"""
