from __future__ import annotations

from typing import Any

from tenaza.detect import run, select
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


def short_extract_background() -> list[dict[str, Any]]:
    """Ten days of ordinary transfers, no customer file: each of 60 accounts paid by two or three
    others of 60, some large sums among them; the data holds one window."""
    return [txn(d + i / 60, f"P{i}", f"Q{(i + d % 3) % 60}", 3_500 + 400 * i) for d in range(10) for i in range(60)]


def test_planted_fan_in_is_found_on_a_ten_day_extract_without_parties_by_the_peer_test(bank: Bank) -> None:
    rows = short_extract_background()
    rows += [txn(3 + i * 0.1, f"MULE{i}", "HUB", 4_500, "ach") for i in range(10)]
    bank.transactions(rows)
    fan_in = [a for a in bank.detect("fans") if a.typology == "fan_in"]
    assert [a for a in fan_in if "account:HUB" in a.subjects]
    hub = next(a for a in fan_in if "account:HUB" in a.subjects)
    assert hub.figures["burst_test"].startswith("burst vs peers (decile ")
    assert hub.figures["business_test"].startswith("behaviour (personal")
    assert "burst vs peers" in hub.explanation


def test_a_clean_merchant_paid_by_many_customers_every_day_is_no_fan_in_on_a_short_extract(bank: Bank) -> None:
    rows = short_extract_background()
    rows += [txn(3 + i * 0.1, f"MULE{i}", "HUB", 4_500, "ach") for i in range(10)]
    # 80 payments in an hour, every day, from ever new customers: the merchant the issue describes
    rows += [txn(d + 0.5 + j / (80 * 24), f"CUST{d}_{j}", "MERCHANT", 3_000 + 7 * j, "ach")
             for d in range(10) for j in range(80)]
    bank.transactions(rows)
    alerts = [a for a in bank.detect("fans") if a.typology == "fan_in"]
    assert any("account:HUB" in a.subjects for a in alerts)
    merchant = [a for a in alerts if "account:MERCHANT" in a.subjects]
    hub = next(a for a in alerts if "account:HUB" in a.subjects)
    assert not merchant or merchant[0].score < hub.score


def test_the_merchant_is_spared_by_its_behaviour_not_by_its_amounts(bank: Bank) -> None:
    # the same merchant judged as personal (the old rule for accounts with no holder record) is alerted
    rows = short_extract_background()
    rows += [txn(d + 0.5 + j / (80 * 24), f"CUST{d}_{j}", "MERCHANT", 3_000 + 7 * j, "ach")
             for d in range(10) for j in range(80)]
    bank.transactions(rows)
    assert all("account:MERCHANT" not in a.subjects for a in bank.detect("fans"))
    # a business factor no account reaches: nobody behaves like a business, all count as personal
    personal = [a for a in bank.detect("fans", {"business_factor": 1000}) if "account:MERCHANT" in a.subjects]
    assert personal and personal[0].figures["business_test"].startswith("behaviour (personal: 800 counterparties, 6 or more a day on 10 of")


def test_an_account_with_a_long_history_is_compared_with_its_own_windows(bank: Bank) -> None:
    rows = background()
    rows += [txn(i * 0.7, f"MULE{i}", "HUB", 4_500, "ach") for i in range(8)]
    bank.transactions(rows)
    hub = next(a for a in bank.detect("fans") if a.typology == "fan_in")
    assert hub.figures["burst_test"].startswith("burst vs own history (")
    n = int(hub.figures["burst_test"].split("(")[1].split()[0])
    assert n >= 4  # 180 days of data in 7-day half-windows of 14 days


def test_a_holder_record_says_business_and_the_alert_names_it(bank: Bank) -> None:
    rows = background()
    rows += [txn(i * 0.3, f"C{i}", "CO", 4_500, "ach") for i in range(20)]
    bank.transactions(rows)
    bank.accounts([("CO", "Bank", "USA")], {"CO": ("company", "ACME SA")})
    co = next(a for a in bank.detect("fans") if a.typology == "fan_in")
    assert co.figures["business_test"] == "holder record (business)"
    # the holder's account and party records were read by the test, so they are in the evidence
    # (the alert is releasable only where the customer file is too)
    holder = {f"{i}:{r}" for i, r in bank.ws.backend.fetch(
        "holder", "SELECT ingest_id, source_row FROM accounts WHERE account_id = 'CO' UNION ALL "
                  "SELECT p.ingest_id, p.source_row FROM parties AS p JOIN accounts AS a "
                  "ON p.party_id = a.holder_party_id WHERE a.account_id = 'CO'")}
    assert len(holder) == 2 and holder <= set(co.evidence) and len(co.evidence) == 22


def test_an_account_without_a_holder_record_has_only_transfers_in_its_evidence(bank: Bank) -> None:
    rows = background()
    rows += [txn(i * 0.3, f"C{i}", "HUB", 4_500, "ach") for i in range(8)]
    bank.transactions(rows)
    bank.accounts([("OTHER", "Bank", "USA")], {"OTHER": ("company", "ACME SA")})
    hub = next(a for a in bank.detect("fans") if a.typology == "fan_in")
    tx_ingest = bank.ws.backend.scalar("t", "SELECT min(ingest_id) FROM transactions")
    assert len(hub.evidence) == 8 and all(e.startswith(f"{tx_ingest}:") for e in hub.evidence)


