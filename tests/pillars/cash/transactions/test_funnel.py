from __future__ import annotations

from typing import Any

from tests.pillars.cash.conftest import Bank, txn

FAR = [("IL", "Chicago"), ("GA", "Atlanta"), ("NC", "Charlotte"), ("OH", "Columbus")]


def funnel(account: str, places: list[tuple[str, str]], *, lag: float = 1.0) -> list[dict[str, Any]]:
    rows = []
    for i in range(8):
        state, city = places[i % len(places)]
        rows.append(txn(i * 3, None, account, 4_000, "cash_deposit", state=state, city=city))
        if i % 2 == 1:  # every second deposit the balance is taken out on the border
            rows.append(txn(i * 3 + lag, account, None, 7_800, "cash_withdrawal", state="TX", city="Laredo"))
    return rows


def test_cash_paid_in_across_states_and_taken_out_on_the_border_is_a_funnel(bank: Bank) -> None:
    bank.transactions(funnel("F1", FAR))
    alerts = bank.detect("funnel_account")
    assert [a.subjects for a in alerts] == [["account:F1"]]
    f = alerts[0].figures
    assert f["deposit_states"] == 4 and f["quick_share"] > 0.9 and f["elsewhere_out_usd"] == 4 * 7_800
    assert len(alerts[0].evidence) == 12


def test_deposits_in_one_state_or_money_that_stays_are_no_funnel(bank: Bank) -> None:
    bank.transactions(funnel("L1", [("IL", "Chicago")]))  # one place
    bank.transactions(funnel("L2", FAR, lag=30))  # the money leaves a month later
    assert bank.detect("funnel_account") == []


def test_wires_to_a_mexican_institution_count_as_sent_to_mexico(bank: Bank) -> None:
    rows = [txn(i * 3, None, "F2", 4_000, "cash_deposit", state=s, city=c) for i, (s, c) in enumerate(FAR * 2)]
    rows += [txn(i * 3 + 0.5, "F2", "CLABE9", 7_900, "wire") for i in (1, 3, 5, 7)]
    bank.transactions(rows)
    bank.accounts([("CLABE9", "Casa de Cambio del Norte", "MEX")])
    alerts = bank.detect("funnel_account")
    assert len(alerts) == 1 and alerts[0].figures["to_mexico_usd"] == 4 * 7_900


def test_pocket_money_or_cash_taken_out_where_it_was_paid_in_is_no_funnel(bank: Bank) -> None:
    # parents in three states send a student $600 a week: quick, elsewhere, but never CTR-sized in a month
    rows = [txn(i * 7, None, "STU", 600, "cash_deposit", state=s, city=c) for i, (s, c) in enumerate(FAR[:3] * 6)]
    rows += [txn(i * 7 + 1, "STU", None, 580, "cash_withdrawal", state="CA", city="Los Angeles") for i in range(18)]
    # large deposits in four states, withdrawn in the same four states
    for i in range(8):
        state, city = FAR[i % 4]
        rows.append(txn(i * 3, None, "LOCAL", 4_000, "cash_deposit", state=state, city=city))
        rows.append(txn(i * 3 + 1, "LOCAL", None, 3_900, "cash_withdrawal", state=state, city=city))
    bank.transactions(rows)
    assert bank.detect("funnel_account") == []
    assert [a.subjects for a in bank.detect("funnel_account", {"min_elsewhere_share": 0})] == [["account:LOCAL"]]
