from __future__ import annotations

from pathlib import Path

import pytest

from tenaza.errors import EngineError, WorkspaceError
from tenaza.store import Workspace


def test_create_then_open(tmp_path: Path) -> None:
    path = tmp_path / "a" / "ws.duckdb"
    Workspace.create(path).close()
    with Workspace.open(path) as ws:
        assert [s.table for s in ws.status()][:2] == ["accounts", "crossings"]
        assert all(s.rows == 0 for s in ws.status())


def test_create_refuses_an_existing_file(tmp_path: Path) -> None:
    path = tmp_path / "ws.duckdb"
    path.write_text("something precious")
    with pytest.raises(WorkspaceError, match="already exists"):
        Workspace.create(path)
    assert path.read_text() == "something precious"


def test_open_explains_what_is_wrong(tmp_path: Path) -> None:
    with pytest.raises(WorkspaceError, match="create one with `tenaza init"):
        Workspace.open(tmp_path / "missing.duckdb")
    not_duckdb = tmp_path / "notes.duckdb"
    not_duckdb.write_text("hello")
    with pytest.raises(WorkspaceError, match="not a tenaza workspace"):
        Workspace.open(not_duckdb)


def test_views_expose_markings_from_the_ingest_log(ws: Workspace) -> None:
    b = ws.backend
    b.execute("t", "INSERT INTO ingest_log (ingest_id, target_table, source, path, content_sha256, content_bytes, "
              "file_format, rows_read, rows_accepted, rows_quarantined, values_repaired, ids_flagged, originator, "
              "releasable_to, started_at, seconds) VALUES (7, 'accounts', 'a.csv', '/x/a.csv', 'h', 1, 'csv', 1, 1, 0, "
              "0, 0, 'UIF', ['MEX'], TIMESTAMP '2026-01-02 03:04:05', 0.1)")
    b.execute("t", "INSERT INTO accounts_rows (account_id, ingest_id, source_row) VALUES ('A1', 7, 12)")
    row = b.fetch("t", "SELECT account_id, record_id, source, source_row, originator, releasable_to FROM accounts")
    assert row == [("A1", "7:12", "a.csv", 12, "UIF", ["MEX"])]


def test_engine_errors_carry_the_step_and_sql(ws: Workspace) -> None:
    with pytest.raises(EngineError) as info:
        ws.backend.execute("count the impossible", "SELECT count(*) FROM no_such_table")
    assert info.value.step == "count the impossible"
    assert "no_such_table" in info.value.sql
    assert "step 'count the impossible' failed" in str(info.value)
    assert "SELECT count(*) FROM no_such_table" in info.value.details()


def test_a_failed_transaction_leaves_nothing(ws: Workspace) -> None:
    with pytest.raises(EngineError), ws.backend.transaction("two steps"):
        ws.backend.execute("first", "INSERT INTO accounts_rows (account_id, ingest_id, source_row) VALUES ('A', 1, 2)")
        ws.backend.execute("second", "INSERT INTO nowhere VALUES (1)")
    assert ws.backend.scalar("count", "SELECT count(*) FROM accounts_rows") == 0


def test_tables_declared_later_are_added_on_open(tmp_path: Path) -> None:
    path = tmp_path / "ws.duckdb"
    with Workspace.create(path) as ws:
        ws.backend.execute("t", "DROP TABLE alerts")  # as if made before alerts existed
    with Workspace.open(path) as ws:
        assert ws.count("alerts") == 0


def test_columns_declared_later_are_added_on_open(tmp_path: Path) -> None:
    path = tmp_path / "ws.duckdb"
    with Workspace.create(path) as ws:
        ws.backend.execute("t", "DROP VIEW trade_declarations")
        ws.backend.execute("t", "ALTER TABLE trade_declarations_rows DROP COLUMN importer_id")
    with Workspace.open(path) as ws:
        cols = [r[0] for r in ws.backend.fetch("t", "DESCRIBE trade_declarations")]
        assert "importer_id" in cols and "record_id" in cols


def test_a_backend_hands_over_its_connection_only_where_the_engine_can(ws: Workspace) -> None:
    from tenaza.errors import UnsupportedCapability

    con = ws.backend.native("hand over a DuckDB connection")
    assert con.execute("SELECT 42").fetchall() == [(42,)]
    with pytest.raises(UnsupportedCapability, match="cannot hand over a Spark session"):
        ws.backend.native("hand over a Spark session")
