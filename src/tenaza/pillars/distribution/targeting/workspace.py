"""The workspace's crossings as a targeting frame, and the queue written back as ``inspection_scores``.

A crossing is joined to its declaration (``decl_ref``) and its seizure (``seizure_ref``). It
has an outcome where it had an inspection (primary, secondary or NII). It is a violation where
its outcome is not one of ``cleared`` and the dangerous class where its seizure is of a kind in
``dangerous_kinds`` (drugs, firearms, precursors, cash). A crossing is linked to other pillars
where its driver, carrier, shipper or consignee is named by a party (or a member of an entity)
that is a subject of an alert of another pillar; the party's record and that alert's evidence
then join the crossing's evidence, so the score is releasable only where they all are.
"""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

from tenaza.markings import intersect, parse_record_id
from tenaza.store.workspace import Workspace

if TYPE_CHECKING:
    import pandas as pd

    from tenaza.pillars.distribution.targeting.pipeline import TargetingRun

log = logging.getLogger("tenaza")

SQL = """
SELECT c.crossing_id, c.ts, c.port_code, c.conveyance, c.hs_code, c.plate, c.driver, c.carrier, c.shipper,
       c.consignee, c.inspection, c.outcome, c.record_id,
       d.hs_code, d.value_usd, d.quantity, d.origin_country, d.departure_country, d.importer, d.exporter, d.broker,
       d.transport_mode, d.record_id, s.kind, s.record_id
FROM crossings AS c
LEFT JOIN trade_declarations AS d ON d.decl_id = c.decl_ref
LEFT JOIN seizures AS s ON s.seizure_id = c.seizure_ref
ORDER BY c.ts, c.crossing_id
"""


class LoadConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    cleared: tuple[str, ...] = Field(("CLEARED", "RELEASED", "DESADUANADO", "LIBERADO", "NONE", "NO FINDING"),
                                     description="Outcomes (upper case) that mean nothing was found.")
    dangerous_kinds: tuple[str, ...] = Field(("drug", "firearm", "precursor", "cash"),
                                             description="Seizure kinds of the rare dangerous class.")


def _linked_names(ws: Workspace) -> dict[str, set[str]]:
    """Upper-case names of parties that are subjects of other pillars' alerts -> the record ids
    behind the link (the party record and the alert's evidence), which join the crossing's.

    The join of alert subjects to parties (directly, or through an entity's members) runs on
    the engine; only the linked parties come to the driver, not the parties table."""
    d = ws.backend.dialect
    rows = ws.backend.fetch("target: linked parties", f"""
        WITH s AS (SELECT {d.explode('subjects')} AS subject, evidence FROM alerts WHERE pillar <> 'distribution'),
        linked AS (
          SELECT substr(s.subject, 7) AS party_id, s.evidence FROM s WHERE s.subject LIKE 'party:%'
          UNION ALL
          SELECT m.party_id, s.evidence FROM s JOIN entity_members AS m ON m.entity_id = substr(s.subject, 8)
          WHERE s.subject LIKE 'entity:%')
        SELECT p.name, p.record_id, linked.evidence
        FROM linked JOIN parties AS p ON p.party_id = linked.party_id
        WHERE p.name IS NOT NULL""")
    out: dict[str, set[str]] = {}
    for name, record_id, evidence in rows:
        if key := str(name).strip().upper():
            out.setdefault(key, set()).update([str(record_id), *map(str, evidence or [])])
    return out


def load(ws: Workspace, cfg: LoadConfig | None = None) -> pd.DataFrame:
    import pandas as pd

    cfg = cfg or LoadConfig()
    rows = ws.backend.fetch("target: crossings", SQL)
    rel = {int(i): list(r) for i, r in ws.backend.fetch("target: ingests", "SELECT ingest_id, releasable_to FROM ingest_log")}
    linked = _linked_names(ws)
    cleared, dangerous = set(cfg.cleared), set(cfg.dangerous_kinds)
    recs = []
    for r in rows:
        names = {str(v).strip().upper() for v in (r[6], r[7], r[8], r[9], r[18], r[19]) if v}
        hits = sorted(set().union(*(linked[n] for n in names if n in linked)))
        evidence = [x for x in (r[12], r[22], r[24]) if x] + hits
        sets = [rel.get(parse_record_id(e)[0], []) for e in evidence]
        inspected = r[10] in ("primary", "secondary", "nii")
        outcome = str(r[11] or "").strip().upper()
        recs.append({
            "item_id": r[0], "date": r[1], "port": r[2], "mode": r[21] or r[3], "crossing_hs_code": r[4],
            "plate": r[5], "driver": r[6], "carrier": r[7], "exporter": r[19] or r[8], "consignee": r[9],
            "hs_code": r[13] or r[4], "value_usd": r[14], "quantity": r[15], "origin_country": r[16],
            "departure_country": r[17], "importer": r[18], "broker": r[20], "inspected": inspected,
            "label_any": (0.0 if outcome in cleared or not outcome else 1.0) if inspected else None,
            "label_rare": (1.0 if r[23] in dangerous else 0.0) if inspected else None,
            "linked_alerts": bool(hits), "releasable_to": intersect(sets), "evidence": evidence})
    df = pd.DataFrame.from_records(recs)
    log.info("targeting: %d crossings, %d with an inspection, %d linked to other pillars' alerts", len(df),
             int(df["inspected"].sum()) if len(df) else 0, int(df["linked_alerts"].sum()) if len(df) else 0)
    return df


