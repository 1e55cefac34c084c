"""What the read-path tests share: a small analyzed world, random markings of its files and
derived rows, and deleting from it everything a viewer may not see.

The functions take a backend and the catalog to write in (``db``), so that they work both on a
copy of the file (test_noninterference_reads.py, through the CLI) and inside a transaction that
is rolled back after each example (test_reads_properties.py, thousands of examples)."""

from __future__ import annotations

import difflib
import json
from pathlib import Path
from typing import Any

from tenaza.analyze import analyze
from tenaza.manifest import ingest_manifest
from tenaza.markings import Viewer, visible_sql
from tenaza.resolve.judgements import judge
from tenaza.scenario.generate import generate
from tenaza.scenario.world.config import ScenarioConfig
from tenaza.schema import TABLES, TableKind
from tenaza.store import Workspace
from tenaza.store.backend import Backend

MARKINGS = (["USA"], ["MEX"], ["MEX", "USA"])


def build_world(folder: Path, scale: int, seed: int) -> tuple[Path, Path]:
    """A generated world, analyzed by its owner, with two analysts' judgements: one within a
    parties file and one across two of them. Returns the workspace and the truth file."""
    res = generate(ScenarioConfig(scale, seed=seed), folder / "world")
    with Workspace.create(folder / "full.duckdb") as ws:
        ingest_manifest(ws, res.manifest)
        analyze(ws)
        firsts = ws.backend.fetch("records", "SELECT min(record_id), max(record_id) FROM parties GROUP BY ingest_id "
                                            "ORDER BY ingest_id")
        a, b = (str(x) for x in firsts[0])
        c, _ = (str(x) for x in firsts[1])
        judge(ws, "split", a, b, "analyst-1", "different people")
        judge(ws, "merge", a, c, "analyst-2", "same person on both sides")
    return folder / "full.duckdb", res.truth


def remark(b: Backend, marks: list[int], derived_seed: int, db: str = "main") -> None:
    """Random markings: each source file one of MARKINGS (``marks`` in ingest order, repeated),
    each derived row one of them too (by a hash of its id, so derived rows of one table differ)."""
    ids = [int(r[0]) for r in b.fetch("ids", f"SELECT ingest_id FROM {db}.ingest_log ORDER BY 1")]
    b.execute("remark", f"UPDATE {db}.ingest_log AS l SET releasable_to = m.r FROM "
                        "(SELECT unnest($ids) AS i, unnest($rs) AS r) AS m WHERE l.ingest_id = m.i",
              {"ids": ids, "rs": [MARKINGS[marks[i % len(marks)]] for i in range(len(ids))]})
    for spec in TABLES.values():
        cols = [c.name for c in spec.columns]
        if spec.kind is TableKind.CANONICAL or "releasable_to" not in cols or "ingest_id" in cols:
            continue
        b.execute("remark derived", f'UPDATE {db}."{spec.physical_name}" SET releasable_to = '
                  f"[$a, $b, $c][CAST(1 + hash(CAST({cols[0]} AS VARCHAR) || $s) % 3 AS BIGINT)]",
                  {"a": MARKINGS[0], "b": MARKINGS[1], "c": MARKINGS[2], "s": str(derived_seed)})


def restrict(b: Backend, viewer: Viewer, db: str = "main") -> None:
    """Delete every row ``viewer`` may not see: source rows of hidden files (and their quarantine),
    derived rows not releasable to the viewer's country, judgements on hidden records."""
    params = {"viewer_country": viewer.country, "viewer_agency": viewer.agency}
    seen = f"SELECT ingest_id FROM {db}.ingest_log WHERE {visible_sql()}"
    for spec in TABLES.values():
        cols = {c.name for c in spec.columns}
        table = f'{db}."{spec.physical_name}"'
        if spec.name == "ingest_log":
            continue
        if "ingest_id" in cols:
            b.execute("restrict", f"DELETE FROM {table} WHERE ingest_id NOT IN ({seen})", params)
        elif "releasable_to" in cols:
            who = visible_sql(originator="originator" if "originator" in cols else None)
            b.execute("restrict", f"DELETE FROM {table} WHERE NOT coalesce({who}, FALSE)", params)
    b.execute("restrict", f"DELETE FROM {db}.resolve_judgements WHERE record_a NOT IN (SELECT record_id FROM "
                          f"{db}.parties) OR record_b NOT IN (SELECT record_id FROM {db}.parties)")
    b.execute("restrict", f"DELETE FROM {db}.ingest_log WHERE ingest_id NOT IN ({seen})", params)


def difference(whole: Any, part: Any) -> str:
    """The lines that differ, each cut to 300 characters (a chart is one long line of base64)."""
    def lines(x: Any) -> list[str]:
        text = x if isinstance(x, str) else json.dumps(x, indent=1, sort_keys=True, default=str)
        return [line[:300] for line in text.replace("\\n", "\n").splitlines()]
    diff = difflib.unified_diff(lines(whole), lines(part), "whole workspace", "visible rows only", n=1, lineterm="")
    return "\n".join(list(diff)[:80])
