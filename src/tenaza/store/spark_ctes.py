"""Spark: a statement's common table expressions computed once each, as checkpointed temp views.

Spark inlines every deterministic CTE into each place that reads it (its optimizer's InlineCTE
rule), so a detector whose steps read one another -- trade's declarations read by pairs, norms
and every later step; fans' transaction scan read about 500 times -- becomes a plan tree with
each step copied as often as it is reached. Planning it exhausted the JVM heap on the tiny
contract world. DuckDB plans the same SQL in milliseconds: it materializes a CTE read more
than once.

``hoisted`` does the same on Spark. It parses the bound statement with sqlglot (the Spark
dialect), and for each CTE in definition order -- nested ``WITH`` clauses too, innermost scope
first where one CTE's body holds its own -- it runs the body, keeps the result as a local
checkpoint (computed once, its lineage cut, so the plan of what reads it is one leaf), and
registers it as a temp view under a fresh name. The references to the CTE in its scope are
renamed to that view (with the CTE's name kept as the alias, so ``step.column`` still reads),
and the statement is left with no ``WITH``. A name that a nested scope defines again shadows
the outer one there, as in SQL.

The views live for the statement: ``hoisted`` is a context manager that drops them (and frees
their blocks) when the caller has collected or written the result. A statement sqlglot cannot
parse, or one without a ``WITH``, runs as it is.
"""

from __future__ import annotations

import logging
import re
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, ClassVar

from sqlglot.dialects.spark import Spark

log = logging.getLogger("tenaza")
_WITH = re.compile(r"\bwith\b", re.IGNORECASE)


class SparkDoubleQuoted(Spark):
    """Spark SQL as tenaza's session reads it: "x" is an identifier (spark.sql.ansi.doubleQuotedIdentifiers)."""

    class Tokenizer(Spark.Tokenizer):
        QUOTES: ClassVar[list[tuple[str, str] | str]] = ["'"]
        IDENTIFIERS: ClassVar[list[tuple[str, str] | str]] = ["`", '"']


@contextmanager
def hoisted(spark: Any, sql: str) -> Iterator[Any]:
    """A DataFrame of ``sql`` with its CTEs computed first, each once (see the module's doc)."""
    if not _WITH.search(sql):
        yield spark.sql(sql)
        return
    import sqlglot
    from sqlglot import exp
    from sqlglot.errors import SqlglotError

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 20_000))  # repair_sql nests replace() about 40 deep per text column
    try:
        tree = sqlglot.parse_one(sql, read=SparkDoubleQuoted)
    except (SqlglotError, RecursionError) as exc:
        sys.setrecursionlimit(limit)
        log.warning("spark: sqlglot could not parse a statement (%s); its CTEs are left to Spark, which "
                    "copies each into every reader (a long statement may exhaust the driver's heap: "
                    "TENAZA_SPARK_DRIVER_MEMORY)", str(exc).splitlines()[0][:200])
        yield spark.sql(sql)
        return
    if tree.find(exp.With) is None:  # "with" was a word in a name or a string: the statement as it came
        sys.setrecursionlimit(limit)
        yield spark.sql(sql)
        return
    tag = uuid.uuid4().hex[:8]
    views: list[tuple[str, Any]] = []

    def materialize(name: str, cte: exp.CTE) -> str:
        body: Any = cte.this
        alias = cte.args.get("alias")
        if alias is not None and alias.columns:  # name(c1, c2) AS (VALUES ...)
            body = exp.select("*").from_(exp.Subquery(this=body, alias=alias.copy()))
        view = f"_tz_{tag}_{len(views)}_{name}"
        frame = spark.sql(body.sql(dialect="spark")).localCheckpoint(eager=True)
        frame.createOrReplaceTempView(view)
        views.append((view, frame))
        return view

    def walk(node: Any, env: dict[str, str]) -> None:
        key = "with_" if "with_" in node.args else "with"  # sqlglot 30 names the arg with_
        with_ = node.args.get(key) if isinstance(node, exp.Query) else None
        if isinstance(with_, exp.With) and not with_.args.get("recursive"):
            env = dict(env)
            for cte in with_.expressions:
                walk(cte.this, env)
                name = cte.alias_or_name
                env[name.lower()] = materialize(name, cte)
            node.set(key, None)
        if isinstance(node, exp.Table) and not node.args.get("db") and node.name.lower() in env:
            if not node.alias:
                node.set("alias", exp.TableAlias(this=exp.to_identifier(node.name)))
            node.set("this", exp.to_identifier(env[node.name.lower()]))
        for child in list(node.iter_expressions()):
            walk(child, env)

    try:
        try:
            walk(tree, {})
            final = tree.sql(dialect="spark")
        finally:
            sys.setrecursionlimit(limit)
        yield spark.sql(final)
    finally:  # after the result is used, or when a step failed: no view outlives the statement
        for view, frame in views:
            spark.catalog.dropTempView(view)
            frame.unpersist()
