"""Designation lists in the workspace, by version.

A list version is stored as one ingest of the ``designations`` table (so it carries markings
like any source) plus a row of ``designation_lists``. Loading a version screens the parties
against it and compares its hits with the previous version's: new hits and dropped hits.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa

from tenaza.errors import ListError
from tenaza.resolve.screening.lists import Entry, ListFile, read_list
from tenaza.store import Workspace

log = logging.getLogger("tenaza")


@dataclass(frozen=True)
class ListVersion:
    list_name: str
    list_id: str
    version: str
    entries: int
    names: int
    ingest_id: int


@dataclass
class LoadReport:
    version: ListVersion
    previous: str | None
    already_loaded: bool = False
    new_hits: list[str] = field(default_factory=list)
    dropped_hits: list[str] = field(default_factory=list)
    kept_hits: int = 0


def list_name(list_id: str, version: str) -> str:
    return f"{list_id} {version}"


def versions(ws: Workspace, list_id: str | None = None) -> list[ListVersion]:
    rows = ws.backend.fetch(
        "list versions", "SELECT list_name, list_id, version, entries, names, ingest_id FROM designation_lists "
        "WHERE $id IS NULL OR list_id = $id ORDER BY list_id, version", {"id": list_id})
    return [ListVersion(str(r[0]), str(r[1]), str(r[2]), int(r[3]), int(r[4]), int(r[5])) for r in rows]


def ingested(ws: Workspace) -> list[ListVersion]:
    """Lists in ``designations`` that came by `tenaza ingest` (no designation_lists row): each
    list_name is screened as a version of its own, with no previous version to compare."""
    d = ws.backend.dialect
    rows = ws.backend.fetch(
        "ingested lists", f"SELECT list_name, count(*), sum(1 + {d.array_length(f'coalesce(aliases, {d.empty_string_array()})')}), "
        "min(ingest_id) FROM designations WHERE list_name NOT IN (SELECT list_name FROM designation_lists) GROUP BY list_name "
        "ORDER BY list_name")
    return [ListVersion(str(r[0]), str(r[0]).split(" ")[0], " ".join(str(r[0]).split(" ")[1:]) or "unversioned",
                        int(r[1]), int(r[2]), int(r[3])) for r in rows]


def latest(ws: Workspace, list_id: str = "OFAC-SDN") -> ListVersion:
    found = versions(ws, list_id)
    if not found:
        raise ListError(f"no {list_id} list in {ws.path}; load one with `tenaza screen {ws.path} --list FILE`")
    return found[-1]


def _entry_row(e: Entry, name: str, ingest_id: int, line: int) -> dict[str, object]:
    return {"list_name": name, "entry_id": e.entry_id, "name": e.name,
            "kind": e.kind if e.kind in ("person", "company", "organization", "vessel", "aircraft") else "other",
            "programs": e.programs, "aliases": [a.name for a in e.aliases], "dob": "; ".join(e.dobs) or None,
            "ids": e.ids, "countries": e.countries, "addresses": e.addresses, "ingest_id": ingest_id,
            "source_row": line, "extras": json.dumps({"weak_aliases": [a.name for a in e.aliases if a.weak]})}


def store(ws: Workspace, path: Path, parsed: ListFile, releasable_to: Sequence[str],
          originator: str = "OFAC") -> tuple[ListVersion, bool]:
    """Store a parsed list version; returns it and whether it was already there."""
    name = list_name(parsed.list_id, parsed.version)
    files = list(parsed.files) or [path]
    if len(files) == 1:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    else:  # the list and its alt.csv/add.csv: a version is all of them
        h = hashlib.sha256()
        for f in files:
            h.update(f.name.encode() + b"\0" + f.read_bytes() + b"\0")
        digest = h.hexdigest()
    b = ws.backend
    known = b.fetch("list known", "SELECT content_sha256 FROM designation_lists WHERE list_name = $n", {"n": name})
    if known:
        if known[0][0] != digest:
            raise ListError(f"{name} is already loaded from a different file; a list version is loaded once")
        return next(v for v in versions(ws, parsed.list_id) if v.list_name == name), True
    if b.scalar("list ingested", "SELECT count(*) FROM designations WHERE list_name = $n", {"n": name}):
        raise ListError(f"designations already holds rows of {name!r} loaded by `tenaza ingest`; load this file "
                        f"under another version (--version {parsed.version}-full)")
    now = datetime.now(UTC).replace(tzinfo=None)
    with b.atomic("load designation list"):
        ingest_id = ws.next_ingest_id()
        ws.log_load(ingest_id, target_table="designations", source=" + ".join(f.name for f in files), path=str(path),
                    content_sha256=digest, content_bytes=sum(f.stat().st_size for f in files), file_format=parsed.file_format,
                    rows_read=len(parsed.entries), rows_accepted=len(parsed.entries), rows_quarantined=0,
                    originator=originator, releasable_to=list(releasable_to), started_at=now, seconds=0.0)
        rows = [_entry_row(e, name, ingest_id, i) for i, e in enumerate(parsed.entries, start=1)]
        columns = list(rows[0]) if rows else []
        if rows:
            table = pa.table({c: [r[c] for r in rows] for c in columns})
            with b.arrow_relation("designations_in", table) as rel:
                b.execute("store designations",
                          f"INSERT INTO designations_rows ({', '.join(columns)}) SELECT {', '.join(columns)} FROM {rel}")
        n_names = len(parsed.entries) + sum(len(e.aliases) for e in parsed.entries)
        b.execute("register list version",
                  "INSERT INTO designation_lists VALUES ($n, $id, $v, $f, $p, $h, $e, $names, $ingest, $t)",
                  {"n": name, "id": parsed.list_id, "v": parsed.version, "f": parsed.file_format, "p": str(path),
                   "h": digest, "e": len(parsed.entries), "names": n_names, "ingest": ingest_id, "t": now})
    log.info("loaded %s: %d entries", name, len(parsed.entries))
    return ListVersion(name, parsed.list_id, parsed.version, len(parsed.entries), n_names, ingest_id), False


def load(ws: Workspace, path: Path | str, *, version: str | None = None,
         releasable_to: Sequence[str] = ("MEX", "USA")) -> tuple[ListVersion, bool]:
    path = Path(path)
    return store(ws, path, read_list(path, version), releasable_to)
