from __future__ import annotations

from tests.pillars.cash.conftest import Bank, txn


def test_armored_car_cash_wired_to_mexico_within_days_is_bulk_cash(bank: Bank) -> None:
    rows = []
    for day in (0, 9, 20):
        rows.append(txn(day, None, "XCH-US", 180_000, "armored_car", state="TX", city="Laredo"))
        rows.append(txn(day + 1.5, "XCH-US", "CLABE-1", 90_000, "wire"))
        rows.append(txn(day + 2, "XCH-US", "CLABE-2", 85_000, "wire"))
    bank.transactions(rows)
    bank.accounts([("CLABE-1", "Banco del Norte", "MEX"), ("CLABE-2", "Banco del Norte", "MEX"),
                   ("XCH-US", "Border National Bank", "USA")])
    alerts = bank.detect("bulk_cash")
    assert len(alerts) == 1
    a = alerts[0]
    assert set(a.subjects) == {"account:XCH-US", "account:CLABE-1", "account:CLABE-2"}
    assert a.figures["deliveries_followed"] == 3 and a.figures["onward_share"] > 0.9 and len(a.evidence) == 9 + 2  # + the account records that make the recipients Mexican


def test_cash_that_stays_in_the_us_or_a_domestic_mexican_transfer_is_not(bank: Bank) -> None:
    rows = []
    for day in (0, 9, 20):
        rows.append(txn(day, None, "SHOP", 60_000, "armored_car"))
        rows.append(txn(day + 1, "SHOP", "SUPPLIER-US", 55_000, "wire"))
        rows.append(txn(day, None, "MX-FIRM", 60_000, "cash_deposit", country="MEX", state="Sonora",
                        city="Hermosillo"))
        rows.append(txn(day + 1, "MX-FIRM", "CLABE-3", 55_000, "wire", country="MEX"))
    bank.transactions(rows)
    bank.accounts([("SUPPLIER-US", "Border National Bank", "USA"), ("MX-FIRM", "Banco del Norte", "MEX"),
                   ("CLABE-3", "Banco del Norte", "MEX")])
    assert bank.detect("bulk_cash") == []


def test_an_exchange_house_moving_its_own_dollars_home_is_not(bank: Bank) -> None:
    rows = []
    for day in (0, 9, 20):
        rows.append(txn(day, None, "CDC-US", 60_000, "armored_car", state="AZ", city="Nogales"))
        rows.append(txn(day + 1, "CDC-US", "CDC-MX", 57_000, "wire"))
    bank.transactions(rows)
    bank.accounts([("CDC-US", "Border National Bank", "USA"), ("CDC-MX", "Banco del Norte", "MEX")],
                  {"CDC-US": ("company", "Casa de Cambio Santa Fe S.A.P.I. de C.V."),
                   "CDC-MX": ("company", "CASA DE CAMBIO SANTA FÉ SAPI DE CV")})
    assert bank.detect("bulk_cash") == []
    assert len(bank.detect("bulk_cash", {"min_third_party_share": 0})) == 1
