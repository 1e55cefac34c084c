from __future__ import annotations

import json
from pathlib import Path

from tenaza.detect import run
from tenaza.pillars.cash.trade.third_party import TradeThirdParty
from tenaza.store import Workspace

from .trade_helpers import alerts, export, load

PARTIES = [
    {"party_id": "P-EXP", "kind": "company", "name": "Frontera Electronics LLC", "country": "USA"},
    {"party_id": "P-IMP", "kind": "company", "name": "Importadora Sol S.A. de C.V.", "country": "MEX"},
    {"party_id": "P-S1", "kind": "person", "name": "Juan Perez", "country": "USA"},
    {"party_id": "P-S2", "kind": "person", "name": "Maria Lopez", "country": "USA"},
    {"party_id": "P-HON", "kind": "company", "name": "Honest Tools Inc", "country": "USA"},
    {"party_id": "P-LUNA", "kind": "company", "name": "Ferreteria Luna SA de CV", "country": "MEX"},
    {"party_id": "P-C1", "kind": "company", "name": "Austin Hardware LLC", "country": "USA"},
    {"party_id": "P-C2", "kind": "company", "name": "Dallas Supply Co", "country": "USA"},
]
ACCOUNTS = [{"account_id": a, "institution": "Bank", "holder_party_id": p}
            for a, p in [("A-EXP", "P-EXP"), ("A-IMP", "P-IMP"), ("A-S1", "P-S1"), ("A-S2", "P-S2"),
                         ("A-HON", "P-HON"), ("A-LUNA", "P-LUNA"), ("A-C1", "P-C1"), ("A-C2", "P-C2")]]


def _txn(tid: str, day: str, src: str | None, dst: str, amount: float, channel: str = "wire") -> dict[str, object]:
    return {"txn_id": tid, "ts": f"{day} 12:00", "from_account": src, "to_account": dst, "amount": amount,
            "currency": "USD", "channel": channel}


def _load(ws: Workspace, tmp_path: Path, decls: list[dict[str, object]], txns: list[dict[str, object]]) -> None:
    load(ws, tmp_path, "parties", PARTIES)
    load(ws, tmp_path, "accounts", ACCOUNTS)
    load(ws, tmp_path, "trade_declarations", decls)
    load(ws, tmp_path, "transactions", txns, originator="FINCEN")


def test_export_paid_by_strangers_and_cash_is_the_peso_exchange(ws: Workspace, tmp_path: Path) -> None:
    decls = [export("E1", "2024-04-01", "FRONTERA ELECTRONICS, LLC", "Importadora Sol SA de CV", "851712", 100,
                    50_000.0)]
    txns = [_txn("T1", "2024-04-03", "A-S1", "A-EXP", 8_000), _txn("T2", "2024-04-05", "A-S2", "A-EXP", 15_000),
            _txn("T1B", "2024-04-09", "A-S1", "A-EXP", 7_000),  # the same nominee pays again
            _txn("T3", "2024-04-06", None, "A-EXP", 9_000, "cash_deposit"),
            _txn("T4", "2024-04-07", None, "A-EXP", 9_000, "cash_deposit"),
            _txn("T5", "2024-09-30", "A-C1", "A-EXP", 40_000)]  # far outside the window: not linked
    _load(ws, tmp_path, decls, txns)
    run(ws, [TradeThirdParty])
    found = alerts(ws, "cash_trade_third_party")
    assert len(found) == 1
    _, score, subjects, evidence, figures, explanation = found[0]
    fig = json.loads(figures)
    assert fig["third_party_paid_usd"] == 48_000 and fig["unrelated_paying_accounts"] == 2 and fig["cash_deposits"] == 2
    assert fig["recurring_payers"] == 1
    assert {"decl:E1", "party:P-EXP", "party:P-IMP", "account:A-EXP", "account:A-S1", "account:A-S2"} <= set(subjects)
    assert len(evidence) == 6 and float(score) > 0.8
    assert "paid 48,000 USD by parties unrelated" in explanation


def test_exporter_paid_by_its_importer_with_domestic_customers_stays_quiet(ws: Workspace, tmp_path: Path) -> None:
    decls = [export("E2", "2024-04-01", "Honest Tools Inc", "Ferreteria Luna SA de CV", "820540", 100, 50_000.0),
             # strangers pay, but only one of them: below min_payers
             export("E3", "2024-04-01", "Frontera Electronics LLC", "Importadora Sol SA de CV", "851712", 100,
                    20_000.0)]
    txns = [_txn("T1", "2024-04-20", "A-LUNA", "A-HON", 50_000), _txn("T2", "2024-04-10", "A-C1", "A-HON", 30_000),
            _txn("T3", "2024-04-12", "A-C2", "A-HON", 30_000), _txn("T4", "2024-04-12", "A-S1", "A-EXP", 20_000)]
    _load(ws, tmp_path, decls, txns)
    run(ws, [TradeThirdParty])
    assert alerts(ws, "cash_trade_third_party") == []


