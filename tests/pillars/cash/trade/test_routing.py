from __future__ import annotations

import json
from pathlib import Path

from tenaza.detect import run
from tenaza.pillars.cash.trade.routing import TradeRouting
from tenaza.store import Workspace

from .trade_helpers import alerts, export, load, pedimento


def test_us_goods_entering_mexico_from_a_third_country_are_routed(ws: Workspace, tmp_path: Path) -> None:
    rows = [export("LEG1", "2024-02-01", "Electro LLC", "Colon Free Zone Traders SA", "854411", 1_000, 40_000.0,
                   destination_country="PAN", transport_mode="vessel"),
            pedimento("IN1", "2024-03-01", "Colon Free Zone Traders SA", "Cables Delta SA de CV", "85441101", 1_020,
                      41_000.0, departure_country="PAN", transport_mode="vessel"),
            # near misses: Chinese goods shipped from the US, and US goods shipped straight
            pedimento("CHN", "2024-03-01", "Electro LLC", "Cables SA", "85441101", 1_000, 40_000.0,
                      origin_country="CHN", departure_country="USA"),
            pedimento("DIRECT", "2024-03-01", "Electro LLC", "Cables SA", "85441101", 1_000, 40_000.0)]
    load(ws, tmp_path, "trade_declarations", rows)
    run(ws, [TradeRouting])
    found = alerts(ws, "cash_trade_routing")
    assert len(found) == 1
    _, score, subjects, evidence, figures, explanation = found[0]
    assert {"decl:IN1", "decl:LEG1"} <= set(subjects) and len(evidence) == 2
    assert json.loads(figures)["via"] == "PAN" and float(score) == 0.85
    assert "from PAN after export LEG1" in explanation


def test_export_declared_to_a_third_country_that_lands_in_mexico(ws: Workspace, tmp_path: Path) -> None:
    rows = [export("GT", "2024-02-01", "Electro LLC", "Importadora Maya SA", "854411", 1_000, 40_000.0,
                   destination_country="GTM", transport_doc="CP-9"),
            pedimento("MX9", "2024-02-02", "Electro LLC", "Importadora Maya SA", "854411", 1_000, 41_000.0,
                      transport_doc="CP-9"),
            export("GT2", "2024-02-01", "Electro LLC", "Comprador Chapin SA", "854411", 1_000, 40_000.0,
                   destination_country="GTM", transport_doc="CP-10")]  # really went to Guatemala
    load(ws, tmp_path, "trade_declarations", rows)
    run(ws, [TradeRouting])
    found = alerts(ws, "cash_trade_routing")
    assert [sorted(s for s in a[2] if s.startswith("decl:")) for a in found] == [["decl:GT", "decl:MX9"]]
    assert "declares the goods for GTM but they were imported into MEX under MX9" in found[0][5]


def test_an_exporter_registered_only_abroad_invoicing_direct_trade(ws: Workspace, tmp_path: Path) -> None:
    load(ws, tmp_path, "parties", [
        {"party_id": "PA1", "kind": "company", "name": "Istmo Global Trading S.A.", "country": "PAN"},
        {"party_id": "US1", "kind": "company", "name": "Electro LLC", "country": "USA"},
        {"party_id": "MIX1", "kind": "company", "name": "Binational Corp", "country": "PAN"},
        {"party_id": "MIX2", "kind": "company", "name": "Binational Corp", "country": "USA"}])
    rows = [pedimento("RE", "2024-03-01", "ISTMO GLOBAL TRADING SA", "Cables SA", "85441101", 1_000, 40_000.0),
            pedimento("OK1", "2024-03-01", "Electro LLC", "Cables SA", "85441101", 1_000, 40_000.0),
            pedimento("OK2", "2024-03-01", "Binational Corp", "Cables SA", "85441101", 1_000, 40_000.0)]
    load(ws, tmp_path, "trade_declarations", rows)
    run(ws, [TradeRouting])
    found = alerts(ws, "cash_trade_routing")
    assert [a[2] for a in found] == [["decl:RE", "party:Cables SA", "party:PA1"]]
    assert json.loads(found[0][4])["third_country_party"] == "exporter ISTMO GLOBAL TRADING SA (PAN)"


def test_a_free_zone_distributor_selling_to_many_buyers_is_not_a_detour(ws: Workspace, tmp_path: Path) -> None:
    """A wholesaler in the Colón free zone sells US goods to a broad market; a captive supplier serves one buyer."""
    colon = [pedimento(f"ZL{i}", f"2024-03-{1 + i:02d}", "Zona Libre Distribuidora SA", f"Comprador {i} SA de CV",
                       "85441101", 1_000, 40_000.0, departure_country="PAN", transport_mode="vessel")
             for i in range(10)]
    captive = [pedimento(f"CP{i}", f"2024-03-{1 + i:02d}", "Inversiones Istmo SA", "Importadora Fachada SA de CV",
                         "85441101", 1_000, 40_000.0, departure_country="PAN", transport_mode="vessel")
               for i in range(3)]
    load(ws, tmp_path, "trade_declarations", colon + captive)
    run(ws, [TradeRouting])
    assert sorted(a[2][0] for a in alerts(ws, "cash_trade_routing")) == ["decl:CP0", "decl:CP1", "decl:CP2"]
    run(ws, [TradeRouting], {"cash_trade_routing": {"distributor_buyers": 11}})
    assert len(alerts(ws, "cash_trade_routing")) == 13
