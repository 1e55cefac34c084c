"""What the transaction detectors share: dollar amounts, the configuration every one of them
takes, and the SQL pieces that read the canonical ``transactions`` and ``accounts`` views.

Amounts are compared in US dollars. ``amount_usd`` is used where the source gives it (ingest
fills it for USD amounts); a peso amount without it is converted at the configured fixed rate
(``mxn_per_usd``), so a Mexican source that reports only pesos is still screened; an amount in
any other currency without ``amount_usd`` is left out, because a guessed rate would make a
threshold meaningless.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from tenaza.detect.base import DetectorConfig
from tenaza.detect.sql import account_subjects, bind_list, days, rid, saturate
from tenaza.store.dialect import Dialect

__all__ = ["CASH_IN", "CTR_THRESHOLD_USD", "FUNDS_TRANSFER_RECORD_USD", "TRANSFERS", "CashConfig", "account_subjects",
           "bind_list", "days", "rid", "saturate", "txn_cte", "usd_expr"]

# The US currency transaction report threshold (31 CFR 1010.311): cash over $10,000 a day.
CTR_THRESHOLD_USD = 10_000.0
# Funds transfers of $3,000 or more carry the recordkeeping and travel rules (31 CFR 1010.410).
FUNDS_TRANSFER_RECORD_USD = 3_000.0

CASH_IN = ("cash_deposit", "armored_car")
TRANSFERS = ("wire", "ach", "check", "internal_transfer", "msb_transfer")


class CashConfig(DetectorConfig):
    """Settings every transaction detector has."""

    mxn_per_usd: float = Field(
        18.3, gt=0,
        description="Pesos per US dollar for MXN amounts that come without amount_usd (the Banxico FIX rate "
                    "averaged about 18.3 in 2024). Amounts in other currencies without amount_usd are left out.")


def usd_expr() -> str:
    """SQL of a row's amount in dollars; binds $mxn_per_usd."""
    return ("CAST(coalesce(amount_usd, CASE WHEN currency = 'MXN' THEN amount / $mxn_per_usd END) AS DOUBLE)")


def txn_cte(d: Dialect, config: CashConfig, params: dict[str, Any], *, where: str = "TRUE", name: str = "t") -> str:
    """``t``: transactions with a dollar amount, restricted by ``where`` (trusted SQL, no user text).

    Not materialized where the engine takes the hint: each use scans the columns it needs with
    its own filters pushed down, which on tens of millions of rows is cheaper than holding one
    wide copy. Rows carry ingest_id and source_row instead of record_id; ``rid()`` builds the
    record_id text only for the rows that end up as evidence.
    """
    params["mxn_per_usd"] = config.mxn_per_usd
    return d.cte(name, f"""  SELECT ingest_id, source_row, txn_id, ts, from_account, to_account, channel, country, state, city, branch,
         {usd_expr()} AS usd
  FROM transactions
  WHERE ({where}) AND {usd_expr()} IS NOT NULL AND amount > 0""", materialized=False)
