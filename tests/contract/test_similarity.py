"""The Jaro-Winkler the Spark backend registers gives DuckDB's figures, so that a detector that
compares names (bulk cash's holders) decides the same on either engine."""

from __future__ import annotations

import random

import duckdb
import pytest

from tenaza.store.similarity import jaro_winkler


def _pairs() -> list[tuple[str, str]]:
    rng = random.Random(7)
    words = [("martha", "marhta"), ("dixon", "dicksonx"), ("casa de cambio norte", "casa de canbio norte"),
             ("", ""), ("", "abc"), ("abc", "abc"), ("a", "b"), ("peña", "pena")]
    for _ in range(400):
        a = "".join(rng.choice("abcdeñ ") for _ in range(rng.randint(0, 14)))
        b = "".join(rng.choice("abcdeñ ") for _ in range(rng.randint(0, 14)))
        words.append((a, b))
    return words


def test_jaro_winkler_equals_duckdbs() -> None:
    con = duckdb.connect()
    pairs = _pairs()
    got = [jaro_winkler(a, b) for a, b in pairs]
    want = [con.execute("SELECT jaro_winkler_similarity(?, ?)", [a, b]).fetchone()[0] for a, b in pairs]  # type: ignore[index]
    assert got == pytest.approx(want, abs=1e-12)
    assert jaro_winkler(None, "x") is None
