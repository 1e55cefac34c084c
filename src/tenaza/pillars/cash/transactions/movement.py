"""Rapid movement of funds: accounts money passes straight through."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from tenaza.detect.base import Detector, register
from tenaza.detect.pace import TimedConfig
from tenaza.detect.scoring import Feature, Score
from tenaza.detect.screen import Screen
from tenaza.pillars.cash.transactions.common import (
    FUNDS_TRANSFER_RECORD_USD,
    TRANSFERS,
    CashConfig,
    account_subjects,
    bind_list,
    rid,
    saturate,
    txn_cte,
)


class PassThroughConfig(CashConfig, TimedConfig):
    window_days: int = Field(3, ge=0, description="Money that leaves within this many days of arriving passes "
                                                  "through ('hours or days'). Days are calendar days: posting times "
                                                  "within a day are not reliable enough to order credits and debits.")
    max_residual: float = Field(0.1, ge=0, lt=1,
                                description="Largest share of the money received in the window that may stay in "
                                            "the account for the outflow to count as a pass-through; the "
                                            "outflow may also exceed the inflow by as much (up to 1 / (1 - "
                                            "max_residual) times it), the difference drawn on the balance: a "
                                            "shell that serves other schemes too, or an extract that starts "
                                            "with money already in the account, still passes on what came in. "
                                            "An outflow larger than that pays out an older balance.")
    min_outflow_usd: float = Field(FUNDS_TRANSFER_RECORD_USD, ge=0,
                                   description="Smallest outflow considered; the default is the $3,000 funds-"
                                               "transfer recordkeeping threshold (31 CFR 1010.410).")
    min_episodes: int = Field(3, ge=1, description="Pass-through episodes (outflows) an account needs.")
    min_through_share: float = Field(0.3, ge=0, le=1,
                                     description="Share of everything the account received that passed straight "
                                                 "through: ordinary accounts keep most of their money a while (a "
                                                 "tenth or less passes through at the defaults), while a "
                                                 "layering account passes on a large part even when it also "
                                                 "serves other schemes.")
    min_repeat_share: float = Field(0.2, ge=0, le=1,
                                    description="Share of the money passed through that went to counterparties paid "
                                                "in more than one episode. An escrow or settlement account passes "
                                                "money between ever new parties, so that only coincidences repeat "
                                                "(under a tenth); a layering account feeds the same few, even when "
                                                "it also pays one-off suppliers for cover (a fifth to two fifths "
                                                "of its through money then goes to the repeated few).")
    max_same_sum_share: float = Field(0.5, ge=0, le=1,
                                      description="Largest share of the money passed through that may go out in "
                                                  "repeated sums (the same amount, within 1 %, to the same "
                                                  "counterparty more than once). A standing order or treasury "
                                                  "sweep passes the same sum on every time; layering passes on "
                                                  "whatever came in.")
    inflow_channels: list[str] = Field(list(TRANSFERS),
                                       description="Channels of the money coming in. Cash is left to the "
                                                   "structuring, funnel and bulk cash detectors.")


@register
class RapidPassThrough(Detector[PassThroughConfig]):
    """Rapid movement of funds: money received and sent on within days, leaving little behind.

    Pass-through (or 'flow-through') accounts serve layering: a shell or nominee account
    receives transfers and sends nearly the same amount on within hours or days, so that the
    money's origin is one step further from its destination. FinCEN and FATF list 'funds
    transferred in and out of an account in a short time, with a small residual balance' among
    the red flags. For each outflow the detector adds up what came in over the preceding days
    and what went out; where the two agree to within the residual (what went out is at least
    1 - max_residual of what came in, and at most 1 / (1 - max_residual) of it, the rest drawn
    on the balance), the outflow day is a pass-through episode. An account is flagged when it
    has several episodes, a large part of all it received passed straight through, and a good
    part of that went to counterparties it paid in more than one episode (an escrow account
    passes money between ever new buyers and sellers), and not in the same sum again and again
    (a treasury sweep or standing order). Subjects are the account and the counterparties of the
    episodes.
    """

    NAME = "rapid_pass_through"
    SCORE = Score(combine="product", features=(
        Feature("through", 1.0, "Share of the money received that was sent straight on (at most 1)."),
        Feature("episodes", 0.5, "Episodes of money in and out again within the window, as n / (n + 5): half "
                "at 5 episodes; with one episode the score keeps 58 % of the through share."),
    ))
    PILLAR = "cash"
    TYPOLOGIES = ("rapid_pass_through",)
    CONFIG = PassThroughConfig
    TIME_WINDOWS = ("window_days",)
    # The window stretches on slower data but is not shrunk on faster: its through-share test
    # measures what passed on within the window against all the account received, so a shorter
    # window does not only drop coincidences, it also takes from the share of a layering shell that
    # keeps other business (on a year squeezed into ten days, shrunk to one day, two of three
    # planted shells fell below min_through_share, seed 5; none was gained on seed 11 at one day).
    SHRINK_WINDOWS = False
    NEEDS = ("transactions",)

    def screen(self) -> Screen:
        return Screen("from_account IS NOT NULL AND from_account IS DISTINCT FROM to_account", "min_outflow_usd")

    def findings(self, params: dict[str, Any]) -> str:
        c, d = self.config, self.dialect
        assert isinstance(c, PassThroughConfig)
        params.update(window=c.window_days, max_residual=c.max_residual, min_out=c.min_outflow_usd,
                      min_episodes=c.min_episodes, min_share=c.min_through_share,
                      min_repeat=c.min_repeat_share, max_same=c.max_same_sum_share)
        channels = bind_list(params, "inflow_channels", c.inflow_channels)
        t = txn_cte(d, c, params, where="from_account IS DISTINCT FROM to_account")
        return f"""
