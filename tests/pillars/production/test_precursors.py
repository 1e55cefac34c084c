from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest

import tenaza.pillars.production  # noqa: F401 - registers the production detectors
from tenaza.detect.base import REGISTRY
from tenaza.detect.runner import run
from tenaza.errors import PrecursorListError
from tenaza.ingest import ingest_file
from tenaza.pillars.production.reference import load
from tenaza.store import Workspace

COLUMNS = ("decl_id", "direction", "reporting_country", "date", "exporter", "importer", "hs_code", "description",
           "quantity", "unit", "value", "currency", "value_usd", "origin_country", "port")


def decl(i: str, description: str, hs: str = "29339901", *, importer: str = "QUIMICA NUEVA SA DE CV",
         kg: float = 2000, usd: float = 100_000, origin: str = "CHN", port: str = "160",
         date: str = "2024-03-01") -> dict[str, Any]:
    return {"decl_id": i, "direction": "import", "reporting_country": "MEX", "date": date,
            "exporter": "Shanghai Sunrise Chemical", "importer": importer, "hs_code": hs, "description": description,
            "quantity": kg, "unit": "kg", "value": usd, "currency": "USD", "value_usd": usd,
            "origin_country": origin, "port": port}


def detect(ws: Workspace, tmp: Path, rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    path = tmp / "decls.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, COLUMNS)
        w.writeheader()
        w.writerows(rows)
    assert ingest_file(ws, path, "trade_declarations", originator="ANAM", releasable_to=["MEX"]).rows_quarantined == 0
    run(ws, [REGISTRY["precursor_import"]])
    out = ws.backend.fetch("alerts", "SELECT subjects, typology, score, figures FROM alerts")
    return {r[0][0]: {"typology": r[1], "score": float(r[2]), **json.loads(r[3])} for r in out}


def test_names_in_english_and_spanish_cas_numbers_and_typos(ws: Workspace, tmp_path: Path) -> None:
    alerts = detect(ws, tmp_path, [
        decl("D1", "1-boc-4-piperidona 99%"),
        decl("D2", "ÁCIDO FENILACÉTICO", "29163401"),
        decl("D3", "Industrial solvent CAS 103-79-7"),
        decl("D4", "N-PHENETHYL-4-PIPERIDNOE"),  # letters swapped
        decl("D5", "4-ANPP", "38249999"),
        decl("D6", "MATERIA PRIMA PARA LA INDUSTRIA QUIMICA", "29420001"),
        decl("D7", "COTTON T-SHIRTS", "61091001")])
    found = {k: (v["typology"], v["chemical"]) for k, v in alerts.items()}
    assert found == {
        "decl:D1": ("precursor_import", "1-boc-4-piperidone"),
        "decl:D2": ("precursor_import", "phenylacetic acid"),
        "decl:D3": ("precursor_import", "phenylacetone"),
        "decl:D4": ("precursor_import", "N-phenethyl-4-piperidone"),
        "decl:D5": ("precursor_import", "4-anilino-N-phenethylpiperidine"),
        "decl:D6": ("precursor_concealment", None)}
    assert alerts["decl:D3"]["matched_by"] == "cas" and alerts["decl:D1"]["pacific_route"] is True


def test_an_established_importer_of_small_lots_by_the_atlantic_scores_low(ws: Workspace, tmp_path: Path) -> None:
    history = [decl(f"H{i}", "LACTOSE", "17021101", importer="FARMACOS DEL NORTE SA DE CV", date=f"2024-01-{i + 10}",
                    origin="DEU", port="430") for i in range(8)]
    alerts = detect(ws, tmp_path, [*history,
                                   decl("E1", "EPHEDRINE HCL", "29394101", importer="FARMACOS DEL NORTE SA DE CV",
                                        kg=50, usd=5_000, origin="DEU", port="430"),
                                   decl("E2", "EPHEDRINE HCL", "29394101", importer="IMPORTADORA RAPIDA SA DE CV",
                                        kg=3000, usd=30_000)])
    assert "decl:E1" not in alerts
    assert alerts["decl:E2"]["importer_earlier_declarations"] == 0
    assert alerts["decl:E2"]["price_ratio"] == pytest.approx(0.1)


def test_a_malformed_list_is_reported_by_line_and_field(tmp_path: Path) -> None:
    bad = tmp_path / "list.csv"
    bad.write_text("chemical,name_es,synonyms,cas,hs6,drug_family,hs_confidence,usd_per_kg\n"
                   "x,x,,12-3,2933,fentanyl,confirmed,abc\n", encoding="utf-8")
    with pytest.raises(PrecursorListError, match=r"line 2, field cas.*line 2, field hs6.*line 2, field usd_per_kg"):
        load(bad)
    assert len(load()) >= 19


def test_declarations_of_the_same_day_are_not_earlier_than_each_other(ws: Workspace, tmp_path: Path) -> None:
    """An importer's history counts declarations of earlier days: counting the rows before this
    one in date order let the engine's order among one day's declarations decide whether an
    importer was new, so the demo world gave 91 or 92 alerts from one run to the next."""
    same_day = [decl(f"S{i}", "1-boc-4-piperidona 99%", date="2024-03-01") for i in range(3)]
    alerts = detect(ws, tmp_path, [*same_day, decl("L1", "1-boc-4-piperidona 99%", date="2024-04-02")])
    earlier = {k: v["importer_earlier_declarations"] for k, v in alerts.items()}
    assert earlier == {"decl:S0": 0, "decl:S1": 0, "decl:S2": 0, "decl:L1": 3}
