"""A workspace's DuckDB connection is capped (DEFAULT_MEMORY_LIMIT, or TENAZA_MEMORY_LIMIT), not
left at DuckDB's 80 % of the machine; a size DuckDB cannot read is refused in one line."""

from __future__ import annotations

from pathlib import Path

import pytest

from tenaza.errors import WorkspaceError
from tenaza.store import Workspace


def _limit(ws: Workspace) -> str:
    return str(ws.backend.scalar("read memory limit", "SELECT current_setting('memory_limit')"))


def test_a_workspace_is_capped_at_the_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TENAZA_MEMORY_LIMIT", raising=False)
    with Workspace.create(tmp_path / "w.duckdb") as ws:
        assert _limit(ws) == "3.7 GiB"  # DuckDB prints 4GB (10^9 bytes) in GiB
    with Workspace.open(tmp_path / "w.duckdb", read_only=True) as ws:
        assert _limit(ws) == "3.7 GiB"


def test_the_environment_sets_another_cap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TENAZA_MEMORY_LIMIT", "500MB")
    with Workspace.create(tmp_path / "w.duckdb") as ws:
        assert _limit(ws) == "476.8 MiB"


def test_a_size_duckdb_cannot_read_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TENAZA_MEMORY_LIMIT", "a lot")
    with pytest.raises(WorkspaceError, match="TENAZA_MEMORY_LIMIT"):
        Workspace.create(tmp_path / "w.duckdb")
    assert not (tmp_path / "w.duckdb").exists()
