from __future__ import annotations

import json
from pathlib import Path

from tenaza.detect import run
from tenaza.pillars.cash.trade.phantom import TradePhantom
from tenaza.store import Workspace

from .trade_helpers import alerts, export, load, pedimento


def _crossing(cid: str, day: str, ref: str | None, shipper: str = "", consignee: str = "") -> dict[str, object]:
    return {"crossing_id": cid, "ts": f"{day} 10:30", "port_code": "240", "direction": "southbound",
            "conveyance": "truck", "shipper": shipper, "consignee": consignee, "hs_code": "8544", "decl_ref": ref}


def _world(extra_decls: list[dict[str, object]], extra_crossings: list[dict[str, object]]) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    decls: list[dict[str, object]] = []
    crossings = [_crossing("C0", "2024-06-01", None), _crossing("C99", "2024-06-30", None)]
    for i in range(12):
        day = f"2024-06-{5 + i:02d}"
        decls.append(export(f"X{i}", day, f"Wire {i} LLC", f"Cables {i} SA", "854411", 1_000, 9_000.0,
                            transport_doc=f"BL{i}"))
        decls.append(pedimento(f"24 240 3{i:03d} 4000{i:03d}", day, f"Wire {i} LLC", f"Cables {i} SA", "85441101",
                               1_000, 9_100.0, transport_doc=f"BL{i}"))
        # the southbound crossing cites the pedimento, in its own spacing; it supports both declarations
        crossings.append(_crossing(f"C{i + 1}", day, f"24-240-3{i:03d}-4000{i:03d}"))
    return decls + extra_decls, crossings + extra_crossings


def test_a_declaration_no_crossing_supports_is_a_phantom_shipment(ws: Workspace, tmp_path: Path) -> None:
    ghost = [export("GHOST", "2024-06-12", "Fantasma Trading LLC", "Comercial Humo SA", "854411", 5_000, 60_000.0),
             # by vessel: no land crossing expected
             export("SHIP", "2024-06-12", "Sea LLC", "Mar SA", "854411", 5_000, 60_000.0, transport_mode="vessel"),
             # no crossing cites it, but a truck of the same shipper crossed two days later
             export("NAMED", "2024-06-12", "Real Freight LLC", "Destino SA", "854411", 5_000, 60_000.0),
             # by rail: the crossings loaded record no train, so rail is not judged
             *[export(f"TRAIN{i}", "2024-06-12", "Rail LLC", "Tren SA", "854411", 5_000, 60_000.0,
                      transport_mode="rail") for i in range(12)]]
    decls, crossings = _world(ghost, [_crossing("CN", "2024-06-14", None, shipper="REAL FREIGHT, L.L.C.")])
    load(ws, tmp_path, "trade_declarations", decls)
    load(ws, tmp_path, "crossings", crossings, originator="ANAM")
    run(ws, [TradePhantom])
    found = alerts(ws, "cash_trade_phantom")
    assert [a[2][0] for a in found] == ["decl:GHOST"]
    assert "party:Fantasma Trading LLC" in found[0][2]
    assert json.loads(found[0][4])["month_coverage"] >= 0.9
    assert "no crossing that cites it" in found[0][5]


def test_months_the_crossings_do_not_cover_are_not_judged(ws: Workspace, tmp_path: Path) -> None:
    decls, crossings = _world([], [])
    # crossings were loaded for one port only: most declarations of the month have none
    load(ws, tmp_path, "trade_declarations", decls)
    load(ws, tmp_path, "crossings", crossings[:4], originator="ANAM")
    run(ws, [TradePhantom])
    assert alerts(ws, "cash_trade_phantom") == []


def test_a_crossing_that_cites_another_declaration_does_not_cover_a_paper_one(ws: Workspace, tmp_path: Path) -> None:
    # the front's real shipment W0 crossed that day (citing its pedimento); its second export did not
    decls, crossings = _world([export("PAPER", "2024-06-12", "Wire 0 LLC", "Cables 0 SA", "854411", 1_000, 9_000.0)],
                              [])
    load(ws, tmp_path, "trade_declarations", decls)
    load(ws, tmp_path, "crossings", crossings, originator="ANAM")
    run(ws, [TradePhantom])
    assert [a[2][0] for a in alerts(ws, "cash_trade_phantom")] == ["decl:PAPER"]


