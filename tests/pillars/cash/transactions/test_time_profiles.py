"""Time windows relative to the data's pace (tenaza.detect.pace): a pattern on data whose clock
runs slower is still found, and every run says which windows it used and why."""

from __future__ import annotations

from typing import Any

from tenaza.detect import run, select
from tenaza.detect.pace import MIN_ACCOUNTS, PACE_REF_DAYS, measure_pace
from tests.pillars.cash.conftest import Bank, txn
from tests.pillars.cash.transactions.test_cycles import loop


def background(gap: float, n: int = 30, moves: int = 5) -> list[dict[str, Any]]:
    """Ordinary small payments: n account pairs, each moving money every ``gap`` days."""
    return [txn(gap * k + 0.01 * i, f"BG{i}", f"BH{i}", 250 + i) for i in range(n) for k in range(moves)]


def pass_through(stretch: float) -> list[dict[str, Any]]:
    """test_movement's pass-through (money on within 1.2 days, 2 % kept) with every time x stretch."""
    rows = []
    for k, (day, size) in enumerate(zip((1, 12, 25, 40, 52), (1, 2.5, 0.6, 1.7, 3), strict=True)):
        rows.append(txn(day * stretch, f"SRC{k % 2}", "P1", 30_000 * size, "ach"))
        rows.append(txn((day + 0.3) * stretch, "SRC9", "P1", 20_000 * size, "wire"))
        rows.append(txn((day + 1.2) * stretch, "P1", "DEST", 50_000 * size * 0.98, "wire"))
    return rows


def notes(bank: Bank, name: str, config: dict[str, Any] | None = None) -> tuple[int, str]:
    [r] = run(bank.ws, select(names=[name]), {name: config} if config else None)
    return r.alerts, " | ".join(r.notes)


def test_the_pace_is_the_typical_gap_between_an_accounts_movements(bank: Bank) -> None:
    bank.transactions(background(40))
    pace = measure_pace(bank.ws)
    assert pace.accounts == 60 and pace.gap_days is not None and abs(pace.gap_days - 40) < 0.1


def test_a_pass_through_on_data_four_times_slower_is_found_with_windows_in_the_datas_pace(bank: Bank) -> None:
    # everything four times slower: the money leaves 4.8 days after arriving, past the 3-day window
    bank.transactions(pass_through(4) + background(4 * PACE_REF_DAYS))
    alerts, said = notes(bank, "rapid_pass_through", {"time_profile": "absolute"})
    assert alerts == 0 and "time_profile absolute" in said
    alerts, said = notes(bank, "rapid_pass_through")
    assert alerts == 1, said
    assert "time_profile auto -> relative" in said and "every 40.0 days" in said and "4.00 times" in said
    assert "window_days 3 -> 12 days" in said
    [(figures, explanation)] = bank.ws.backend.fetch(
        "alerts", "SELECT figures, explanation FROM alerts WHERE detector = 'rapid_pass_through'")
    assert '"window_days":12' in figures.replace(" ", "") and "within 12 days" in explanation


def test_cycles_on_slow_data_are_found_and_say_their_windows(bank: Bank) -> None:
    # hops 8 days apart (the set max_gap_days is 7), rounds of 16 days, on data moving every 30 days
    rows = loop(["A", "B", "C"], 0, 200_000, 0.98, gap=8) + loop(["A", "B", "C"], 120, 150_000, 0.97, gap=8)
    bank.transactions(rows + background(3 * PACE_REF_DAYS))
    assert notes(bank, "cycles", {"time_profile": "absolute"})[0] == 0
    alerts, said = notes(bank, "cycles")
    assert alerts == 1 and "max_gap_days 7 -> 21 days" in said and "max_span_days 30 -> 90 days" in said


def test_auto_keeps_the_windows_at_the_pace_they_are_written_for_and_on_faster_data(bank: Bank) -> None:
    bank.transactions(pass_through(1) + background(PACE_REF_DAYS))
    alerts, said = notes(bank, "rapid_pass_through")
    assert alerts == 1 and "time_profile auto -> absolute" in said and "window_days 3 days" in said


