"""Small workspaces with party records written straight into the store, as ingest would."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tenaza.schema import TABLES
from tenaza.store import Workspace


def add_parties(ws: Workspace, rows: Sequence[dict[str, Any]], *, originator: str = "UIF",
                releasable_to: Sequence[str] = ("MEX", "USA"), source: str = "fixture.csv") -> list[str]:
    """Store ``rows`` as one ingest of the parties table; return their record ids."""
    b = ws.backend
    ingest_id = int(b.scalar("t", "SELECT coalesce(max(ingest_id), 0) + 1 FROM ingest_log"))
    log_cols = {c.name for c in TABLES["ingest_log"].stored_columns}
    values: dict[str, Any] = {
        "ingest_id": ingest_id, "target_table": "parties", "source": source, "path": source,
        "content_sha256": f"sha-{ingest_id}", "content_bytes": 1, "file_format": "csv", "rows_read": len(rows),
        "rows_accepted": len(rows), "rows_quarantined": 0, "values_repaired": 0, "ids_flagged": 0,
        "originator": originator, "releasable_to": list(releasable_to),
        "started_at": datetime.now(UTC).replace(tzinfo=None), "seconds": 0}
    values = {k: v for k, v in values.items() if k in log_cols}
    b.execute("t", f"INSERT INTO ingest_log ({', '.join(values)}) VALUES ({', '.join('$' + k for k in values)})", values)
    ids = []
    for i, row in enumerate(rows, start=2):
        row = {"party_id": f"{source}-{i}", "kind": "person", **row, "ingest_id": ingest_id, "source_row": i}
        b.execute("t", f"INSERT INTO parties_rows ({', '.join(row)}) VALUES ({', '.join('$' + k for k in row)})", row)
        ids.append(f"{ingest_id}:{i}")
    return ids


@pytest.fixture
def workspace(tmp_path: Path) -> Iterator[Workspace]:
    ws = Workspace.create(tmp_path / "ws.duckdb")
    yield ws
    ws.close()


AddParties = Callable[..., list[str]]


@pytest.fixture
def parties(workspace: Workspace) -> AddParties:
    def add(rows: Sequence[dict[str, Any]], **kw: Any) -> list[str]:
        return add_parties(workspace, rows, **kw)
    return add


GIVEN = ["Juan", "Luis", "Carlos", "Pedro", "Miguel", "Rosa", "Ana", "Mario", "Jorge", "Raúl", "Sergio", "Elena"]
SURNAMES = ["Hernández", "García", "Martínez", "López", "Pérez", "Ramírez", "Torres", "Flores", "Rivera", "Gómez",
            "Díaz", "Cruz", "Morales", "Ortiz", "Castillo", "Vargas", "Ibarra", "Salinas", "Zamora", "Quintero"]


def population(n_people: int = 160, seed: int = 3) -> list[dict[str, Any]]:
    """Background people, each written by two or three sources in different styles, so the
    unsupervised model has matches and non-matches to learn from."""
    import random
    from datetime import date, timedelta

    rng = random.Random(seed)
    rows: list[dict[str, Any]] = []
    for i in range(n_people):
        g, p, m = rng.choice(GIVEN), rng.choice(SURNAMES), rng.choice(SURNAMES)
        dob = date(1950, 1, 1) + timedelta(days=rng.randrange(20000))
        phone = f"+52 664 {rng.randrange(100, 999)} {rng.randrange(1000, 9999)}"
        styles = [f"{p.upper()} {m.upper()}, {g}", f"{g} {p} {m}", f"{g} {p}"]
        for k in range(rng.choice((2, 2, 3))):
            row: dict[str, Any] = {"name": styles[k], "dob": dob if k < 2 else None, "country": "MEX",
                                   "city": "Tijuana", "state": "BC"}
            if k > 0:
                row["phone"] = phone
            rows.append(row)
    return rows


GUZMAN = [
    {"name": "José Ángel GUZMÁN LÓPEZ", "dob": "1990-03-29", "curp": "GULA900329HSLZPN01", "curp_check": "valid",
     "country": "MEX", "city": "Culiacán", "state": "SIN", "phone": "667 712 3456"},
    {"name": "GUZMAN LOPEZ, Jose Angel", "rfc": "GULA900329AB1", "rfc_check": "valid", "dob": "1990-03-29",
     "country": "MEX", "city": "CULIACAN", "state": "SIN"},
    {"name": "Jose Guzman", "phone": "+52 (667) 712-3456", "country": "USA", "state": "AZ", "city": "Phoenix",
     "dob": "1990-03-29"},
    {"name": "Comercializadora del Norte, S.A. de C.V.", "kind": "company", "rfc": "CNO010101AB1",
     "rfc_check": "valid", "city": "Tijuana", "state": "BC", "phone": "664 100 2000", "dob": "2001-01-01"},
    {"name": "COMERCIALIZADORA DEL NORTE SA DE CV", "kind": "company", "city": "TIJUANA", "state": "BC",
     "phone": "(664) 100-2000", "dob": "2001-01-01"},
]