def test_a_lone_missing_crossing_in_an_established_relationship_is_a_gap_in_the_extract(ws: Workspace,
                                                                                       tmp_path: Path) -> None:
    """Five shipments that crossed and one the extract lacks is a gap; three paper shipments of a pair is not."""
    decls, crossings = _world([], [])
    for i in range(6):
        day = f"2024-06-{5 + i:02d}"
        decls.append(export(f"OLD{i}", day, "Steady Cable LLC", "Cables Fieles SA", "854411", 1_000, 9_000.0))
        if i < 5:
            crossings.append(_crossing(f"CO{i}", day, None, shipper="STEADY CABLE LLC"))
    decls += [export(f"PH{i}", f"2024-06-{10 + 2 * i:02d}", "Humo Cable LLC", "Cables Fachada SA", "854411", 1_000,
                     9_000.0) for i in range(3)]
    load(ws, tmp_path, "trade_declarations", decls)
    load(ws, tmp_path, "crossings", crossings, originator="ANAM")
    run(ws, [TradePhantom])
    found = alerts(ws, "cash_trade_phantom")
    assert sorted(a[2][0] for a in found) == ["decl:PH0", "decl:PH1", "decl:PH2"]
    assert json.loads(found[0][4])["relationship_unsupported"] == 3


def test_a_port_day_missing_for_many_unrelated_exporters_is_an_extract_outage(ws: Workspace, tmp_path: Path) -> None:
    outage = [export(f"OUT{i}", "2024-06-13", f"Shipper {i} LLC", f"Consignee {i} SA", "854411", 1_000, 9_000.0)
              for i in range(3)]
    decls, crossings = _world(outage, [])
    load(ws, tmp_path, "trade_declarations", decls)
    load(ws, tmp_path, "crossings", crossings, originator="ANAM")
    run(ws, [TradePhantom])
    assert alerts(ws, "cash_trade_phantom") == []
    run(ws, [TradePhantom], {"cash_trade_phantom": {"outage_parties": 4}})
    assert len(alerts(ws, "cash_trade_phantom")) == 3


def _short_extract() -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    """Ten days of crossings (2024-06-01 to 06-10), each truck crossing on the day of its pedimento."""
    decls: list[dict[str, object]] = []
    crossings: list[dict[str, object]] = []
    for i in range(12):
        day = f"2024-06-{1 + i % 10:02d}"
        decls.append(export(f"X{i}", day, f"Wire {i} LLC", f"Cables {i} SA", "854411", 1_000, 9_000.0,
                            transport_doc=f"BL{i}"))
        decls.append(pedimento(f"24 240 3{i:03d} 4000{i:03d}", day, f"Wire {i} LLC", f"Cables {i} SA", "85441101",
                               1_000, 9_100.0, transport_doc=f"BL{i}"))
        crossings.append(_crossing(f"C{i}", day, f"24-240-3{i:03d}-4000{i:03d}"))
    decls.append(export("GHOST", "2024-06-04", "Fantasma Trading LLC", "Comercial Humo SA", "854411", 5_000, 60_000.0))
    return decls, crossings


def test_a_ten_day_extract_judges_declarations_beyond_the_datas_own_crossing_lag(ws: Workspace,
                                                                                 tmp_path: Path) -> None:
    """A week spared at each end of ten days of crossings left nothing to judge; trucks that cross on
    the day of their declaration need no day spared."""
    decls, crossings = _short_extract()
    load(ws, tmp_path, "trade_declarations", decls)
    load(ws, tmp_path, "crossings", crossings, originator="ANAM")
    [done] = run(ws, [TradePhantom])
    assert [a[2][0] for a in alerts(ws, "cash_trade_phantom")] == ["decl:GHOST"]
    assert any("crossings span 10 days" in n and "from 0 day(s) inside either end" in n for n in done.notes)
    assert done.warnings == []


def test_an_extract_too_short_for_its_edges_says_so(ws: Workspace, tmp_path: Path) -> None:
    decls, crossings = _short_extract()
    load(ws, tmp_path, "trade_declarations", decls)
    load(ws, tmp_path, "crossings", crossings, originator="ANAM")
    [done] = run(ws, [TradePhantom], {"cash_trade_phantom": {"edge_days": 5}})
    assert alerts(ws, "cash_trade_phantom") == []
    assert any("spans 10 days" in w and "no declaration can be judged" in w for w in done.warnings)
