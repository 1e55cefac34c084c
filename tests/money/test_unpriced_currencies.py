"""Rows in a currency that is not ISO 4217 (crypto, private codes) are kept without a dollar
amount, reported by currency at ingest, valued once a rates file gives their rate, and counted
by the detectors as rows they could not judge (issue 10)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tenaza.detect.runner import run as run_detectors
from tenaza.ingest.pipeline import ingest_file
from tenaza.money import load_rates, usd_join
from tenaza.pillars.cash.transactions.structuring import Structuring
from tenaza.store import Workspace

ROWS = ("txn_id,ts,from_account,to_account,amount,currency,channel\n"
        "1,2024-03-05 10:00:00,A,B,1000,USD,cash_deposit\n"
        "2,2024-03-05 11:00:00,A,B,0.5,XBT,cash_deposit\n"
        "3,2024-03-05 12:00:00,A,B,900,usdt,cash_deposit\n"
        "4,2024-03-05 13:00:00,A,B,2,XBT,cash_deposit\n"
        "5,2024-03-05 14:00:00,A,B,3,dollars of gold,cash_deposit\n")


def test_crypto_rows_are_kept_and_reported_by_currency(ws: Workspace, tmp_path: Path) -> None:
    f = tmp_path / "t.csv"
    f.write_text(ROWS)
    report = ingest_file(ws, f, "transactions", originator="BANK", releasable_to=["USA"])
    assert (report.rows_accepted, report.rows_quarantined) == (4, 1)  # free text is still no currency
    said = [w for w in report.warnings if "no US-dollar amount" in w]
    assert len(said) == 1 and "XBT 2 (crypto), USDT 1 (crypto)" in said[0], report.warnings
    stored = dict(ws.backend.fetch("currencies", "SELECT txn_id, currency FROM transactions"))
    assert stored == {"1": "USD", "2": "XBT", "3": "USDT", "4": "XBT"}

    runs = run_detectors(ws, [Structuring])
    assert runs[0].unjudged == 3
    assert any("XBT 2" in n and "USDT 1" in n for n in runs[0].notes), runs[0].notes

    rates = tmp_path / "rates.csv"
    rates.write_text("date,currency,usd_per_unit\n2024-03-05,XBT,60000\n")
    load_rates(ws, [rates])
    usd = dict(ws.backend.fetch("usd", f"SELECT txn_id, usd FROM ({usd_join('transactions')})"))
    assert usd["2"] == pytest.approx(30_000) and usd["3"] is None
