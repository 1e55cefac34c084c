"""Fan-in, fan-out, gather-scatter and scatter-gather within time windows."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from tenaza.detect.base import Detector, register
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
                                               "min_counterparties. Accounts of unknown holders count as personal.")
    burst_factor: float = Field(3, ge=1,
                                description="A fan is a burst: a window needs this many times the counterparties "
                                            "the account has in its other windows of the data, on average. An account that "
                                            "deals with many parties all year (a wholesaler, a payroll account) "
                                            "is not a fan.")
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
    payments do not make every shop a fan-in. Subjects are the hub and its counterparties.
    """

    NAME = "fans"
    PILLAR = "cash"
    TYPOLOGIES = ("fan_in", "fan_out", "gather_scatter", "scatter_gather")
    CONFIG = FanConfig
    NEEDS = ("transactions",)

    def screen(self) -> Screen:
        c = self.config
        assert isinstance(c, FanConfig)
        return Screen("from_account IS NOT NULL AND to_account IS NOT NULL AND from_account <> to_account "
                      "AND list_contains($fan_channels, channel)", "min_amount_usd", {"fan_channels": list(c.channels)})

    def findings(self, params: dict[str, Any]) -> str:
        c, d = self.config, self.dialect
        assert isinstance(c, FanConfig)
        params.update(window=c.window_days, min_cp=c.min_counterparties, min_amount=c.min_amount_usd,
                      half=c.window_days / 2, min_passed=c.min_passed_on,
                      business_factor=c.business_factor, burst=c.burst_factor)
        channels = bind_list(params, "fan_channels", c.channels)
        t = txn_cte(d, c, params, where="from_account IS NOT NULL AND to_account IS NOT NULL "
                                     "AND from_account <> to_account")
        fans = ",\n".join(self._fan(d, typ) for typ in _FAN_SIDES)
        return f"""
WITH {t},
e AS (SELECT from_account AS src, to_account AS dst, ts, usd, ingest_id, source_row,
             epoch(ts) / 86400.0 AS d
      FROM t WHERE usd >= $min_amount AND list_contains({channels}, channel)),
-- every transfer in the two overlapping windows that hold it: offset 0 and offset half a window
b AS (SELECT e.*, o.off, CAST(floor((d + o.off) / $window) AS BIGINT) AS bucket
      FROM e CROSS JOIN (SELECT 0.0 AS off UNION ALL SELECT $half) AS o),
business AS (
  SELECT a.account_id, bool_or(p.kind IN ('company', 'organization')) AS business
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
-- an account's usual counterparties in its other windows of the data (empty ones too)
usual AS (
  SELECT hub, side, sum(n_cp) AS all_cp,
         (SELECT greatest(1, max(bucket) - min(bucket) + 1) FROM b WHERE off = 0) AS n_windows
  FROM counts WHERE off = 0 GROUP BY hub, side
),
win AS (
  SELECT w.* FROM counts AS w JOIN usual AS u USING (hub, side) LEFT JOIN business AS k ON k.account_id = w.hub
  WHERE w.n_cp >= $min_cp * CASE WHEN coalesce(k.business, FALSE) THEN $business_factor ELSE 1 END
    AND w.n_cp >= $burst * greatest(0, u.all_cp - w.n_cp) / greatest(1, u.n_windows - 1)
),
-- every transfer of a hub in its windows, small ones too: the window qualifies on the large
-- transfers, but all of its counterparties belong to the pattern
hubs AS (SELECT DISTINCT hub FROM win),
bh AS (
  SELECT x.*, o.off, CAST(floor((x.d + o.off) / $window) AS BIGINT) AS bucket
  FROM (SELECT from_account AS src, to_account AS dst, ts, usd, ingest_id, source_row, epoch(ts) / 86400.0 AS d
        FROM t WHERE list_contains({channels}, channel)
          AND (to_account IN (SELECT hub FROM hubs) OR from_account IN (SELECT hub FROM hubs))) AS x
  CROSS JOIN (SELECT 0.0 AS off UNION ALL SELECT $half) AS o
),
win_in AS (SELECT * EXCLUDE (side) FROM win WHERE side = 'in'),
win_out AS (SELECT * EXCLUDE (side) FROM win WHERE side = 'out'),
{fans},
{self._gather_scatter(d)},
{self._scatter_gather(d)}
SELECT * FROM fan_in UNION ALL SELECT * FROM fan_out UNION ALL SELECT * FROM gather_scatter
UNION ALL SELECT * FROM scatter_gather
"""

    @staticmethod
    def _fan(d: Dialect, typ: str) -> str:
        hub, other = _FAN_SIDES[typ]
        verb = "received transfers from" if typ == "fan_in" else "sent transfers to"
        return f"""{typ}_hit AS (
  SELECT DISTINCT w.hub, b.{other} AS other, b.usd, b.ts, {rid('b')} AS record_id
  FROM win_{typ[4:]} AS w JOIN bh AS b ON b.{hub} = w.hub AND b.off = w.off AND b.bucket = w.bucket
),
{typ} AS (
  SELECT '{typ}' AS typology,
         0.5 + 0.5 * {saturate('max_cp - $min_cp', '$min_cp')} AS score,
         {account_subjects(d, 'list_prepend(hub, others)')} AS subjects, evidence,
         {d.json_object(('counterparties', 'len(others)'), ('max_in_one_window', 'max_cp'), ('windows', 'n_windows'), ('transfers', 'len(evidence)'), ('total_usd', 'round(total, 2)'), ('window_days', '$window'), ('min_amount_usd', '$min_amount'))} AS figures,
         {d.format_text('Account {} ' + verb + ' {} distinct accounts in its busiest windows ({} of them with transfers of at least {} in one {}-day window), {} in {} transfers.', 'hub', 'len(others)', 'max_cp', d.money('$min_amount'), '$window', d.money('total'), 'len(evidence)')} AS explanation,
         period_start, period_end
  FROM (SELECT h.hub, list(DISTINCT h.other) AS others, list(DISTINCT h.record_id) AS evidence,
               sum(h.usd) AS total, min(h.ts) AS period_start, max(h.ts) AS period_end,
               any_value(w.max_cp) AS max_cp, any_value(w.n_windows) AS n_windows
        FROM {typ}_hit AS h
        JOIN (SELECT hub, max(n_cp) AS max_cp, count(*) AS n_windows FROM win_{typ[4:]} GROUP BY hub) AS w
          USING (hub)
        GROUP BY h.hub)
)"""

    @staticmethod
    def _gather_scatter(d: Dialect) -> str:
        # A gathering window followed, within one window length, by a scattering window of the same
        # hub that sends on at least the configured share of what was gathered.
        return f"""gs AS (
  SELECT i.hub, i.off, i.bucket AS in_bucket, o.bucket AS out_bucket, i.n_cp AS n_in, o.n_cp AS n_out,
         i.total AS gathered, o.total AS scattered, i.t0, o.t1
  FROM win_in AS i JOIN win_out AS o ON o.hub = i.hub AND o.off = i.off
   AND o.t0 >= i.t0 AND o.t0 <= i.t1 + to_seconds(CAST($window * 86400 AS BIGINT))
   AND o.total >= $min_passed * i.total
),
gs_ev AS (
  SELECT DISTINCT g.hub, b.src, b.dst, b.usd, b.ts, {rid('b')} AS record_id
  FROM gs AS g JOIN bh AS b ON b.off = g.off AND ((b.dst = g.hub AND b.bucket = g.in_bucket)
                                           OR (b.src = g.hub AND b.bucket = g.out_bucket))
),
gather_scatter AS (
  SELECT 'gather_scatter' AS typology,
         0.5 + 0.5 * {saturate('least(n_in, n_out) - $min_cp', '$min_cp')} AS score,
         {account_subjects(d, 'list_prepend(hub, list_concat(senders, receivers))')} AS subjects, evidence,
         {d.json_object(('senders', 'len(senders)'), ('receivers', 'len(receivers)'), ('gathered_usd', 'round(gathered, 2)'), ('scattered_usd', 'round(scattered, 2)'), ('window_days', '$window'))} AS figures,
         {d.format_text('Account {} gathered {} from {} accounts and scattered {} to {} accounts within {} days, the hub of a collection network.', 'hub', d.money('gathered'), 'len(senders)', d.money('scattered'), 'len(receivers)', '$window')} AS explanation,
         period_start, period_end
  FROM (SELECT hub, list(DISTINCT src) FILTER (WHERE dst = hub) AS senders,
               list(DISTINCT dst) FILTER (WHERE src = hub) AS receivers,
               list(record_id) AS evidence, sum(usd) FILTER (WHERE dst = hub) AS gathered,
               sum(usd) FILTER (WHERE src = hub) AS scattered, min(ts) AS period_start, max(ts) AS period_end
        FROM gs_ev GROUP BY hub) AS x
  JOIN (SELECT hub, max(n_in) AS n_in, max(n_out) AS n_out FROM gs GROUP BY hub) AS y USING (hub)
)"""

    @staticmethod
    def _scatter_gather(d: Dialect) -> str:
        # From each scattering window, the legs on: an intermediary's transfer to a third account
        # after it was paid and within one window length. Counted per (origin, destination).
        return f"""sg_leg AS (
  SELECT w.hub AS origin, b1.dst AS mid, b2.dst AS dest, b1.usd AS out_usd, b2.usd AS on_usd, b1.ts AS ts1,
         b2.ts AS ts2, {rid('b1')} AS rec1, {rid('b2')} AS rec2
  FROM win_out AS w
  JOIN b AS b1 ON b1.src = w.hub AND b1.off = w.off AND b1.bucket = w.bucket
  JOIN e AS b2 ON b2.src = b1.dst AND b2.ts >= b1.ts
   AND b2.ts <= b1.ts + to_seconds(CAST($window * 86400 AS BIGINT)) AND b2.dst <> w.hub
),
sg AS (
  SELECT origin, dest, list(DISTINCT mid) AS mids, list(DISTINCT rec1) || list(DISTINCT rec2) AS evidence,
         min(ts1) AS period_start, max(ts2) AS period_end
  FROM sg_leg GROUP BY origin, dest
  HAVING count(DISTINCT mid) >= $min_cp
),
sg_sums AS (
  SELECT origin, dest,
         (SELECT sum(u) FROM (SELECT DISTINCT rec1, out_usd AS u FROM sg_leg AS l
                              WHERE l.origin = sg.origin AND l.dest = sg.dest)) AS scattered,
         (SELECT sum(u) FROM (SELECT DISTINCT rec2, on_usd AS u FROM sg_leg AS l
                              WHERE l.origin = sg.origin AND l.dest = sg.dest)) AS gathered
  FROM sg
),
scatter_gather AS (
  SELECT 'scatter_gather' AS typology,
         0.5 + 0.5 * {saturate('len(mids)', '$min_cp')} AS score,
         {account_subjects(d, 'list_concat([origin, dest], mids)')} AS subjects, list_distinct(evidence) AS evidence,
         {d.json_object(('intermediaries', 'len(mids)'), ('scattered_usd', 'round(scattered, 2)'), ('gathered_usd', 'round(gathered, 2)'), ('window_days', '$window'))} AS figures,
         {d.format_text('Account {} scattered {} to {} accounts that passed {} on to one account, {}, within {} days: layering through intermediaries.', 'origin', d.money('scattered'), 'len(mids)', d.money('gathered'), 'dest', '$window')} AS explanation,
         period_start, period_end
  FROM sg JOIN sg_sums USING (origin, dest) WHERE gathered >= $min_passed * scattered
)"""
