from __future__ import annotations

from typing import Any

from tests.pillars.cash.conftest import Bank, txn


def loop(nodes: list[str], start: float, amount: float, decay: float, gap: float = 2) -> list[dict[str, Any]]:
    rows = []
    for i, a in enumerate(nodes):
        rows.append(txn(start + i * gap, a, nodes[(i + 1) % len(nodes)], amount))
        amount *= decay
    return rows


def test_money_that_comes_back_through_three_accounts_is_a_cycle(bank: Bank) -> None:
    bank.transactions(loop(["A", "B", "C"], 0, 200_000, 0.98) + loop(["A", "B", "C"], 40, 150_000, 0.97))
    alerts = bank.detect("cycles")
    assert len(alerts) == 1
    a = alerts[0]
    assert a.subjects == ["account:A", "account:B", "account:C"]
    assert a.figures["cycles"] == 2 and a.figures["hops"] == 3 and len(a.evidence) == 6
    assert "A > B > C > A" in a.explanation


def test_out_of_order_decayed_or_two_hop_returns_are_no_cycle(bank: Bank) -> None:
    rows = loop(["D", "E", "F"], 0, 200_000, 0.5)  # half lost at each hop
    rows += [txn(10, "G", "H", 100_000), txn(8, "H", "I", 99_000), txn(12, "I", "G", 98_000)]  # H paid on before
    rows += [txn(20, "J", "K", 100_000), txn(21, "K", "J", 99_000)]  # a two-hop round trip
    rows += loop(["L", "M", "N"], 50, 100_000, 0.99, gap=12)  # hops too far apart
    bank.transactions(rows)
    assert bank.detect("cycles") == []
    assert len(bank.detect("cycles", {"min_hops": 2, "min_cycles": 1})) == 1  # the round trip, when asked for


def test_a_single_round_trip_is_reported_only_when_asked_for(bank: Bank) -> None:
    bank.transactions(loop(["P", "Q", "R"], 0, 200_000, 0.98))
    assert bank.detect("cycles") == []
    assert len(bank.detect("cycles", {"min_cycles": 1})) == 1


def test_cash_pooling_that_sweeps_the_same_sum_round_is_not_a_cycle(bank: Bank) -> None:
    rows = []
    for month in range(4):
        rows += loop(["US-PARENT", "MX-AFFILIATE", "US-SISTER"], month * 30, 1_750_000, 0.999)
    bank.transactions(rows)
    assert bank.detect("cycles") == []
    assert len(bank.detect("cycles", {"min_amount_variation": 0})) == 1
