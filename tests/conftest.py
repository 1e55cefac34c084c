"""Shared fixtures: a real DuckDB workspace file per test, and a snapshot of its contents."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

# In CI the property tests are derandomized (same examples every run, so a red build is
# reproducible and never a coin toss); locally they explore new examples each run.
settings.register_profile("ci", derandomize=True, max_examples=300, deadline=None)
settings.register_profile("dev", deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")

from tenaza.store import Workspace


@pytest.fixture(autouse=True)
def _process_defaults_reset() -> Iterator[None]:
    """A CLI run in a test (CliRunner) sets the process's default viewer (``--as``) and engine
    (``--engine``), which are meant to last a whole process; left set, they made a later test's
    owner read (``Workspace.open(read_only=True)``) read through another test's viewer."""
    from tenaza.markings import set_default_viewer
    from tenaza.store.settings import set_engine

    yield
    set_default_viewer(None)
    set_engine(None)


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Workspace]:
    workspace = Workspace.create(tmp_path / "ws.duckdb")
    yield workspace
    workspace.close()


def snapshot(ws: Workspace) -> dict[str, object]:
    """Everything an ingest could change: every stored table's rows, quarantine and the log."""
    from tenaza.schema import TABLES

    out: dict[str, object] = {}
    for spec in TABLES.values():
        out[spec.name] = sorted(map(repr, ws.backend.fetch("snapshot", f'SELECT * FROM "{spec.physical_name}"')))
    return out
