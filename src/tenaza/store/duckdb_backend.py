"""The embedded default engine: one DuckDB file, no server.

Written against DuckDB 2.x, where a relation keeps no result between calls: every statement
is executed and drained before the next one on the same connection.

Memory. DuckDB's own default takes up to 80 % of the machine's memory for its buffer pool
before it spills to disk. tenaza runs on analysts' shared machines, beside a browser, a
workbench and other jobs, so a workspace's connection is capped at ``DEFAULT_MEMORY_LIMIT``
(4 GB) unless ``TENAZA_MEMORY_LIMIT`` says otherwise (any size DuckDB reads: ``8GB``,
``500MB``, ``75%``). Above the cap the engine spills to ``<workspace>.tmp`` beside the file.
Measured on 10 M transactions (docs/benchmarks.md, "Cash detectors"): the bipartite detector
held 9.4 GB without the cap and 4.25 GB with it, in less time; the whole cash suite 4.3 GB, the
same 185 alerts.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb

from tenaza.errors import WorkspaceError
from tenaza.store.backend import Backend, Params
from tenaza.store.dialect import DuckDBDialect, ident

_PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
DEFAULT_MEMORY_LIMIT = "4GB"


def memory_limit_of(explicit: str | None = None) -> str:
    """The buffer-pool cap of a workspace's connection: ``explicit``, else TENAZA_MEMORY_LIMIT,
    else DEFAULT_MEMORY_LIMIT."""
    return explicit or os.environ.get("TENAZA_MEMORY_LIMIT") or DEFAULT_MEMORY_LIMIT


def _used(sql: str, params: Params) -> dict[str, Any] | None:
    """The parameters the statement names: DuckDB refuses unused ones, and SQL pieces built
    together share one set of bound values."""
    if not params:
        return None
    names = set(_PARAM.findall(sql))
    return {k: v for k, v in params.items() if k in names}


class DuckDBBackend(Backend):
    dialect = DuckDBDialect()

    def __init__(self, path: Path | str, *, read_only: bool = False, memory_limit: str | None = None,
                 threads: int | None = None) -> None:
        limit = memory_limit_of(memory_limit)
        config: dict[str, Any] = {"memory_limit": limit}
        if threads:
            config["threads"] = threads
        self.path = str(path)
        try:
            self.con = duckdb.connect(self.path, read_only=read_only, config=config)
        except (duckdb.InvalidInputException, duckdb.ParserException) as exc:
            if "memory" not in str(exc).lower():
                raise
            raise WorkspaceError(f"memory limit {limit!r} (TENAZA_MEMORY_LIMIT): not a size DuckDB reads, "
                                 "e.g. 4GB, 500MB or 75%") from exc
        self.con.execute("SET enable_progress_bar = false").fetchall()

    def stored(self, name: str) -> str:
        catalog = str(self.con.execute("SELECT current_database()").fetchall()[0][0])
        return f"{ident(catalog)}.main.{ident(name)}"

    def _temp_table(self, name: str, select: str, params: Params) -> None:
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS {select}", _used(select, params)).fetchall()

    def _run(self, sql: str, params: Params) -> list[tuple[Any, ...]]:
        return self.con.execute(sql, _used(sql, params)).fetchall()

    def _arrow(self, sql: str, params: Params) -> Any:
        return self.con.sql(sql, params=_used(sql, params)).to_arrow_table()

    def _columns(self, sql: str, params: Params) -> list[tuple[str, str]]:
        cur = self.con.execute(f"DESCRIBE {sql}", _used(sql, params))
        rows = cur.fetchall()
        return [(str(r[0]), str(r[1])) for r in rows]

    def _register(self, name: str, reader: Any) -> None:
        self.con.register(name, reader)

    def _unregister(self, name: str) -> None:
        self.con.unregister(name)

    def _native(self) -> duckdb.DuckDBPyConnection:
        return self.con

    def _begin(self) -> None:
        self.con.execute("BEGIN TRANSACTION").fetchall()

    def _end(self, commit: bool) -> None:
        self.con.execute("COMMIT" if commit else "ROLLBACK").fetchall()

    def close(self) -> None:
        self.con.close()

    @contextmanager
    def scratch_catalog(self, name: str) -> Iterator[str]:
        """An in-memory catalog ``name`` beside the workspace, the connection's default while in
        use, so that tables made without a catalog stay in memory and never reach the workspace
        file. Attached read-write explicitly, so it works on a workspace opened read-only too
        (DuckDB would give it the connection's mode). Yields the workspace's catalog, quoted, by
        which its tables are read meanwhile (``catalog.main.table``)."""
        catalog = ident(str(self.con.execute("SELECT current_database()").fetchall()[0][0]))
        self.con.execute(f"ATTACH IF NOT EXISTS ':memory:' AS {ident(name)} (READ_WRITE)").fetchall()
        self.con.execute(f"USE {ident(name)}").fetchall()
        try:
            yield catalog
        finally:
            self.con.execute(f"USE {catalog}").fetchall()
            self.con.execute(f"DETACH {ident(name)}").fetchall()