def steady_payer() -> list[dict[str, Any]]:
    """A company's account with no customer file behind it: over half a year it pays two new
    suppliers every fortnight, and seven in one busy fortnight, by wire."""
    rows = [txn(-56 + 14 * w + 1 + 5 * j, "PAYER", f"SUP{w}_{j}", 6_000) for w in range(12) for j in range(2)]
    rows += [txn(-56 + 14 * 5 + 2 + 0.5 * k, "PAYER", f"EXTRA{k}", 6_000) for k in range(5)]
    return rows


def test_an_account_without_holder_record_whose_counterparties_are_spread_over_the_data_is_a_business(
        bank: Bank) -> None:
    rows = background() + steady_payer()
    rows += [txn(20 + i * 0.5, "HUB", f"RCV{i}", 6_000) for i in range(8)]
    bank.transactions(rows)
    alerts = [a for a in bank.detect("fans") if a.typology == "fan_out"]
    hub = [a for a in alerts if "account:HUB" in a.subjects]
    assert hub and hub[0].figures["business_test"].startswith("behaviour (personal: 8 counterparties")
    # its busiest window holds seven of its 29 receivers: a business on that side, which needs
    # business_factor x min_counterparties in a window
    assert not [a for a in alerts if "account:PAYER" in a.subjects], [a.figures for a in alerts]
    # with a holder record saying it is a person it would be a fan-out
    bank.accounts([("PAYER", "Bank", "USA")], {"PAYER": ("person", "Pat Payer")})
    payer = [a for a in bank.detect("fans") if a.typology == "fan_out" and "account:PAYER" in a.subjects]
    assert payer and payer[0].figures["business_test"] == "holder record (personal)"


def unpriced_world() -> list[dict[str, Any]]:
    """Months of dollar transfers from $200 to $9,800, 60 small USDT transfers (no rate exists for
    USDT), and a hub that sends large USDT sums to eight accounts within a day."""
    rows = [txn(-60 + 3 * i, f"U{i}", f"V{i}", 200 + 200 * (i % 49)) for i in range(60)]
    rows += [txn(-50 + 2 * i, f"C{i}", f"D{i}", 100 + 10 * i, currency="USDT") for i in range(60)]
    rows += [txn(10 + i * 0.1, "HUB", f"RCV{i}", 6_000 + 10 * i, currency="USDT") for i in range(8)]
    return rows


def test_transfers_in_a_currency_without_a_rate_are_judged_by_their_rank_in_it(bank: Bank) -> None:
    bank.transactions(unpriced_world())
    [fan_out] = [a for a in bank.detect("fans") if a.typology == "fan_out"]
    assert "account:HUB" in fan_out.subjects and fan_out.figures["valued_by_rank"] == 8
    assert "valued by their rank" in fan_out.explanation
    [r] = run(bank.ws, select(names=["fans"]))
    assert r.unjudged == 0
    assert any("68 of 128 rows" in n and "USDT 68" in n and "judged by their rank" in n for n in r.notes), r.notes


def test_unpriced_skip_leaves_them_out_and_says_so(bank: Bank) -> None:
    bank.transactions(unpriced_world())
    assert bank.detect("fans", {"unpriced": "skip"}) == []
    [r] = run(bank.ws, select(names=["fans"]), {"fans": {"unpriced": "skip"}})
    assert r.unjudged == 68 and any("68 of 128 rows" in n and "not judged" in n for n in r.notes), r.notes


def test_a_currency_with_too_few_rows_to_rank_stays_unjudged(bank: Bank) -> None:
    bank.transactions(unpriced_world())
    [r] = run(bank.ws, select(names=["fans"]), {"fans": {"unpriced_min_rows": 100}})
    assert r.alerts == 0 and r.unjudged == 68
    assert any("under the 100 rows" in n for n in r.notes), r.notes


def test_on_a_short_extract_a_fan_needs_counterparties_concentrated_on_the_hub(bank: Bank) -> None:
    # ten days, no customer file: ten mules send all they move to HUB; ten customers of STORE pay
    # it as much as the mules pay HUB, but each pays three other accounts more than that
    rows = short_extract_background()
    rows += [txn(3 + i * 0.1, f"MULE{i}", "HUB", 4_500, "ach") for i in range(10)]
    rows += [txn(4 + i * 0.1, f"CUST{i}", "STORE", 4_500, "ach") for i in range(10)]
    rows += [txn(5 + i * 0.1 + j, f"CUST{i}", f"OTHER{i}_{j}", 6_000) for i in range(10) for j in range(3)]
    bank.transactions(rows)
    fan_in = [a for a in bank.detect("fans") if a.typology == "fan_in"]
    assert [a for a in fan_in if "account:HUB" in a.subjects]
    assert not [a for a in fan_in if "account:STORE" in a.subjects]
    hub = next(a for a in fan_in if "account:HUB" in a.subjects)
    assert "spokes concentrated on it (median share 1.0" in hub.figures["burst_test"]
    # the test off: STORE is a fan-in by its peers alone
    assert [a for a in bank.detect("fans", {"min_spoke_share": 0})
            if a.typology == "fan_in" and "account:STORE" in a.subjects]
