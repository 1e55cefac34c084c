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
from tenaza.store.dialect import ident

log = logging.getLogger("tenaza")


def weights_sql(levels: Levels, columns: set[str]) -> str:
    """A JSON object of each comparison's level and match weight, from Splink's columns, and
    the prior's weight (log2 of the prior odds) under ``prior``: their sum is the pair's
    match weight, and 2^w / (1 + 2^w) its match probability."""
    parts = []
    if levels.prior_weight is not None:
        parts.append(f"'prior', json_object('level', {_lit(f'p = {levels.prior:.3g}')}, "
                     f"'weight', {round(levels.prior_weight, 2)})")
    for name, labels in levels.labels.items():
        gamma, mw, tf = f"gamma_{name}", f"mw_{name}", f"mw_tf_adj_{name}"
        if gamma not in columns:
            continue
        case = " ".join(f"WHEN {int(k)} THEN {_lit(v)}" for k, v in sorted(labels.items()))
        weight = f"p.{ident(mw)}" if mw in columns else "NULL"
        if tf in columns:
            weight = f"({weight} + coalesce(p.{ident(tf)}, 0))"
        parts.append(f"{_lit(name)}, json_object('level', CASE p.{ident(gamma)} {case} END, "
                     f"'weight', round({weight}, 2))")
    return f"json_object({', '.join(parts)})" if parts else "NULL"


def write_entities(ws: Workspace, sx: Scratch, run_id: str, pairs: str | None, levels: Levels,
                   parent: dict[int, tuple[int, str]], labels: list[int] | None = None) -> None:
    labels = labels or []
    sx.con.register("r_cluster_in", pa.table({
        "unique_id": pa.array(range(1, len(labels) + 1), pa.int64()),
        "root": pa.array([x + 1 for x in labels], pa.int64())}))
    kids = sorted(parent)
    sx.con.register("r_parent_in", pa.table({
        "unique_id": pa.array([k + 1 for k in kids], pa.int64()),
        "parent_uid": pa.array([parent[k][0] + 1 for k in kids], pa.int64()),
        "how": pa.array([parent[k][1] for k in kids], pa.string())}))
    sx.run("CREATE OR REPLACE TABLE r_cluster AS SELECT * FROM r_cluster_in")
    sx.run("CREATE OR REPLACE TABLE r_parent AS SELECT * FROM r_parent_in")
    sx.con.unregister("r_cluster_in")
    sx.con.unregister("r_parent_in")
    if pairs:
        columns = {str(r[0]) for r in sx.execute(f"DESCRIBE {ident(pairs)}").fetchall()}
        edge = f"""
        LEFT JOIN {ident(pairs)} AS p
          ON p.unique_id_l = least(m.unique_id, m.parent_uid) AND p.unique_id_r = greatest(m.unique_id, m.parent_uid)"""
        pair_cols = f"p.match_weight, p.match_probability, {weights_sql(levels, columns)}"
    else:
        edge, pair_cols = "", "NULL, NULL, NULL"
    now = datetime.now(UTC).replace(tzinfo=None)
    params = {"run": run_id, "now": now}
    with ws.backend.transaction("resolve: write entities"):
        sx.run(f"DELETE FROM {sx.ws('entity_members')}")
        sx.run(f"DELETE FROM {sx.ws('entities')}")
        started = time.perf_counter()
        sx.run("""CREATE OR REPLACE TEMP TABLE r_members AS
          SELECT f.unique_id, f.record_id, f.party_id, f.releasable_to, f.kind, f.name, f.aliases, f.given_all,
                 f.pat, f.mat, f.curp, f.rfc, f.ssn, f.ein, f.dob, f.country, c.root, pr.parent_uid, pr.how,
                 'E-' || substr(md5(min(f.record_id) OVER (PARTITION BY c.root)), 1, 12) AS entity_id
          FROM r_features f JOIN r_cluster c USING (unique_id) LEFT JOIN r_parent pr USING (unique_id)""")
        log.debug("write: members prepared in %.1fs", time.perf_counter() - started)
        sx.execute(f"""
        INSERT INTO {sx.ws('entity_members')} (entity_id, record_id, party_id, linked_to, match_weight,
            match_probability, weights, joined_by, run_id, releasable_to)
        SELECT m.entity_id, m.record_id, m.party_id, pm.record_id,
               CAST({pair_cols.split(', ')[0]} AS DECIMAL(18,4)), CAST({pair_cols.split(', ')[1]} AS DECIMAL(18,4)),
               {', '.join(pair_cols.split(', ')[2:])},
               CASE WHEN m.parent_uid IS NULL THEN 'single' WHEN m.how = 'analyst' THEN 'analyst' ELSE 'model' END,
               $run,
               {intersect_sql("list_filter([m.releasable_to, pm.releasable_to], lambda x: x IS NOT NULL)")}
        FROM r_members m LEFT JOIN r_members pm ON pm.unique_id = m.parent_uid {edge}
        """, {"run": run_id}).fetchall()
        log.debug("write: entity_members in %.1fs", time.perf_counter() - started)
        sx.execute(f"""
        INSERT INTO {sx.ws('entities')} (entity_id, kind, canonical_name, names, identifiers, dob, countries,
            member_count, record_ids, run_id, created_at, releasable_to)
        SELECT entity_id, mode(kind),
               arg_max(name, struct_pack(parts := len(coalesce(given_all, [])) + (pat IS NOT NULL)::INT
                                                 + (mat IS NOT NULL)::INT,
                                                 accents := length(regexp_replace(name, '[ -~]', '', 'g')),
                                                 n := length(name))),
               list_sort(list_distinct(flatten(list(list_concat([name], coalesce(aliases, [])))))),
               list_sort(list_distinct(flatten(list(list_filter(
                   ['curp:' || curp, 'rfc:' || rfc, 'ssn:' || ssn, 'ein:' || ein], lambda x: x IS NOT NULL))))),
               mode(dob),
               list_sort(list_distinct(list(country) FILTER (WHERE country IS NOT NULL))),
               count(*), list(record_id ORDER BY record_id), $run, $now,
               {intersect_sql("list(releasable_to)")}
        FROM r_members GROUP BY entity_id
        """, params).fetchall()
        sx.run("DROP TABLE r_members")
        log.debug("write: entities in %.1fs", time.perf_counter() - started)
    log.debug("write: committed in %.1fs", time.perf_counter() - started)
