"""SQL pieces every detector may use, written through a Dialect so that they run on any engine."""

from __future__ import annotations

from typing import Any

from tenaza.store.dialect import Dialect


def rid(alias: str = "") -> str:
    """SQL of the record_id of a row carrying ingest_id and source_row (as the canonical views
    spell it)."""
    p = f"{alias}." if alias else ""
    return f"(CAST({p}ingest_id AS STRING) || ':' || CAST({p}source_row AS STRING))"


def bind_list(params: dict[str, Any], name: str, values: tuple[str, ...] | list[str]) -> str:
    params[name] = list(values)
    return f"${name}"


def days(d: Dialect, value: float) -> str:
    """A literal interval of ``value`` days (to the second), for window frames and comparisons:
    window frames need a literal on Spark."""
    return d.interval_seconds(value * 86400)


def saturate(x: str, half: str) -> str:
    """x / (x + half): 0 at 0, 0.5 at ``half``, towards 1 beyond; a score that never jumps."""
    return f"(CAST({x} AS DOUBLE) / (CAST({x} AS DOUBLE) + CAST({half} AS DOUBLE)))"


def account_subjects(d: Dialect, expr: str) -> str:
    """An array of account ids as alert subjects (account:ID), without NULLs or repeats."""
    kept = d.array_filter(expr, "a", "a IS NOT NULL")
    return d.array_distinct(d.array_transform(kept, "a", "'account:' || a"))
