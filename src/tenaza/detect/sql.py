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


def _fx_days(d: Dialect) -> str:
    """One row per currency and day from the rates' validity periods, so that the join to the
    transactions is on equal keys (a range join on currency alone compares every row with every
    period of its currency: thousands of comparisons a row)."""
    return f"SELECT currency, {d.explode_days('valid_from', 'valid_to')} AS day, usd_per_unit FROM fx_rates"


def usd_source(d: Dialect, table: str = "transactions") -> str:
    """SQL of ``table`` (tenaza's own name) with one more column ``usd``: the amount in dollars at
    the rate of the row's own date. ``amount_usd`` wins where the source gave it; a USD amount is
    its own value; NULL where no rate covers the row's currency and date."""
    return f"""SELECT tx.*, CAST(coalesce(tx.amount_usd, CASE WHEN tx.currency = 'USD' THEN tx.amount END,
                               tx.amount * fx.usd_per_unit) AS DOUBLE) AS usd
  FROM {table} AS tx LEFT JOIN ({_fx_days(d)}) AS fx
    ON fx.currency = tx.currency AND fx.day = CAST(tx.ts AS DATE)"""
