"""``tenaza screen``: screen every party record against a list version and store the hits.

Hits carry the hit id ``<list_id>:<entry_id>:<record_id>``, the same across versions, so a
newer version's hits can be compared with the previous version's: new ones and dropped ones.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pyarrow as pa

from tenaza.resolve.engine import Scratch, scratch
from tenaza.resolve.nicknames import canonical_given
from tenaza.resolve.phonetic import spanish_key
from tenaza.resolve.screening.matcher import (
    ScreeningConfig,
    candidates_sql,
    identifier_candidates_sql,
    list_names_sql,
    score_sql,
    subjects_sql,
)
from tenaza.resolve.screening.versions import ListVersion, latest, versions
from tenaza.resolve.screening.vocabulary import groups
from tenaza.store import Workspace

log = logging.getLogger("tenaza")


@dataclass(frozen=True)
class Hit:
    hit_id: str
    record_id: str
    entry_id: str
    party_name: str
    entry_name: str
    programs: list[str]
    score: float
    name_score: float
    features: dict[str, Any]
    explanation: str
    status: str


@dataclass
class ScreenReport:
    list_name: str
    previous: str | None
    names_screened: int = 0
    candidates: int = 0
    hits: list[Hit] = field(default_factory=list)
    new: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    seconds: float = 0.0


def token_key(tok: str, org: dict[str, str] | None = None) -> str:
    """The key tokens are matched on: an organization word's group (GOLFO, GULF -> ORG:GULF),
    else the Spanish phonetic key of the canonical form (nicknames resolved)."""
    table = groups() if org is None else org
    return table.get(tok) or spanish_key(canonical_given(tok))


def explain(party: str, entry: str, programs: list[str], score: float, f: dict[str, Any], threshold: float) -> str:
    parts = [f"{party!r} matches {entry!r}" + (f" ({', '.join(programs)})" if programs else "")
             + f" with name score {f['name']['score']:.2f}"]
    if f["name"].get("weak_alias"):
        parts.append("a weak alias (counted at a discount)")
    dob = f["dob"]
    if dob["effect"]:
        verb = "agrees" if dob["effect"] > 0 else "disagrees"
        parts.append(f"date of birth {dob['party']} {verb} with {dob['entry']!r} ({dob['effect']:+.2f})")
    country = f["country"]
    if country["effect"]:
        verb = "shared" if country["effect"] > 0 else "not shared"
        parts.append(f"country {verb} ({country['effect']:+.2f})")
    ident = f["identifier"]
    if ident["shared"]:
        parts.append(f"identifier {', '.join(ident['shared'])} shared (score at least {ident['effect'].split()[-1]})")
    elif ident["effect"] not in ("0", "0.0"):
        parts.append(f"identifiers of the same kind differ ({float(ident['effect']):+.2f})")
    if f["kind"]["effect"]:
        parts.append(f"a {f['kind']['party']} against a {f['kind']['entry']} entry ({f['kind']['effect']:+.2f})")
    if f["name"].get("substitution_effect"):
        parts.append(f"a word replaced ({', '.join(f['name']['unmatched_party'])} for "
                     f"{', '.join(f['name']['unmatched_entry'])}: {f['name']['substitution_effect']:+.2f})")
    return "; ".join(parts) + f"; score {score:.2f} >= {threshold:.2f}."


def _keys(sx: Scratch, config: ScreeningConfig) -> None:
    org = groups(config.org_words_file)
    toks = [str(r[0]) for r in sx.fetch(
        f"SELECT DISTINCT t FROM (SELECT {sx.d.explode('toks')} AS t FROM s_names "
        f"UNION ALL SELECT {sx.d.explode('toks')} FROM s_subjects) AS x", step="screen")]
    sx.register("s_keys", pa.table({"tok": pa.array(toks, pa.string()),
                                    "key": pa.array([token_key(t, org) for t in toks], pa.string())}))


def score_all(sx: Scratch, list_name: str, config: ScreeningConfig, *, parties: str | None = None,
              designations: str | None = None, forced_entries: list[str] | None = None) -> tuple[int, int]:
    """Fill the scratch table ``s_scored`` for every party name against ``list_name``.

    ``parties`` and ``designations`` name the relations to read (default: the workspace's
    parties and designations); `screen --explain` passes scratch tables of its own. The
    names of ``forced_entries`` are scored against every party name even when they are no
    candidate (``via`` then says 'forced')."""
    d = sx.d
    forms = config.legal_forms()
    sx.create("s_names", f"SELECT {d.row_id()} AS nid, * FROM ("
              + list_names_sql(designations or sx.ws("designations"), forms, d=d) + ") AS x",
              {"list_name": list_name}, step="screen")
    sx.create("s_subjects", f"SELECT {d.row_id()} AS sid, * FROM ("
              + subjects_sql(parties or sx.ws("parties"), forms, d) + ") AS x", step="screen")
    _keys(sx, config)
    forced = None
    if forced_entries:
        sx.create("s_forced", "SELECT s.sid, n.nid FROM s_subjects s, s_names n WHERE "
                  + d.array_contains("$e", "n.entry_id"), {"e": list(forced_entries)}, step="screen")
        forced = "s_forced"
    sx.create("s_named", candidates_sql("s_subjects", "s_names", "s_keys", config, forced, d), step="screen")
    # Identifier matches are candidates whatever the names say.
    sx.create("s_cands", identifier_candidates_sql("s_subjects", "s_names", "s_named", d), step="screen")
    sx.drop("s_named")
    sx.create("s_scored", score_sql("s_cands", "s_subjects", "s_names", config, d), step="screen")
    subjects = int(sx.fetch("SELECT count(*) FROM s_subjects", step="screen")[0][0])
    cands = int(sx.fetch("SELECT count(*) FROM s_cands", step="screen")[0][0])
    return subjects, cands


_HITS = pa.schema([
    ("hit_id", pa.string()), ("list_name", pa.string()), ("entry_id", pa.string()), ("entry_name", pa.string()),
    ("programs", pa.list_(pa.string())), ("record_id", pa.string()), ("entity_id", pa.string()),
    ("party_name", pa.string()), ("score", pa.float64()), ("name_score", pa.float64()), ("features", pa.string()),
    ("explanation", pa.string()), ("status", pa.string()), ("screened_at", pa.timestamp("us")),
    ("releasable_to", pa.list_(pa.string()))])


def screen(ws: Workspace, version: ListVersion | None = None, config: ScreeningConfig | None = None) -> ScreenReport:
    """Screen the workspace's parties against ``version`` (default: the latest OFAC SDN)."""
    config = config or ScreeningConfig()
    version = version or latest(ws)
    registered = {v.list_name for v in versions(ws, version.list_id)}
    older = [v for v in versions(ws, version.list_id) if v.version < version.version] \
        if version.list_name in registered else []
    previous = older[-1].list_name if older else None
    started = time.perf_counter()
    report = ScreenReport(version.list_name, previous)
    with scratch(ws.backend) as sx:
        report.names_screened, report.candidates = score_all(sx, version.list_name, config)
        d = sx.d
        rows = sx.fetch(f"""
          SELECT record_id, entry_id, entry_name, programs, party_name, name_score, score, features, rel, entity_id
          FROM (
            SELECT s.record_id, s.entry_id, s.entry_name, s.programs, s.party_name, s.name_score, s.score, s.features,
                   {d.array_sort(d.array_intersect("s.party_rel", "s.entry_rel"))} AS rel, m.entity_id,
                   row_number() OVER (PARTITION BY s.record_id, s.entry_id
                                      ORDER BY s.score DESC, s.is_alias, s.entry_name, s.party_name) AS best
            FROM s_scored s LEFT JOIN {sx.ws('entity_members')} m ON m.record_id = s.record_id
            WHERE s.score >= $t) AS h
          WHERE best = 1
          ORDER BY score DESC, record_id, entry_id""", {"t": config.threshold}, step="screen")
    before = {str(r[0]) for r in ws.backend.fetch(
        "previous hits", "SELECT hit_id FROM screening_hits WHERE list_name = $p", {"p": previous})} if previous else set()
    now = datetime.now(UTC).replace(tzinfo=None)
    out: dict[str, list[Any]] = {k: [] for k in (
        "hit_id", "list_name", "entry_id", "entry_name", "programs", "record_id", "entity_id", "party_name", "score",
        "name_score", "features", "explanation", "status", "screened_at", "releasable_to")}
    for record_id, entry_id, entry_name, programs, party_name, name_score, score, features, rel, entity_id in rows:
        hit_id = f"{version.list_id}:{entry_id}:{record_id}"
        feats = json.loads(features)
        status = "kept" if hit_id in before else "new"
        hit = Hit(hit_id, record_id, entry_id, party_name, entry_name, list(programs or []), float(score),
                  float(name_score), feats, explain(party_name, entry_name, list(programs or []), float(score), feats,
                                                    config.threshold), status)
        report.hits.append(hit)
        for k, v in (("hit_id", hit_id), ("list_name", version.list_name), ("entry_id", entry_id),
                     ("entry_name", entry_name), ("programs", hit.programs), ("record_id", record_id),
                     ("entity_id", entity_id), ("party_name", party_name), ("score", round(hit.score, 4)),
                     ("name_score", round(hit.name_score, 4)), ("features", features),
                     ("explanation", hit.explanation), ("status", status), ("screened_at", now), ("releasable_to", rel)):
            out[k].append(v)
    current = set(out["hit_id"])
    report.new = sorted(h for h in current if h not in before) if previous else sorted(current)
    report.dropped = sorted(before - current)
    cols = list(out)
    with ws.backend.arrow_relation("screening_hits_in", pa.table(out, schema=_HITS)) as rel:
        ws.backend.replace_rows("screen: write hits", "screening_hits", "list_name = $n", cols,
                                f"SELECT {', '.join(cols)} FROM {rel}", {"n": version.list_name})
    report.seconds = round(time.perf_counter() - started, 2)
    log.info("screened %d names against %s: %d hits (%d new, %d dropped) in %.1fs", report.names_screened,
             version.list_name, len(report.hits), len(report.new), len(report.dropped), report.seconds)
    return report
