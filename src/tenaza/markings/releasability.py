"""The releasability of a derived row: the intersection of the countries of every row behind it.

A derived row (an alert, an entity, a score) is releasable only where every row that
contributed to any of its fields is: evidence, figures, subjects and explanation alike."""

from __future__ import annotations

from collections.abc import Iterable


def intersect(sets: Iterable[Iterable[str]]) -> list[str]:
    """The countries common to every set, sorted; nothing behind a row makes it releasable nowhere."""
    common: set[str] | None = None
    for s in sets:
        common = set(s) if common is None else common & set(s)
        if not common:
            return []
    return sorted(common or [])


def intersect_sql(list_of_lists: str) -> str:
    """SQL of the sorted intersection of a list of country lists (an aggregate's ``list(...)``)."""
    return f"list_sort(list_distinct(coalesce(list_reduce({list_of_lists}, lambda a, b: list_intersect(a, b)), [])))"
