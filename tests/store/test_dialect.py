"""Named Dialect functions give the same values on DuckDB and on Spark: each expression is
spelled by both dialects and evaluated by both engines over the same rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import duckdb
import pytest

from tenaza.store.dialect import DUCKDB, SPARK, Dialect

# rows (g, x, d0, d1): two groups of values and a date range each
ROWS = [("a", 1.0, dt.date(2024, 2, 27), dt.date(2024, 3, 2)), ("a", 4.0, None, None), ("a", 2.0, None, None),
        ("a", 10.0, None, None), ("b", 5.0, dt.date(2024, 1, 1), dt.date(2024, 1, 2)), ("b", 7.0, None, None)]


def _values(d: Dialect) -> str:
    def lit(v: Any) -> str:
        if v is None:
            return "CAST(NULL AS DATE)"
        if isinstance(v, dt.date):
            return f"DATE '{v.isoformat()}'"
        return f"'{v}'" if isinstance(v, str) else f"CAST({v} AS DOUBLE)"

    return " UNION ALL ".join(f"SELECT {', '.join(lit(v) for v in row)}" for row in ROWS)


CASES: dict[str, Callable[[Dialect], str]] = {
    "quantile_cont": lambda d: (f"SELECT g, {d.quantile_cont('x', '0.5')}, {d.quantile_cont('x', '0.25')} "
                                f"FROM r GROUP BY g ORDER BY g"),
    "quantile_cont over a window": lambda d: (f"SELECT g, x, {d.quantile_cont('x', '0.5')} OVER (PARTITION BY g) "
                                              f"FROM r ORDER BY g, x"),
    "explode_days": lambda d: (f"SELECT g, day FROM (SELECT g, {d.explode_days('d0', 'd1')} AS day FROM r "
                               f"WHERE d0 IS NOT NULL) AS s ORDER BY g, day"),
    "array_last": lambda d: (f"SELECT g, x, {d.array_last(d.array('x', 'x * 2'))}, {d.array_last(d.empty_string_array())} "
                             f"FROM r ORDER BY g, x"),
    "array_slice": lambda d: (
        f"SELECT g, x, {d.array_slice(d.array('x', 'x * 2', 'x * 3'), '2', d.array_length(d.array('x', 'x', 'x')))}, "
        f"{d.array_slice(d.array('x', 'x * 2'), '2', '1')}, {d.array_slice(d.array('x', 'x * 2'), '1', '1')} "
        f"FROM r ORDER BY g, x"),
}


def _duckdb(case: str) -> list[tuple[Any, ...]]:
    sql = f"WITH r(g, x, d0, d1) AS ({_values(DUCKDB)}) {CASES[case](DUCKDB)}"
    return [tuple(r) for r in duckdb.connect().execute(sql).fetchall()]


@pytest.mark.parametrize("case", list(CASES))
def test_duckdb_spelling_gives_the_expected_values(case: str) -> None:
    rows = _duckdb(case)
    if case == "quantile_cont":
        assert rows == [("a", 3.0, 1.75), ("b", 6.0, 5.5)]
    elif case == "explode_days":  # end exclusive, across a leap day
        assert [str(day) for _, day in rows] == ["2024-02-27", "2024-02-28", "2024-02-29", "2024-03-01", "2024-01-01"]
    elif case == "array_slice":  # both ends included; empty where stop < start
        assert [r[2:] for r in rows] == [([2 * x, 3 * x], [], [x]) for _, x, *_ in rows]
    elif case == "array_last":  # NULL for an empty array
        assert [r[2:] for r in rows] == [(2 * x, None) for _, x, *_ in rows]
    else:
        assert [m for _, _, m in rows] == [3.0] * 4 + [6.0] * 2


@pytest.mark.spark
@pytest.mark.parametrize("case", list(CASES))
def test_spark_spelling_gives_duckdbs_values(case: str) -> None:
    pytest.importorskip("pyspark")
    from tenaza.store.spark_backend import session

    spark = session("local[1]")
    sql = f"WITH r AS (SELECT * FROM ({_values(SPARK)}) AS v(g, x, d0, d1)) {CASES[case](SPARK)}"
    got = [tuple(r) for r in spark.sql(sql).collect()]
    assert got == _duckdb(case)
