"""The backend seam: SQL is generated once by pure functions and executed here.

The base class holds the final template methods (``execute``, ``fetch``, ``transaction``);
an engine fills in four hooks. Every engine error is re-raised as ``EngineError`` together with
the failing SQL and the logical step, so that a failure names what tenaza was doing.
"""

from __future__ import annotations

import logging
import time
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any, final

from tenaza.errors import EngineError, TenazaError
from tenaza.store.dialect import Dialect

log = logging.getLogger("tenaza")
Params = Mapping[str, Any] | None


class Backend(ABC):
    dialect: Dialect

    # -- engine hooks ---------------------------------------------------------------------
    @abstractmethod
    def _run(self, sql: str, params: Params) -> list[tuple[Any, ...]]:
        """Execute one statement and return all of its rows (drained)."""

    @abstractmethod
    def _columns(self, sql: str, params: Params) -> list[tuple[str, str]]:
        """Names and engine types of a query's result columns, without running it fully."""

    @abstractmethod
    def _arrow(self, sql: str, params: Params) -> Any:
        """Execute one query and return its rows as an Arrow table."""

    @abstractmethod
    def _register(self, name: str, reader: Any) -> None:
        """Expose an Arrow RecordBatchReader as a relation named ``name``."""

    @abstractmethod
    def _unregister(self, name: str) -> None: ...

    def _native(self) -> Any:
        """The engine's own connection object, for engines that hand one over."""
        raise NotImplementedError

    @abstractmethod
    def _begin(self) -> None: ...

    @abstractmethod
    def _end(self, commit: bool) -> None: ...

    @abstractmethod
    def close(self) -> None: ...

    @abstractmethod
    def stored(self, name: str) -> str:
        """The workspace's own table or view ``name``, qualified so that no temporary view of the
        same name (a viewer's filter) stands in for it."""

    @abstractmethod
    def _temp_table(self, name: str, select: str, params: Params) -> None:
        """Make the session's temporary table ``name`` from ``select`` (replacing one of that name)."""

    def table_columns(self) -> dict[str, set[str]]:
        """Every table and view of the workspace with its column names."""
        columns: dict[str, set[str]] = {}
        for table, column in self._run("SELECT table_name, column_name FROM information_schema.columns", None):
            columns.setdefault(str(table), set()).add(str(column))
        return columns

    def _replace_rows(self, table: str, where: str, columns: list[str], select: str, params: Params) -> None:
        """Delete the rows matching ``where`` and insert the rows of ``select`` (``columns``)."""
        cols = ", ".join(f'"{c}"' for c in columns)
        self._run(f"DELETE FROM {table} WHERE {where}", params)
        self._run(f"INSERT INTO {table} ({cols}) {select}", params)

    # -- template methods -----------------------------------------------------------------
    @final
    def fetch(self, step: str, sql: str, params: Params = None) -> list[tuple[Any, ...]]:
        started = time.perf_counter()
        with _engine_errors(step, sql):
            rows = self._run(self.dialect.translate(sql), params)
        log.debug("step %s took %.3fs", step, time.perf_counter() - started)
        return rows

    @final
    def fetch_arrow(self, step: str, sql: str, params: Params = None) -> Any:
        """The rows of a query as one ``pyarrow.Table``, for handing them to another backend
        (``arrow_relation``) with their types."""
        with _engine_errors(step, sql):
            return self._arrow(self.dialect.translate(sql), params)

    @final
    def execute(self, step: str, sql: str, params: Params = None) -> None:
        self.fetch(step, sql, params)

    @final
    def scalar(self, step: str, sql: str, params: Params = None) -> Any:
        rows = self.fetch(step, sql, params)
        return rows[0][0] if rows else None

    @final
    def columns(self, step: str, sql: str, params: Params = None) -> list[tuple[str, str]]:
        with _engine_errors(step, sql):
            return self._columns(self.dialect.translate(sql), params)

    @final
    def temp_table(self, step: str, name: str, select: str, params: Params = None) -> None:
        """A temporary table of this session (never in the workspace) holding the rows of
        ``select``, computed once: on DuckDB a TEMP table, on Spark a checkpointed temp view."""
        with _engine_errors(step, select):
            self._temp_table(name, self.dialect.translate(select), params)

    @final
    def native(self, capability: str) -> Any:
        """The engine's own connection, for a library that drives the engine itself (Splink);
        fails with UnsupportedCapability where this engine cannot hand one over."""
        self.dialect.require(capability)
        return self._native()

    @final
    @contextmanager
    def arrow_relation(self, name: str, reader: Any) -> Iterator[str]:
        """A streamed Arrow source, readable as ``name`` in SQL while the context lasts."""
        self._register(name, reader)
        try:
            yield name
        finally:
            try:
                self._unregister(name)
            except Exception:  # noqa: BLE001 - in an aborted transaction; the rollback drops it
                log.debug("could not unregister %s; the transaction is being rolled back", name)

    @final
    def replace_rows(self, step: str, table: str, where: str, columns: list[str], select: str,
                     params: Params = None) -> None:
        """Replace the rows of ``table`` matching ``where`` by those of ``select`` (giving
        ``columns``), as one unit: a transaction where the engine has them; on Spark a new copy
        of the table's Parquet files swapped in once it is complete."""
        started = time.perf_counter()
        with _engine_errors(step, select):
            if self.dialect.has("transactions"):
                with self.transaction(step):
                    self._replace_rows(table, where, columns, self.dialect.translate(select), params)
            else:
                self._replace_rows(table, where, columns, self.dialect.translate(select), params)
        log.debug("step %s took %.3fs", step, time.perf_counter() - started)

    @final
    @contextmanager
    def atomic(self, step: str) -> Iterator[None]:
        """A transaction where the engine has them; elsewhere each statement commits on its own
        (Spark writes a statement's Parquet files, then commits them by renaming)."""
        if not self.dialect.has("transactions"):
            yield
            return
        with self.transaction(step):
            yield

    @final
    @contextmanager
    def transaction(self, step: str) -> Iterator[None]:
        """All or nothing: on any error the engine rolls back and the error propagates."""
        self.dialect.require("transactions")
        try:
            self._begin()
        except Exception as exc:
            raise EngineError(step, "BEGIN TRANSACTION", exc) from exc
        try:
            yield
        except BaseException:
            try:
                self._end(commit=False)
            except Exception:
                log.exception("rollback failed during step %s", step)
            raise
        try:
            self._end(commit=True)
        except Exception as exc:
            raise EngineError(step, "COMMIT", exc) from exc


@contextmanager
def _engine_errors(step: str, sql: str) -> Iterator[None]:
    """An engine's own error as one EngineError naming the step and its SQL; tenaza's own
    errors pass through, and a Ctrl-C that reached the engine mid-query is a KeyboardInterrupt."""
    try:
        yield
    except TenazaError:
        raise
    except Exception as exc:
        if _interrupted(exc):
            raise KeyboardInterrupt from exc
        raise EngineError(step, sql, exc) from exc


def _interrupted(exc: BaseException) -> bool:
    """The engine stopped a query because the user pressed Ctrl-C: DuckDB says "Query
    interrupted" (or raises InterruptException), or names the KeyboardInterrupt that a Python
    stream it was reading raised."""
    text = str(exc).strip()
    return (type(exc).__name__ == "InterruptException" or text.startswith("Query interrupted")
            or text.endswith("KeyboardInterrupt"))
