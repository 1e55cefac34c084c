from __future__ import annotations

from typing import Any

from tenaza.detect import run, select
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


def _scaled(rows: list[dict[str, Any]], scale: float) -> list[dict[str, Any]]:
    return [{**r, "amount": f"{float(r['amount']) * scale:.2f}"} for r in rows]


def _kept_under_threshold(scale: float) -> list[dict[str, Any]]:
    """Cash deposits of a bank whose customers keep under the reporting threshold (eight accounts
    depositing just under $10,000 in one branch) among 300 ordinary ones spread smoothly over
    $2,000-$30,000, all multiplied by ``scale``: the deposits heap just below 10,000 x scale."""
    rows = [txn(k + j * 2, None, f"S{k}", a, "cash_deposit")
            for k in range(8) for j, a in enumerate((9_400, 9_810, 8_930, 9_955, 9_130, 8_640))]
    rows += [txn(i * 0.05, None, f"P{i % 60}", 2_000 * 15 ** ((i * 0.6180339887) % 1.0) + 0.37, "cash_deposit")
             for i in range(300)]
    return _scaled(rows, scale)


def _student(scale: float) -> list[dict[str, Any]]:
    # parents in three states send a student $600 a week, taken out in Los Angeles: never CTR-sized in a month
    rows = [txn(i * 7, None, "STU", 600, "cash_deposit", state=s, city=c) for i, (s, c) in enumerate(FAR[:3] * 6)]
    rows += [txn(i * 7 + 1, "STU", None, 580, "cash_withdrawal", state="CA", city="Los Angeles") for i in range(18)]
    return _scaled(rows, scale)


def test_on_data_in_cents_the_month_floor_is_the_threshold_the_deposits_keep_under(bank: Bank) -> None:
    # every amount a hundredth: $10,000 of cash in a month never happens, deposits heap below $100
    bank.transactions(_kept_under_threshold(0.01) + _scaled(funnel("F1", FAR), 0.01) + _student(0.01))
    run_ = run(bank.ws, select(names=["funnel_account"]))[0]
    assert run_.profile == "own threshold" and not run_.warnings
    assert any("floor on cash deposited within cash_window_days added up" in n and "own threshold $100.00" in n
               for n in run_.notes), run_.notes
    alerts = bank.detect("funnel_account")
    assert [a.subjects for a in alerts] == [["account:F1"]]
    # the legal floor as set finds nothing there, as before
    assert bank.detect("funnel_account", {"profile": "regulatory"}) == []


def test_on_data_in_hundredfold_units_pocket_money_is_no_funnel(bank: Bank) -> None:
    # every amount x100: the student's weekly $60,000 passes the legal $10,000 a month, not the data's own $1,000,000
    bank.transactions(_kept_under_threshold(100) + _scaled(funnel("F1", FAR), 100) + _student(100))
    assert sorted(s for a in bank.detect("funnel_account", {"profile": "regulatory"}) for s in a.subjects) == [
        "account:F1", "account:STU"]
    assert [a.subjects for a in bank.detect("funnel_account")] == [["account:F1"]]


def test_deposits_that_keep_under_the_legal_threshold_keep_the_legal_floor(bank: Bank) -> None:
    bank.transactions(_kept_under_threshold(1.0) + funnel("F1", FAR) + _student(1.0))
    run_ = run(bank.ws, select(names=["funnel_account"]))[0]
    assert run_.profile == "regulatory" and run_.alerts == 1
    assert any("heap just below min_cash_usd = $10,000.00" in n for n in run_.notes), run_.notes


def test_off_scale_data_without_a_threshold_of_its_own_warns_and_keeps_the_floor(bank: Bank) -> None:
    rows = [r for r in _kept_under_threshold(0.01) if not str(r["to_account"]).startswith("S")]
    bank.transactions(rows + _scaled(funnel("F1", FAR), 0.01))
    run_ = run(bank.ws, select(names=["funnel_account"]))[0]
    assert run_.profile == "regulatory" and run_.alerts == 0
    assert any("no heaping" in n for n in run_.notes), run_.notes
    assert any("min_cash_usd = $10,000.00 stands" in w and "another unit" in w for w in run_.warnings), run_.warnings
