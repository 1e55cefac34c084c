"""The Dialect functions the trade detectors' port added (issue 8): each spelled by both dialects and
evaluated by both engines over the same rows; and Spark's log-gamma series against math.lgamma."""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from typing import Any

import duckdb
import pytest

from tenaza.store.dialect import DUCKDB, SPARK, Dialect, lgamma_series

# rows (g, k, n, x, s): a group, two integers, a number and a text
ROWS = [("a", 0, 5, 0.125, "A  b\\c"), ("a", 2, 5, 1234567.5, None), ("a", 5, 5, 2.5, "x"),
        ("b", 3, 10, -7.26, "x"), ("b", 1, 1, 0.3, "y"), ("b", 4, 2, 10.0, "y")]

CASES: dict[str, Callable[[Dialect], str]] = {
    # P(X >= k), X ~ Binomial(n, 0.3): the trade detectors' chance of repeats; an empty range is NULL
    "range_sum with lgamma": lambda d: (
        "SELECT g, k, n, round(" + d.range_sum(
            "j", "k", "n + 1", f"exp({d.lgamma('n + 1')} - {d.lgamma('j + 1')} - {d.lgamma('n - j + 1')} "
                               "+ j * ln(0.3) + (n - j) * ln(0.7))") + ", 12) FROM r ORDER BY g, k"),
    "array_element": lambda d: f"SELECT {d.array_element(d.array('k', 'n', 'k + n'), 2)} FROM r ORDER BY g, k",
    "count_distinct_over": lambda d: (f"SELECT g, k, {d.count_distinct_over('s', '(PARTITION BY g)')}, "
                                      f"{d.count_distinct_over('s', 'w', 'k > 1')} FROM r "
                                      f"WINDOW w AS (PARTITION BY g) ORDER BY g, k"),
    "arg_min passes over NULL": lambda d: f"SELECT g, {d.arg_min('s', 'abs(k - 2) * 10 + n')} FROM r GROUP BY g ORDER BY g",
    "star_except and star_replace": lambda d: (
        "SELECT g, k, n, s FROM (SELECT " + d.star_except("x") + " FROM r) AS a "
        "UNION ALL SELECT g, k, n, s FROM (SELECT " + d.star_replace(("s", "coalesce(s, '-')"), ("n", "-n"))
        + " FROM r) AS b ORDER BY 1, 2, 3"),
    "format_fixed and format_grouped": lambda d: (f"SELECT {d.format_fixed('x', 2)}, {d.format_fixed('x', 1)}, "
                                                  f"{d.format_grouped('x')} FROM r ORDER BY g, k"),
    "text_literal keeps backslashes": lambda d: (
        "SELECT g, k, " + d.regex_replace_all("s", d.text_literal(r"\s+"), "'_'") + ", "
        + d.regex_replace_all("s", d.text_literal("\\\\"), "'/'") + ", " + d.text_literal("it's")
        + " FROM r ORDER BY g, k"),
}

EXPECTED: dict[str, list[tuple[Any, ...]]] = {
    "array_element": [(5,)] * 3 + [(1,), (10,), (2,)],
    "arg_min passes over NULL": [("a", "A  b\\c"), ("b", "y")],
}


def _values(d: Dialect) -> str:
    def lit(v: Any) -> str:
        if v is None:
            return "CAST(NULL AS STRING)"
        if isinstance(v, str):
            return d.text_literal(v)
        return f"CAST({v} AS DOUBLE)" if isinstance(v, float) else f"CAST({v} AS BIGINT)"

    return " UNION ALL ".join(f"SELECT {', '.join(lit(v) for v in row)}" for row in ROWS)


def _duckdb(case: str) -> list[tuple[Any, ...]]:
    sql = f"WITH r(g, k, n, x, s) AS ({_values(DUCKDB)}) {CASES[case](DUCKDB)}"
    return [tuple(r) for r in duckdb.connect().execute(sql).fetchall()]


def _tail(k: int, n: int, p: float) -> float | None:
    return sum(math.comb(n, j) * p**j * (1 - p) ** (n - j) for j in range(k, n + 1)) if k <= n else None


