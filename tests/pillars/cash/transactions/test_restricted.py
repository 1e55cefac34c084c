from __future__ import annotations

from pathlib import Path

import pytest

from tenaza.detect import DetectorError
from tenaza.pillars.cash.transactions.restricted import default_list, load_list
from tests.pillars.cash.conftest import Bank, txn


def test_the_shipped_list_names_the_2025_fincen_orders() -> None:
    entries = load_list(default_list())
    assert {e.institution.split(",")[0] for e in entries} == {"CIBanco", "Intercam Banco", "Vector Casa de Bolsa"}
    assert all(e.sar_key.endswith("2313a FIN-2025") for e in entries)


def test_dealings_with_a_listed_institution_are_reported(bank: Bank) -> None:
    # 2025-11-01 is after the orders took effect; 2024-03-01 before
    bank.transactions([txn(610, "US-1", "MX-CIB", 25_000), txn(0, "MX-INT", "US-2", 4_000),
                       txn(3, "US-3", "MX-OK", 9_000)])
    bank.accounts([("MX-CIB", "CIBANCO, S.A. INSTITUCIÓN DE BANCA MÚLTIPLE", "MEX"),
                   ("MX-INT", "Intercam Banco SA", "MEX"), ("MX-OK", "Banco Cibao", "DOM")])
    alerts = {next(s for s in a.subjects if s.startswith("account:US")): a
              for a in bank.detect("restricted_counterparty")}
    assert set(alerts) == {"account:US-1", "account:US-2"}
    assert alerts["account:US-1"].score == 1.0 and alerts["account:US-1"].figures["after_effective"] == 1
    assert alerts["account:US-2"].score == pytest.approx(0.6)
    assert "CIBanco2313a FIN-2025" in alerts["account:US-1"].explanation
    assert bank.detect("restricted_counterparty", {"include_before_effective": False})[0].subjects == [
        "account:MX-CIB", "account:US-1"]


def test_users_can_replace_the_list(bank: Bank, tmp_path: Path) -> None:
    mine = tmp_path / "mylist_2026-01-15.csv"
    mine.write_text("institution,aliases,country,authority,order_date,effective_date,sar_key\n"
                    "Banco Cibao,,DOM,test order,2024-01-01,2024-01-01,TEST\n", encoding="utf-8")
    bank.transactions([txn(3, "US-3", "MX-OK", 9_000)])
    bank.accounts([("MX-OK", "Banco Cibao", "DOM")])
    assert len(bank.detect("restricted_counterparty", {"list_path": str(mine)})) == 1
    mine.write_text("institution,aliases\nX,\n", encoding="utf-8")
    with pytest.raises(DetectorError, match="expected a CSV with columns"):
        bank.detect("restricted_counterparty", {"list_path": str(mine)})
