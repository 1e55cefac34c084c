"""Fan-in, fan-out, gather-scatter and scatter-gather within time windows."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from tenaza.detect.base import Detector, register
from tenaza.detect.scoring import Feature, Score
from tenaza.detect.screen import Screen
from tenaza.pillars.cash.transactions.common import (
    FUNDS_TRANSFER_RECORD_USD,
    TRANSFERS,
    CashConfig,
    account_subjects,
    bind_list,
    days,
    ranked_txn_cte,
    rid,
    saturate,
    txn_cte,
)
from tenaza.store.dialect import Dialect


class FanConfig(CashConfig):
    window_days: float = Field(14, gt=0, description="Length of the time windows the counterparties are counted in. "
                                                     "Windows overlap by half, so a burst is never cut in two.")
    min_counterparties: int = Field(6, ge=2, description="Distinct senders (fan-in) or receivers (fan-out) in one "
                                                         "window.")
    min_amount_usd: float = Field(FUNDS_TRANSFER_RECORD_USD, ge=0,
                                  description="Transfers below this are not counted; the default is the $3,000 "
                                              "funds-transfer recordkeeping threshold, so that card and bill "
                                              "payments to a business are no fan-in.")
    channels: list[str] = Field(list(TRANSFERS), description="Channels of the transfers counted.")
    business_factor: float = Field(3, ge=1,
                                   description="Accounts held by a company or organization (parties.kind of the "
                                               "holder) collect from many customers and pay many suppliers in the "
                                               "normal course: their windows need this many times "
                                               "min_counterparties. An account with no holder record is judged by "
                                               "its behaviour instead (business_active_share).")
    business_active_share: float = Field(
        0.6, gt=0, le=1,
        description="An account with no holder record (no parties row, or no customer file at all) behaves like a "
                    "business on a side when, over the whole data, it deals there with at least business_factor x "
                    "min_counterparties distinct accounts, and with min_counterparties or more in a day on at "
                    "least this share of the days the data has transfers on: a shop is paid by many customers "
                    "every day, a collection hub by many within days, a distribution hub by a few a day. Where "
                    "the data holds min_history_windows besides one, it is also a business when its busiest "
                    "window holds less than 1 / burst_factor of those counterparties: a company paying ever new "
                    "suppliers all year, a few a window, while a hub deals with most of its own in its burst. Such an "
                    "account takes the business factor, and where it has no history of its own windows its "
                    "busiest window must also be a burst against its own daily rate.")
    burst_factor: float = Field(3, ge=1,
                                description="A fan is a burst: a window needs this many times the counterparties "
                                            "the account has in its other windows of the data, on average. An account that "
                                            "deals with many parties all year (a wholesaler, a payroll account) "
                                            "is not a fan.")
    min_history_windows: int = Field(
        4, ge=1,
        description="Other windows the data must hold besides the one judged for the burst test to compare an "
                    "account with its own history. With fewer (a ten-day extract), the account is compared with "
                    "its peers instead: accounts of the same size class (peer_groups) of dollar volume on that "
                    "side, in the same releasability group, whose median window (empty ones too) it must exceed "
                    "burst_factor times.")
    min_spoke_share: float = Field(
        0.5, ge=0, le=1,
        description="Without history of its own (the peer test), a window is a fan only where its counterparties "
                    "are concentrated on the hub: the median of them sent (fan-in) or received (fan-out) at least "
                    "this share of their dollar volume over the data to or from the hub. Mules send most of what "
                    "they move to their collector and a distribution hub's receivers get most of theirs from it, "
                    "while a shop's or a company's customers and suppliers deal with many others: on a short "
                    "extract, where no burst in time can be measured, the concentration is measured across the "
                    "counterparties instead. 0 turns the test off.")
    peer_groups: int = Field(10, ge=1, description="Size classes of the peer test (10: deciles of dollar volume).")
    min_peers: int = Field(10, ge=2, description="Fewest accounts in a size class of the peer test: with fewer "
                                                 "accounts on a side of a releasability group, the classes are "
                                                 "wider, down to one class of them all; with fewer than this in "
                                                 "all, there is no baseline and the alert says the burst test "
                                                 "was not applied.")
    unpriced: Literal["rank", "skip"] = Field(
        "rank",
        description="Transfers in a currency with no US-dollar rate on their date (crypto, an unknown code): 'rank' "
                    "values each at the dollar amount of the same percent rank among the priced transfers as it "
                    "holds among its own currency's, so that the floor judges it against its currency's own "
                    "distribution (the run and the alert say how many were valued so); 'skip' leaves them out, "
                    "counted as not judged. Load rates (tenaza rates load) to value them at a real rate.")
    unpriced_min_rows: int = Field(
        50, ge=2,
        description="Under unpriced 'rank', fewest transfers (of the channels counted) a currency without a rate "
                    "needs for its rows to be ranked: fewer make no distribution, and stay not judged.")
    min_passed_on: float = Field(0.5, ge=0, le=1,
                                 description="Gather-scatter and scatter-gather: share of the money gathered that "
                                             "must be scattered (or gathered again) within the window.")


_FAN_SIDES = {"fan_in": ("dst", "src"), "fan_out": ("src", "dst")}


@register
class Fans(Detector[FanConfig]):
    """Fan-in, fan-out, gather-scatter and scatter-gather: many counterparties in a short time.

    Money mules and collectors show as stars in the transfer graph. Fan-in: one account receives
    transfers from many distinct accounts within a window (collection of proceeds placed by
    mules). Fan-out: one account sends to many distinct accounts within a window (distribution,
    often across the border). Gather-scatter: an account that gathers from many then scatters
    to many within the window, the hub of a collection network. Scatter-gather: one account
    scatters to many intermediaries that each pass money to one common account within the
    window, layering through nominees. Windows are fixed-length and overlap by half; transfers
    under the funds-transfer recordkeeping threshold are not counted, so that card and bill
    payments do not make every shop a fan-in. A transfer in a currency without a dollar rate is
    valued by its rank among its own currency's transfers (``unpriced``), and the alert counts
    the transfers valued so. Subjects are the hub and its counterparties.

    Two safeguards keep busy legitimate accounts out, and each works without a customer file or
    a long history. The burst test: a window must hold ``burst_factor`` times the counterparties
    of the account's own other windows when the data has ``min_history_windows`` of them, and
    otherwise (a ten-day extract) that many times the median window of its peers, the accounts
    of the same decile of dollar volume on that side in the same releasability group
    (wider classes where there are fewer than ``min_peers`` accounts to a class; no burst test,
    said so, where there are fewer in all), and its counterparties must be concentrated on it
    (``min_spoke_share``): a short extract shows no burst in time, and a busy person or company
    deals there with many times its peers' counterparties, but mules send most of what they move
    to their collector while a shop's customers pay many others. The
    business test: an account held by a company needs ``business_factor`` times the
    counterparties; where there is no holder record, an account behaves like a business when it
    deals with many counterparties a day on most of the data's days (``business_active_share``), or,
    where the data holds its own history, with so many over the data that its busiest window
    holds less than ``1 / burst_factor`` of them (a company paying ever new suppliers all year),
    and such an account is also judged against its own daily rate, so that a shop paid every day by
    ever new customers is no fan-in. The alert's figures and explanation say which tests were
    used (``burst_test``, ``business_test``).
    """

    NAME = "fans"
    SCORE = Score(base=0.5, features=(
        Feature("counterparties", 0.5, "How far the hub's counterparties pass the bar, as x / (x + min_counterparties): "
                "for a fan-in or fan-out, the most in one window beyond min_counterparties; for a "
                "gather-scatter, the fewer of its senders and receivers beyond it; for a scatter-gather, its "
                "middle accounts."),
    ))
    PILLAR = "cash"
    TYPOLOGIES = ("fan_in", "fan_out", "gather_scatter", "scatter_gather")
    CONFIG = FanConfig
    NEEDS = ("transactions",)

    def screen(self) -> Screen:
        c = self.config
        assert isinstance(c, FanConfig)
        return Screen("from_account IS NOT NULL AND to_account IS NOT NULL AND from_account <> to_account "
                      f"AND {self.dialect.array_contains('$fan_channels', 'channel')}", "min_amount_usd",
                      {"fan_channels": list(c.channels)},
                      by_rank=c.unpriced_min_rows if c.unpriced == "rank" else None, by_rank_setting="unpriced")

    def findings(self, params: dict[str, Any]) -> str:
        c, d = self.config, self.dialect
        assert isinstance(c, FanConfig)
        params.update(window=c.window_days, min_cp=c.min_counterparties, min_amount=c.min_amount_usd,
                      half=c.window_days / 2, min_passed=c.min_passed_on,
                      business_factor=c.business_factor, burst=c.burst_factor, min_history=c.min_history_windows,
                      peer_groups=c.peer_groups, active_share=c.business_active_share, min_peers=c.min_peers,
                      min_spoke=c.min_spoke_share)
        size_word = "decile" if c.peer_groups == 10 else f"size class (of {c.peer_groups})"
        channels = bind_list(params, "fan_channels", c.channels)
        pair = "from_account IS NOT NULL AND to_account IS NOT NULL AND from_account <> to_account"
        if c.unpriced == "rank":
            t = ranked_txn_cte(d, c, params, where=pair, scope=d.array_contains(channels, "channel"),
                               min_rows=c.unpriced_min_rows)
            by_rank = "by_rank"
        else:
            t = txn_cte(d, c, params, where=pair)
            by_rank = "FALSE"
        fans = ",\n".join(self._fan(d, typ) for typ in _FAN_SIDES)
        in_channels = d.array_contains(channels, "channel")
        day = f"{d.epoch_seconds('ts')} / 86400.0"  # days since the epoch, fractional
        # the columns of a counted window (counts) that the fan typologies read
        window_cols = "hub, side, off, bucket, n_cp, total, t0, t1"
        return f"""
