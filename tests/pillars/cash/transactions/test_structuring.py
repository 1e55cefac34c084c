from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from tenaza.detect import run, select
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


def _rescaled_world(scale: float) -> list[dict[str, object]]:
    """Eight structurers keeping under $10,000, and 300 ordinary deposits spread smoothly over
    $2,000-$30,000 (log-uniform by a fixed low-discrepancy sequence), all multiplied by ``scale``."""
    rows: list[dict[str, object]] = []
    for k in range(8):
        rows += deposits(f"S{k}", [a * scale for a in (9_400, 9_810, 8_930, 9_955, 9_130, 8_640)])
    for i in range(300):
        u = (i * 0.6180339887) % 1.0
        rows.append(txn(i * 0.05, None, f"P{i % 60}", 2_000 * 15 ** u * scale + 0.37, "cash_deposit"))
    return rows


def test_a_rescaled_world_is_judged_against_its_own_threshold(bank: Bank) -> None:
    # amounts a hundredth of the real ones: nothing comes near $10,000, the deposits heap below $100
    bank.transactions(_rescaled_world(0.01))
    alerts = bank.detect("structuring")
    assert sorted(s for a in alerts for s in a.subjects) == [f"account:S{k}" for k in range(8)]
    assert {a.figures["threshold_usd"] for a in alerts} == {100.0}
    run_ = run(bank.ws, select(names=["structuring"]))[0]
    assert run_.profile == "own threshold"
    assert any("own threshold $100.00" in n for n in run_.notes), run_.notes
    # the legal threshold alone finds nothing there, as before
    assert bank.detect("structuring", {"profile": "regulatory"}) == []


def test_heaping_below_the_legal_threshold_keeps_it(bank: Bank) -> None:
    bank.transactions(_rescaled_world(1.0))
    run_ = run(bank.ws, select(names=["structuring"]))[0]
    assert run_.profile == "regulatory"
    assert any("heap just below threshold_usd = $10,000.00" in n for n in run_.notes), run_.notes
    assert run_.alerts == 8


def test_no_heaping_anywhere_keeps_the_legal_threshold(bank: Bank) -> None:
    bank.transactions([r for r in _rescaled_world(0.01) if not str(r["to_account"]).startswith("S")])
    run_ = run(bank.ws, select(names=["structuring"]))[0]
    assert run_.profile == "regulatory" and run_.alerts == 0
    assert any("no heaping" in n for n in run_.notes), run_.notes
