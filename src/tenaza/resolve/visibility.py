"""Entities and hits as one user may see them.

A user sees a party record where the user's country is in the record's releasable_to, or the
user's agency is its originator (DESIGN.md). An entity must never reveal a record its user
may not see, not even that it exists. So an entity is shown to a user from the records the
user may see, and only through the links between those records:

* every record visible: the entity as stored;
* some records visible: the visible records, grouped by the links (``entity_members.linked_to``)
  whose both ends are visible. Where a hidden record was the link between two visible ones,
  they are shown as separate entities: the join rests on evidence the user may not see.
  Each group gets the id an entity of those records alone would get (E- and a hash of its
  smallest record_id), names, identifiers and dates from its records alone, and no count,
  reference or hint of the hidden ones;
* no record visible: nothing.

The filter is part of each query (records the user may not see never leave the engine).
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from tenaza.markings.viewer import visible_sql
from tenaza.store import Workspace
from tenaza.store.dialect import Dialect


def _visible(d: Dialect) -> str:
    """The party record ``p`` is one the viewer (bound as $viewer_country, $viewer_agency) may see."""
    return visible_sql("p.releasable_to", "p.originator", d)


@dataclass(frozen=True)
class Viewer:
    country: str  # ISO alpha-3
    agency: str | None = None


@dataclass(frozen=True)
class MemberView:
    record_id: str
    name: str
    source: str
    originator: str
    linked_to: str | None
    joined_by: str
    match_probability: float | None
    weights: dict[str, Any] | None


@dataclass
class EntityView:
    entity_id: str
    kind: str
    canonical_name: str
    names: list[str]
    identifiers: list[str]
    dob: date | None
    members: list[MemberView] = field(default_factory=list)


def _bound(viewer: Viewer) -> dict[str, str | None]:
    return {"viewer_country": viewer.country, "viewer_agency": viewer.agency}


def entity_id_of(record_ids: list[str]) -> str:
    """The id of an entity made of these records (same rule as the resolve writer)."""
    return "E-" + hashlib.md5(min(record_ids).encode(), usedforsecurity=False).hexdigest()[:12]


_MEMBERS_SQL = """
SELECT m.record_id, m.linked_to, m.joined_by, m.match_probability, m.weights,
       p.name, p.aliases, p.kind, p.dob, p.curp, p.rfc, p.ssn, p.ein, p.source, p.originator,
       p.given_names, p.paternal_surname
FROM entity_members m JOIN parties p USING (record_id)
WHERE m.entity_id = $entity AND {visible}
ORDER BY m.record_id
"""


def _fullness(name: str) -> tuple[int, int, int]:
    """Most name parts, then most accented letters (folded copies lose them), then longest."""
    return (len(name.replace(",", " ").split()), sum(1 for c in name if ord(c) > 126), len(name))


def entity_for(ws: Workspace, entity_id: str, viewer: Viewer) -> list[EntityView]:
    """What ``viewer`` may see of an entity: one view, several (split where hidden records
    were the links), or none."""
    rows = ws.backend.fetch("entity for viewer", _MEMBERS_SQL.format(visible=_visible(ws.backend.dialect)),
                            {"entity": entity_id, **_bound(viewer)})
    if not rows:
        return []
    by_id = {str(r[0]): r for r in rows}
    parent = {rid: rid for rid in by_id}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for rid, r in by_id.items():
        link = r[1]
        if link is not None and str(link) in by_id:
            parent[find(rid)] = find(str(link))
    groups: dict[str, list[str]] = {}
    for rid in by_id:
        groups.setdefault(find(rid), []).append(rid)
    views = []
    for members in groups.values():
        recs = [by_id[m] for m in sorted(members)]
        names = sorted({str(r[5]) for r in recs} | {str(a) for r in recs for a in (r[6] or [])})
        ids = sorted({f"{k}:{v}" for r in recs for k, v in zip(("curp", "rfc", "ssn", "ein"), r[9:13], strict=True)
                      if v})
        dobs = Counter(r[8] for r in recs if r[8] is not None)
        view = EntityView(entity_id_of([str(r[0]) for r in recs]), Counter(str(r[7]) for r in recs).most_common(1)[0][0],
                          max((str(r[5]) for r in recs), key=_fullness), names, ids,
                          dobs.most_common(1)[0][0] if dobs else None)
        for r in recs:
            link = str(r[1]) if r[1] is not None and str(r[1]) in members else None
            view.members.append(MemberView(
                str(r[0]), str(r[5]), str(r[13]), str(r[14]), link,
                str(r[2]) if link else "single",
                float(r[3]) if link and r[3] is not None else None,
                json.loads(r[4]) if link and r[4] else None))
        views.append(view)
    return sorted(views, key=lambda v: v.entity_id)


def entity_of_record(ws: Workspace, record_id: str, viewer: Viewer) -> EntityView | None:
    """The view, for ``viewer``, of the entity holding ``record_id`` (if the viewer may see it)."""
    entity = ws.backend.scalar(
        "entity of record", f"SELECT m.entity_id FROM entity_members m JOIN parties p USING (record_id) "
        f"WHERE m.record_id = $r AND {_visible(ws.backend.dialect)}", {"r": record_id, **_bound(viewer)})
    if entity is None:
        return None
    return next((v for v in entity_for(ws, str(entity), viewer) if any(m.record_id == record_id for m in v.members)),
                None)


def hits_for(ws: Workspace, viewer: Viewer, limit: int = 100) -> list[tuple[Any, ...]]:
    """Screening hits on records the viewer may see, strongest first."""
    return ws.backend.fetch(
        "hits for viewer",
        f"SELECT h.hit_id, h.list_name, h.entry_id, h.entry_name, h.record_id, h.party_name, h.score, h.explanation, "
        f"h.status FROM screening_hits h JOIN parties p USING (record_id) WHERE {_visible(ws.backend.dialect)} "
        "ORDER BY h.score DESC, h.hit_id LIMIT $limit",
        {**_bound(viewer), "limit": limit})
