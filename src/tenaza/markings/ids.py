"""The record id: ``<ingest_id>:<source_row>``, the one way a row is named across the workspace.

Every canonical row is named by the ingest that loaded it and the line it starts on, so a
record id says where the row came from and, through ``ingest_log``, how it is marked."""

from __future__ import annotations

from tenaza.errors import TenazaError


def record_id(ingest_id: int, source_row: int) -> str:
    return f"{ingest_id}:{source_row}"


def parse_record_id(text: str) -> tuple[int, int]:
    """(ingest_id, source_row) of a record id; ``TenazaError`` naming the text otherwise."""
    head, sep, tail = text.partition(":")
    if not sep or not head.isdigit() or not tail.isdigit():
        raise TenazaError(f"{text!r} is not a record id (expected <ingest_id>:<source_row>, e.g. 3:120)")
    return int(head), int(tail)


def record_id_sql(prefix: str = "") -> str:
    """SQL of the record id of a stored row (columns ``ingest_id`` and ``source_row``)."""
    p = f"{prefix}." if prefix else ""
    return f"(CAST({p}ingest_id AS STRING) || ':' || CAST({p}source_row AS STRING))"


def ingest_of(record_id_expr: str) -> str:
    """SQL of the ingest_id inside a record id expression."""
    return f"CAST(split_part({record_id_expr}, ':', 1) AS BIGINT)"
