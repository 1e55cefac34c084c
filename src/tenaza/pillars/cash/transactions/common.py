"""What the transaction detectors share: dollar amounts, the configuration every one of them
takes, the thresholds' two profiles, and the SQL pieces that read the canonical
``transactions`` and ``accounts`` views.

Amounts are compared in US dollars at the rate of each row's own date (``fx_rates``, filled by
``tenaza rates load`` or, where it is empty, with the ECB's reference rates when detect runs).
``amount_usd`` wins where the source gives it; a USD amount is its own value. A row whose
currency has no rate on its date gets no dollar amount: it is left out, and the runner counts
it as a row the detector could not judge, because a guessed rate would make a threshold
meaningless.

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
           "Profile", "Screen", "account_subjects", "bind_list", "days", "rid", "saturate", "txn_cte", "usd_source"]

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
