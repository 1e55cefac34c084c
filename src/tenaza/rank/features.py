"""Features of an account in a time window, for the supervised ranker: window and graph features.

Window features describe what the account did in the window (volumes, cash, the
counterparties it dealt with, how fast money passed through). Graph features describe where
the account sits in the whole transaction graph (its degrees, and those of its counterparties),
which a single window does not show. All are computed set-wise in one SQL statement.

Each feature has words an analyst reads in the reasons of a score.
"""

from __future__ import annotations

from typing import Any

from tenaza.store.dialect import Dialect

# name -> (what it measures, in words; how its value is written)
FEATURES: dict[str, tuple[str, str]] = {
    "n_in": ("credits received", "{:.0f}"),
    "n_out": ("debits sent", "{:.0f}"),
    "log_usd_in": ("dollars received (log10)", "{:.1f}"),
    "log_usd_out": ("dollars sent (log10)", "{:.1f}"),
    "pass_through": ("share of the money received that went out again", "{:.0%}"),
    "n_cash_in": ("cash deposits", "{:.0f}"),
    "n_near_ctr": ("cash deposits between $8,000 and $10,000 (just under the report threshold)", "{:.0f}"),
    "cash_states": ("states where cash was deposited", "{:.0f}"),
    "n_cash_out": ("cash withdrawals", "{:.0f}"),
    "n_msb": ("money-transmitter or armored-car movements", "{:.0f}"),
    "n_wire": ("wires", "{:.0f}"),
    "n_cross_border": ("movements with accounts in another country", "{:.0f}"),
    "in_cp": ("distinct senders", "{:.0f}"),
    "out_cp": ("distinct receivers", "{:.0f}"),
    "round_share": ("share of round amounts (multiples of $100)", "{:.0%}"),
    "channels": ("payment channels used", "{:.0f}"),
    "active_days": ("days with activity", "{:.0f}"),
    "in_degree_all": ("distinct senders over the whole period", "{:.0f}"),
    "out_degree_all": ("distinct receivers over the whole period", "{:.0f}"),
    "cp_mean_degree": ("average number of counterparties of its counterparties", "{:.1f}"),
    "new_cp_share": ("share of counterparties first seen in this window", "{:.0%}"),
    "account_age_days": ("age of the account in days", "{:.0f}"),
}


