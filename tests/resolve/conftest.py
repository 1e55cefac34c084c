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