def write(ws: Workspace, result: TargetingRun, capacity: float, rare_weight: float) -> str:
    """Replace ``inspection_scores`` with the run's later period; returns the run id."""
    import numpy as np
    import pyarrow as pa

    df = result.frame
    run_id = "target-" + hashlib.sha256(f"{len(df)}|{result.split_date}|{capacity}|{rare_weight}|{result.mode}"
                                        .encode()).hexdigest()[:12]
    p_any = result.probabilities.get("any")
    p_rare = result.probabilities.get("rare")
    n = len(df)
    # the score an officer reads: the share of the period's items ranked below (the combined
    # lift itself is on no natural scale); the order, and so the queue, is the model's
    pct = (np.argsort(np.argsort(result.score, kind="stable"), kind="stable") + 1) / max(n, 1)
    reasons = [result.reasons.get(i, []) for i in range(n)]
    figures, explanation = [], []
    for i in range(n):
        fig: dict[str, Any] = {"combined": round(float(result.score[i]), 6), "percentile": round(float(pct[i]), 4),
                               "rank_in_port_day": int(result.rank[i]),
                               "capacity": capacity, "rare_weight": rare_weight, "mode": result.mode}
        if p_any is not None:
            fig["p_any"] = round(float(p_any[i]), 5)
        if p_rare is not None:
            fig["p_rare"] = round(float(p_rare[i]), 5)
        fig["reasons"] = reasons[i]
        figures.append(json.dumps(fig))
        why = "; ".join(reasons[i][:2]) or "no rule fired"
        explanation.append(f"Inspect {df['item_id'].iloc[i]} at {df['port'].iloc[i]}: rank {int(result.rank[i])} of "
                           f"the port's day, riskier than {pct[i]:.0%} of the period's items ({result.mode}); {why}.")

    def labels(c: str) -> list[int | None]:
        return [None if np.isnan(v) else int(v) for v in df[c].to_numpy(dtype=float)]

    table = pa.table({
        "score_id": [f"{x}:{run_id}" for x in df["item_id"]], "item_id": df["item_id"].astype(str).tolist(),
        "port_code": df["port"].astype(object).where(df["port"].notna(), None).tolist(),
        "day": df["date"].dt.date.tolist(), "score": pct.astype(float),
        "p_any": p_any if p_any is not None else pa.nulls(n, pa.float64()),
        "p_rare": p_rare if p_rare is not None else pa.nulls(n, pa.float64()),
        "rank": result.rank.astype(np.int64), "selected": result.selected.astype(bool), "reasons": reasons,
        "evidence": [list(e) for e in df["evidence"]], "figures": figures, "explanation": explanation,
        "label_any": labels("label_any"), "label_rare": labels("label_rare"),
        "releasable_to": [list(r) for r in df["releasable_to"]]})
    now = datetime.now(UTC).replace(tzinfo=None)
    cols = ["score_id", "item_id", "port_code", "day", "score", "p_any", "p_rare", "rank", "selected", "reasons",
            "evidence", "figures", "explanation", "label_any", "label_rare", "run_id", "created_at", "releasable_to"]
    with ws.backend.arrow_relation("target_scores_in", table) as rel:
        select = ", ".join(c if c not in ("run_id", "created_at") else f"${c} AS {c}" for c in cols)
        ws.backend.replace_rows("target: write scores", "inspection_scores", "1 = 1", cols,
                                f"SELECT {select} FROM {rel}", {"run_id": run_id, "created_at": now})
    return run_id
