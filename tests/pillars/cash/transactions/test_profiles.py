"""Threshold profiles, rows without dollars and the warning when settings exclude nearly every row."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from tenaza.detect import run, select
from tenaza.money import load_rates
from tests.pillars.cash.conftest import T0, Bank, txn


def _fan_in(hub: str, scale: float, senders: int = 8, currency: str = "USD") -> list[dict[str, object]]:
    return [txn(0.1 * i, f"{hub}-S{i}", hub, (300 + 7 * i) * scale, currency=currency) for i in range(senders)]


def _background(scale: float, n: int = 60) -> list[dict[str, object]]:
    # ordinary one-to-one payments that make the workspace's own amount distribution
    return [txn(0.3 * i, f"P{i}", f"Q{i}", (50 + 10 * (i % 40)) * scale) for i in range(n)]


def test_auto_keeps_the_regulatory_floor_where_the_data_reaches_it(bank: Bank) -> None:
    bank.transactions(_fan_in("H", 20) + _background(20))  # transfers of $6,000 and more
    [r] = run(bank.ws, select(names=["fans"]))
    assert r.profile == "regulatory" and r.alerts >= 1 and not r.warnings
    assert any("profile auto -> regulatory" in n for n in r.notes), r.notes


def test_auto_turns_relative_on_small_amounts_and_says_so(bank: Bank) -> None:
    # the same fan-in at a hundredth of the scale: every transfer is under the $3,000 floor
    bank.transactions(_fan_in("H", 0.2) + _background(0.2))
    assert run(bank.ws, select(names=["fans"]), {"fans": {"profile": "regulatory"}})[0].alerts == 0
    [r] = run(bank.ws, select(names=["fans"]))
    assert r.profile == "relative" and r.alerts >= 1
    assert any("relative min_amount_usd" in n for n in r.notes)
    alerts = bank.ws.backend.fetch("alerts", "SELECT subjects FROM alerts WHERE detector = 'fans'")
    assert any("account:H" in list(s) for (s,) in alerts)


def test_auto_turns_relative_where_the_legal_floor_is_off_the_datas_scale(bank: Bank) -> None:
    # amounts around $25 and a few transfers over $3,000: more than 1 % reach the floor, but the
    # floor stands over a hundred times the median; those few rows are the tail, not the payments
    big = [txn(1 + i, f"B{i}", f"C{i}", 5_000 + i) for i in range(4)]
    bank.transactions(_fan_in("H", 0.1) + _background(0.1) + big)
    [r] = run(bank.ws, select(names=["fans"]))
    assert r.profile == "relative", r.notes
    assert any("times their median" in n for n in r.notes), r.notes
    alerts = bank.ws.backend.fetch("alerts", "SELECT subjects FROM alerts WHERE detector = 'fans'")
    assert any("account:H" in list(s) for (s,) in alerts)


def test_a_regulatory_floor_that_excludes_nearly_every_row_is_named_with_figures(
        bank: Bank, caplog: pytest.LogCaptureFixture) -> None:
    bank.transactions(_fan_in("H", 0.2) + _background(0.2))
    with caplog.at_level(logging.WARNING, logger="tenaza"):
        [r] = run(bank.ws, select(names=["fans"]), {"fans": {"profile": "regulatory"}})
    [w] = r.warnings
    assert "min_amount_usd" in w and "100.0%" in w and "median $" in w and "profile: relative" in w
    assert w in caplog.text


def test_structuring_has_no_relative_profile(bank: Bank) -> None:
    bank.transactions([txn(i, None, "S", 90 + i, "cash_deposit") for i in range(10)])
    [r] = run(bank.ws, select(names=["structuring"]), {"structuring": {"profile": "relative"}})
    assert r.profile == "regulatory" and any("does not apply" in n for n in r.notes)
    assert r.warnings and "threshold_usd" in r.warnings[0]


def test_rows_without_a_rate_are_counted_by_currency(bank: Bank, tmp_path: Path) -> None:
    rows = _fan_in("H", 20) + _background(20) + _fan_in("K", 20, currency="ARS")
    bank.transactions(rows)
    rates = tmp_path / "rates.csv"
    rates.write_text(f"date,currency,units_per_usd\n{T0.date()},MXN,18.3\n", encoding="utf-8")
    load_rates(bank.ws, [rates], ecb=False)
    [r] = run(bank.ws, select(names=["fans"]))
    assert r.unjudged == 8
    assert any("8 of 76 rows" in n and "ARS 8" in n for n in r.notes)


def test_euros_are_judged_at_their_own_dates_rate(bank: Bank, tmp_path: Path) -> None:
    # 8 transfers of 3,000 to 3,049 euros: over $3,000 at 1.10 dollars a euro, under it at 0.90
    bank.transactions(_fan_in("H", 10, currency="EUR") + _background(20))
    rates = tmp_path / "rates.csv"
    rates.write_text(f"date,currency,usd_per_unit\n{T0.date()},EUR,1.10\n", encoding="utf-8")
    load_rates(bank.ws, [rates], ecb=False)
    assert run(bank.ws, select(names=["fans"]), {"fans": {"profile": "regulatory"}})[0].alerts == 1
    rates.write_text(f"date,currency,usd_per_unit\n{T0.date()},EUR,0.90\n", encoding="utf-8")
    load_rates(bank.ws, [rates], ecb=False)
    assert run(bank.ws, select(names=["fans"]), {"fans": {"profile": "regulatory"}})[0].alerts == 0


def test_a_detector_that_reads_no_row_says_so(bank: Bank) -> None:
    bank.transactions(_background(20))  # wires only: no cash deposit
    [r] = run(bank.ws, select(names=["bulk_cash"]))
    assert r.alerts == 0 and r.warnings and "nothing to judge" in r.warnings[0]
