"""A tiny generated world, made once per test session, and a workspace that ingested it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tenaza.manifest import ingest_manifest
from tenaza.scenario.generate import Result, generate
from tenaza.scenario.world.config import ScenarioConfig
from tenaza.store import Workspace

SEED = 11


@pytest.fixture(scope="session")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Result:
    return generate(ScenarioConfig(20_000, seed=SEED), tmp_path_factory.mktemp("tiny"))


@pytest.fixture(scope="session")
def tiny_ws(tiny: Result, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    ws = Workspace.create(tmp_path_factory.mktemp("ws") / "ws.duckdb")
    ingest_manifest(ws, tiny.manifest)
    yield ws
    ws.close()


def files(path: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(path.iterdir()) if p.is_file()}
