"""What the transaction detectors share: dollar amounts, the configuration every one of them
takes, the thresholds' two profiles, and the SQL pieces that read the canonical
``transactions`` and ``accounts`` views.

Amounts are compared in US dollars at the rate of each row's own date (``fx_rates``, filled by
``tenaza rates load`` or, where it is empty, with the ECB's reference rates when detect runs).
``amount_usd`` wins where the source gives it; a USD amount is its own value. A row whose
currency has no rate on its date gets no dollar amount: it is left out, and the runner counts
it as a row the detector could not judge, because a guessed rate would make a threshold
meaningless.

A detector may instead value such rows by rank (``ranked_txn_cte``): a row of a currency without
a rate gets the dollar amount that holds the same rank among the priced rows as the row holds
among its own currency's, so that it is judged against its currency's own distribution. The
run says how many rows were valued so, and the alert says which of its transfers were.

Thresholds have two profiles. ``regulatory`` keeps the dollar floors of the law (the $10,000
currency transaction report, the $3,000 funds-transfer recordkeeping rule, Mexico's avisos).
``relative`` replaces a detector's amount floor by a quantile of the workspace's own dollar
amounts in that detector's scope, for data on another scale (a simulator's toy amounts, a
bank's retail book). ``auto`` (the default) keeps the regulatory floor unless it would exclude
more than 99 % of the detector's rows; the runner prints the choice and the floor used.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from tenaza.detect.base import DetectorConfig
from tenaza.detect.screen import Screen
from tenaza.detect.sql import account_subjects, bind_list, days, rid, saturate, usd_source
from tenaza.store.dialect import Dialect

__all__ = ["AVISO_MXN_UMA", "CASH_IN", "CTR_THRESHOLD_USD", "FUNDS_TRANSFER_RECORD_USD", "TRANSFERS", "CashConfig",
           "Profile", "Screen", "account_subjects", "bind_list", "days", "ranked_txn_cte", "rid", "saturate", "txn_cte",
           "usd_source"]

# The US currency transaction report threshold (31 CFR 1010.311): cash over $10,000 a day.
CTR_THRESHOLD_USD = 10_000.0
# Funds transfers of $3,000 or more carry the recordkeeping and travel rules (31 CFR 1010.410).
FUNDS_TRANSFER_RECORD_USD = 3_000.0
# Mexico's Ley Federal para la Prevención e Identificación de Operaciones con Recursos de
# Procedencia Ilícita (art. 17) sets the aviso thresholds of the vulnerable activities in UMAs
# (unidades de medida y actualización), each activity its own; 1,605 UMA is that of several.
# Banks are outside art. 17 (they report under art. 115 of the Ley de Instituciones de Crédito),
# so the transfer detectors here do not use it: docs/typologies.md, "Mexico's avisos". The UMA
# is set yearly by INEGI and published in the DOF in January, in force from 1 February:
# 108.57 pesos a day in 2024, 113.14 in 2025, 117.31 from 1 February 2026.
AVISO_MXN_UMA = 1_605

CASH_IN = ("cash_deposit", "armored_car")
TRANSFERS = ("wire", "ach", "check", "internal_transfer", "msb_transfer")

Profile = Literal["auto", "regulatory", "relative"]


class CashConfig(DetectorConfig):
    """Settings every transaction detector has."""

    profile: Profile = Field(
        "auto",
        description="Which amount floor the detector uses: 'regulatory' (the legal dollar threshold in its "
                    "setting), 'relative' (the relative_quantile of the workspace's own dollar amounts in the "
                    "detector's scope) or 'auto': regulatory unless that excludes more than 99 % of the rows, "
                    "then relative. tenaza detect prints the choice and the floor.")
    relative_quantile: float = Field(
        0.5, ge=0, lt=1,
        description="Under the relative profile, the amount floor is this quantile of the dollar amounts of the "
                    "rows the detector reads (0.5: the median), so that the smaller half of the payments are "
                    "left out as the legal floor leaves out card and bill payments.")


def txn_cte(d: Dialect, config: CashConfig, params: dict[str, Any], *, where: str = "TRUE", name: str = "t") -> str:
    """``t``: transactions with a dollar amount, restricted by ``where`` (trusted SQL, no user text).

    Not materialized where the engine takes the hint: each use scans the columns it needs with
    its own filters pushed down, which on tens of millions of rows is cheaper than holding one
    wide copy. Rows carry ingest_id and source_row instead of record_id; ``rid()`` builds the
    record_id text only for the rows that end up as evidence.
    """
    return d.cte(name, f"""  SELECT ingest_id, source_row, txn_id, ts, from_account, to_account, channel, country, state, city, branch,
         usd
  FROM ({usd_source(d)}) AS tx
  WHERE ({where}) AND usd IS NOT NULL AND amount > 0""", materialized=False)


# Percentiles of the priced rows' dollar amounts that a ranked row's value is interpolated between.
_RANK_STEPS = 100


def ranked_txn_cte(d: Dialect, config: CashConfig, params: dict[str, Any], *, where: str, scope: str,
                   min_rows: int, name: str = "t") -> str:
    """CTEs ending in ``name``: as ``txn_cte``, and the rows in ``scope`` of a currency without a
    rate valued by rank, with a column ``by_rank`` (TRUE for them).

    A row of a currency with no rate on its date, where the detector's scope holds at least
    ``min_rows`` rows of that currency without a rate, gets the dollar amount at its percent rank
    among them in the priced rows of the scope (interpolated between their percentiles): a USDT
    wire at the 95th percentile of the USDT wires is worth what the 95th percentile of the priced
    wires is. Every threshold then judges it against its own currency's distribution, in the
    absolute profile as in the relative one. Rows of a currency with fewer rows stay out (no
    distribution to rank them in), as do rows outside ``scope``. ``where`` and ``scope`` are
    trusted SQL over the transactions' columns."""
    params["_rank_q"] = [k / _RANK_STEPS for k in range(_RANK_STEPS + 1)]
    params["_rank_min"] = min_rows
    cols = "ingest_id, source_row, txn_id, ts, from_account, to_account, channel, country, state, city, branch"
    k = f"CAST(floor(pr * {_RANK_STEPS}) AS INTEGER)"  # an array index: INT on Spark
    lo, hi = d.array_get("q.q", f"1 + {k}"), d.array_get("q.q", f"2 + {k}")
    src = d.cte(f"{name}_src", f"""  SELECT {cols}, currency, amount, usd
  FROM ({usd_source(d)}) AS tx
  WHERE ({where}) AND amount > 0""", materialized=False)
    # the percentiles and the ranked rows are small and read at every reference of ``name``:
    # computed once
    q = d.cte(f"{name}_q", f"  SELECT {d.quantile_cont('usd', '$_rank_q')} AS q FROM {name}_src "
                           f"WHERE usd IS NOT NULL AND ({scope})", materialized=True)
    r = d.cte(f"{name}_r", f"""  SELECT x.* FROM (
    SELECT {cols}, percent_rank() OVER (PARTITION BY currency ORDER BY amount) AS pr,
           count(*) OVER (PARTITION BY currency) AS n_cur
    FROM {name}_src WHERE usd IS NULL AND ({scope})) AS x
  WHERE x.n_cur >= $_rank_min""", materialized=True)
    return f"""{src},
{q},
{r},
{name} AS (
  SELECT {cols}, usd, FALSE AS by_rank FROM {name}_src WHERE usd IS NOT NULL
  UNION ALL
  SELECT {', '.join('r.' + c.strip() for c in cols.split(','))},
         {lo} + (pr * {_RANK_STEPS} - {k}) * coalesce({hi} - {lo}, 0) AS usd, TRUE
  FROM {name}_r AS r CROSS JOIN {name}_q AS q WHERE q.q IS NOT NULL
)"""
