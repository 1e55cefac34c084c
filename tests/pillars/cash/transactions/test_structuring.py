from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from tenaza.money import load_rates
from tests.pillars.cash.conftest import T0, Bank, txn


def deposits(account: str, amounts: list[float], *, every: float = 1.5, branches: int = 3) -> list[dict[str, object]]:
    cities = ["Chicago", "Evanston", "Joliet"][:branches]
    return [txn(i * every, None, account, a, "cash_deposit", city=cities[i % len(cities)])
            for i, a in enumerate(amounts)]


def test_deposits_kept_under_the_threshold_across_branches_are_structuring(bank: Bank) -> None:
    bank.transactions(deposits("S1", [9_400, 9_800, 8_900, 9_950, 9_100, 8_600]))
    alerts = bank.detect("structuring")
    assert [a.subjects for a in alerts] == [["account:S1"]]
    a = alerts[0]
    assert a.figures["deposits_just_under"] == 6 and a.figures["deposits_over"] == 0
    assert a.figures["structured_windows"] >= 3 and a.figures["branches"] == 3
    assert len(a.evidence) == 6 and 0.5 < a.score <= 1
    assert "S1" in a.explanation and "$10,000" in a.explanation


def test_a_cash_business_that_deposits_over_the_threshold_too_is_left_alone(bank: Bank) -> None:
    # as many deposits over the threshold as just under it: no avoidance
    bank.transactions(deposits("B1", [9_400, 12_800, 9_900, 15_100, 9_200, 11_000]))
    # a few small deposits that add up, but none just under the threshold
    bank.transactions(deposits("P1", [3_000, 4_000, 3_500, 2_900, 3_800], every=1.0))
    assert bank.detect("structuring") == []


def test_thresholds_are_settings(bank: Bank) -> None:
    # Mexican cash reporting is lower; a user can move the threshold to $7,500
    bank.transactions(deposits("M1", [7_000, 7_400, 6_800, 7_300]))
    assert bank.detect("structuring") == []
    assert len(bank.detect("structuring", {"threshold_usd": 7_500})) == 1


def test_peso_amounts_are_converted_at_the_rate_of_their_own_date(bank: Bank, tmp_path: Path) -> None:
    rows = [txn(i * 1.5, None, "MX1", a * 18.3, "cash_deposit", currency="MXN", country="MEX")
            for i, a in enumerate([9_400, 9_800, 8_900, 9_950])]
    bank.transactions(rows)
    rates = tmp_path / "rates.csv"
    rates.write_text("date,currency,units_per_usd\n" + "".join(
        f"{(T0 + timedelta(days=k)).date()},MXN,18.3\n" for k in range(8)), encoding="utf-8")
    load_rates(bank.ws, [rates], ecb=False)
    assert len(bank.detect("structuring")) == 1
    # at 10 pesos a dollar from the third day on, the last two deposits are over $10,000
    rates.write_text("date,currency,units_per_usd\n" + "".join(
        f"{(T0 + timedelta(days=k)).date()},MXN,{18.3 if k < 3 else 10.0}\n" for k in range(8)), encoding="utf-8")
    load_rates(bank.ws, [rates], ecb=False)
    assert bank.detect("structuring") == []
