"""A workspace with the shipped SDN list loaded once per session, and a helper that screens a
few party rows against it and returns each row's best score per listed entry."""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from tenaza.resolve.engine import duckdb_scratch as scratch
from tenaza.resolve.screening.matcher import ScreeningConfig
from tenaza.resolve.screening.pairs import SDN
from tenaza.resolve.screening.screen import score_all
from tenaza.resolve.screening.versions import latest, load
from tenaza.store import Workspace

from ..conftest import add_parties

_batch = itertools.count(1)


@pytest.fixture(scope="session")
def sdn_workspace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    ws = Workspace.create(Path(tmp_path_factory.mktemp("sdn")) / "ws.duckdb")
    load(ws, SDN)
    yield ws
    ws.close()


def best_scores(ws: Workspace, rows: Sequence[dict[str, Any]],
                config: ScreeningConfig | None = None) -> list[dict[str, float]]:
    """For each row, {entry_id: best score} over the list's names and aliases."""
    ids = add_parties(ws, rows, source=f"batch-{next(_batch)}.csv")
    list_name = latest(ws).list_name
    with scratch(ws.backend) as sx:
        score_all(sx, list_name, config or ScreeningConfig())
        got = sx.execute("SELECT record_id, entry_id, max(score) FROM s_scored WHERE list_contains($ids, record_id) "
                         "GROUP BY ALL", {"ids": ids}).fetchall()
    out: dict[str, dict[str, float]] = {i: {} for i in ids}
    for record_id, entry_id, score in got:
        out[str(record_id)][str(entry_id)] = float(score)
    return [out[i] for i in ids]


def hits(ws: Workspace, rows: Sequence[dict[str, Any]], config: ScreeningConfig | None = None) -> list[set[str]]:
    """For each row, the entries it hits at the threshold."""
    config = config or ScreeningConfig()
    return [{e for e, s in best.items() if s >= config.threshold} for best in best_scores(ws, rows, config)]
