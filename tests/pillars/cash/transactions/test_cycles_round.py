"""One-round cycles: a cycle that goes round once across currencies, coarse timestamps, and the
round trips that must not be taken for one."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

from tenaza.money import load_rates
from tests.pillars.cash.conftest import Bank, txn


def _background(rng: random.Random, n: int = 400) -> list[dict[str, Any]]:
    rows = [txn(rng.uniform(0, 30), f"P{rng.randrange(150)}", f"P{rng.randrange(150)}", rng.lognormvariate(7, 1))
            for _ in range(n)]
    return [r for r in rows if r["from_account"] != r["to_account"]]


def _rates(bank: Bank, tmp_path: Path) -> None:
    """Euros at 1.08 dollars, pesos at 18.3 to the dollar, every day of March 2024."""
    lines = ["date,currency,units_per_usd"]
    lines += [f"2024-03-{d:02d},EUR,{1 / 1.08:.6f}" for d in range(1, 32)]
    lines += [f"2024-03-{d:02d},MXN,18.3" for d in range(1, 32)]
    path = tmp_path / "rates.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    load_rates(bank.ws, [path], ecb=False)


def test_one_round_across_currencies_is_found(bank: Bank, tmp_path: Path) -> None:
    _rates(bank, tmp_path)
    rng = random.Random(1)
    cycle = [txn(5.0, "A", "B", 40_000), txn(5.5, "B", "C", 36_000, currency="EUR"),  # $38,880
             txn(6.0, "C", "D", 690_000, currency="MXN"),  # $37,705
             txn(6.5, "D", "A", 36_500)]
    bank.transactions(_background(rng) + cycle)
    alerts = bank.detect("cycles_round")
    assert len(alerts) == 1, [a.explanation for a in alerts]
    a = alerts[0]
    assert sorted(a.subjects) == ["account:A", "account:B", "account:C", "account:D"]
    assert a.figures["rounds"] == 1 and a.figures["hops"] == 4 and a.figures["unit"] == "USD"
    assert len(a.evidence) == 4 and a.score >= 0.6


def test_hops_out_of_order_need_the_coarse_option(bank: Bank) -> None:
    rng = random.Random(2)
    cycle = [txn(20, "A", "B", 40_000), txn(3, "B", "C", 39_000), txn(11, "C", "A", 38_500)]
    bank.transactions(_background(rng) + cycle)
    assert bank.detect("cycles_round") == []
    coarse = bank.detect("cycles_round", {"time_order": "coarse"})
    assert [sorted(a.subjects) for a in coarse] == [["account:A", "account:B", "account:C"]]
    assert coarse[0].figures["time_order"] == "coarse"


def test_weak_single_rounds_are_not_reported_but_repeated_ones_are(bank: Bank) -> None:
    """A small, slow round that loses a quarter at every hop is weak evidence; the same accounts
    going round twice with other sums are reported whatever the strength."""
    rng = random.Random(3)
    slow = [txn(1, "A", "B", 3000), txn(7.5, "B", "C", 2250), txn(14, "C", "A", 1690)]
    bank.transactions(_background(rng) + slow)
    assert bank.detect("cycles_round") == []
    bank.transactions([txn(17, "A", "B", 3900), txn(18, "B", "C", 2925), txn(24, "C", "A", 2195)])
    alerts = bank.detect("cycles_round")
    assert [a.figures["rounds"] for a in alerts] == [2] and len(alerts[0].evidence) == 6


def test_refunds_and_busy_businesses_are_no_cycle(bank: Bank) -> None:
    """A two-hop refund, and a three-hop loop through a wholesaler with dozens of trading partners."""
    rng = random.Random(4)
    rows = _background(rng) + [txn(2, "A", "B", 40_000), txn(3, "B", "A", 40_000)]
    rows += [txn(rng.uniform(0, 30), f"BUYER{i}", "WHOLESALER", 30_000) for i in range(40)]
    rows += [txn(5, "X", "WHOLESALER", 40_000), txn(5.5, "WHOLESALER", "Y", 39_000), txn(6, "Y", "X", 38_000)]
    bank.transactions(rows)
    assert bank.detect("cycles_round") == []


def test_cash_pooling_the_same_sum_every_week_is_no_cycle(bank: Bank) -> None:
    rng = random.Random(5)
    rows = _background(rng)
    for week in range(4):
        rows += [txn(7 * week + 0.1 * i, a, b, 50_000) for i, (a, b) in enumerate([("G1", "G2"), ("G2", "G3"),
                                                                                   ("G3", "G1")])]
    bank.transactions(rows)
    assert bank.detect("cycles_round") == []


def test_a_ring_the_cycles_detector_alerted_gets_one_alert_not_two(bank: Bank) -> None:
    """Two rounds over the reporting threshold: both rules find the ring; run together (as detect
    --pillar cash runs them, cycles first), it is alerted once, by cycles. A ring only the one-round
    rule finds keeps its alert."""
    from tenaza.detect import run, select

    rng = random.Random(6)
    rows = _background(rng)
    rows += [txn(2 + 0.2 * i, a, b, 40_000 - 1_000 * i) for i, (a, b) in enumerate([("A", "B"), ("B", "C"),
                                                                                   ("C", "A")])]
    rows += [txn(12 + 0.2 * i, a, b, 55_000 - 1_000 * i) for i, (a, b) in enumerate([("A", "B"), ("B", "C"),
                                                                                   ("C", "A")])]
    rows += [txn(20 + 0.2 * i, a, b, 45_000 - 500 * i) for i, (a, b) in enumerate([("K", "L"), ("L", "M"),
                                                                                  ("M", "N"), ("N", "K")])]
    bank.transactions(rows)
    alone = bank.detect("cycles_round")
    abc = ["account:A", "account:B", "account:C"]
    assert abc in [sorted(a.subjects) for a in alone]  # on its own it finds the ring too
    run(bank.ws, select(names=["cycles", "cycles_round"]))
    rings = bank.ws.backend.fetch("rings", "SELECT detector, list_sort(subjects) FROM alerts WHERE typology = 'cycle' "
                                  "ORDER BY detector")
    by_ring: dict[tuple[str, ...], list[str]] = {}
    for detector, subjects in rings:
        by_ring.setdefault(tuple(subjects), []).append(detector)
    assert by_ring[tuple(abc)] == ["cycles"]
    assert by_ring[("account:K", "account:L", "account:M", "account:N")] == ["cycles_round"]
    assert all(len(v) == 1 for v in by_ring.values())
    kept = bank.detect("cycles_round", {"skip_found_by_cycles": False})
    assert abc in [sorted(a.subjects) for a in kept]
