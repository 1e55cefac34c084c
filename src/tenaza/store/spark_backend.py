"""Apache Spark as the engine: PySpark in local mode (``local[N]``) or against any master URL.

Storage. A Spark workspace is a directory; every table is a folder of Parquet files under
``<workspace>/tables/<physical name>/``, registered on open as an external table of the
session's in-memory catalog, and the canonical views are re-created over them. Parquet rather
than Delta Lake: it needs no extra jars or package, DuckDB reads and writes the same files, and
the only updates tenaza makes are whole replacements of a detector's alerts, which
``replace_rows`` does by writing a complete new copy of the table and swapping the folders.

Sessions. Starting a JVM takes seconds, so one SparkSession per master is kept for the life
of the process; ``close`` leaves it running. The session is configured for the SQL tenaza
writes: time zone UTC, TIMESTAMP meaning TIMESTAMP_NTZ (DuckDB's TIMESTAMP), ANSI mode with
double-quoted identifiers.

Statements. Each CTE of a statement is computed once, as a checkpointed temp view, before the
statement itself (tenaza.store.spark_ctes): Spark would otherwise copy a CTE into every place
that reads it, and the plans of the longer detectors exhausted the JVM heap. The driver's heap
is ``TENAZA_SPARK_DRIVER_MEMORY`` (default 6g; it applies when the process starts Spark).

Parameters. ``$name`` parameters are bound as SQL literals before a statement is sent (Spark
needs literals in window frames, and takes no array parameters).

PySpark is imported only here, and only when a Spark backend is made: ``import tenaza`` works
without it (``pip install tenaza[spark]``; Java 17 must be on the PATH).
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import os
import re
import shutil
import sys
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any

from tenaza.errors import WorkspaceError
from tenaza.store.backend import Backend, Params
from tenaza.store.dialect import SparkDialect, ident
from tenaza.store.spark_ctes import hoisted

log = logging.getLogger("tenaza")
_PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_SESSIONS: dict[str, Any] = {}


def literal(value: Any) -> str:
    """A Python value as a Spark SQL literal."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return f"{value}L" if abs(value) >= 2**31 else str(value)
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return f"CAST('{value}' AS DOUBLE)"
        return f"{value!r}D"
    if isinstance(value, Decimal):
        return f"CAST('{value}' AS DECIMAL(38, 10))"
    if isinstance(value, dt.datetime):
        return f"TIMESTAMP '{value.replace(tzinfo=None).isoformat(sep=' ')}'"
    if isinstance(value, dt.date):
        return f"DATE '{value.isoformat()}'"
    if isinstance(value, str):
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
    if isinstance(value, (list, tuple)):
        if not value:
            return "CAST(array() AS ARRAY<STRING>)"
        return f"array({', '.join(literal(v) for v in value)})"
    raise WorkspaceError(f"cannot bind a {type(value).__name__} as a Spark SQL literal")


def bind(sql: str, params: Params) -> str:
    """``sql`` with each ``$name`` it names replaced by the literal of ``params[name]``."""
    if not params:
        return sql
    return _PARAM.sub(lambda m: literal(params[m.group(1)]) if m.group(1) in params else m.group(0), sql)


