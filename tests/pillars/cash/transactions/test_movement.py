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


def test_a_little_more_out_than_in_drawn_on_the_balance_is_still_a_pass_through(bank: Bank) -> None:
    # a shell whose outflows run 5 % above what came in (the rest from its balance: it serves other
    # schemes too, or the extract starts with money in the account) still passes on what came in
    bank.transactions(rounds("P2", lag=1.2, keep=-0.05))
    alerts = bank.detect("rapid_pass_through")
    assert [a.figures["episodes"] for a in alerts] == [5]


def test_paying_out_an_old_balance_is_not(bank: Bank) -> None:
    # half as much again as came in leaves each time: the outflows are paid from an older balance
    bank.transactions(rounds("OLD", lag=1.2, keep=-0.5))
    assert bank.detect("rapid_pass_through") == []


def test_a_shell_that_also_pays_one_off_suppliers_still_feeds_its_few(bank: Bank) -> None:
    # two thirds of what passes through goes to a new supplier each time, a third to the same sink:
    # more repeated than an escrow account's coincidences, so still layering at the default share
    shell = rounds("COVER", lag=1, keep=0.01)
    for k, day in enumerate((1, 12, 25, 40, 52)):
        out = shell[3 * k + 2]
        amount = float(out["amount"])
        shell.append(txn(day + 1, "COVER", "SINK", amount / 3, "wire"))
        out["amount"], out["to_account"] = f"{amount * 2 / 3:.2f}", f"SUPPLIER{k}"
    bank.transactions(shell)
    alerts = bank.detect("rapid_pass_through")
    assert len(alerts) == 1 and 0.3 < alerts[0].figures["repeat_share"] < 0.4
    assert bank.detect("rapid_pass_through", {"min_repeat_share": 0.5}) == []
