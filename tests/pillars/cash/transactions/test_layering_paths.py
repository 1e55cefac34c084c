"""Layering paths: a planted peel chain among ordinary traffic, and the chains that are not one."""

from __future__ import annotations

import itertools
import random
from typing import Any

from tests.pillars.cash.conftest import Bank, txn


def _background(rng: random.Random, n: int = 400, scale: float = 1.0) -> list[dict[str, Any]]:
    return [txn(rng.uniform(0, 30), f"P{rng.randrange(150)}", f"P{rng.randrange(150)}",
                rng.lognormvariate(6, 1) * scale) for _ in range(n)]


def _chain(accounts: list[str], day: float, amount: float, keep: float = 0.95, **kw: Any) -> list[dict[str, Any]]:
    rows = []
    for i, (a, b) in enumerate(itertools.pairwise(accounts)):
        rows.append(txn(day + 0.5 * i, a, b, amount * keep**i, **kw))
    return rows


def test_a_peel_chain_is_one_path_with_every_hop(bank: Bank) -> None:
    rng = random.Random(1)
    chain = [f"L{i}" for i in range(7)]
    bank.transactions([r for r in _background(rng) if r["from_account"] != r["to_account"]]
                      + _chain(chain, 5, 9000))
    alerts = bank.detect("layering_paths")
    assert len(alerts) == 1, [a.explanation for a in alerts]
    assert sorted(alerts[0].subjects) == sorted(f"account:{a}" for a in chain)
    assert alerts[0].figures["path"] == " > ".join(chain)
    assert alerts[0].figures["hops"] == 6 and len(alerts[0].evidence) == 6
    assert 0.7 < alerts[0].figures["retained_share"] < 0.8


def test_hops_out_of_time_order_or_that_grow_are_no_path(bank: Bank) -> None:
    rng = random.Random(2)
    chain = [f"L{i}" for i in range(6)]
    backwards = [txn(20 - 2 * i, a, b, 9000) for i, (a, b) in enumerate(itertools.pairwise(chain))]
    growing = _chain([f"G{i}" for i in range(6)], 3, 5000, keep=1.3)
    bank.transactions([r for r in _background(rng) if r["from_account"] != r["to_account"]] + backwards + growing)
    assert bank.detect("layering_paths") == []


def test_a_busy_business_in_the_middle_is_not_followed(bank: Bank) -> None:
    """A wholesaler paid by and paying dozens of parties breaks the chain through it."""
    rng = random.Random(3)
    rows = [txn(rng.uniform(0, 30), f"BUYER{i}", "WHOLESALER", 9000) for i in range(30)]
    rows += _chain(["A", "B", "WHOLESALER", "C", "D"], 5, 9000, keep=0.99)
    bank.transactions(rows)
    assert bank.detect("layering_paths") == []


def test_at_another_scale_and_currency(bank: Bank) -> None:
    rng = random.Random(4)
    chain = [f"L{i}" for i in range(6)]
    rows = [r for r in _background(rng, scale=100) if r["from_account"] != r["to_account"]]
    rows += _chain(chain, 5, 2_000_000, keep=0.9)
    bank.transactions([{**r, "currency": "JPY"} for r in rows])
    alerts = bank.detect("layering_paths")
    assert [a.figures["hops"] for a in alerts] == [5]
