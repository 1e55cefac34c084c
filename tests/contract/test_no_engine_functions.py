"""No module outside the dialects names an engine-specific function (issue 8).

SQL is built in f-strings, so the SQL a module *could* produce is not at hand without running it;
what is at hand is its source. The test reads every module's string literals with ``ast`` (an
f-string's literal parts, each ``{...}`` read as a placeholder; docstrings left out, comments
never seen) and looks in them for a curated list of DuckDB spellings that Spark SQL reads
differently or not at all. A module that needs one asks ``tenaza.store.dialect`` for it instead,
so that a second engine is a dialect change, not a hunt through the modules.

The modules allowed to spell DuckDB directly are listed below, each with its reason. An entry that
no longer names one fails the test too, so the list only shrinks.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "tenaza"

# The engines themselves: where each engine's spelling belongs.
ENGINES = {
    "store/dialect.py",          # every engine's spelling of every named operation
    "store/duckdb_backend.py",   # the DuckDB engine (connection, ATTACH, COPY, Parquet export)
    "store/spark_backend.py",    # the Spark engine (its UDFs and table folders)
}

# Modules still allowed to spell DuckDB SQL, and why. Empty since 2026-12-04 (screening, the
# viewer's join filter and the resolve scratch were the last); never grow it without a reason.
ALLOWED: dict[str, str] = {
}

# (name, pattern): DuckDB spellings Spark SQL lacks or reads differently. Word-bounded, case as
# the code writes SQL (lower-case functions, upper-case keywords). Not here, because Spark 4 reads
# them the same: try_cast(x AS type), levenshtein, median, flatten, split_part, INTERVAL 2 DAY.
FORBIDDEN: list[tuple[str, re.Pattern[str]]] = [(n, re.compile(p)) for n, p in [
    ("list_* function", r"\blist_[a-z_]+\s*\("),
    ("list() aggregate", r"\blist\s*\(\s*(DISTINCT\b|[a-z_][\w.]*\s*[)]|[a-z_][\w.]*\s+ORDER\b)"),
    ("regexp_* function", r"\bregexp_(matches|full_match|replace|extract|extract_all|split_to_array)\s*\("),
    ("json function", r"\bjson_(object|merge_patch|extract|extract_string|valid|type|keys|exists|group_object)\s*\("),
    ("struct_pack", r"\bstruct_pack\s*\("),
    ("string_split", r"\bstring_split(_regex)?\s*\("),
    ("array_to_string", r"\barray_to_string\s*\("),
    ("strip_accents", r"\bstrip_accents\s*\("),
    ("nfc_normalize", r"\bnfc_normalize\s*\("),
    ("epoch", r"\bepoch(_ms)?\s*\("),
    ("date_diff", r"\bdate_diff\s*\("),
    ("strftime/strptime", r"\b(strftime|try_strptime|strptime)\s*\("),
    ("to_seconds/to_days", r"\bto_(seconds|days)\s*\("),
    ("map_extract", r"\bmap_extract(_value)?\s*\("),
    ("unnest", r"\bunnest\s*\("),
    ("generate_series", r"\bgenerate_series\s*\("),
    ("arg_max/arg_min", r"\barg_(max|min)\s*\("),
    ("len()", r"(?<![\w.])len\s*\("),
    ("format() with {}", r"\bformat\s*\(\s*'[^']*\{"),
    ("jaro_winkler_similarity", r"\bjaro_winkler_similarity\s*\("),
    ("damerau_levenshtein", r"\bdamerau_levenshtein\s*\("),
    ("QUALIFY", r"\bQUALIFY\b"),
    ("* EXCLUDE", r"\bEXCLUDE\s*\("),
    ("* REPLACE", r"\*\s*REPLACE\s*\("),
    ("lambda", r"\blambda\s+[a-z_]\w*(\s*,\s*[a-z_]\w*)*\s*:"),
    ("-> lambda", r"[(,]\s*(\([a-z_]\w*(\s*,\s*[a-z_]\w*)*\)|[a-z_]\w*)\s*->\s*[\w(]"),  # an argument
    ("read_csv/read_parquet", r"\bread_(csv|csv_auto|parquet|json|json_auto|ndjson)\s*\("),
    ("ATTACH", r"\b(ATTACH|DETACH)\s+(DATABASE\b|IF\b|'|\{|\$)"),  # the statement, not the word
    # Spark reads VARCHAR only with a length (VARCHAR(10)); STRING is the type both engines read
    ("CAST AS VARCHAR", r"\bAS\s+VARCHAR\s*\)"),
    ("TEMP TABLE", r"\bTEMP(ORARY)?\s+TABLE\b"),  # Spark has temp views: Backend.temp_table
]]


def _docstrings(tree: ast.AST) -> set[int]:
    """The ids of the docstring nodes (module, class and function), which are prose, not SQL."""
    out: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                out.add(id(body[0].value))
    return out


def _literals(source: str) -> list[tuple[int, str]]:
    """(line, text) of every string literal; an f-string's ``{...}`` parts read as ``{}``."""
    tree = ast.parse(source)
    skip = _docstrings(tree)
    inner: set[int] = set()  # the literal parts of f-strings, read with their f-string
    out: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            parts = []
            for v in node.values:
                inner.add(id(v))
                parts.append(v.value if isinstance(v, ast.Constant) and isinstance(v.value, str) else "{}")
            out.append((node.lineno, "".join(parts)))
    for node in ast.walk(tree):
        if (isinstance(node, ast.Constant) and isinstance(node.value, str)
                and id(node) not in skip and id(node) not in inner):
            out.append((node.lineno, node.value))
    return out


