"""Splink on the workspace's own engine.

Splink runs its SQL on a DuckDB connection. tenaza gives it the workspace's connection with
an in-memory catalog attached as the default, so Splink's intermediate tables stay in memory
(and never in the workspace file), while the party records are read from, and the results
written to, the workspace catalog by name: no record passes through Python on the way.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import duckdb

from tenaza.errors import EngineError
from tenaza.store.backend import Backend
from tenaza.store.dialect import ident

log = logging.getLogger("tenaza")
SCRATCH = "tenaza_scratch"


def connection(backend: Backend) -> duckdb.DuckDBPyConnection:
    """The DuckDB connection behind a backend; other engines need Splink's SparkAPI."""
    con = backend.native("hand over a DuckDB connection")
    assert isinstance(con, duckdb.DuckDBPyConnection)
    return con


@dataclass(frozen=True)
class Scratch:
    con: duckdb.DuckDBPyConnection
    workspace: str  # quoted catalog name of the workspace

    def ws(self, table: str) -> str:
        """A workspace table or view, qualified so it resolves while the scratch is in use."""
        return f"{self.workspace}.main.{ident(table)}"

    def execute(self, sql: str, params: dict[str, Any] | None = None, step: str = "resolve") -> duckdb.DuckDBPyConnection:
        """Run one statement; an engine error comes back as EngineError with the SQL and step."""
        try:
            return self.con.execute(sql, params)
        except duckdb.Error as exc:
            raise EngineError(step, sql, exc) from exc

    def run(self, sql: str, params: dict[str, Any] | None = None, step: str = "resolve") -> None:
        self.execute(sql, params, step).fetchall()


@contextmanager
def scratch(backend: Backend) -> Iterator[Scratch]:
    """An in-memory scratch catalog beside the workspace, attached read-write explicitly so it
    works on a workspace opened read-only too (DuckDB would give it the connection's mode)."""
    con = connection(backend)
    catalog = str(con.execute("SELECT current_database()").fetchall()[0][0])
    con.execute(f"ATTACH IF NOT EXISTS ':memory:' AS {SCRATCH} (READ_WRITE)").fetchall()
    con.execute(f"USE {SCRATCH}").fetchall()
    try:
        yield Scratch(con, ident(catalog))
    finally:
        con.execute(f"USE {ident(catalog)}").fetchall()
        con.execute(f"DETACH {SCRATCH}").fetchall()