WITH {t},
-- only accounts with enough days of large outflows can qualify: a cheap pass that spares the
-- windows below the bulk of ordinary accounts
cand AS (
  SELECT from_account AS account FROM t
  WHERE from_account IS NOT NULL AND usd >= $min_out
  GROUP BY from_account HAVING count(DISTINCT CAST(ts AS DATE)) >= $min_episodes
),
ev AS (
  SELECT to_account AS account, ts, usd AS inflow, 0.0 AS outflow, from_account AS other, ingest_id, source_row
  FROM t {d.semi_join()} cand ON t.to_account = cand.account WHERE {d.array_contains(channels, 'channel')}
  UNION ALL
  SELECT from_account, ts, 0.0, usd, to_account, ingest_id, source_row
  FROM t {d.semi_join()} cand ON t.from_account = cand.account
),
daily AS (
  SELECT account, CAST(ts AS DATE) AS day, sum(inflow) AS day_in, sum(outflow) AS day_out
  FROM ev GROUP BY account, CAST(ts AS DATE)
),
w AS (
  SELECT *, sum(day_in) OVER win AS win_in, sum(day_out) OVER win AS win_out
  FROM daily
  WINDOW win AS (PARTITION BY account ORDER BY day RANGE BETWEEN {d.interval_days(round(c.window_days))} PRECEDING
                 AND CURRENT ROW)
),
ep AS (
  SELECT *, day_out >= $min_out AND win_in > 0 AND win_out <= win_in / (1 - $max_residual)
            AND win_out >= win_in * (1 - $max_residual) AS episode
  FROM w
),
a AS (
  SELECT account, count(*) FILTER (WHERE episode) AS n_episodes,
         sum(day_in) AS total_in, sum(day_out) AS total_out, sum(day_out) FILTER (WHERE episode) AS through
  FROM ep GROUP BY account
  HAVING count(*) FILTER (WHERE episode) >= $min_episodes AND sum(day_in) > 0
     AND sum(day_out) FILTER (WHERE episode) / sum(day_in) >= $min_share
),
-- the credits of a day take part in an episode when an episode day follows within the window
m AS (
  SELECT account, day, episode,
         bool_or(episode) OVER (PARTITION BY account ORDER BY day
                                RANGE BETWEEN CURRENT ROW AND {d.interval_days(round(c.window_days))} FOLLOWING) AS feeds
  FROM ep {d.semi_join()} a USING (account)
),
e AS (
  SELECT ev.account, {d.list_agg(rid('ev'))} AS evidence, {d.list_agg('other', distinct=True)} AS others,
         CAST(min(m.day) AS TIMESTAMP) AS period_start, max(ev.ts) AS period_end
  FROM ev JOIN m ON ev.account = m.account AND CAST(ev.ts AS DATE) = m.day
  WHERE (m.episode AND ev.outflow > 0) OR (m.feeds AND ev.inflow > 0)
  GROUP BY ev.account
),
-- the outflows of the episodes
eo AS (
  SELECT ev.account, ev.other, ev.outflow AS paid, m.day, ev.ingest_id, ev.source_row
  FROM ev JOIN m ON ev.account = m.account AND CAST(ev.ts AS DATE) = m.day
  WHERE m.episode AND ev.outflow > 0
),
-- outflows repeating another's sum (within 1 %) to the same counterparty
same AS (
  SELECT account, sum(paid) AS same_sum FROM (
    SELECT DISTINCT x.account, x.ingest_id, x.source_row, x.paid
    FROM eo AS x JOIN eo AS y ON x.account = y.account AND x.other = y.other AND abs(x.paid - y.paid) <= 0.01 * x.paid
     AND (x.ingest_id <> y.ingest_id OR x.source_row <> y.source_row))
  GROUP BY account
),
-- how much of what passed through went to counterparties paid in two episodes or more
rep AS (
  SELECT account, coalesce(sum(paid) FILTER (WHERE n_days >= 2), 0) / sum(paid) AS repeat_share,
         sum(paid) AS episode_out
  FROM (SELECT account, other, sum(paid) AS paid, count(DISTINCT day) AS n_days FROM eo GROUP BY account, other)
  GROUP BY account HAVING coalesce(sum(paid) FILTER (WHERE n_days >= 2), 0) / sum(paid) >= $min_repeat
),
rs AS (
  SELECT rep.*, coalesce(same.same_sum, 0) / rep.episode_out AS same_share
  FROM rep LEFT JOIN same USING (account)
  WHERE coalesce(same.same_sum, 0) <= $max_same * rep.episode_out
)
SELECT 'rapid_pass_through' AS typology,
       least(1.0, through / total_in) AS f_through, {saturate('n_episodes', '5')} AS f_episodes,
       {account_subjects(d, d.array_prepend('account', 'others'))} AS subjects, evidence,
       {d.json_object(('episodes', 'n_episodes'), ('through_usd', 'round(through, 2)'), ('received_usd', 'round(total_in, 2)'), ('sent_usd', 'round(total_out, 2)'), ('through_share', 'round(least(1.0, through / total_in), 3)'), ('counterparties', d.array_length('others')), ('repeat_share', 'round(repeat_share, 3)'), ('same_sum_share', 'round(same_share, 3)'), ('window_days', '$window'), ('max_residual', '$max_residual'))} AS figures,
       {d.format_text('Account {} passed {} of the {} it received straight on: {} times, money left within {} days of arriving with at most {}% left behind.', 'account', d.money('through'), d.money('total_in'), 'n_episodes', '$window', 'CAST(round($max_residual * 100) AS INTEGER)')} AS explanation,
       period_start, period_end
FROM a JOIN e USING (account) JOIN rs USING (account)
"""