def findings(source: str) -> list[tuple[int, str, str]]:
    """(line, what, the text found) for each engine-specific spelling in the source's literals."""
    out = []
    for line, text in _literals(source):
        for name, pattern in FORBIDDEN:
            for m in pattern.finditer(text):
                out.append((line, name, m.group(0)))
    return sorted(out)


def _modules() -> list[str]:
    return sorted(p.relative_to(SRC).as_posix() for p in SRC.rglob("*.py"))


def _allowed(module: str) -> bool:
    return module in ENGINES or any(module == a or (a.endswith("/") and module.startswith(a)) for a in ALLOWED)


def test_no_module_outside_the_dialects_names_an_engine_function() -> None:
    problems = []
    for module in _modules():
        if _allowed(module):
            continue
        for line, name, text in findings((SRC / module).read_text(encoding="utf-8")):
            problems.append(f"{module}:{line}: {name} ({text!r}): ask the dialect (tenaza.store.dialect)")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("entry", sorted(ALLOWED))
def test_every_allowed_module_still_needs_to_be(entry: str) -> None:
    """An allow-list entry whose modules name no engine function any longer must leave the list."""
    modules = [m for m in _modules() if m == entry or (entry.endswith("/") and m.startswith(entry))]
    assert modules, f"{entry} names no module"
    assert any(findings((SRC / m).read_text(encoding="utf-8")) for m in modules), \
        f"{entry} names no engine function any more: take it off ALLOWED"


def test_the_scan_finds_a_new_list_filter_in_a_pillar() -> None:
    source = '''
def detect(d):
    """A docstring may say list_filter(x) freely."""
    col = "evidence"
    return f"SELECT list_filter({col}, lambda e: e IS NOT NULL) FROM alerts"
'''
    found = findings(source)
    assert (5, "list_* function", "list_filter(") in found
    assert (5, "lambda", "lambda e:") in found
    assert all(line != 3 for line, _, _ in found)  # the docstring is prose


def test_the_scan_reads_what_the_dialect_writes() -> None:
    """The patterns catch the DuckDB spellings the dialect hands out (so a module pasting the
    dialect's output by hand is caught), and none of the Spark ones but the lambda arrow."""
    from tenaza.store.dialect import DUCKDB, SPARK, Dialect

    def sample(d: Dialect) -> list[str]:
        return [d.array_filter("xs", "x", "x > 0"), d.array_contains("xs", "1"), d.array_join("xs", "','"),
                d.regex_match("t", "'a'"), d.json_object(("k", "v")), d.days_between("a", "b"),
                d.epoch_seconds("t"), d.star_except("c"), d.list_agg("x")]

    duck = sample(DUCKDB)
    assert all(findings(f"q = {s!r}") for s in duck), [s for s in duck if not findings(f"q = {s!r}")]
    spark = [s for s in sample(SPARK) if "->" not in s]
    assert not any(findings(f"q = {s!r}") for s in spark), [findings(f"q = {s!r}") for s in spark]
