"""Bipartite blocks and stacks: planted blocks of nominees among ordinary traffic, and the stars
(a shop and its customers, an employer and its staff) that must not be taken for one."""

from __future__ import annotations

import random
from typing import Any

from tests.pillars.cash.conftest import Bank, txn


def _background(rng: random.Random, n: int = 300, scale: float = 1.0) -> list[dict[str, Any]]:
    """Ordinary person-to-person transfers among 200 accounts over twenty days."""
    return [txn(rng.uniform(0, 20), f"P{rng.randrange(200)}", f"Q{rng.randrange(200)}",
                rng.lognormvariate(6, 1) * scale) for _ in range(n)]


def _block(senders: list[str], receivers: list[str], day: float, amount: float, **kw: Any) -> list[dict[str, Any]]:
    return [txn(day + 0.1 * i + 0.01 * j, s, r, amount * (1 + 0.03 * j), **kw)
            for i, s in enumerate(senders) for j, r in enumerate(receivers)]


def _stars(rng: random.Random) -> list[dict[str, Any]]:
    """A shop paid by 40 customers, each of whom also pays the utility; a payroll to 30 staff."""
    rows = [txn(rng.uniform(0, 10), f"C{i}", "SHOP", rng.uniform(500, 3000)) for i in range(40)]
    rows += [txn(rng.uniform(0, 10), f"C{i}", "UTILITY", rng.uniform(500, 3000)) for i in range(40)]
    rows += [txn(5 + i * 0.01, "EMPLOYER", f"STAFF{i}", 2500) for i in range(30)]
    return rows


def test_a_planted_block_is_found_and_the_stars_are_not(bank: Bank) -> None:
    rng = random.Random(1)
    senders, receivers = [f"S{i}" for i in range(4)], [f"R{i}" for i in range(3)]
    bank.transactions(_background(rng) + _stars(rng) + _block(senders, receivers, 3, 4000))
    alerts = bank.detect("bipartite")
    blocks = [a for a in alerts if a.typology == "bipartite"]
    assert len(blocks) == 1, [a.explanation for a in alerts]
    assert sorted(blocks[0].subjects) == sorted(f"account:{a}" for a in senders + receivers)
    assert blocks[0].figures["pairs"] == 12 and len(blocks[0].evidence) == 12
    assert not any("account:SHOP" in a.subjects or "account:EMPLOYER" in a.subjects for a in alerts)


def test_a_block_is_found_at_any_scale_and_in_a_currency_without_rates(bank: Bank) -> None:
    rng = random.Random(2)
    rows = _background(rng, scale=0.01) + _block([f"S{i}" for i in range(5)], ["R0", "R1", "R2", "R3"], 2, 40)
    bank.transactions([{**r, "currency": "XAF"} for r in rows])
    blocks = [a for a in bank.detect("bipartite") if a.typology == "bipartite"]
    assert len(blocks) == 1 and blocks[0].figures["unit"] == "source unit"


def test_a_sparse_set_is_no_block(bank: Bank) -> None:
    """Four senders each paying one of four receivers (a matching) is no block."""
    rng = random.Random(3)
    bank.transactions(_background(rng) + [txn(3 + i, f"S{i}", f"R{i}", 4000) for i in range(4)])
    assert [a for a in bank.detect("bipartite") if a.typology == "bipartite"] == []


def test_two_layers_are_one_stack(bank: Bank) -> None:
    rng = random.Random(4)
    first, mids, last = [f"S{i}" for i in range(3)], [f"M{i}" for i in range(4)], [f"R{i}" for i in range(3)]
    bank.transactions(_background(rng) + _block(first, mids, 2, 5000) + _block(mids, last, 4, 3500))
    alerts = bank.detect("bipartite")
    assert [a.typology for a in alerts] == ["stack"], [a.explanation for a in alerts]
    assert sorted(alerts[0].subjects) == sorted(f"account:{a}" for a in first + mids + last)
    assert len(alerts[0].evidence) == 24


def test_the_floor_leaves_out_small_blocks_and_an_absolute_floor_can_replace_it(bank: Bank) -> None:
    rng = random.Random(5)
    bank.transactions(_background(rng) + _block(["S0", "S1", "S2"], ["R0", "R1", "R2"], 3, 20))
    assert bank.detect("bipartite") == []  # under the 25th percentile of the data's amounts
    assert [a.typology for a in bank.detect("bipartite", {"amount_percentile": 0})] == ["bipartite"]
    assert bank.detect("bipartite", {"min_amount": 3000}) == []


def test_members_who_deal_mostly_with_others_are_no_closed_block(bank: Bank) -> None:
    """Three customers paying the same three shops, which are each paid by twenty other people."""
    rng = random.Random(6)
    rows = _background(rng) + _block(["S0", "S1", "S2"], ["M0", "M1", "M2"], 3, 4000)
    rows += [txn(rng.uniform(0, 9), f"X{i}", f"M{i % 3}", 4000) for i in range(60)]
    bank.transactions(rows)
    assert bank.detect("bipartite") == []
    assert [a.typology for a in bank.detect("bipartite", {"min_closure": 0})] == ["bipartite"]
