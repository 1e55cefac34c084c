"""Splink on the workspace's own engine, and the scratch tables of a resolve run.

A ``Scratch`` holds the intermediate tables of one run (parsed records, features, lookups,
Splink's tables, scored pairs) beside the workspace, never in it, and writes the results to the
workspace's tables by name: no record passes through Python on the way, except the bounded
collects that ``pipeline.py`` names (the scored links, for the union-find).

DuckDB. The workspace's connection with an in-memory catalog attached as the default, so
Splink's tables stay in memory (and never in the workspace file); workspace tables are read as
``catalog.main.name``. Splink runs on the connection (``DuckDBAPI``).

Spark. Scratch tables are temp views over local checkpoints in the workspace's session (each
computed once, its lineage cut); workspace tables are the session's tables, read by name, and
written through the backend's ``replace_rows`` (a complete new copy of the table's Parquet
files, swapped in). Splink runs on the session (``SparkAPI``, its intermediate tables
persisted); the similarity functions the comparisons name are the backend's UDFs (the
Dialect's spelling), so Splink's jar is not needed.
"""

from __future__ import annotations

import logging
import re
from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import duckdb
import pyarrow as pa

from tenaza.errors import EngineError
from tenaza.store.backend import Backend
from tenaza.store.dialect import Dialect, ident

log = logging.getLogger("tenaza")
SCRATCH = "tenaza_scratch"


def connection(backend: Backend) -> duckdb.DuckDBPyConnection:
    """The DuckDB connection behind a backend; other engines need Splink's SparkAPI."""
    con = backend.native("hand over a DuckDB connection")
    assert isinstance(con, duckdb.DuckDBPyConnection)
    return con


class Scratch(ABC):
    """Scratch tables of one run, and the workspace they read and write (see the module doc)."""

    backend: Backend

    @property
    def d(self) -> Dialect:
        return self.backend.dialect

    @abstractmethod
    def ws(self, table: str) -> str:
        """A workspace table or view, qualified so it resolves while the scratch is in use."""

    @abstractmethod
    def fetch(self, sql: str, params: dict[str, Any] | None = None, step: str = "resolve") -> list[tuple[Any, ...]]:
        """Run one query and return its rows."""

    @abstractmethod
    def fetch_columns(self, sql: str, step: str = "resolve") -> dict[str, list[Any]]:
        """Run one query and return its columns as lists (for a large result)."""

    @abstractmethod
    def create(self, name: str, select: str, params: dict[str, Any] | None = None, step: str = "resolve") -> None:
        """Scratch table ``name`` (replaced if it exists) holding the rows of ``select``."""

    @abstractmethod
    def register(self, name: str, table: pa.Table) -> None:
        """Scratch table ``name`` holding an Arrow table."""

    @abstractmethod
    def drop(self, name: str) -> None: ...

    @abstractmethod
    def columns(self, name: str) -> list[str]:
        """The column names of scratch table ``name``."""

    @abstractmethod
    def replace_all(self, step: str, table: str, columns: list[str], select: str,
                    params: dict[str, Any] | None = None) -> None:
        """Replace every row of workspace table ``table`` by those of ``select`` (``columns``);
        inside ``backend.atomic``, with the other writes of the run."""

    @abstractmethod
    def splink_api(self) -> Any:
        """Splink's database API on this engine."""

    @abstractmethod
    def adopt(self, physical_name: str, name: str) -> None:
        """Keep a table Splink made as scratch table ``name`` (Splink's clean-up spares it)."""

    def run(self, sql: str, params: dict[str, Any] | None = None, step: str = "resolve") -> None:
        self.fetch(sql, params, step)


class DuckDBScratch(Scratch):
    def __init__(self, backend: Backend, con: duckdb.DuckDBPyConnection, workspace: str) -> None:
        self.backend = backend
        self.con = con
        self.workspace = workspace  # quoted catalog name of the workspace

    def ws(self, table: str) -> str:
        return f"{self.workspace}.main.{ident(table)}"

    def execute(self, sql: str, params: dict[str, Any] | None = None, step: str = "resolve") -> duckdb.DuckDBPyConnection:
        """Run one statement; an engine error comes back as EngineError with the SQL and step."""
        try:
            return self.con.execute(sql, params)
        except duckdb.Error as exc:
            raise EngineError(step, sql, exc) from exc

    def fetch(self, sql: str, params: dict[str, Any] | None = None, step: str = "resolve") -> list[tuple[Any, ...]]:
        return self.execute(sql, params, step).fetchall()

    def fetch_columns(self, sql: str, step: str = "resolve") -> dict[str, list[Any]]:
        return {k: v.tolist() for k, v in self.execute(sql, None, step).fetchnumpy().items()}

    def create(self, name: str, select: str, params: dict[str, Any] | None = None, step: str = "resolve") -> None:
        self.run(f"CREATE OR REPLACE TABLE {ident(name)} AS {select}", params, step)

    def register(self, name: str, table: pa.Table) -> None:
        self.con.register(f"{name}_in", table)
        self.run(f"CREATE OR REPLACE TABLE {ident(name)} AS SELECT * FROM {ident(name + '_in')}")
        self.con.unregister(f"{name}_in")

    def drop(self, name: str) -> None:
        self.run(f"DROP TABLE IF EXISTS {ident(name)}")

    def columns(self, name: str) -> list[str]:
        return [str(r[0]) for r in self.fetch(f"DESCRIBE {ident(name)}")]

    def replace_all(self, step: str, table: str, columns: list[str], select: str,
                    params: dict[str, Any] | None = None) -> None:
        self.run(f"DELETE FROM {self.ws(table)}", None, step)
        cols = ", ".join(ident(c) for c in columns)
        self.run(f"INSERT INTO {self.ws(table)} ({cols}) {select}", params, step)

    def splink_api(self) -> Any:
        from splink import DuckDBAPI

        return DuckDBAPI(self.con)

    def adopt(self, physical_name: str, name: str) -> None:
        # Renamed, not copied: a copy wrote every scored pair a second time (Splink drops its
        # tables with IF EXISTS, so the renamed one survives its clean-up).
        self.drop(name)
        self.run(f"ALTER TABLE {physical_name} RENAME TO {ident(name)}")


