from __future__ import annotations

import json
from pathlib import Path

from tenaza.detect import run
from tenaza.pillars.cash.trade.mirror import TradeMirror
from tenaza.store import Workspace

from .trade_helpers import alerts, export, load, pedimento


def _mirrored_market(n: int = 20) -> list[dict[str, object]]:
    """Honest shipments of copper wire (~9 USD/kg), declared on both sides; import 2 % above export."""
    rows: list[dict[str, object]] = []
    for i in range(n):
        qty, price = 1_000 + 50 * i, 8.5 + (i % 5) * 0.25
        day = f"2024-05-{1 + i % 27:02d}"
        rows.append(export(f"X{i}", day, f"Wire Co {i} LLC", f"Cables {i} SA de CV", "854411", qty,
                           round(qty * price, 2), transport_doc=f"BL-{i:04d}"))
        rows.append(pedimento(f"P{i}", day, f"WIRE CO {i}, L.L.C.", f"CABLES {i} S.A. DE C.V.", "85441101", qty,
                              round(qty * price * 1.02, 2), transport_doc=f"bl {i:04d}"))
    return rows


def test_import_declared_far_above_its_export_is_over_invoicing_on_the_import_side(ws: Workspace,
                                                                                  tmp_path: Path) -> None:
    planted = [export("XE", "2024-05-10", "Metales Frontera LLC", "Importadora Delta SA de CV", "854411", 2_000,
                      18_000.0, transport_doc="CP-77"),
               pedimento("PE", "2024-05-12", "METALES FRONTERA LLC", "IMPORTADORA DELTA SA DE CV", "85441101", 2_000,
                         45_000.0, transport_doc="CP77")]
    load(ws, tmp_path, "trade_declarations", _mirrored_market() + planted)
    run(ws, [TradeMirror])
    found = alerts(ws, "cash_trade_mirror")
    assert [a[0] for a in found] == ["over_invoicing"]
    _, score, subjects, evidence, figures, explanation = found[0]
    assert {"decl:XE", "decl:PE"} <= set(subjects) and len(evidence) == 2 and score > 0.6
    fig = json.loads(figures)
    assert fig["paired_by"] == "transport_doc" and fig["misstated_side"] == "import"
    assert fig["value_gap_usd"] == 45_000 - 18_000 * 1.06
    assert "mirror import PE declares 45,000 USD" in explanation


def test_pairs_without_a_document_by_parties_and_flag_an_under_invoiced_export(ws: Workspace,
                                                                             tmp_path: Path) -> None:
    planted = [export("XU", "2024-05-10", "Metales Frontera LLC", "Importadora Delta SA de CV", "854411", 3_000,
                      9_000.0),
               pedimento("PU", "2024-05-14", "Metales Frontera, LLC", "Importadora Delta, S.A. de C.V.", "854411",
                         3_050, 27_000.0),
               # same parties and goods, but a quantity far off: another shipment, not a pair
               pedimento("PX", "2024-05-13", "Metales Frontera LLC", "Importadora Delta SA de CV", "854411", 9_000,
                         80_000.0)]
    load(ws, tmp_path, "trade_declarations", _mirrored_market() + planted)
    run(ws, [TradeMirror])
    found = alerts(ws, "cash_trade_mirror")
    assert [(a[0], json.loads(a[4])["import_decl"]) for a in found] == [("under_invoicing", "PU")]
    assert json.loads(found[0][4])["misstated_side"] == "export"


def test_gaps_within_the_freight_margin_stay_quiet_and_quantity_gaps_are_discrepancies(ws: Workspace,
                                                                                     tmp_path: Path) -> None:
    planted = [export("XOK", "2024-05-10", "Honest LLC", "Honesta SA", "854411", 2_000, 18_000.0, transport_doc="T1"),
               pedimento("POK", "2024-05-11", "Honest LLC", "Honesta SA", "854411", 2_000, 19_900.0,
                         transport_doc="T1"),  # +10.6 %: inside 1.06 x 1.10
               export("XQ", "2024-05-10", "Short LLC", "Corta SA", "854411", 2_000, 18_000.0, transport_doc="T2"),
               pedimento("PQ", "2024-05-11", "Short LLC", "Corta SA", "854411", 2_600, 18_500.0, transport_doc="T2")]
    load(ws, tmp_path, "trade_declarations", _mirrored_market() + planted)
    run(ws, [TradeMirror])
    found = alerts(ws, "cash_trade_mirror")
    assert [(a[0], json.loads(a[4])["export_decl"]) for a in found] == [("mirror_discrepancy", "XQ")]
    assert json.loads(found[0][4])["quantity_differs"] is True


def _pairs(prefix: str, exporter: str, importer: str, factors: list[float]) -> list[dict[str, object]]:
    """Paired shipments of one relationship; ``factors`` scale the pedimento's value."""
    rows: list[dict[str, object]] = []
    for i, f in enumerate(factors):
        day = f"2024-06-{1 + i:02d}"
        rows.append(export(f"{prefix}X{i}", day, exporter, importer, "854411", 2_000, 18_000.0,
                           transport_doc=f"{prefix}-{i}"))
        rows.append(pedimento(f"{prefix}P{i}", day, exporter.upper(), importer.upper(), "85441101", 2_000,
                              round(18_000 * 1.02 * f, 2), transport_doc=f"{prefix}-{i}"))
    return rows


def test_a_clerical_slip_in_one_value_is_corrected_by_the_relationships_other_pairs(ws: Workspace,
                                                                                    tmp_path: Path) -> None:
    """One pedimento at 0.6 times its export among five that agree is a typing slip; three in a row is a pattern."""
    slip = _pairs("SL", "Honest Wire LLC", "Cables Fieles SA", [1.0] * 5 + [0.6])
    under = _pairs("UN", "Front Wire LLC", "Cables Fachada SA", [0.6] * 3)
    load(ws, tmp_path, "trade_declarations", _mirrored_market() + slip + under)
    run(ws, [TradeMirror])
    found = alerts(ws, "cash_trade_mirror")
    assert sorted(s for a in found for s in a[2] if s.startswith("decl:")) == [
        "decl:UNP0", "decl:UNP1", "decl:UNP2", "decl:UNX0", "decl:UNX1", "decl:UNX2"]
    assert {a[0] for a in found} == {"under_invoicing"}
    assert json.loads(found[0][4])["relationship_gaps_same_way"] == 3
    # a quantity that also differs is not a slip in one field
    load(ws, tmp_path, "trade_declarations", [
        pedimento("SLQ", "2024-06-20", "HONEST WIRE LLC", "CABLES FIELES SA", "85441101", 3_000, 11_000.0,
                  transport_doc="SL-Q"),
        export("SLXQ", "2024-06-20", "Honest Wire LLC", "Cables Fieles SA", "854411", 2_000, 18_000.0,
               transport_doc="SL-Q")])
    run(ws, [TradeMirror])
    assert "decl:SLXQ" in [s for a in alerts(ws, "cash_trade_mirror") for s in a[2]]