def test_a_dealer_exporting_a_few_cars_with_walk_in_customers_stays_quiet(ws: Workspace, tmp_path: Path) -> None:
    """Near miss: a car dealer's walk-in buyers (each paying once, or in cash) pass the third-party test.

    The buyer has not paid yet and strangers paid more than the invoice in its window, but no
    stranger pays twice: ordinary retail income, not a broker's nominees settling invoice after invoice.
    """
    people = [{"party_id": f"P-W{i}", "kind": "person", "name": f"Walk In Buyer {i}", "country": "USA"}
              for i in range(6)]
    dealer = [{"party_id": "P-DLR", "kind": "company", "name": "Bluebonnet Auto Sales Corp", "country": "USA"}]
    accounts = [{"account_id": f"A-{p['party_id']}", "institution": "Bank", "holder_party_id": p["party_id"]}
                for p in people + dealer]
    load(ws, tmp_path, "parties", people + dealer)
    load(ws, tmp_path, "accounts", accounts)
    decls = [export("D1", "2024-04-01", "BLUEBONNET AUTO SALES CORP.", "Importadora Sol SA de CV", "870323", 2,
                    40_000.0)]
    txns = [_txn(f"TW{i}", f"2024-04-{3 + 4 * i:02d}", f"A-P-W{i}", "A-P-DLR", 7_500) for i in range(6)]
    txns += [_txn("TC1", "2024-04-08", None, "A-P-DLR", 6_000, "cash_deposit"),
             _txn("TC2", "2024-04-15", None, "A-P-DLR", 5_000, "cash_deposit")]
    _load(ws, tmp_path, decls, txns)
    run(ws, [TradeThirdParty])
    assert alerts(ws, "cash_trade_third_party") == []
    # without the recurring-payer test the dealer's customers read as the peso exchange
    run(ws, [TradeThirdParty], {"cash_trade_third_party": {"min_repeat_payments": 1}})
    assert len(alerts(ws, "cash_trade_third_party")) == 1


def test_a_declared_third_party_payer_is_flagged_by_itself(ws: Workspace, tmp_path: Path) -> None:
    decls = [export("E4", "2024-04-01", "Frontera Electronics LLC", "Importadora Sol SA de CV", "851712", 100,
                    30_000.0, payer="Casa de Cambio Rapida SA"),
             export("E5", "2024-04-01", "Honest Tools Inc", "Ferreteria Luna SA de CV", "820540", 100, 30_000.0,
                    payer="FERRETERIA LUNA, S.A. DE C.V.")]
    _load(ws, tmp_path, decls, [_txn("T1", "2024-04-20", "A-LUNA", "A-HON", 30_000)])
    run(ws, [TradeThirdParty])
    found = alerts(ws, "cash_trade_third_party")
    assert [json.loads(a[4])["declared_payers"] for a in found] == [["Casa de Cambio Rapida SA"]]


def test_a_typo_in_the_importer_name_does_not_make_the_buyer_a_stranger(ws: Workspace, tmp_path: Path) -> None:
    decls = [export("E6", "2024-04-01", "Honest Tools Inc", "Ferreteria Lunna SA de CV", "820540", 100, 50_000.0)]
    txns = [_txn("T1", "2024-04-20", "A-LUNA", "A-HON", 30_000), _txn("T2", "2024-04-22", "A-C1", "A-HON", 20_000)]
    _load(ws, tmp_path, decls, txns)
    settings: dict[str, dict[str, object]] = {"cash_trade_third_party": {
        "count_company_payers": True, "min_payers": 1, "min_repeat_payments": 1}}
    run(ws, [TradeThirdParty], settings)
    assert alerts(ws, "cash_trade_third_party") == []
    settings["cash_trade_third_party"]["same_name"] = 1.0  # exact names only: the buyer looks like a stranger
    run(ws, [TradeThirdParty], settings)
    assert len(alerts(ws, "cash_trade_third_party")) == 1