WITH {t},
e AS (SELECT from_account AS src, to_account AS dst, ts, usd, ingest_id, source_row,
             {day} AS d
      FROM t WHERE usd >= $min_amount AND {in_channels}),
-- every transfer in the two overlapping windows that hold it: offset 0 and offset half a window
b AS (SELECT e.*, o.off, CAST(floor((d + o.off) / $window) AS BIGINT) AS bucket
      FROM e CROSS JOIN (SELECT 0.0 AS off UNION ALL SELECT $half) AS o),
-- the business test: the holder's kind where a holder record exists
-- (its account and party records join the evidence of the hub's alerts: the test read them)
holder AS (
  SELECT a.account_id, bool_or(p.kind IN ('company', 'organization')) AS business,
         {d.array_concat(d.list_agg(rid('a'), distinct=True), d.list_agg(rid('p'), distinct=True))} AS records
  FROM accounts AS a JOIN parties AS p ON p.party_id = a.holder_party_id GROUP BY a.account_id
),
counts AS (
  SELECT dst AS hub, 'in' AS side, off, bucket, count(DISTINCT src) AS n_cp, sum(usd) AS total, min(ts) AS t0,
         max(ts) AS t1
  FROM b GROUP BY dst, off, bucket
  UNION ALL
  SELECT src, 'out', off, bucket, count(DISTINCT dst), sum(usd), min(ts), max(ts)
  FROM b GROUP BY src, off, bucket
),
-- the data's windows (an account's own history: its other windows, empty ones too) and days
span AS (
  SELECT {d.greatest('1', f"CAST(floor(max({day}) / $window) AS BIGINT) - CAST(floor(min({day}) / $window) AS BIGINT) + 1")} AS n_windows,
         {d.greatest('1', 'count(DISTINCT CAST(ts AS DATE))')} AS n_days
  FROM t
),
marks AS (SELECT ingest_id, {d.array_join(d.array_sort('releasable_to'), "','")} AS mark FROM ingest_log),
-- every account's side: its size (the dollar volume of every transfer of the channels) and
-- its counted counterparties summed over its windows (0 without any), in the releasability
-- group of most of its rows (of two as many, the first in sort order)
by_mark AS (
  SELECT x.hub, x.side, k.mark, sum(x.usd) AS volume, count(*) AS n_rows FROM (
    SELECT to_account AS hub, 'in' AS side, usd, ingest_id FROM t WHERE {in_channels}
    UNION ALL
    SELECT from_account, 'out', usd, ingest_id FROM t WHERE {in_channels}) AS x
  JOIN marks AS k USING (ingest_id) GROUP BY x.hub, x.side, k.mark
),
usual AS (
  SELECT v.hub, v.side, v.volume, coalesce(c.all_cp, 0) AS all_cp, v.mark FROM (
    SELECT hub, side, mark, sum(volume) OVER (PARTITION BY hub, side) AS volume,
           row_number() OVER (PARTITION BY hub, side ORDER BY n_rows DESC, mark) AS r
    FROM by_mark) AS v
  LEFT JOIN (SELECT hub, side, sum(n_cp) AS all_cp FROM counts WHERE off = 0 GROUP BY hub, side) AS c
    USING (hub, side)
  WHERE v.r = 1
),
-- the accounts that could be fans: their counterparties over the whole data, every amount,
-- per day, for the behaviour test
cand AS (SELECT hub, side, max(n_cp) AS max_cp FROM counts GROUP BY hub, side HAVING max(n_cp) >= $min_cp),
cand_days AS (
  SELECT hub, side, day, count(DISTINCT other) AS n_day_cp, {d.list_agg('other', distinct=True)} AS others FROM (
    SELECT to_account AS hub, 'in' AS side, from_account AS other, CAST(ts AS DATE) AS day FROM t
    WHERE {in_channels} AND to_account IN (SELECT hub FROM cand WHERE side = 'in')
    UNION ALL
    SELECT from_account, 'out', to_account, CAST(ts AS DATE) FROM t
    WHERE {in_channels} AND from_account IN (SELECT hub FROM cand WHERE side = 'out')) AS x
  GROUP BY hub, side, day
),
behaviour AS (
  SELECT x.*, c.max_cp FROM (
    SELECT hub, side, count(*) AS active_days, count(*) FILTER (WHERE n_day_cp >= $min_cp) AS busy_days,
           {d.array_length(d.array_distinct(d.array_flatten(d.list_agg('others'))))} AS any_cp
    FROM cand_days GROUP BY hub, side) AS x
  JOIN cand AS c USING (hub, side)
),
prof AS (
  SELECT u.*, coalesce(y.any_cp, 0) AS any_cp, coalesce(y.active_days, 0) AS active_days,
         coalesce(y.busy_days, 0) AS busy_days, coalesce(y.max_cp, 0) AS max_cp,
         h.account_id IS NOT NULL AS has_holder,
         -- without a holder record: many counterparties over the data, met every day, or spread
         -- over a data of many windows (its busiest window holds less than 1 / burst_factor of them)
         CASE WHEN h.account_id IS NOT NULL THEN h.business
              ELSE coalesce(y.any_cp, 0) >= $min_cp * $business_factor
                   AND (coalesce(y.busy_days, 0) >= $active_share * sp.n_days
                        OR (sp.n_windows - 1 >= $min_history AND coalesce(y.max_cp, 0) * $burst < coalesce(y.any_cp, 0)))
         END AS business,
         -- size classes of at least min_peers accounts each, at most peer_groups of them
         1 + CAST(floor((row_number() OVER (PARTITION BY u.side, u.mark ORDER BY u.volume, u.hub) - 1)
                        * {d.greatest('1', d.least('$peer_groups', 'floor(count(*) OVER (PARTITION BY u.side, u.mark) / $min_peers)'))}
                        / count(*) OVER (PARTITION BY u.side, u.mark)) AS BIGINT) AS size_class,
         sp.n_days, sp.n_windows, sp.n_windows - 1 >= $min_history AS own_history
  FROM usual AS u LEFT JOIN behaviour AS y USING (hub, side) LEFT JOIN holder AS h ON h.account_id = u.hub
  CROSS JOIN span AS sp
),
-- the spokes' concentration on the hub, for the test without history (only then are the flows
-- summed): per candidate window, the median share of its counted counterparties' dollar volume
-- over the data (sent for a fan-in, received for a fan-out) that went to or came from the hub
spokes AS (
  SELECT DISTINCT w.hub, w.side, w.off, w.bucket, x.src AS spoke
  FROM counts AS w JOIN b AS x ON x.dst = w.hub AND x.off = w.off AND x.bucket = w.bucket
  WHERE w.side = 'in' AND w.n_cp >= $min_cp
  UNION ALL
  SELECT DISTINCT w.hub, w.side, w.off, w.bucket, x.dst
  FROM counts AS w JOIN b AS x ON x.src = w.hub AND x.off = w.off AND x.bucket = w.bucket
  WHERE w.side = 'out' AND w.n_cp >= $min_cp
),
fl AS (
  SELECT t.from_account AS src, t.to_account AS dst, sum(t.usd) AS v FROM t CROSS JOIN span AS sp
  WHERE sp.n_windows - 1 < $min_history AND {in_channels} GROUP BY t.from_account, t.to_account
),
sent AS (SELECT src AS acct, sum(v) AS v FROM fl GROUP BY src),
recv AS (SELECT dst AS acct, sum(v) AS v FROM fl GROUP BY dst),
conc AS (
  SELECT hub, side, off, bucket, {d.quantile_cont('share', '0.5')} AS spoke_share FROM (
    SELECT s.hub, s.side, s.off, s.bucket, f.v / x.v AS share
    FROM spokes AS s JOIN fl AS f ON f.src = s.spoke AND f.dst = s.hub JOIN sent AS x ON x.acct = s.spoke
    WHERE s.side = 'in' AND x.v > 0
    UNION ALL
    SELECT s.hub, s.side, s.off, s.bucket, f.v / x.v
    FROM spokes AS s JOIN fl AS f ON f.src = s.hub AND f.dst = s.spoke JOIN recv AS x ON x.acct = s.spoke
    WHERE s.side = 'out' AND x.v > 0) AS y
  GROUP BY hub, side, off, bucket
),
-- the peer baseline: the median counterparties a window of an account of the same size class holds
peers AS (
  SELECT side, mark, size_class, count(*) AS n_peers,
         {d.quantile_cont('all_cp', '0.5')} / any_value(n_windows) AS peer_cp
  FROM prof GROUP BY side, mark, size_class
),
tested AS (
  SELECT w.*, p.business, p.has_holder, p.own_history, p.any_cp, p.active_days, p.busy_days, p.max_cp, p.n_days,
         p.n_windows,
         p.size_class, g.n_peers, g.peer_cp, coalesce(k.spoke_share, 0) AS spoke_share,
         CASE WHEN p.own_history THEN w.n_cp >= $burst * {d.greatest('0', 'p.all_cp - w.n_cp')} / (p.n_windows - 1)
              ELSE (g.n_peers < $min_peers OR w.n_cp >= $burst * g.peer_cp)
                   AND coalesce(k.spoke_share, 0) >= $min_spoke
                   AND (p.has_holder OR NOT p.business
                        OR w.n_cp >= $burst * p.any_cp / p.active_days * {d.least('$window', 'p.n_days')}) END AS burst
  FROM counts AS w JOIN prof AS p USING (hub, side) JOIN peers AS g USING (side, mark, size_class)
  LEFT JOIN conc AS k USING (hub, side, off, bucket)
  WHERE w.n_cp >= $min_cp * CASE WHEN p.business THEN $business_factor ELSE 1 END
),
win AS (
  SELECT {window_cols},
         CASE WHEN own_history THEN {d.format_text('burst vs own history ({} windows)', 'n_windows - 1')}
              WHEN n_peers < $min_peers
              THEN {d.format_text('no burst test (too little history and {} accounts, too few peers)', 'n_peers')}
                   || CASE WHEN $min_spoke > 0
                           THEN {d.format_text('; spokes concentrated on it (median share {})', 'round(spoke_share, 2)')}
                           ELSE '' END
              ELSE {d.format_text('burst vs peers (' + size_word + ' {}, {} accounts, median {} counterparties a window)', 'size_class', 'n_peers', 'round(peer_cp, 1)')}
                   || CASE WHEN $min_spoke > 0
                           THEN {d.format_text('; spokes concentrated on it (median share {})', 'round(spoke_share, 2)')}
                           ELSE '' END
                   || CASE WHEN NOT has_holder AND business
                           THEN {d.format_text(' and vs own daily rate ({} active days)', 'active_days')} ELSE '' END
         END AS burst_test,
         CASE WHEN has_holder THEN 'holder record (' || CASE WHEN business THEN 'business' ELSE 'personal' END || ')'
              WHEN business THEN {d.format_text('behaviour (business: {} counterparties, {} or more a day on {} of {} days, at most {} in a window)', 'any_cp', '$min_cp', 'busy_days', 'n_days', 'max_cp')}
              ELSE {d.format_text('behaviour (personal: {} counterparties, {} or more a day on {} of {} days, at most {} in a window)', 'any_cp', '$min_cp', 'busy_days', 'n_days', 'max_cp')}
         END AS business_test
  FROM tested WHERE burst
),
-- every transfer of a hub in its windows, small ones too: the window qualifies on the large
-- transfers, but all of its counterparties belong to the pattern
hubs AS (SELECT DISTINCT hub FROM win),
bh AS (
  SELECT x.*, o.off, CAST(floor((x.d + o.off) / $window) AS BIGINT) AS bucket
  FROM (SELECT from_account AS src, to_account AS dst, ts, usd, {by_rank} AS by_rank, ingest_id, source_row,
               {day} AS d
        FROM t WHERE {in_channels}
          AND (to_account IN (SELECT hub FROM hubs) OR from_account IN (SELECT hub FROM hubs))) AS x
  CROSS JOIN (SELECT 0.0 AS off UNION ALL SELECT $half) AS o
),
win_in AS (SELECT {window_cols}, burst_test, business_test FROM win WHERE side = 'in'),
win_out AS (SELECT {window_cols}, burst_test, business_test FROM win WHERE side = 'out'),
{fans},
{self._gather_scatter(d, c.window_days)},
{self._scatter_gather(d, c.window_days)}
SELECT f.typology, f.f_counterparties, f.subjects,
       CASE WHEN h.records IS NULL THEN f.evidence ELSE {d.array_concat('f.evidence', 'h.records')} END AS evidence,
       f.figures, f.explanation, f.period_start, f.period_end