@pytest.mark.parametrize("case", list(CASES))
def test_duckdb_spelling_gives_the_expected_values(case: str) -> None:
    rows = _duckdb(case)
    if case == "range_sum with lgamma":
        for _, k, n, got in rows:
            want = _tail(k, n, 0.3)
            assert (got is None) if want is None else got == pytest.approx(want, abs=1e-12), (k, n)
    elif case == "count_distinct_over":
        assert [r[2:] for r in rows] == [(2, 1), (2, 1), (2, 1), (2, 2), (2, 2), (2, 2)]
    elif case == "star_except and star_replace":
        assert ("a", 2, -5, "-") in rows and ("a", 2, 5, None) in rows and len(rows) == 12
    elif case == "format_fixed and format_grouped":
        assert rows[1] == ("1234567.50", "1234567.5", "1,234,568") and rows[0][0] == "0.12"
    elif case == "text_literal keeps backslashes":
        assert rows[0][2:] == ("A_b\\c", "A  b/c", "it's")
    else:
        assert rows == EXPECTED[case]


@pytest.mark.spark
@pytest.mark.parametrize("case", list(CASES))
def test_spark_spelling_gives_duckdbs_values(case: str) -> None:
    pytest.importorskip("pyspark")
    from tenaza.store.spark_backend import session

    spark = session("local[1]")
    sql = f"WITH r AS (SELECT * FROM ({_values(SPARK)}) AS v(g, k, n, x, s)) {CASES[case](SPARK)}"
    got = [tuple(r) for r in spark.sql(sql).collect()]
    want = _duckdb(case)
    if case == "format_fixed and format_grouped":  # Java's %f rounds the exact binary tie 0.125 up
        assert got[0][0] == "0.13" and want[0][0] == "0.12"
        got, want = [r[1:] for r in got], [r[1:] for r in want]
    if case == "range_sum with lgamma":  # Stirling's series against the C library's lgamma
        assert [r[:3] for r in got] == [r[:3] for r in want]
        for g, w in zip(got, want, strict=True):
            assert (g[3] is None and w[3] is None) or g[3] == pytest.approx(w[3], abs=1e-12)
        return
    assert got == want


def _lgamma_points() -> list[float]:
    rng = random.Random(7)
    return ([i / 100 for i in range(1, 1000)] + [float(i) for i in range(1, 5001)]
            + [rng.uniform(0.01, 60) for _ in range(3000)] + [1e4, 12345.678, 1e5, 1e6, 1e8, 1e12, 1e15])


def test_lgamma_series_is_within_1e_12_of_math_lgamma() -> None:
    """Absolute error under 1e-12 where |ln Γ(x)| <= 1, relative beyond, from x = 0.01 to 1e15;
    evaluated on DuckDB (the series is plain arithmetic either engine computes alike)."""
    con = duckdb.connect()
    con.execute("CREATE TABLE t(x DOUBLE)")
    con.executemany("INSERT INTO t VALUES (?)", [[x] for x in _lgamma_points()])
    rows = con.execute(f"SELECT x, {lgamma_series('x')} FROM t").fetchall()
    errors = [abs(got - math.lgamma(x)) / max(1.0, abs(math.lgamma(x))) for x, got in rows]
    assert len(errors) == len(_lgamma_points()) and max(errors) < 1e-12
    assert con.execute(f"SELECT {lgamma_series('0')}, {lgamma_series('-1.5')}, {lgamma_series('NULL')}").fetchall() \
        == [(None, None, None)]


@pytest.mark.spark
def test_spark_lgamma_is_the_series() -> None:
    pytest.importorskip("pyspark")
    from tenaza.store.spark_backend import session

    points = [0.01, 0.5, 1.0, 2.0, 6.99, 7.0, 7.01, 100.0, 1e6]
    values = ", ".join(f"(CAST({x!r} AS DOUBLE))" for x in points)
    rows = session("local[1]").sql(f"SELECT x, {SPARK.lgamma('x')} FROM VALUES {values} AS v(x)").collect()
    for x, got in rows:
        assert abs(got - math.lgamma(x)) <= 1e-12 * max(1.0, abs(math.lgamma(x))), x
