from __future__ import annotations

from typing import Any

from tests.pillars.cash.conftest import Bank, txn


def background() -> list[dict[str, Any]]:
    # activity months apart, so that the data holds many windows
    return [txn(-60, "X1", "X2", 5_000), txn(120, "X2", "X1", 5_000)]


def test_many_senders_in_a_short_time_are_a_fan_in_and_many_receivers_a_fan_out(bank: Bank) -> None:
    rows = background()
    rows += [txn(i * 0.7, f"MULE{i}", "HUB", 4_500, "ach") for i in range(8)]
    rows += [txn(20 + i * 0.5, "PAYER", f"RCV{i}", 6_000) for i in range(7)]
    bank.transactions(rows)
    alerts = {a.typology: a for a in bank.detect("fans")}
    assert set(alerts) == {"fan_in", "fan_out"}
    assert "account:HUB" in alerts["fan_in"].subjects and len(alerts["fan_in"].subjects) == 9
    assert alerts["fan_in"].figures["max_in_one_window"] == 8
    assert "account:PAYER" in alerts["fan_out"].subjects and len(alerts["fan_out"].evidence) == 7


def test_few_senders_small_amounts_or_steady_business_are_no_fan(bank: Bank) -> None:
    rows = background()
    rows += [txn(i, f"S{i}", "FEW", 4_500) for i in range(5)]  # five senders
    rows += [txn(i * 0.5, f"C{i}", "SHOP", 900, "ach") for i in range(12)]  # card-sized payments
    # a wholesaler paid by eight customers in every fortnight of the quarter: its normal course
    rows += [txn(w * 14 + i, f"CUST{(w + i) % 9}", "WHOLESALE", 5_000) for w in range(7) for i in range(8)]
    bank.transactions(rows)
    assert bank.detect("fans") == []


def test_gather_then_scatter_and_scatter_then_gather(bank: Bank) -> None:
    rows = background()
    rows += [txn(i * 0.5, f"IN{i}", "COLLECT", 5_000) for i in range(7)]
    rows += [txn(5 + i * 0.5, "COLLECT", f"OUT{i}", 4_800) for i in range(7)]
    rows += [txn(30 + i * 0.2, "ORIGIN", f"MID{i}", 8_000) for i in range(6)]
    rows += [txn(32 + i * 0.2, f"MID{i}", "SINK", 7_800) for i in range(6)]
    bank.transactions(rows)
    alerts = bank.detect("fans")
    assert {"gather_scatter", "scatter_gather"} <= {a.typology for a in alerts}
    sg = next(a for a in alerts if a.typology == "scatter_gather")
    assert {"account:ORIGIN", "account:SINK"} <= set(sg.subjects) and sg.figures["intermediaries"] == 6
    gs = next(a for a in alerts if a.typology == "gather_scatter")
    assert "account:COLLECT" in gs.subjects and gs.figures["senders"] == 7 and gs.figures["receivers"] == 7
