"""Analysts' merge and split judgements on pairs of party records.

Judgements are kept on records, not on entities: entity ids change when clusters change,
records do not. An analyst who names an entity is taken to mean one of its records (merge)
or all of them (split: the record is detached from every other member). The latest
judgement on a pair replaces the earlier ones, so a judgement can be reversed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from tenaza.errors import JudgementError
from tenaza.store import Workspace

Decision = Literal["merge", "split"]


@dataclass(frozen=True)
class Judgement:
    judgement_id: int
    decision: Decision
    record_a: str
    record_b: str
    analyst: str
    reason: str | None
    created_at: datetime


def _records_of(ws: Workspace, ref: str) -> list[str]:
    """The record ids a reference means: a record id, or every member of an entity id."""
    b = ws.backend
    if ref.startswith("E-"):
        rows = b.fetch("judge: entity members", "SELECT record_id FROM entity_members WHERE entity_id = $e "
                       "ORDER BY record_id", {"e": ref})
        if not rows:
            raise JudgementError(f"no entity {ref!r} in {ws.path}; run `tenaza resolve` first or name a record")
        return [str(r[0]) for r in rows]
    if not b.scalar("judge: record exists", "SELECT count(*) FROM parties WHERE record_id = $r", {"r": ref}):
        raise JudgementError(f"no party record {ref!r} in {ws.path} (record ids look like 3:17)")
    return [ref]


def judge(ws: Workspace, decision: Decision, a: str, b: str, analyst: str, reason: str | None = None) -> list[Judgement]:
    """Record a judgement between ``a`` and ``b`` (record ids or entity ids).

    merge: the two are the same party (one record of each is enough: clustering joins the rest).
    split: the two are different; every record of ``a`` is kept apart from every record of ``b``.
    """
    if decision not in ("merge", "split"):
        raise JudgementError(f"decision must be merge or split, not {decision!r}")
    recs_a, recs_b = _records_of(ws, a), _records_of(ws, b)
    if decision == "merge":
        pairs = [(recs_a[0], recs_b[0])]
    else:
        pairs = [(x, y) for x in recs_a for y in recs_b if x != y]
        if not pairs:
            raise JudgementError("cannot split a record from itself")
    now = datetime.now(UTC).replace(tzinfo=None)
    out: list[Judgement] = []
    with ws.backend.transaction("judge"):
        start = int(ws.backend.scalar("judge: next id", "SELECT coalesce(max(judgement_id), 0) FROM resolve_judgements"))
        for i, (x, y) in enumerate(pairs, start=1):
            x, y = min(x, y), max(x, y)
            ws.backend.execute("judge: insert",
                               "INSERT INTO resolve_judgements VALUES ($id, $d, $a, $b, $an, $r, $t)",
                               {"id": start + i, "d": decision, "a": x, "b": y, "an": analyst, "r": reason, "t": now})
            out.append(Judgement(start + i, decision, x, y, analyst, reason, now))
    return out


def current_sql(judgements: str = "resolve_judgements") -> str:
    """The judgements in force, the latest on each pair of records, from the table ``judgements``
    (in SQL both engines read: Spark has no QUALIFY)."""
    return ("SELECT judgement_id, decision, record_a, record_b, analyst, reason, created_at FROM ("
            "SELECT *, row_number() OVER (PARTITION BY record_a, record_b ORDER BY judgement_id DESC) AS _latest "
            f"FROM {judgements}) AS _j WHERE _latest = 1")


CURRENT_SQL = current_sql() + " ORDER BY judgement_id"


def current(ws: Workspace) -> list[Judgement]:
    """The judgements in force: the latest per pair of records."""
    return [Judgement(int(r[0]), r[1], str(r[2]), str(r[3]), str(r[4]), r[5], r[6])
            for r in ws.backend.fetch("judgements in force", CURRENT_SQL)]
