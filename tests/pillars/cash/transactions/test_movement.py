from __future__ import annotations

from typing import Any

from tests.pillars.cash.conftest import Bank, txn


def rounds(account: str, *, lag: float, keep: float, sizes: tuple[float, ...] = (1, 2.5, 0.6, 1.7, 3),
           dest: str | None = None) -> list[dict[str, Any]]:
    rows = []
    for k, (day, size) in enumerate(zip((1, 12, 25, 40, 52), sizes, strict=True)):
        rows.append(txn(day, f"SRC{k % 2}", account, 30_000 * size, "ach"))
        rows.append(txn(day + 0.3, "SRC9", account, 20_000 * size, "wire"))
        rows.append(txn(day + lag, account, dest or "DEST", 50_000 * size * (1 - keep), "wire"))
    return rows


def test_money_sent_on_within_days_with_little_left_is_a_pass_through(bank: Bank) -> None:
    bank.transactions(rounds("P1", lag=1.2, keep=0.02))
    alerts = bank.detect("rapid_pass_through")
    assert len(alerts) == 1
    a = alerts[0]
    assert "account:P1" in a.subjects and "account:DEST" in a.subjects and "account:SRC9" in a.subjects
    assert a.figures["episodes"] == 5 and a.figures["through_share"] > 0.9
    assert len(a.evidence) == 15


def test_money_that_waits_or_mostly_stays_is_not(bank: Bank) -> None:
    bank.transactions(rounds("W1", lag=6, keep=0.02))  # leaves after the window
    bank.transactions(rounds("K1", lag=1, keep=0.5))  # half stays
    assert bank.detect("rapid_pass_through") == []


def test_a_standing_order_or_an_escrow_account_is_not(bank: Bank) -> None:
    bank.transactions(rounds("SWEEP", lag=1, keep=0.001, sizes=(1, 1, 1, 1, 1)))  # the same sum every time
    escrow = rounds("ESCROW", lag=1, keep=0.01)
    for k in range(5):  # every sale paid out to a new seller
        escrow[3 * k + 2]["to_account"] = f"SELLER{k}"
    bank.transactions(escrow)
    assert bank.detect("rapid_pass_through") == []
    assert len(bank.detect("rapid_pass_through", {"min_repeat_share": 0})) == 1
