"""The embedded default engine: one DuckDB file, no server.

Written against DuckDB 2.x, where a relation keeps no result between calls: every statement
is executed and drained before the next one on the same connection.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import duckdb

from tenaza.store.backend import Backend, Params
from tenaza.store.dialect import DuckDBDialect

_PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


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
        config: dict[str, Any] = {}
        if memory_limit:
            config["memory_limit"] = memory_limit
        if threads:
            config["threads"] = threads
        self.path = str(path)
        self.con = duckdb.connect(self.path, read_only=read_only, config=config)
        self.con.execute("SET enable_progress_bar = false").fetchall()

    def _run(self, sql: str, params: Params) -> list[tuple[Any, ...]]:
        return self.con.execute(sql, _used(sql, params)).fetchall()

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