def test_an_export_financed_by_a_factor_named_on_the_filing_is_not_a_third_party_sign(ws: Workspace,
                                                                                     tmp_path: Path) -> None:
    """A factoring house pays each invoice it is named on in one payment; a broker's nominee pays in pieces."""
    factor = {"party_id": "P-FAC", "kind": "company", "name": "Lone Star Capital Holdings LLC", "country": "USA"}
    decls = [export("F1", "2024-04-01", "Honest Tools Inc", "Ferreteria Luna SA de CV", "820540", 100, 50_000.0,
                    payer="LONE STAR CAPITAL HOLDINGS, L.L.C."),
             export("F2", "2024-05-01", "Honest Tools Inc", "Ferreteria Luna SA de CV", "820540", 100, 30_000.0,
                    payer="Lone Star Capital Holdings LLC"),
             # the nominee named on this one paid a piece of it
             export("N1", "2024-04-01", "Frontera Electronics LLC", "Importadora Sol SA de CV", "851712", 100,
                    50_000.0, payer="Austin Hardware LLC")]
    txns = [_txn("TF1", "2024-04-20", "A-FAC", "A-HON", 50_100), _txn("TF2", "2024-05-25", "A-FAC", "A-HON", 29_950),
            _txn("TN1", "2024-04-10", "A-C1", "A-EXP", 12_000)]
    load(ws, tmp_path, "parties", [factor])
    load(ws, tmp_path, "accounts", [{"account_id": "A-FAC", "institution": "Bank", "holder_party_id": "P-FAC"}])
    _load(ws, tmp_path, decls, txns)
    run(ws, [TradeThirdParty])
    found = alerts(ws, "cash_trade_third_party")
    assert [json.loads(a[4])["declared_payers"] for a in found] == [["Austin Hardware LLC"]]
    # a factor that settled none of its exports is no financier
    run(ws, [TradeThirdParty], {"cash_trade_third_party": {"settled_share": 1.0}})
    assert len(alerts(ws, "cash_trade_third_party")) == 2


def test_on_data_four_times_slower_a_factor_settling_late_is_still_a_financier(ws: Workspace, tmp_path: Path) -> None:
    """Accounts moving money every 40 days, and the factor paying 200 days after the export: past the
    set 90 days, within the window in the data's pace (90 x 4)."""
    from datetime import date, timedelta

    factor = {"party_id": "P-FAC", "kind": "company", "name": "Lone Star Capital Holdings LLC", "country": "USA"}
    decls = [export("F1", "2024-01-10", "Honest Tools Inc", "Ferreteria Luna SA de CV", "820540", 100, 50_000.0,
                    payer="Lone Star Capital Holdings LLC")]
    day = date(2024, 1, 1)
    background = [_txn(f"B{i}-{k}", str(day + timedelta(days=40 * k + i)), f"A-BG{i}", f"A-BH{i}", 300 + i)
                  for i in range(25) for k in range(5)]
    txns = [_txn("TF1", "2024-07-28", "A-FAC", "A-HON", 50_050), *background]
    load(ws, tmp_path, "parties", [factor])
    load(ws, tmp_path, "accounts", [{"account_id": "A-FAC", "institution": "Bank", "holder_party_id": "P-FAC"}])
    _load(ws, tmp_path, decls, txns)
    [fixed] = run(ws, [TradeThirdParty], {"cash_trade_third_party": {"time_profile": "absolute"}})
    assert len(alerts(ws, "cash_trade_third_party")) == 1  # the factor's payment falls outside 90 days
    assert "time_profile absolute" in " | ".join(fixed.notes)
    [paced] = run(ws, [TradeThirdParty])
    assert alerts(ws, "cash_trade_third_party") == []
    said = " | ".join(paced.notes)
    assert "time_profile auto -> relative" in said and "days_after 90 -> 360 days" in said, said


