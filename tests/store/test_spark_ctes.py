"""Spark runs each CTE once, as a checkpointed view, instead of copying it into every reader."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.spark


@pytest.fixture(scope="module")
def spark() -> Any:
    from tenaza.store.spark_backend import session

    return session("local[1]")


def _rows(spark: Any, sql: str) -> list[tuple[Any, ...]]:
    from tenaza.store.spark_ctes import hoisted

    with hoisted(spark, sql) as frame:
        return sorted(tuple(r) for r in frame.collect())


def _views(spark: Any) -> set[str]:
    return {t.name for t in spark.catalog.listTables() if t.name.startswith("_tz_")}


CASES = [
    # a step read twice, one read unaliased with qualified columns
    ("WITH a AS (SELECT id FROM range(4)), b AS (SELECT a.id * 2 AS v FROM a) "
     "SELECT x.id, b.v FROM a AS x JOIN b ON b.v = x.id * 2"),
    # a WITH inside a subquery, reading an outer step; and a nested scope shadowing a name
    ("WITH a AS (SELECT id FROM range(3)) SELECT * FROM (WITH c AS (SELECT id + 10 AS id FROM a) "
     "SELECT id FROM c) AS s UNION ALL SELECT * FROM (WITH a AS (SELECT 99L AS id) SELECT id FROM a) AS t"),
    # a CTE with its own column names over VALUES, and a WITH inside a CTE's body
    ("WITH v(k, n) AS (VALUES ('x', 1), ('y', 2)), w AS (WITH i AS (SELECT k FROM v WHERE n > 1) "
     "SELECT k, count(*) AS c FROM i GROUP BY k) SELECT v.k, v.n, w.c FROM v LEFT JOIN w ON w.k = v.k"),
    # a correlated subquery naming a step
    ("WITH a AS (SELECT id FROM range(5)) SELECT id, (SELECT max(b.id) FROM a AS b WHERE b.id < a.id) AS below "
     "FROM a"),
]


@pytest.mark.parametrize("sql", CASES)
def test_the_same_rows_as_spark_alone_and_no_view_left(spark: Any, sql: str) -> None:
    before = _views(spark)
    assert _rows(spark, sql) == sorted(tuple(r) for r in spark.sql(sql).collect())
    assert _views(spark) == before


def test_a_failing_step_leaves_no_view(spark: Any) -> None:
    sql = "WITH a AS (SELECT id FROM range(2)), b AS (SELECT no_such_column FROM a) SELECT * FROM b"
    before = _views(spark)
    with pytest.raises(Exception, match="no_such_column"):
        _rows(spark, sql)
    assert _views(spark) == before


def _leaves(frame: Any) -> int:
    """How many scans of a source the optimized plan holds."""
    plan = frame._jdf.queryExecution().optimizedPlan().toString()
    return plan.count("Range (") + plan.count("LogicalRDD")


def test_a_step_read_twice_by_each_next_is_planned_once() -> None:
    """Ten steps, each reading the one before twice: Spark alone plans 2^10 scans of the first."""
    from tenaza.store.spark_backend import session
    from tenaza.store.spark_ctes import hoisted

    spark = session("local[1]")
    steps = ["s0 AS (SELECT id FROM range(3))"]
    steps += [f"s{i} AS (SELECT l.id FROM s{i - 1} AS l JOIN s{i - 1} AS r USING (id))" for i in range(1, 11)]
    sql = f"WITH {', '.join(steps)} SELECT count(*) FROM s10"
    plain = spark.sql(sql)
    assert _leaves(plain) == 2**10
    with hoisted(spark, sql) as frame:
        assert _leaves(frame) == 1  # the final statement reads the checkpoint of s10, once
        assert frame.collect()[0][0] == 3