class SparkScratch(Scratch):
    def __init__(self, backend: Backend) -> None:
        from tenaza.store.spark_backend import bind

        self.backend = backend
        self.spark = backend.native("hand over a Spark session")
        self._bind = bind
        self._frames: dict[str, Any] = {}

    def ws(self, table: str) -> str:
        return ident(table)  # the session's catalog holds the workspace's tables by name

    def _frame(self, sql: str, params: dict[str, Any] | None, step: str, keep: bool) -> Any:
        from tenaza.store.spark_ctes import hoisted

        try:
            with hoisted(self.spark, self._bind(sql, params)) as frame:
                return frame.localCheckpoint(eager=True) if keep else frame.collect()
        except Exception as exc:
            raise EngineError(step, sql, exc) from exc

    def fetch(self, sql: str, params: dict[str, Any] | None = None, step: str = "resolve") -> list[tuple[Any, ...]]:
        return [tuple(r) for r in self._frame(sql, params, step, keep=False)]

    def fetch_columns(self, sql: str, step: str = "resolve") -> dict[str, list[Any]]:
        rows = self._frame(sql, None, step, keep=False)
        names = list(rows[0].asDict()) if rows else [f.name for f in self.spark.sql(sql).schema.fields]
        return {n: [r[i] for r in rows] for i, n in enumerate(names)}

    def _keep(self, name: str, frame: Any) -> None:
        old = self._frames.pop(name, None)
        frame.createOrReplaceTempView(name)
        self._frames[name] = frame
        if old is not None:
            old.unpersist()

    def create(self, name: str, select: str, params: dict[str, Any] | None = None, step: str = "resolve") -> None:
        self._keep(name, self._frame(select, params, step, keep=True))

    def register(self, name: str, table: pa.Table) -> None:
        self._keep(name, self.spark.createDataFrame(table).localCheckpoint(eager=True))

    def drop(self, name: str) -> None:
        self.spark.catalog.dropTempView(name)
        frame = self._frames.pop(name, None)
        if frame is not None:
            frame.unpersist()

    def columns(self, name: str) -> list[str]:
        return list(self.spark.table(ident(name)).columns)

    def replace_all(self, step: str, table: str, columns: list[str], select: str,
                    params: dict[str, Any] | None = None) -> None:
        self.backend.replace_rows(step, table, "TRUE", columns, select, params)

    def splink_api(self) -> Any:
        from splink import SparkAPI

        from tenaza.store.spark_ctes import hoisted

        spark = self.spark

        class HoistedSparkAPI(SparkAPI):
            """Splink's statements with each CTE computed once (tenaza.store.spark_ctes): Spark
            copies a CTE into every reader, and Splink's EM step reads its predictions once per
            comparison."""

            def _execute_sql_against_backend(self, final_sql: str) -> Any:
                if not re.search(r"\bwith\b", final_sql, re.IGNORECASE):
                    return spark.sql(final_sql)
                with hoisted(spark, final_sql) as frame:
                    # the CTEs' views are dropped on leaving: the result is computed first
                    return frame.localCheckpoint(eager=True)

        # persisted, not written to Parquet under a checkpoint folder the session may not have;
        # the similarity functions are the backend's UDFs, so Splink's jar is not registered
        return HoistedSparkAPI(spark_session=spark, break_lineage_method="persist",  # type: ignore[no-untyped-call]
                               register_udfs_automatically=False)

    def adopt(self, physical_name: str, name: str) -> None:
        self._keep(name, self.spark.table(physical_name).localCheckpoint(eager=True))

    def close(self) -> None:
        for name in list(self._frames):
            self.drop(name)


@contextmanager
def duckdb_scratch(backend: Backend) -> Iterator[DuckDBScratch]:
    """An in-memory scratch catalog beside a DuckDB workspace (the backend's ``scratch_catalog``)."""
    from tenaza.store.duckdb_backend import DuckDBBackend

    assert isinstance(backend, DuckDBBackend), "a DuckDB scratch needs a DuckDB workspace"
    with backend.scratch_catalog(SCRATCH) as catalog:
        yield DuckDBScratch(backend, connection(backend), catalog)


@contextmanager
def scratch(backend: Backend) -> Iterator[Scratch]:
    """The scratch of one run on the backend's engine (see the module doc)."""
    if backend.dialect.has("hand over a Spark session"):
        sx = SparkScratch(backend)
        try:
            yield sx
        finally:
            sx.close()
        return
    with duckdb_scratch(backend) as dx:
        yield dx
