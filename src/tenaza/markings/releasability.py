"""The releasability of a derived row: the intersection of the countries of every row behind it.

A derived row (an alert, an entity, a score) is releasable only where every row that
contributed to any of its fields is: evidence, figures, subjects and explanation alike."""

from __future__ import annotations

from collections.abc import Iterable

from tenaza.store.dialect import DUCKDB, Dialect


def intersect(sets: Iterable[Iterable[str]]) -> list[str]:
    """The countries common to every set, sorted; nothing behind a row makes it releasable nowhere."""
    common: set[str] | None = None
    for s in sets:
        common = set(s) if common is None else common & set(s)
        if not common:
            return []
    return sorted(common or [])


def intersect_sql(list_of_lists: str, d: Dialect = DUCKDB) -> str:
    """SQL of the sorted intersection of a list of country lists (an aggregate's ``list(...)``);
    an empty list where there are none."""
    common = d.array_reduce_intersect(list_of_lists)
    return d.array_sort(d.array_distinct(f"coalesce({common}, {d.empty_string_array()})"))