def test_a_bank_extract_in_cents_is_compared_with_the_exports_in_its_own_unit(ws: Workspace, tmp_path: Path) -> None:
    """Every bank amount a hundredth of the customs one (an extract in cents): the importers of ten honest trades
    pay a hundredth of what they were shipped, so strangers' 480.00 for a $50,000 export are $48,000 of it."""
    towns = ["Abasolo", "Bacum", "Cadereyta", "Dolores", "Ejutla", "Fresnillo", "Guaymas", "Hidalgo", "Izucar",
             "Jerez"]
    parties = list(PARTIES)
    accounts = list(ACCOUNTS)
    decls = [export("E1", "2024-04-01", "FRONTERA ELECTRONICS, LLC", "Importadora Sol SA de CV", "851712", 100,
                    50_000.0)]
    txns = [_txn("T1", "2024-04-03", "A-S1", "A-EXP", 80), _txn("T2", "2024-04-05", "A-S2", "A-EXP", 150),
            _txn("T1B", "2024-04-09", "A-S1", "A-EXP", 70),
            _txn("T3", "2024-04-06", None, "A-EXP", 90, "cash_deposit"),
            _txn("T4", "2024-04-07", None, "A-EXP", 90, "cash_deposit")]
    for i, town in enumerate(towns):
        parties += [{"party_id": f"P-X{i}", "kind": "company", "name": f"{town} Machinery Inc", "country": "USA"},
                    {"party_id": f"P-M{i}", "kind": "company", "name": f"Comercial {town} SA", "country": "MEX"}]
        accounts += [{"account_id": f"A-X{i}", "institution": "Bank", "holder_party_id": f"P-X{i}"},
                     {"account_id": f"A-M{i}", "institution": "Bank", "holder_party_id": f"P-M{i}"}]
        decls.append(export(f"H{i}", "2024-05-01", f"{town} Machinery Inc", f"Comercial {town} SA", "847130", 10,
                            20_000.0))
        txns.append(_txn(f"TH{i}", "2024-05-30", f"A-M{i}", f"A-X{i}", 200))
    load(ws, tmp_path, "parties", parties)
    load(ws, tmp_path, "accounts", accounts)
    load(ws, tmp_path, "trade_declarations", decls)
    load(ws, tmp_path, "transactions", txns, originator="FINCEN")
    [done] = run(ws, [TradeThirdParty])
    found = alerts(ws, "cash_trade_third_party")
    assert len(found) == 1 and "decl:E1" in found[0][2]
    assert json.loads(found[0][4])["third_party_paid_usd"] == 48_000
    assert any(n.startswith("payment_scale 100: importers paid their exporters 0.01 times") for n in done.notes)
    # the same trades in one unit keep the payments as they are
    run(ws, [TradeThirdParty], {"cash_trade_third_party": {"payment_scale": 1}})
    assert alerts(ws, "cash_trade_third_party") == []


def test_without_a_customer_file_only_declared_payers_are_judged_and_the_run_says_so(ws: Workspace,
                                                                                     tmp_path: Path) -> None:
    decls = [export("E4", "2024-04-01", "Frontera Electronics LLC", "Importadora Sol SA de CV", "851712", 100,
                    30_000.0, payer="Casa de Cambio Rapida SA")]
    # the strangers' payments are there, but no party file says whose the accounts are
    load(ws, tmp_path, "accounts", ACCOUNTS)
    load(ws, tmp_path, "trade_declarations", decls)
    load(ws, tmp_path, "transactions", [_txn("T1", "2024-04-03", "A-S1", "A-EXP", 8_000),
                                        _txn("T2", "2024-04-05", "A-S2", "A-EXP", 15_000)], originator="FINCEN")
    [done] = run(ws, [TradeThirdParty])
    found = alerts(ws, "cash_trade_third_party")
    assert [json.loads(a[4])["declared_payers"] for a in found] == [["Casa de Cambio Rapida SA"]]
    assert any("none of the 1 exporters named on the declarations holds a known account" in w for w in done.warnings)


def test_a_payment_in_another_currency_counts_at_its_days_rate(ws: Workspace, tmp_path: Path) -> None:
    from tenaza.money import load_rates

    decls = [export("E1", "2024-04-01", "FRONTERA ELECTRONICS, LLC", "Importadora Sol SA de CV", "851712", 100,
                    50_000.0)]
    txns = [_txn("T1", "2024-04-03", "A-S1", "A-EXP", 8_000), _txn("T1B", "2024-04-09", "A-S1", "A-EXP", 7_000),
            {**_txn("T2", "2024-04-05", "A-S2", "A-EXP", 10_000), "currency": "EUR"},  # a nominee paying in euros
            _txn("T3", "2024-04-06", None, "A-EXP", 9_000, "cash_deposit"),
            _txn("T4", "2024-04-07", None, "A-EXP", 9_000, "cash_deposit")]
    _load(ws, tmp_path, decls, txns)
    rates = tmp_path / "rates.csv"
    rates.write_text("date,currency,usd_per_unit\n2024-04-01,EUR,1.5\n2024-04-30,EUR,1.5\n")
    load_rates(ws, [rates], ecb=False)
    run(ws, [TradeThirdParty])
    [found] = alerts(ws, "cash_trade_third_party")
    fig = json.loads(found[4])
    assert fig["third_party_paid_usd"] == 48_000 and fig["unrelated_paying_accounts"] == 2
