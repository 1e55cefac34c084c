"""The tiny scenario world the engine contracts compare on, and its copies for a second engine.

Each contract builds the world once, then runs the same function over a DuckDB workspace and a
Spark one holding the same data. Spark (local[1]) keeps its tables as Parquet beside the file it
opens, so it gets its own copy of the DuckDB file: the two engines never write one file.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

from typer.testing import CliRunner

from tenaza.cli import app
from tenaza.store import Workspace
from tenaza.store.dialect import ident

T = TypeVar("T")

SPARK = "spark:local[1]"


def tiny_world(folder: Path) -> Path:
    """`tenaza demo build` of the tiny scenario in folder, not analyzed; returns its workspace file."""
    built = CliRunner().invoke(app, ["demo", "build", str(folder), "--source", "scenario", "--scale", "tiny",
                                     "--no-analyze"])
    assert built.exit_code == 0, built.output
    return folder / "workspace.duckdb"


def copy_of(path: Path, name: str, *, cleared: Iterable[str] = ()) -> Path:
    """A copy of the workspace file beside it, with the cleared tables emptied (on DuckDB): what a
    run on DuckDB wrote there that the other engine must write itself, not find carried over."""
    copy = path.with_name(name)
    shutil.copy(path, copy)
    tables = tuple(cleared)
    if tables:
        with Workspace.open(copy, engine="duckdb") as ws:
            for table in tables:
                ws.backend.execute("clear", f"DELETE FROM {ident(table)}")
    return copy


def on_both_engines(path: Path, run: Callable[[Workspace], T], *,
                    copy_name: str = "spark-copy.duckdb") -> dict[str, T]:
    """run on the workspace at path on DuckDB and on a copy of it, taken first, on Spark: both start
    from the same data. Returns {"duckdb": ..., "spark": ...}."""
    copy = copy_of(path, copy_name)
    with Workspace.open(path, engine="duckdb") as ws:
        duck = run(ws)
    with Workspace.open(copy, engine=SPARK) as ws:
        spark = run(ws)
    return {"duckdb": duck, "spark": spark}