FROM (SELECT * FROM fan_in UNION ALL SELECT * FROM fan_out UNION ALL SELECT * FROM gather_scatter
      UNION ALL SELECT * FROM scatter_gather) AS f
LEFT JOIN holder AS h ON h.account_id = f.hub
"""

    @staticmethod
    def _fan(d: Dialect, typ: str) -> str:
        hub, other = _FAN_SIDES[typ]
        verb = "received transfers from" if typ == "fan_in" else "sent transfers to"
        n_others, n_evidence = d.array_length("others"), d.array_length("evidence")
        return f"""{typ}_hit AS (
  SELECT DISTINCT w.hub, b.{other} AS other, b.usd, b.by_rank, b.ts, {rid('b')} AS record_id
  FROM win_{typ[4:]} AS w JOIN bh AS b ON b.{hub} = w.hub AND b.off = w.off AND b.bucket = w.bucket
),
{typ} AS (
  SELECT hub, '{typ}' AS typology,
         {saturate('max_cp - $min_cp', '$min_cp')} AS f_counterparties,
         {account_subjects(d, d.array_prepend('hub', 'others'))} AS subjects, evidence,
         {d.json_object(('counterparties', n_others), ('max_in_one_window', 'max_cp'), ('windows', 'n_windows'), ('transfers', n_evidence), ('total_usd', 'round(total, 2)'), ('window_days', '$window'), ('min_amount_usd', '$min_amount'), ('valued_by_rank', 'n_by_rank'), ('burst_test', 'burst_test'), ('business_test', 'business_test'))} AS figures,
         {d.format_text('Account {} ' + verb + ' {} distinct accounts in its busiest windows ({} of them with transfers of at least {} in one {}-day window), {} in {} transfers; tests: {}, {}.', 'hub', n_others, 'max_cp', d.money('$min_amount'), '$window', d.money('total'), n_evidence, 'burst_test', 'business_test')}
           || CASE WHEN n_by_rank > 0 THEN {d.format_text(' {} of the transfers are in a currency without a dollar rate, valued by their rank among the transfers of that currency.', 'n_by_rank')} ELSE '' END AS explanation,
         period_start, period_end
  FROM (SELECT h.hub, {d.list_agg('h.other', distinct=True)} AS others,
               {d.list_agg('h.record_id', distinct=True)} AS evidence,
               sum(h.usd) AS total, count(*) FILTER (WHERE h.by_rank) AS n_by_rank,
               min(h.ts) AS period_start, max(h.ts) AS period_end,
               any_value(w.max_cp) AS max_cp, any_value(w.n_windows) AS n_windows,
               any_value(w.burst_test) AS burst_test, any_value(w.business_test) AS business_test
        FROM {typ}_hit AS h
        JOIN (SELECT hub, max(n_cp) AS max_cp, count(*) AS n_windows, any_value(burst_test) AS burst_test,
                     any_value(business_test) AS business_test FROM win_{typ[4:]} GROUP BY hub) AS w
          USING (hub)
        GROUP BY h.hub)
)"""

    @staticmethod
    def _gather_scatter(d: Dialect, window_days: float) -> str:
        # A gathering window followed, within one window length, by a scattering window of the same
        # hub that sends on at least the configured share of what was gathered.
        n_senders, n_receivers = d.array_length("senders"), d.array_length("receivers")
        return f"""gs AS (
  SELECT i.hub, i.off, i.bucket AS in_bucket, o.bucket AS out_bucket, i.n_cp AS n_in, o.n_cp AS n_out,
         i.total AS gathered, o.total AS scattered, i.t0, o.t1, i.burst_test, i.business_test
  FROM win_in AS i JOIN win_out AS o ON o.hub = i.hub AND o.off = i.off
   AND o.t0 >= i.t0 AND o.t0 <= i.t1 + {days(d, window_days)}
   AND o.total >= $min_passed * i.total
),
gs_ev AS (
  SELECT DISTINCT g.hub, b.src, b.dst, b.usd, b.ts, {rid('b')} AS record_id
  FROM gs AS g JOIN bh AS b ON b.off = g.off AND ((b.dst = g.hub AND b.bucket = g.in_bucket)
                                           OR (b.src = g.hub AND b.bucket = g.out_bucket))
),
gather_scatter AS (
  SELECT hub, 'gather_scatter' AS typology,
         {saturate(d.least('n_in', 'n_out') + ' - $min_cp', '$min_cp')} AS f_counterparties,
         {account_subjects(d, d.array_prepend('hub', d.array_concat('senders', 'receivers')))} AS subjects, evidence,
         {d.json_object(('senders', n_senders), ('receivers', n_receivers), ('gathered_usd', 'round(gathered, 2)'), ('scattered_usd', 'round(scattered, 2)'), ('window_days', '$window'), ('burst_test', 'burst_test'), ('business_test', 'business_test'))} AS figures,
         {d.format_text('Account {} gathered {} from {} accounts and scattered {} to {} accounts within {} days, the hub of a collection network.', 'hub', d.money('gathered'), n_senders, d.money('scattered'), n_receivers, '$window')} AS explanation,
         period_start, period_end
  FROM (SELECT hub, {d.list_agg('src', distinct=True, where='dst = hub')} AS senders,
               {d.list_agg('dst', distinct=True, where='src = hub')} AS receivers,
               {d.list_agg('record_id')} AS evidence, sum(usd) FILTER (WHERE dst = hub) AS gathered,
               sum(usd) FILTER (WHERE src = hub) AS scattered, min(ts) AS period_start, max(ts) AS period_end
        FROM gs_ev GROUP BY hub) AS x
  JOIN (SELECT hub, max(n_in) AS n_in, max(n_out) AS n_out, any_value(burst_test) AS burst_test,
               any_value(business_test) AS business_test FROM gs GROUP BY hub) AS y USING (hub)
)"""

    @staticmethod
    def _scatter_gather(d: Dialect, window_days: float) -> str:
        # From each scattering window, the legs on: an intermediary's transfer to a third account
        # after it was paid and within one window length. Counted per (origin, destination).
        n_mids = d.array_length("mids")
        return f"""sg_leg AS (
  SELECT w.hub AS origin, b1.dst AS mid, b2.dst AS dest, b1.usd AS out_usd, b2.usd AS on_usd, b1.ts AS ts1,
         b2.ts AS ts2, {rid('b1')} AS rec1, {rid('b2')} AS rec2
  FROM win_out AS w
  JOIN b AS b1 ON b1.src = w.hub AND b1.off = w.off AND b1.bucket = w.bucket
  JOIN e AS b2 ON b2.src = b1.dst AND b2.ts >= b1.ts
   AND b2.ts <= b1.ts + {days(d, window_days)} AND b2.dst <> w.hub
),
sg AS (
  SELECT origin, dest, {d.list_agg('mid', distinct=True)} AS mids,
         {d.array_concat(d.list_agg('rec1', distinct=True), d.list_agg('rec2', distinct=True))} AS evidence,
         min(ts1) AS period_start, max(ts2) AS period_end
  FROM sg_leg GROUP BY origin, dest
  HAVING count(DISTINCT mid) >= $min_cp
),
-- each transfer of a pattern counted once, however many legs it is on
sg_sums AS (
  SELECT origin, dest, o.scattered, n.gathered FROM sg
  JOIN (SELECT origin, dest, sum(out_usd) AS scattered
        FROM (SELECT DISTINCT l.origin, l.dest, l.rec1, l.out_usd FROM sg_leg AS l {d.semi_join()} sg
                ON sg.origin = l.origin AND sg.dest = l.dest) AS x GROUP BY origin, dest) AS o USING (origin, dest)
  JOIN (SELECT origin, dest, sum(on_usd) AS gathered
        FROM (SELECT DISTINCT l.origin, l.dest, l.rec2, l.on_usd FROM sg_leg AS l {d.semi_join()} sg
                ON sg.origin = l.origin AND sg.dest = l.dest) AS x GROUP BY origin, dest) AS n USING (origin, dest)
),
scatter_gather AS (
  SELECT origin AS hub, 'scatter_gather' AS typology,
         {saturate(n_mids, '$min_cp')} AS f_counterparties,
         {account_subjects(d, d.array_concat(d.array('origin', 'dest'), 'mids'))} AS subjects,
         {d.array_distinct('evidence')} AS evidence,
         {d.json_object(('intermediaries', n_mids), ('scattered_usd', 'round(scattered, 2)'), ('gathered_usd', 'round(gathered, 2)'), ('window_days', '$window'))} AS figures,
         {d.format_text('Account {} scattered {} to {} accounts that passed {} on to one account, {}, within {} days: layering through intermediaries.', 'origin', d.money('scattered'), n_mids, d.money('gathered'), 'dest', '$window')} AS explanation,
         period_start, period_end
  FROM sg JOIN sg_sums USING (origin, dest) WHERE gathered >= $min_passed * scattered
)"""
