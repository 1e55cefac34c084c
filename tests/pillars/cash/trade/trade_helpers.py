"""Small inline fixtures for the trade and ranker tests: rows written to CSV and ingested."""

from __future__ import annotations

import csv
import itertools
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tenaza.store import Workspace

_files = itertools.count()


def load(ws: Workspace, tmp_path: Path, table: str, rows: Sequence[dict[str, Any]], *,
         originator: str = "CBP", releasable_to: Sequence[str] = ("USA", "MEX")) -> None:
    """Write ``rows`` as a CSV file (columns: the union of their keys) and ingest it into ``table``."""
    columns: list[str] = []
    for row in rows:
        columns += [c for c in row if c not in columns]
    path = tmp_path / f"{table}_{next(_files)}.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns)
        writer.writeheader()
        for row in rows:
            writer.writerow({k: "" if v is None else v for k, v in row.items()})
    from tenaza.ingest import ingest_file

    report = ingest_file(ws, path, table, originator=originator, releasable_to=list(releasable_to))
    assert report.rows_quarantined == 0, report.reasons


def export(decl_id: str, date: str, exporter: str, importer: str, hs: str, qty: float, value: float,
           **more: Any) -> dict[str, Any]:
    """A US export declaration to Mexico."""
    row: dict[str, Any] = {
        "decl_id": decl_id, "direction": "export", "reporting_country": "USA", "date": date, "exporter": exporter,
        "importer": importer, "hs_code": hs, "quantity": qty, "unit": "kg", "value": value, "currency": "USD",
        "value_usd": value, "origin_country": "USA", "departure_country": "USA", "destination_country": "MEX",
        "transport_mode": "truck", "port": "2304"}
    row.update(more)
    return row


def pedimento(decl_id: str, date: str, exporter: str, importer: str, hs: str, qty: float, value_usd: float,
              **more: Any) -> dict[str, Any]:
    """A Mexican import declaration (pedimento) from the United States."""
    row: dict[str, Any] = {
        "decl_id": decl_id, "direction": "import", "reporting_country": "MEX", "date": date, "exporter": exporter,
        "importer": importer, "hs_code": hs, "quantity": qty, "unit": "kg", "value": round(value_usd * 17.2, 2),
        "currency": "MXN", "value_usd": value_usd, "origin_country": "USA", "departure_country": "USA",
        "destination_country": "MEX", "transport_mode": "truck", "port": "240"}
    row.update(more)
    return row


def alerts(ws: Workspace, detector: str) -> list[tuple[Any, ...]]:
    return ws.backend.fetch("alerts", "SELECT typology, score, subjects, evidence, figures, explanation FROM alerts "
                                      "WHERE detector = $d ORDER BY score DESC", {"d": detector})
