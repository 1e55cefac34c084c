"""`tenaza screen --explain NAME`: the best candidates for one name, and why, with nothing stored.

An analyst who expected a hit that did not come asks why. Re-screening the workspace at a low
threshold would overwrite the stored hits; this screens one query (a name, and if given a kind,
a date of birth, a country and an identifier) in the scratch catalog only. It shows the best
entries by score, hits or not, each with the parts the score is made of: the name score (the
mean of the two weighted coverages, token by token: key, weight, what it matched, credit), and
the date of birth, country, identifier and kind effects. Entries named with ``entries`` are
scored even when no candidate path finds them, and are marked as no candidate, which is often
the answer.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa

from tenaza.resolve.engine import Scratch, scratch
from tenaza.resolve.screening.lists import read_list
from tenaza.resolve.screening.matcher import ScreeningConfig, token_detail_sql
from tenaza.resolve.screening.screen import score_all
from tenaza.resolve.screening.versions import ingested, list_name, versions
from tenaza.store import Workspace


@dataclass(frozen=True)
class Query:
    name: str
    kind: str = "person"
    dob: date | None = None
    country: str | None = None
    ids: tuple[str, ...] = ()  # scheme:value (curp, rfc, ssn, ein)


@dataclass
class Candidate:
    entry_id: str
    entry_name: str  # the name or alias of the entry that scored best
    is_alias: bool
    programs: list[str]
    score: float
    hit: bool
    candidate: bool  # found by a candidate path (tokens, ngrams, identifier), not only because it was asked for
    via: list[str]
    contributions: dict[str, float]  # name + dob + country + identifier + kind + replaced word, before bounds
    features: dict[str, Any]
    tokens: list[dict[str, Any]]  # the query's tokens: key, weight, matched entry token, credit
    entry_tokens: list[dict[str, Any]]

    def threshold_gap(self, threshold: float) -> float:
        return self.score - threshold


@dataclass
class Explanation:
    list_name: str
    query: dict[str, Any]
    threshold: float
    candidates: list[Candidate] = field(default_factory=list)


_QUERY_COLUMNS = ("record_id", "kind", "name", "dob", "releasable_to", "country", "nationality", "curp", "rfc",
                  "ssn", "ein", "aliases")


def _query_table(sx: Scratch, q: Query) -> None:
    ids = {k: v for k, _, v in (i.partition(":") for i in q.ids)}
    row: dict[str, list[Any]] = {
        "record_id": ["query"], "kind": [q.kind], "name": [q.name], "dob": [q.dob], "releasable_to": [[]],
        "country": [q.country.upper() if q.country else None], "nationality": [None],
        "curp": [ids.get("curp")], "rfc": [ids.get("rfc")], "ssn": [ids.get("ssn")], "ein": [ids.get("ein")],
        "aliases": [[]]}
    sx.register("s_query", pa.table({k: row[k] for k in _QUERY_COLUMNS}, schema=pa.schema([
        ("record_id", pa.string()), ("kind", pa.string()), ("name", pa.string()), ("dob", pa.date32()),
        ("releasable_to", pa.list_(pa.string())), ("country", pa.string()), ("nationality", pa.string()),
        ("curp", pa.string()), ("rfc", pa.string()), ("ssn", pa.string()), ("ein", pa.string()),
        ("aliases", pa.list_(pa.string()))])))


def _list_table(sx: Scratch, path: Path, version: str | None) -> str:
    """A list file read into the scratch catalog in the designations layout; returns its list name."""
    parsed = read_list(path, version)
    name = list_name(parsed.list_id, parsed.version)
    cols: dict[str, list[Any]] = {
        "list_name": [name] * len(parsed.entries), "entry_id": [e.entry_id for e in parsed.entries],
        "kind": [e.kind for e in parsed.entries], "name": [e.name for e in parsed.entries],
        "programs": [e.programs for e in parsed.entries], "aliases": [[a.name for a in e.aliases] for e in parsed.entries],
        "dob": ["; ".join(e.dobs) or None for e in parsed.entries], "ids": [e.ids for e in parsed.entries],
        "countries": [e.countries for e in parsed.entries],
        "extras": [json.dumps({"weak_aliases": [a.name for a in e.aliases if a.weak]}) for e in parsed.entries],
        "releasable_to": [["MEX", "USA"]] * len(parsed.entries)}
    sx.register("s_designations", pa.table(cols))  # extras as JSON text, as the workspace holds it
    return name


def _candidates(sx: Scratch, config: ScreeningConfig, top: int, entries: list[str]) -> list[Candidate]:
    rows = sx.fetch("""
      SELECT sid, nid, entry_id, entry_name, is_alias, programs, score, via, features FROM (
        SELECT *, row_number() OVER (PARTITION BY entry_id ORDER BY score DESC, is_alias, entry_name) AS best
        FROM s_scored) AS s
      WHERE best = 1
      ORDER BY score DESC, entry_id""", step="screen --explain")
    chosen = rows[:top] + [r for r in rows[top:] if str(r[2]) in entries]
    if not chosen:
        return []
    sx.register("s_pairs", pa.table({"sid": pa.array([int(r[0]) for r in chosen], pa.int64()),
                                     "nid": pa.array([int(r[1]) for r in chosen], pa.int64())}))
    detail: dict[tuple[int, int, str], list[dict[str, Any]]] = {}
    for sid, nid, side, tok, key, weight, matched, credit in sx.fetch(
            token_detail_sql("s_pairs", "s_subjects", "s_names", "s_keys", config, sx.d)
            + " ORDER BY sid, nid, side, weight DESC, tok", step="screen --explain"):
        detail.setdefault((int(sid), int(nid), str(side)), []).append(
            {"token": tok, "key": key, "weight": round(float(weight), 3), "matched": matched,
             "credit": round(float(credit or 0.0), 3)})
    out = []
    for sid, nid, entry_id, entry_name, is_alias, programs, score, via, features in chosen:
        f = json.loads(features)
        ident = f["identifier"]["effect"]
        parts = {"name": float(f["name"]["score"]), "dob": float(f["dob"]["effect"]),
                 "country": float(f["country"]["effect"]),
                 "identifier": 0.0 if str(ident).startswith("floor") else float(ident),
                 "kind": float(f["kind"]["effect"]),
                 "replaced word": float(f["name"].get("substitution_effect") or 0.0)}
        found_by = [v for v in (via or []) if v != "forced"]
        out.append(Candidate(str(entry_id), str(entry_name), bool(is_alias), list(programs or []), float(score),
                             float(score) >= config.threshold and bool(found_by), bool(found_by), list(via or []),
                             parts, f, detail.get((int(sid), int(nid), "party"), []),
                             detail.get((int(sid), int(nid), "entry"), [])))
    return out


def explain_name(ws: Workspace, query: Query, config: ScreeningConfig | None = None, *, top: int = 5,
                 entries: list[str] | None = None, list_file: Path | None = None,
                 version: str | None = None) -> list[Explanation]:
    """Explain ``query`` against every list the workspace holds (the latest version of each), or
    against ``list_file`` read into the scratch catalog, or the shipped SDN list when the workspace
    has none. Reads only: nothing is written to the workspace."""
    from tenaza.resolve.screening.pairs import SDN

    config = config or ScreeningConfig()
    loose = config.model_copy(update={"prefilter": 0.0})
    entries = list(entries or [])
    targets: list[str | Path] = []
    if list_file is not None:
        targets = [list_file]
    else:
        latest = {v.list_id: v.list_name for v in versions(ws)}
        targets = [*latest.values(), *(v.list_name for v in ingested(ws))] or [SDN]
    out = []
    with scratch(ws.backend) as sx:
        _query_table(sx, query)
        for target in targets:
            if isinstance(target, Path):
                name, relation = _list_table(sx, target, version), "s_designations"
            else:
                name, relation = target, sx.ws("designations")
            score_all(sx, name, loose, parties="s_query", designations=relation, forced_entries=entries)
            out.append(Explanation(name, {"name": query.name, "kind": query.kind,
                                          "dob": query.dob.isoformat() if query.dob else None,
                                          "country": query.country, "ids": list(query.ids)},
                                   config.threshold, _candidates(sx, config, top, entries)))
    return out