def session(master: str) -> Any:
    """The process's SparkSession for ``master``, started on first use."""
    if master in _SESSIONS:
        return _SESSIONS[master]
    try:
        from pyspark.sql import SparkSession
    except ModuleNotFoundError as exc:
        raise WorkspaceError("the spark engine needs PySpark: pip install 'tenaza[spark]' (and Java 17)") from exc
    logging.getLogger("py4j").setLevel(logging.WARNING)
    # the UDFs' Python workers run this interpreter (so they import tenaza): PySpark takes the
    # workers' interpreter from PYSPARK_PYTHON, not from spark.pyspark.python, in local mode
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    spark = (SparkSession.builder.master(master).appName("tenaza")
             .config("spark.driver.memory", os.environ.get("TENAZA_SPARK_DRIVER_MEMORY", "6g"))
             .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
             .config("spark.sql.session.timeZone", "UTC")
             .config("spark.sql.timestampType", "TIMESTAMP_NTZ")
             .config("spark.sql.ansi.enabled", "true")
             .config("spark.sql.ansi.doubleQuotedIdentifiers", "true")
             .config("spark.sql.shuffle.partitions", "4" if master.startswith("local") else "200")
             .config("spark.sql.legacy.allowNonEmptyLocationInCTAS", "true")
             # inferring constraints grows with the plan (it was in the stack of the planning
             # out-of-memory) and fails on unions of the fans detector (key not found: hub#...)
             .config("spark.sql.constraintPropagation.enabled", "false")
             .config("spark.pyspark.python", sys.executable)  # the UDFs' workers: this interpreter
             .getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    _register_functions(spark)
    _SESSIONS[master] = spark
    return spark


def _register_functions(spark: Any) -> None:
    """The functions the Spark dialect names that Spark SQL lacks, as Python UDFs (on a cluster,
    tenaza must be installed on the workers too)."""
    from pyspark.sql.types import DoubleType, IntegerType

    from tenaza.store.similarity import jaro_winkler

    spark.udf.register("tenaza_jaro_winkler", jaro_winkler, DoubleType())
    spark.udf.register("tenaza_damerau_levenshtein", damerau_levenshtein, IntegerType())


def damerau_levenshtein(a: str | None, b: str | None) -> int | None:
    """Edits between two strings: insert, delete, substitute, or swap two neighbours (the optimal
    string alignment distance; DuckDB's damerau_levenshtein may count fewer where a swapped pair is
    edited again, so the two agree up to a distance of 1, the model's only threshold)."""
    if a is None or b is None:
        return None
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[len(b)]


class SparkBackend(Backend):
    def __init__(self, root: Path | str, *, master: str = "local[*]", read_only: bool = False) -> None:
        self.root = Path(root).resolve()  # Spark resolves a relative LOCATION against its warehouse, not the cwd
        self.read_only = read_only
        self.spark_dialect = SparkDialect(self.root / "tables")
        self.dialect = self.spark_dialect
        self.spark = session(master)
        self.master = master
        self._register_tables()

    # -- storage ---------------------------------------------------------------------------
    def _register_tables(self) -> None:
        """Drop what the session knew of another workspace, and register this one's tables."""
        for t in self.spark.catalog.listTables():  # temp views first: one hides a stored table of its name
            if t.isTemporary:
                self.spark.catalog.dropTempView(t.name)
        for t in self.spark.catalog.listTables():
            if t.isTemporary:
                continue
            if t.tableType == "VIEW":
                self.spark.sql(f"DROP VIEW IF EXISTS `{t.name}`")
            else:
                self.spark.sql(f"DROP TABLE IF EXISTS `{t.name}`")
        folder = self.root / "tables"
        if not folder.is_dir():
            return
        for d in sorted(folder.iterdir()):
            if d.is_dir() and not d.name.startswith("."):
                self.spark.sql(f"CREATE TABLE `{d.name}` USING parquet LOCATION '{d.as_posix()}'")

    def table_columns(self) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {}
        for t in self.spark.catalog.listTables():
            out[t.name] = set(self.spark.table(f"`{t.name}`").columns)
        return out

    def _replace_rows(self, table: str, where: str, columns: list[str], select: str, params: Params) -> None:
        name = table.strip('"`')
        location = self.spark_dialect.location(name)
        schema = self.spark.table(f"`{name}`").schema
        new = ", ".join(f"CAST({ident(f.name) if f.name in columns else 'NULL'} AS {f.dataType.simpleString()})"
                        f" AS {ident(f.name)}" for f in schema.fields)
        sql = (f"SELECT * FROM {ident(name)} WHERE coalesce(NOT ({where}), TRUE)\n"
               f"UNION ALL\nSELECT {new} FROM (\n{select}\n) AS _new")
        staged = location.parent / f".{name}.{uuid.uuid4().hex}"
        with hoisted(self.spark, bind(sql, params)) as frame:
            frame.write.mode("error").parquet(staged.as_posix())
        old = location.parent / f".{name}.old.{uuid.uuid4().hex}"
        location.rename(old)
        staged.rename(location)
        shutil.rmtree(old, ignore_errors=True)
        self.spark.sql(f"REFRESH TABLE {ident(name)}")

    def stored(self, name: str) -> str:
        return f"spark_catalog.default.{ident(name)}"  # a qualified name never resolves to a temp view

    # -- hooks -----------------------------------------------------------------------------
    def _run(self, sql: str, params: Params) -> list[tuple[Any, ...]]:
        with hoisted(self.spark, bind(sql, params)) as frame:
            rows = frame.collect()
        return [tuple(r) for r in rows]

    def _arrow(self, sql: str, params: Params) -> Any:
        import pyarrow as pa
        from pyspark.sql.pandas.types import to_arrow_schema

        with hoisted(self.spark, bind(sql, params)) as frame:
            try:
                return frame.toArrow()
            except pa.ArrowInvalid:  # PySpark 4.0 cannot make a table of no rows
                if not frame.isEmpty():
                    raise
                return to_arrow_schema(frame.schema, timezone="UTC").empty_table()

    def _columns(self, sql: str, params: Params) -> list[tuple[str, str]]:
        schema = self.spark.sql(bind(sql, params)).schema
        return [(f.name, f.dataType.simpleString()) for f in schema.fields]

    def _temp_table(self, name: str, select: str, params: Params) -> None:
        with hoisted(self.spark, bind(select, params)) as frame:
            frame.localCheckpoint(eager=True).createOrReplaceTempView(name.strip('"`'))

    def _register(self, name: str, reader: Any) -> None:
        table = reader.read_all() if hasattr(reader, "read_all") else reader
        self.spark.createDataFrame(table).createOrReplaceTempView(name)

    def _unregister(self, name: str) -> None:
        self.spark.catalog.dropTempView(name)

    def _native(self) -> Any:
        return self.spark

    def _begin(self) -> None:
        raise NotImplementedError("Spark has no transactions")

    def _end(self, commit: bool) -> None:
        raise NotImplementedError("Spark has no transactions")

    def close(self) -> None:
        """The session stays up for the next workspace of this process (a JVM is slow to start)."""


def export_duckdb(duckdb_path: Path | str, root: Path | str) -> Path:
    """Copy every table of a DuckDB workspace to Parquet folders under ``root/tables`` (a Spark
    workspace), replacing what was there. Returns ``root``."""
    import duckdb

    root = Path(root)
    tables = root / "tables"
    if root.exists():
        shutil.rmtree(root)
    tables.mkdir(parents=True)
    con = duckdb.connect(str(duckdb_path), read_only=True)
    try:
        names = [r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE'").fetchall()]
        for name in names:
            folder = tables / name
            folder.mkdir()
            con.execute(f"COPY (SELECT * FROM {ident(name)}) TO '{(folder / 'part-0.parquet').as_posix()}' "
                        "(FORMAT parquet)").fetchall()
    finally:
        con.close()
    log.info("exported %d tables of %s to %s", len(names), duckdb_path, root)
    return root