def features_sql(params: dict[str, Any], window_days: int, d: Dialect, labels: str | None = None) -> str:
    """One row per (account, window) with activity: account_id, win, window_start, window_end,
    ingest_ids (of its transactions, for releasability), label, then the FEATURES columns.

    ``labels`` names a relation of labelled transactions (txn_id); an account-window is
    positive where one of them touches it. Without it the label is NULL.
    """
    params["rk_days"] = window_days
    label_join = f"LEFT JOIN (SELECT DISTINCT txn_id AS labelled FROM {labels}) AS lb ON lb.labelled = w.txn_id" \
        if labels else ""
    label_col = "CAST(max(CASE WHEN lb.labelled IS NULL THEN 0 ELSE 1 END) AS INTEGER)" if labels \
        else "CAST(NULL AS INTEGER)"
    t0 = "(SELECT t0 FROM t0)"
    return f"""
    WITH t AS (
      SELECT txn_id, ingest_id, ts, from_account, to_account, channel, state,
             CAST(coalesce(amount_usd, CASE WHEN currency = 'USD' THEN amount END) AS DOUBLE) AS usd
      FROM transactions
    ),
    t0 AS (SELECT CAST(min(ts) AS DATE) AS t0 FROM t),
    acct AS (SELECT account_id, any_value(institution_country) AS country, min(opened) AS opened
             FROM accounts GROUP BY account_id),
    legs AS (
      SELECT from_account AS account_id, 'out' AS side, to_account AS other, txn_id, ingest_id, ts, usd, channel, state
      FROM t WHERE from_account IS NOT NULL
      UNION ALL
      SELECT to_account, 'in', from_account, txn_id, ingest_id, ts, usd, channel, state
      FROM t WHERE to_account IS NOT NULL
    ),
    deg AS (
      SELECT account_id, count(DISTINCT other) FILTER (WHERE side = 'in') AS in_degree_all,
             count(DISTINCT other) FILTER (WHERE side = 'out') AS out_degree_all,
             count(DISTINCT other) AS degree_all
      FROM legs GROUP BY account_id
    ),
    first_seen AS (SELECT account_id, other, min(ts) AS first_ts FROM legs WHERE other IS NOT NULL GROUP BY ALL),
    w AS (
      SELECT l.*, CAST(floor({d.days_between('t0.t0', 'l.ts')} / $rk_days) AS INTEGER) AS win,
             d.degree_all AS other_degree, fs.first_ts,
             a.country AS own_country, b.country AS other_country
      FROM legs AS l CROSS JOIN t0
      LEFT JOIN deg AS d ON d.account_id = l.other
      LEFT JOIN first_seen AS fs ON fs.account_id = l.account_id AND fs.other = l.other
      LEFT JOIN acct AS a ON a.account_id = l.account_id
      LEFT JOIN acct AS b ON b.account_id = l.other
    ),
    f AS (
      SELECT account_id, win, {d.list_agg('ingest_id', distinct=True)} AS ingest_ids, {label_col} AS label,
             count(*) FILTER (WHERE side = 'in') AS n_in, count(*) FILTER (WHERE side = 'out') AS n_out,
             coalesce(sum(usd) FILTER (WHERE side = 'in'), 0) AS usd_in,
             coalesce(sum(usd) FILTER (WHERE side = 'out'), 0) AS usd_out,
             count(*) FILTER (WHERE side = 'in' AND channel = 'cash_deposit') AS n_cash_in,
             count(*) FILTER (WHERE side = 'in' AND channel = 'cash_deposit' AND usd >= 8000 AND usd < 10000)
               AS n_near_ctr,
             count(DISTINCT state) FILTER (WHERE side = 'in' AND channel = 'cash_deposit') AS cash_states,
             count(*) FILTER (WHERE side = 'out' AND channel = 'cash_withdrawal') AS n_cash_out,
             count(*) FILTER (WHERE channel IN ('msb_transfer', 'armored_car')) AS n_msb,
             count(*) FILTER (WHERE channel = 'wire') AS n_wire,
             count(*) FILTER (WHERE own_country IS NOT NULL AND other_country IS NOT NULL
                              AND own_country <> other_country) AS n_cross_border,
             count(DISTINCT other) FILTER (WHERE side = 'in') AS in_cp,
             count(DISTINCT other) FILTER (WHERE side = 'out') AS out_cp,
             avg(CAST(CASE WHEN usd > 0 AND usd % 100 = 0 THEN 1 ELSE 0 END AS DOUBLE)) AS round_share,
             count(DISTINCT channel) AS channels, count(DISTINCT CAST(ts AS DATE)) AS active_days,
             avg(other_degree) AS cp_mean_degree,
             count(DISTINCT other) FILTER (WHERE floor({d.days_between(t0, 'first_ts')} / $rk_days) = win)
               / greatest(count(DISTINCT other), 1) AS new_cp_share,
             any_value(opened) AS opened
      FROM w LEFT JOIN acct AS ac USING (account_id) {label_join}
      GROUP BY account_id, win
    )
    SELECT f.account_id, f.win,
           CAST({d.add_days(t0, 'f.win * $rk_days')} AS TIMESTAMP) AS window_start,
           CAST({d.add_days(t0, '(f.win + 1) * $rk_days')} AS TIMESTAMP) AS window_end,
           f.ingest_ids, f.label,
           f.n_in, f.n_out, log10(1 + f.usd_in) AS log_usd_in, log10(1 + f.usd_out) AS log_usd_out,
           least(f.usd_in, f.usd_out) / greatest(f.usd_in, f.usd_out, 1) AS pass_through,
           f.n_cash_in, f.n_near_ctr, f.cash_states, f.n_cash_out, f.n_msb, f.n_wire, f.n_cross_border,
           f.in_cp, f.out_cp, f.round_share, f.channels, f.active_days,
           coalesce(d.in_degree_all, 0) AS in_degree_all, coalesce(d.out_degree_all, 0) AS out_degree_all,
           f.cp_mean_degree, f.new_cp_share,
           {d.days_between('f.opened', d.add_days(t0, '(f.win + 1) * $rk_days'))}
             AS account_age_days
    FROM f LEFT JOIN deg AS d USING (account_id)
    ORDER BY f.win, f.account_id"""
