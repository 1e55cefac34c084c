"""Helpers of the weapons tests: write small sales and traces CSVs in the canonical layout,
ingest them into a real workspace, link them and run detectors."""

from __future__ import annotations

import csv
import itertools
import json
from pathlib import Path
from typing import Any

import pytest

import tenaza.pillars.weapons  # noqa: F401 - registers the weapons detectors
from tenaza.detect.base import REGISTRY
from tenaza.detect.runner import run
from tenaza.ingest import ingest_file
from tenaza.pillars.weapons.link import LinkConfig, link_sql
from tenaza.store import Workspace

SALE_COLUMNS = ("sale_id", "date", "ffl_id", "ffl_state", "purchaser", "make", "model", "caliber", "serial",
                "firearm_type", "multiple_sale_report")
TRACE_COLUMNS = ("trace_id", "recovery_date", "recovery_country", "recovery_state", "recovery_city", "make", "model",
                 "caliber", "serial", "possessor", "purchaser", "ffl_id", "purchase_date")
_files = itertools.count()


def sale(sale_id: str, date: str, serial: str | None, make: str = "Glock", model: str = "19", caliber: str = "9mm",
         *, ffl: str = "F1", state: str = "TX", purchaser: str = "JOHN SMITH", kind: str = "pistol",
         reported: bool = False) -> dict[str, Any]:
    return {"sale_id": sale_id, "date": date, "ffl_id": ffl, "ffl_state": state, "purchaser": purchaser,
            "make": make, "model": model, "caliber": caliber, "serial": serial, "firearm_type": kind,
            "multiple_sale_report": "true" if reported else "false"}


def trace(trace_id: str, recovered: str, serial: str | None, make: str | None = "Glock", model: str = "19",
          caliber: str = "9mm", *, possessor: str | None = None, purchaser: str | None = None,
          ffl: str | None = None, bought: str | None = None, state: str = "Sinaloa") -> dict[str, Any]:
    return {"trace_id": trace_id, "recovery_date": recovered, "recovery_country": "MX", "recovery_state": state,
            "recovery_city": "Culiacán", "make": make, "model": model, "caliber": caliber, "serial": serial,
            "possessor": possessor, "purchaser": purchaser, "ffl_id": ffl, "purchase_date": bought}


class Guns:
    def __init__(self, ws: Workspace, tmp: Path) -> None:
        self.ws, self.tmp = ws, tmp

    def _load(self, table: str, columns: tuple[str, ...], rows: list[dict[str, Any]]) -> None:
        path = self.tmp / f"{table}{next(_files)}.csv"
        with path.open("w", encoding="utf-8", newline="") as fh:
            w = csv.DictWriter(fh, columns)
            w.writeheader()
            w.writerows([{k: ("" if v is None else v) for k, v in r.items()} for r in rows])
        report = ingest_file(self.ws, path, table, originator="ATF", releasable_to=["USA", "MEX"])
        assert report.rows_quarantined == 0, report

    def sales(self, rows: list[dict[str, Any]]) -> None:
        self._load("firearm_sales", SALE_COLUMNS, rows)

    def traces(self, rows: list[dict[str, Any]]) -> None:
        self._load("firearm_traces", TRACE_COLUMNS, rows)

    def links(self, **config: Any) -> dict[str, tuple[str | None, str, int | None]]:
        """trace_id -> (sale_id, match, time-to-crime days)."""
        params: dict[str, Any] = {}
        sql = link_sql(LinkConfig(**config), params)
        rows = self.ws.backend.fetch("test link", f"SELECT trace_id, sale_id, match, ttc_days FROM ({sql})", params)
        return {r[0]: (r[1], r[2], r[3]) for r in rows}

    def detect(self, name: str, config: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        run(self.ws, [REGISTRY[name]], {name: config} if config else None)
        rows = self.ws.backend.fetch("alerts", "SELECT typology, score, subjects, evidence, figures, explanation "
                                     "FROM alerts WHERE detector = $d ORDER BY score DESC", {"d": name})
        return [{"typology": r[0], "score": float(r[1]), "subjects": list(r[2]), "evidence": list(r[3]),
                 "figures": json.loads(r[4]), "explanation": r[5]} for r in rows]


@pytest.fixture
def guns(ws: Workspace, tmp_path: Path) -> Guns:
    return Guns(ws, tmp_path)
