"""``tenaza resolve``: party records -> features -> Splink links -> clusters -> entities.

Every run rebuilds the entities from all the party records, the model's links and the
analysts' judgements in force, so a re-run never loses a judgement.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections import deque
from dataclasses import dataclass, field

import pyarrow as pa

from tenaza.resolve import features as F
from tenaza.resolve.cluster import cluster
from tenaza.resolve.engine import Scratch, scratch
from tenaza.resolve.identifiers import phone_e164_fast
from tenaza.resolve.judgements import current_sql
from tenaza.resolve.linkage import Levels, LinkageConfig, ModelReport, predict
from tenaza.resolve.nicknames import canonical_given, equivalents
from tenaza.resolve.phonetic import spanish_key
from tenaza.resolve.writer import write_entities
from tenaza.store import Workspace

log = logging.getLogger("tenaza")


@dataclass
class ResolveReport:
    run_id: str
    records: int = 0
    pairs_scored: int = 0
    links: int = 0
    entities: int = 0
    multi_record_entities: int = 0
    merges_applied: int = 0
    splits_applied: int = 0
    links_refused_by_splits: int = 0
    seconds: dict[str, float] = field(default_factory=dict)
    model: ModelReport = field(default_factory=ModelReport)


def _load_lookups(sx: Scratch) -> None:
    toks = [str(r[0]) for r in sx.fetch(F.distinct_tokens_sql("r_parsed", sx.d))]
    table = pa.table({"tok": toks, "canon": [canonical_given(t) for t in toks], "ph": [spanish_key(t) for t in toks],
                      "eq": pa.array([equivalents(t) for t in toks], type=pa.list_(pa.string()))})
    sx.register("r_tokens", table)
    phones = sx.fetch(F.distinct_phones_sql("r_parsed"))
    ptable = pa.table({"phone": [p for p, _ in phones], "country": [c for _, c in phones],
                       "e164": [phone_e164_fast(p, c) for p, c in phones]},
                      schema=pa.schema([("phone", pa.string()), ("country", pa.string()), ("e164", pa.string())]))
    sx.register("r_phones", ptable)


def prepare(sx: Scratch) -> int:
    """Build the scratch table ``r_features`` from the workspace's parties; return its rows."""
    sx.create("r_parsed", F.parse_sql(sx.ws("parties"), sx.d))
    _load_lookups(sx)
    sx.create("r_features", F.features_sql("r_parsed", "r_tokens", "r_phones", sx.d))
    return int(sx.fetch("SELECT count(*) FROM r_features")[0][0])


def _tree_edges(n: int, roots: list[int], used: list[tuple[int, int, str]]) -> dict[int, tuple[int, str]]:
    """Orient the spanning forest of the unions: each record -> (the record it joined, how).
    Each cluster's root is the record every path starts from and has no parent."""
    adj: dict[int, list[tuple[int, str]]] = {}
    for a, b, how in used:
        adj.setdefault(a, []).append((b, how))
        adj.setdefault(b, []).append((a, how))
    parent: dict[int, tuple[int, str]] = {}
    seen: set[int] = set()
    for r in sorted(set(roots)):
        if r in seen or r not in adj:
            continue
        seen.add(r)
        queue = deque([r])
        while queue:
            x = queue.popleft()
            for y, how in adj.get(x, ()):
                if y not in seen:
                    seen.add(y)
                    parent[y] = (x, how)
                    queue.append(y)
    return parent


def resolve(ws: Workspace, config: LinkageConfig | None = None) -> ResolveReport:
    """Resolve the workspace's party records into entities (see the module docstring)."""
    config = config or LinkageConfig()
    report = ResolveReport(run_id=uuid.uuid4().hex[:12])
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        report.seconds[name] = round(now - clock, 2)
        clock = now

    with scratch(ws.backend) as sx:
        report.records = prepare(sx)
        lap("features")
        if report.records == 0:
            write_entities(ws, sx, report.run_id, None, Levels({}), {})
            return report
        pairs, levels = (predict(sx, "r_features", config, report.model) if report.records > 1
                         else ("", Levels({})))
        lap("model")
        links: list[tuple[int, int]] = []
        if pairs:
            report.pairs_scored = int(sx.fetch(f"SELECT count(*) FROM {pairs}")[0][0])
            # the one collect to the driver: the scored links (at or above the threshold), two
            # integers each, for the union-find
            arrays = sx.fetch_columns(
                f"SELECT unique_id_l - 1 AS a, unique_id_r - 1 AS b FROM {pairs} "
                "ORDER BY match_weight DESC, unique_id_l, unique_id_r")
            links = list(zip(arrays["a"], arrays["b"], strict=True))
        judged = sx.fetch(
            f"SELECT j.decision, fa.unique_id - 1, fb.unique_id - 1 FROM ({current_sql(sx.ws('resolve_judgements'))}) j "
            "JOIN r_features fa ON fa.record_id = j.record_a JOIN r_features fb ON fb.record_id = j.record_b")
        merges = [(int(a), int(b)) for d, a, b in judged if d == "merge"]
        splits = [(int(a), int(b)) for d, a, b in judged if d == "split"]
        report.merges_applied, report.splits_applied = len(merges), len(splits)
        result = cluster(report.records, links, merges, splits)
        labels = result.labels
        report.links_refused_by_splits = result.refused_links
        parent = _tree_edges(report.records, labels, result.unions)
        lap("cluster")
        write_entities(ws, sx, report.run_id, pairs or None, levels, parent, labels)
        report.links = sum(1 for _, how in parent.values() if how == "model")
        report.entities = len(set(labels))
        counts: dict[int, int] = {}
        for r in labels:
            counts[r] = counts.get(r, 0) + 1
        report.multi_record_entities = sum(1 for c in counts.values() if c > 1)
        lap("write")
    log.info("resolve %s: %d records -> %d entities in %.1fs", report.run_id, report.records, report.entities,
             sum(report.seconds.values()))
    return report


__all__ = ["ResolveReport", "prepare", "resolve"]
