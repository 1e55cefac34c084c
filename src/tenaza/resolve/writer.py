"""Write a resolve run's clusters to the ``entities`` and ``entity_members`` tables.

Each member row keeps the one link that attached the record to its entity (the spanning tree
of the unions, oriented from the entity's first record), with that link's match weight per
comparison, so every join can be explained, and so that a user who may not see a record is
never shown a join that rests on it (``visibility.py``).
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime

import pyarrow as pa

from tenaza.markings.releasability import intersect_sql
from tenaza.resolve.engine import Scratch
from tenaza.resolve.features import _lit
from tenaza.resolve.linkage import Levels
from tenaza.store import Workspace
from tenaza.store.dialect import DUCKDB, Dialect, ident

log = logging.getLogger("tenaza")


def weights_sql(levels: Levels, columns: set[str], d: Dialect = DUCKDB) -> str:
    """A JSON object of each comparison's level and match weight, from Splink's columns, and
    the prior's weight (log2 of the prior odds) under ``prior``: their sum is the pair's
    match weight, and 2^w / (1 + 2^w) its match probability."""
    parts: list[tuple[str, str]] = []
    if levels.prior_weight is not None:
        parts.append(("prior", d.json_record(("level", _lit(f"p = {levels.prior:.3g}")),
                                             ("weight", str(round(levels.prior_weight, 2))))))
    for name, labels in levels.labels.items():
        gamma, mw, tf = f"gamma_{name}", f"mw_{name}", f"mw_tf_adj_{name}"
        if gamma not in columns:
            continue
        case = " ".join(f"WHEN {int(k)} THEN {_lit(v)}" for k, v in sorted(labels.items()))
        weight = f"p.{ident(mw)}" if mw in columns else "NULL"
        if tf in columns:
            weight = f"({weight} + coalesce(p.{ident(tf)}, 0))"
        parts.append((name, d.json_record(("level", f"CASE p.{ident(gamma)} {case} END"),
                                          ("weight", f"round({weight}, 2)"))))
    return d.json_text(d.json_record(*parts)) if parts else "NULL"


MEMBER_COLUMNS = ["entity_id", "record_id", "party_id", "linked_to", "match_weight", "match_probability", "weights",
                  "joined_by", "run_id", "releasable_to"]
ENTITY_COLUMNS = ["entity_id", "kind", "canonical_name", "names", "identifiers", "dob", "countries", "member_count",
                  "record_ids", "run_id", "created_at", "releasable_to"]


def write_entities(ws: Workspace, sx: Scratch, run_id: str, pairs: str | None, levels: Levels,
                   parent: dict[int, tuple[int, str]], labels: list[int] | None = None) -> None:
    d = sx.d
    labels = labels or []
    sx.register("r_cluster", pa.table({
        "unique_id": pa.array(range(1, len(labels) + 1), pa.int64()),
        "root": pa.array([x + 1 for x in labels], pa.int64())}))
    kids = sorted(parent)
    sx.register("r_parent", pa.table({
        "unique_id": pa.array([k + 1 for k in kids], pa.int64()),
        "parent_uid": pa.array([parent[k][0] + 1 for k in kids], pa.int64()),
        "how": pa.array([parent[k][1] for k in kids], pa.string())}))
    if pairs:
        columns = set(sx.columns(pairs))
        edge = f"""
        LEFT JOIN {ident(pairs)} AS p
          ON p.unique_id_l = least(m.unique_id, m.parent_uid) AND p.unique_id_r = greatest(m.unique_id, m.parent_uid)"""
        pair_cols = ["p.match_weight", "p.match_probability", weights_sql(levels, columns, d)]
    else:
        edge, pair_cols = "", ["NULL", "NULL", "NULL"]
    now = datetime.now(UTC).replace(tzinfo=None)
    params = {"run": run_id, "now": now}
    started = time.perf_counter()
    sx.create("r_members", """
      SELECT f.unique_id, f.record_id, f.party_id, f.releasable_to, f.kind, f.name, f.aliases, f.given_all,
             f.pat, f.mat, f.curp, f.rfc, f.ssn, f.ein, f.dob, f.country, c.root, pr.parent_uid, pr.how,
             'E-' || substr(md5(min(f.record_id) OVER (PARTITION BY c.root)), 1, 12) AS entity_id
      FROM r_features f JOIN r_cluster c ON c.unique_id = f.unique_id LEFT JOIN r_parent pr ON pr.unique_id = f.unique_id""")
    log.debug("write: members prepared in %.1fs", time.perf_counter() - started)
    empty = d.empty_string_array()
    members = f"""
        SELECT m.entity_id, m.record_id, m.party_id, pm.record_id AS linked_to,
               CAST({pair_cols[0]} AS DECIMAL(18,4)) AS match_weight, CAST({pair_cols[1]} AS DECIMAL(18,4)) AS match_probability,
               {pair_cols[2]} AS weights,
               CASE WHEN m.parent_uid IS NULL THEN 'single' WHEN m.how = 'analyst' THEN 'analyst' ELSE 'model' END AS joined_by,
               $run AS run_id,
               {intersect_sql(d.array_filter(d.array('m.releasable_to', 'pm.releasable_to'), 'x', 'x IS NOT NULL'), d)} AS releasable_to
        FROM r_members m LEFT JOIN r_members pm ON pm.unique_id = m.parent_uid {edge}
        """
    parts = f"{d.array_length(f'coalesce(given_all, {empty})')} + CAST(pat IS NOT NULL AS INT) + CAST(mat IS NOT NULL AS INT)"
    best = d.struct(("parts", parts),
                    ("accents", f"length({d.regex_replace_all('name', _lit('[ -~]'), _lit(''))})"),
                    ("n", "length(name)"))
    names = d.array_sort(d.array_distinct(d.array_flatten(d.list_agg(
        d.array_concat(d.array("name"), f"coalesce(aliases, {empty})")))))
    ids = d.array_sort(d.array_distinct(d.array_flatten(d.list_agg(d.array_filter(
        d.array("'curp:' || curp", "'rfc:' || rfc", "'ssn:' || ssn", "'ein:' || ein"), "x", "x IS NOT NULL")))))
    releasable = intersect_sql(d.list_agg("releasable_to"), d)
    entities = f"""
        SELECT entity_id, mode(kind) AS kind,
               {d.arg_max('name', best)} AS canonical_name,
               {names} AS names,
               {ids} AS identifiers,
               mode(dob) AS dob,
               {d.array_sort(d.array_distinct(d.list_agg('country')))} AS countries,
               count(*) AS member_count, {d.list_agg('record_id', order_by='record_id')} AS record_ids, $run AS run_id,
               $now AS created_at,
               -- a member that may be released nowhere (NULL) leaves the entity releasable nowhere
               CASE WHEN count(releasable_to) < count(*) THEN {empty} ELSE {releasable} END AS releasable_to
        FROM r_members GROUP BY entity_id
        """
    with ws.backend.atomic("resolve: write entities"):
        sx.replace_all("resolve: write entity members", "entity_members", MEMBER_COLUMNS, members, {"run": run_id})
        log.debug("write: entity_members in %.1fs", time.perf_counter() - started)
        sx.replace_all("resolve: write entities", "entities", ENTITY_COLUMNS, entities, params)
        log.debug("write: entities in %.1fs", time.perf_counter() - started)
    sx.drop("r_members")
    log.debug("write: committed in %.1fs", time.perf_counter() - started)
