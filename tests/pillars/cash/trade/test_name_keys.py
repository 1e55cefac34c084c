"""Name keys of the trade detectors: computed once per distinct name in two steps (name_keys_ctes),
they equal the one-expression key (resolve.features.company_core_sql) they replace and the Python
twin (resolve.text.company_core); and the detectors' SQL stays shallow enough for sqlglot to parse,
which the one-expression key was not (RecursionError on every trade detector)."""

from __future__ import annotations

import sys

import duckdb
import pytest
import sqlglot

from tenaza.detect import select
from tenaza.pillars.cash.trade.common import name_keys_ctes
from tenaza.resolve.features import company_core_sql
from tenaza.resolve.text import company_core
from tenaza.store.dialect import DUCKDB, SPARK

NAMES = [
    "Aceros del Norte, S.A. de C.V.", "ACEROS DEL NORTE SA DE CV", "aceros   del norte s. a. de c. v.",
    "Comercializadora PeÃ±a Hermanos S de RL de CV", "Importadora Azteca", "EAGLE ELECTRONICS INC.",
    "Eagle Electronics, Inc", "José María Pérez y Hijos, S.C.", "Ñandú Trading LLC", "Müller GmbH",
    "DE LA O", "S.A. de C.V.", "", "   ", "...", "Tab\tand\nnewline Co.", "O'Brien & Sons, Ltd.",
    "123 Logistics Corp", "LA PAZ SAPI DE CV", "Sociedad Anónima", "von der Heide LP", "Façade Co",
    "MCALLEN FREIGHT CORPORATION", "Distribuidora ÃXITO", "Zoë Ünal Inc",
]


def _duckdb_keys() -> dict[str, str | None]:
    """{name: key} from name_keys_ctes over a parties table holding NAMES (and a NULL)."""
    con = duckdb.connect()
    con.execute("CREATE TABLE parties(name VARCHAR)")
    con.executemany("INSERT INTO parties VALUES (?)", [[n] for n in NAMES] + [[None]])
    con.execute("CREATE TABLE trade_declarations(exporter VARCHAR, importer VARCHAR, payer VARCHAR)")
    rows = con.execute(f"WITH {name_keys_ctes(DUCKDB)} SELECT name, key FROM name_keys").fetchall()
    return {str(n): k for n, k in rows}


def test_staged_keys_equal_the_one_expression_key_and_the_python_twin() -> None:
    staged = _duckdb_keys()
    assert set(staged) == set(NAMES)  # every distinct name, NULL left out
    con = duckdb.connect()
    for name in NAMES:
        (one,), = con.execute(f"SELECT nullif({company_core_sql('coalesce($n, ' + chr(39) * 2 + ')')}, '')",
                              {"n": name}).fetchall()
        assert staged[name] == one, name
        assert staged[name] == (company_core(name) or None), name
    assert staged["Aceros del Norte, S.A. de C.V."] == staged["ACEROS DEL NORTE SA DE CV"] == "ACEROS NORTE"
    assert staged["S.A. de C.V."] is None and staged[""] is None


@pytest.mark.spark
def test_spark_gives_duckdbs_keys() -> None:
    pytest.importorskip("pyspark")
    from tenaza.store.spark_backend import literal, session

    spark = session("local[1]")
    values = ", ".join(f"({literal(n)})" for n in NAMES)
    sql = (f"WITH parties AS (SELECT * FROM VALUES {values} AS v(name)), "
           f"trade_declarations AS (SELECT name AS exporter, name AS importer, name AS payer FROM parties), "
           f"{name_keys_ctes(SPARK)} SELECT name, key FROM name_keys")
    got = {r[0]: r[1] for r in spark.sql(sql).collect()}
    # Spark's accent table covers the Latin letters of Spanish, Portuguese, French and German names
    assert got == _duckdb_keys()


@pytest.mark.parametrize("name", sorted(c.NAME for c in select() if c.NAME.startswith("cash_trade_")))
def test_trade_sql_parses_in_sqlglot_within_pythons_default_recursion_limit(name: str) -> None:
    """The one-expression key nested about 48 calls deep and sqlglot's parser spends about 24 Python
    frames a level: each trade detector's SQL raised RecursionError before a byte was transpiled."""
    cls = next(c for c in select() if c.NAME == name)
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(1000)  # Python's default, whatever the runner set
    try:
        for d, dialect in ((DUCKDB, "duckdb"), (SPARK, "spark")):
            detector = cls()
            detector.dialect = d
            tree = sqlglot.parse_one(str(detector.findings({})), read=dialect)
            assert {c.alias_or_name for c in tree.find_all(sqlglot.exp.CTE)} >= {"name_keys", "decl"}
    finally:
        sys.setrecursionlimit(limit)
