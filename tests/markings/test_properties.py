"""Property tests of the markings module: the pieces every writer and every read goes through.

Each SQL piece is checked against its Python statement on the same random inputs, in DuckDB,
so the rule is stated once (in Python, readable) and the engine is held to it."""

from __future__ import annotations

from typing import Any

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tenaza.errors import TenazaError
from tenaza.markings import Viewer
from tenaza.markings.ids import ingest_of, parse_record_id, record_id, record_id_sql
from tenaza.markings.releasability import intersect, intersect_sql
from tenaza.markings.viewer import visible_sql

CON = duckdb.connect()
COUNTRIES = ("USA", "MEX", "CAN", "GTM", "COL", "ESP")
AGENCIES = ("FINCEN", "UIF", "CBP", "SAT", "ATF", "FGR")

country_sets = st.lists(st.sampled_from(COUNTRIES), max_size=4)
behind = st.lists(country_sets, min_size=1, max_size=6)


def one(sql: str, params: dict[str, Any] | None = None) -> Any:
    return CON.execute(sql, params or {}).fetchall()[0][0]


@settings(max_examples=3000, deadline=None)
@given(behind)
def test_the_sql_intersection_is_the_python_one(sets: list[list[str]]) -> None:
    assert one(f"SELECT {intersect_sql('$x')}", {"x": sets}) == intersect(sets)


@settings(max_examples=2000, deadline=None)
@given(behind, country_sets, st.randoms(use_true_random=False))
def test_a_derived_row_is_releasable_no_wider_than_any_row_behind_it(sets: list[list[str]], more: list[str],
                                                                     rnd: Any) -> None:
    got = intersect(sets)
    assert all(set(got) <= set(s) for s in sets)  # no wider than any row behind it
    assert set(got) == set.intersection(*map(set, sets))  # and exactly as wide as all of them allow
    shuffled = list(sets)
    rnd.shuffle(shuffled)
    assert intersect(shuffled) == got  # the order of the evidence does not matter
    assert set(intersect([*sets, more])) <= set(got)  # one more row never widens it


@settings(max_examples=2000, deadline=None)
@given(st.integers(min_value=1, max_value=2**40), st.integers(min_value=1, max_value=2**40))
def test_a_record_id_names_its_ingest_and_line_in_python_and_in_sql(ingest_id: int, source_row: int) -> None:
    rid = record_id(ingest_id, source_row)
    assert parse_record_id(rid) == (ingest_id, source_row)
    row = CON.execute(f"SELECT {record_id_sql('r')}, {ingest_of(record_id_sql('r'))} "
                      "FROM (SELECT $i AS ingest_id, $s AS source_row) AS r", {"i": ingest_id, "s": source_row}
                      ).fetchall()[0]
    assert row == (rid, ingest_id)


@settings(max_examples=1000, deadline=None)
@given(st.text(max_size=12))
def test_anything_else_is_not_a_record_id(text: str) -> None:
    head, sep, tail = text.partition(":")
    if sep and head.isdigit() and tail.isdigit():
        assert parse_record_id(text) == (int(head), int(tail))
    else:
        with pytest.raises(TenazaError, match="not a record id"):
            parse_record_id(text)


@settings(max_examples=3000, deadline=None)
@given(country_sets, st.sampled_from(AGENCIES), st.sampled_from(COUNTRIES), st.none() | st.sampled_from(AGENCIES))
def test_the_viewer_predicate_is_the_design_rule(releasable: list[str], originator: str, country: str,
                                                 agency: str | None) -> None:
    """DESIGN.md: a user sees a row where the user's country is in its releasable_to, or the
    user's agency is its originator."""
    rule = country in releasable or (agency is not None and agency == originator)
    got = one(f"SELECT coalesce({visible_sql('r.rel', 'r.orig')}, FALSE) FROM (SELECT $rel AS rel, $orig AS orig) AS r",
              {"rel": releasable, "orig": originator, "viewer_country": country, "viewer_agency": agency})
    assert got is rule
    # a derived row carries no originator: it is seen by country alone
    by_country = one(f"SELECT coalesce({visible_sql('r.rel', None)}, FALSE) FROM (SELECT $rel AS rel) AS r",
                     {"rel": releasable, "viewer_country": country})
    assert by_country is (country in releasable)


@settings(max_examples=1000, deadline=None)
@given(st.sampled_from(COUNTRIES), st.none() | st.sampled_from(AGENCIES), st.sampled_from(["", " "]),
       st.booleans())
def test_a_viewer_written_in_any_case_reads_back_as_itself(country: str, agency: str | None, pad: str,
                                                          lower: bool) -> None:
    v = Viewer(country, agency)
    text = f"{pad}{v}{pad}"
    assert Viewer.parse(text.lower() if lower else text) == v


@pytest.mark.parametrize(("text", "what"), [("XX", "country"), ("ZZZ", "country"), ("U$A", "country"),
                                            ("USA/bad agency!", "agency")])
def test_a_viewer_of_no_country_or_a_bad_agency_is_refused(text: str, what: str) -> None:
    with pytest.raises(TenazaError, match=f"--as .*not an ISO alpha-3 {what}|--as .*not an {what} code"):
        Viewer.parse(text)