def test_faster_data_shrinks_the_windows_under_auto_down_to_a_day_or_the_same_calendar_day(bank: Bank) -> None:
    # accounts move money every half day, 20 times faster than a transfer book
    bank.transactions(pass_through(0.05) + background(0.05 * PACE_REF_DAYS))
    _, said = notes(bank, "bulk_cash")
    assert "time_profile auto -> relative" in said and "windows shrunk" in said
    assert "window_days 5 -> 1 days (the floor)" in said  # 5 x 0.05 = 0.25 days, below MIN_WINDOW_DAYS
    # the pass-through's window does not shrink (SHRINK_WINDOWS): its through share is measured in it
    alerts, said = notes(bank, "rapid_pass_through")
    assert alerts == 1 and "windows kept" in said and "window_days 3 days" in said
    _, said = notes(bank, "bulk_cash", {"time_profile": "absolute"})
    assert "time_profile absolute" in said and "window_days 5 days" in said


def test_on_fast_data_a_cycle_of_ordinary_payments_days_apart_is_chance_and_one_of_hours_is_found(
        bank: Bank) -> None:
    # accounts move money every half day (every 1.3 days spread over the 9 days of data); X, Y and Z
    # pay each other round every 3 days, inside the 7-day hop window but 6 times the data's typical
    # gap: on such data a busy account's other payments fill that wait. A, B and C send the money
    # on within 2 hours.
    slow = loop(["X", "Y", "Z"], 0, 80_000, 0.95, gap=3) + loop(["X", "Y", "Z"], 0.5, 60_000, 0.9, gap=3)
    fast = loop(["A", "B", "C"], 1, 200_000, 0.98, gap=0.08) + loop(["A", "B", "C"], 4, 150_000, 0.97, gap=0.08)
    bank.transactions(slow + fast + background(0.05 * PACE_REF_DAYS))
    alerts, said = notes(bank, "cycles", {"time_profile": "absolute"})
    assert alerts == 2
    alerts, said = notes(bank, "cycles")
    assert alerts == 1 and "time_profile auto -> relative" in said
    assert "max_gap_days 7 -> 1 days (the floor)" in said and "max_span_days 30 -> 3.9 days" in said
    [subjects] = bank.ws.backend.fetch("alerts", "SELECT subjects FROM alerts WHERE detector = 'cycles'")[0]
    assert list(subjects) == ["account:A", "account:B", "account:C"]


def test_a_short_extract_of_slow_accounts_keeps_the_windows(bank: Bank) -> None:
    # ten days of accounts that each move money about every ten days, a few of them often enough
    # to have three movements: their gaps are at most a few days, since ten days hold no longer
    # ones, but spread over the span the accounts move every ten days or so
    rows = [txn(1 + 9 * (i % 7) / 7, f"Q{i}", f"R{i}", 400 + i) for i in range(120)]
    rows += [txn(1 + 2.5 * k + 0.01 * i, f"F{i}", f"G{i}", 300 + i) for i in range(25) for k in range(3)]
    bank.transactions(pass_through(1) + rows)
    alerts, said = notes(bank, "rapid_pass_through")
    assert alerts == 1 and "time_profile auto -> absolute" in said and "window_days 3 days" in said
    assert "spread over the data's span" in said


def test_too_few_accounts_to_measure_a_pace_keep_the_windows_and_say_so(bank: Bank) -> None:
    bank.transactions(pass_through(4) + background(40, n=MIN_ACCOUNTS // 4))
    alerts, said = notes(bank, "rapid_pass_through")
    assert alerts == 0 and "too few accounts to measure a pace" in said and "windows as set" in said


def test_structuring_on_slow_data_adds_deposits_up_over_a_window_in_the_datas_pace(bank: Bank) -> None:
    # deposits just under $10,000 nine days apart (test_structuring's 1.5 days, six times slower):
    # no 7-day window holds two of them
    rows = [txn(9 * i, None, "S1", a, "cash_deposit", city=("Chicago", "Evanston", "Joliet")[i % 3])
            for i, a in enumerate([9_400, 9_800, 8_900, 9_950, 9_100, 8_600])]
    bank.transactions(rows + background(6 * PACE_REF_DAYS))
    assert notes(bank, "structuring", {"time_profile": "absolute"})[0] == 0
    alerts, said = notes(bank, "structuring")
    assert alerts == 1 and "time_profile auto -> relative" in said and "window_days 7 -> 42 days" in said
