"""Behavioural and graph features of each account over the whole period, for ranking without labels.

Every feature is relative by construction (counts, shares, ratios, logs of dollar sums), and
the ranker compares each one with the account's peers, so that no dollar floor or data-set
scale is built in. Dollar sums use each date's own exchange rate (``tenaza.money``) where the
workspace has rates, else the source's ``amount_usd``.
"""

from __future__ import annotations

from tenaza.money import usd_join
from tenaza.store.dialect import Dialect

# name -> what it measures, in words (how its value is written)
FEATURES: dict[str, tuple[str, str]] = {
    "n_in": ("credits received", "{:.0f}"),
    "n_out": ("debits sent", "{:.0f}"),
    "log_usd_in": ("dollars received (log10)", "{:.1f}"),
    "log_usd_out": ("dollars sent (log10)", "{:.1f}"),
    "pass_through": ("share of the money received that went out again", "{:.0%}"),
    "in_cp": ("distinct senders", "{:.0f}"),
    "out_cp": ("distinct receivers", "{:.0f}"),
    "cash_in_share": ("share of credits made in cash", "{:.0%}"),
    "round_share": ("share of round amounts (multiples of 100 in their own currency)", "{:.0%}"),
    "max_per_day": ("most movements in one day", "{:.0f}"),
    "per_active_day": ("movements per active day", "{:.1f}"),
    "currencies": ("currencies used", "{:.0f}"),
    "cp_mean_degree": ("average number of counterparties of its counterparties", "{:.1f}"),
    "fast_out_share": ("share of money sent within 2 days of money received", "{:.0%}"),
}


def account_features_sql(have_rates: bool, d: Dialect) -> str:
    """One row per account: account_id, kind, ingest_ids (for releasability), window_start,
    window_end, then the FEATURES columns in order."""
    src = f"({usd_join('transactions')})" if have_rates else \
        "(SELECT *, CAST(coalesce(amount_usd, CASE WHEN currency = 'USD' THEN amount END) AS DOUBLE) AS usd " \
        "FROM transactions)"
    return f"""
    WITH t AS (
      SELECT txn_id, ingest_id, ts, from_account, to_account, channel, currency, amount, usd FROM {src}
    ),
    legs AS (
      SELECT from_account AS account_id, 'out' AS side, to_account AS other, ingest_id, ts, usd, amount,
             channel, currency
      FROM t WHERE from_account IS NOT NULL
      UNION ALL
      SELECT to_account, 'in', from_account, ingest_id, ts, usd, amount, channel, currency
      FROM t WHERE to_account IS NOT NULL
    ),
    deg AS (SELECT account_id, count(DISTINCT other) AS degree FROM legs GROUP BY account_id),
    daily AS (SELECT account_id, CAST(ts AS DATE) AS d, count(*) AS n FROM legs GROUP BY ALL),
    day_stats AS (SELECT account_id, max(n) AS max_per_day, avg(n) AS per_active_day FROM daily GROUP BY account_id),
    last_in AS (
      SELECT account_id, side, ts, usd,
             -- money received at the same moment as money sent counts as before it ('in' < 'out'),
             -- so that the order of ties is the data's, not the engine's
             max(CASE WHEN side = 'in' THEN ts END) OVER (PARTITION BY account_id ORDER BY ts, side
                                                         ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS in_ts
      FROM legs
    ),
    fast AS (
      SELECT account_id, sum(usd) AS usd_fast FROM last_in
      WHERE side = 'out' AND in_ts IS NOT NULL AND ts - in_ts <= INTERVAL 2 DAY
      GROUP BY account_id
    ),
    kinds AS (SELECT account_id, any_value(kind) AS kind FROM accounts GROUP BY account_id),
    f AS (
      SELECT l.account_id, {d.array_sort(d.list_agg('l.ingest_id', distinct=True))} AS ingest_ids, min(l.ts) AS window_start,
             max(l.ts) AS window_end,
             count(*) FILTER (WHERE side = 'in') AS n_in, count(*) FILTER (WHERE side = 'out') AS n_out,
             coalesce(sum(usd) FILTER (WHERE side = 'in'), 0) AS usd_in,
             coalesce(sum(usd) FILTER (WHERE side = 'out'), 0) AS usd_out,
             count(DISTINCT other) FILTER (WHERE side = 'in') AS in_cp,
             count(DISTINCT other) FILTER (WHERE side = 'out') AS out_cp,
             avg(CAST(CASE WHEN side = 'in' AND channel IN ('cash_deposit', 'armored_car') THEN 1
                           WHEN side = 'in' THEN 0 END AS DOUBLE)) AS cash_in_share,
             avg(CAST(CASE WHEN amount > 0 AND amount % 100 = 0 THEN 1 ELSE 0 END AS DOUBLE)) AS round_share,
             count(DISTINCT currency) AS currencies,
             avg(d.degree) AS cp_mean_degree
      FROM legs AS l LEFT JOIN deg AS d ON d.account_id = l.other
      GROUP BY l.account_id
    )
    SELECT f.account_id, coalesce(k.kind, '(unknown)') AS kind, f.ingest_ids, f.window_start, f.window_end,
           f.n_in, f.n_out, log10(1 + f.usd_in) AS log_usd_in, log10(1 + f.usd_out) AS log_usd_out,
           least(f.usd_in, f.usd_out) / greatest(f.usd_in, f.usd_out, 1e-9) AS pass_through,
           f.in_cp, f.out_cp, coalesce(f.cash_in_share, 0) AS cash_in_share, f.round_share,
           ds.max_per_day, ds.per_active_day, f.currencies, coalesce(f.cp_mean_degree, 0) AS cp_mean_degree,
           coalesce(fa.usd_fast, 0) / greatest(f.usd_out, 1e-9) AS fast_out_share
    FROM f LEFT JOIN day_stats AS ds USING (account_id) LEFT JOIN fast AS fa USING (account_id)
    LEFT JOIN kinds AS k USING (account_id)
    ORDER BY f.account_id"""
