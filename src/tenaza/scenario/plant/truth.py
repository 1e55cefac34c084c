"""The ground truth of a generated world: which records and parties are illicit, and why.

A *case* is one planted instance of a typology by one organization (a funnel account, a
straw-purchase ring). Every record a case produced is keyed by its source identifier (table
and key: txn_id, account_id, party_id, decl_id, crossing_id, sale_id, trace_id, seizure_id),
so that evaluation can join the truth to a workspace without knowing ingest's record ids.

truth.parquet columns: table, key, subject (the alert subject form, ``account:<id>``),
typology, pillar, organization, role, case_id. A record in two cases has two rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

# table -> subject kind used in alerts (alerts.yaml: subjects are kind:id)
SUBJECT_KIND = {
    "transactions": "txn", "accounts": "account", "parties": "party", "trade_declarations": "decl",
    "crossings": "crossing", "firearm_sales": "sale", "firearm_traces": "trace", "seizures": "seizure",
    "ffl": "ffl",
}
TYPOLOGIES = {
    "structuring": "cash", "funnel_account": "cash", "rapid_pass_through": "cash", "fan_in": "cash",
    "fan_out": "cash", "cycle": "cash", "bmpe": "cash", "bulk_cash": "cash",
    "over_invoicing": "cash", "under_invoicing": "cash", "phantom_shipment": "cash", "third_country_routing": "cash",
    "precursor_import": "production", "smuggling_load": "distribution", "straw_purchase": "weapons",
}
SCHEMA = pa.schema([("table", pa.string()), ("key", pa.string()), ("subject", pa.string()),
                    ("typology", pa.string()), ("pillar", pa.string()), ("organization", pa.string()),
                    ("role", pa.string()), ("case_id", pa.int32())])


def write_identities(party_ids: dict[tuple[str, int], list[str]], path: Path) -> int:
    """Which party records are the same real person or company: the answer key of resolution.

    identities.parquet: party_id, entity (``person:<n>`` or ``company:<n>``), records (how many
    party records that entity has across the registries)."""
    pids, entities, counts = [], [], []
    for (kind, index), ids in sorted(party_ids.items()):
        for pid in ids:
            pids.append(pid)
            entities.append(f"{kind}:{index}")
            counts.append(len(ids))
    pq.write_table(pa.table({"party_id": pids, "entity": entities, "records": pa.array(counts, pa.int32())}), path)
    return len(pids)


@dataclass
class Truth:
    cases: list[tuple[str, str]] = field(default_factory=list)  # (typology, organization)
    rows: list[tuple[str, str, int, str | None]] = field(default_factory=list)  # table, key, case, role
    entities: list[tuple[str, int, int, str | None]] = field(default_factory=list)  # kind, index, case, role
    _arrays: list[tuple[str, np.ndarray, np.ndarray]] = field(default_factory=list)

    def case(self, typology: str, organization: str) -> int:
        if typology not in TYPOLOGIES:
            raise ValueError(f"unknown typology {typology!r}")
        self.cases.append((typology, organization))
        return len(self.cases) - 1

    def add(self, table: str, key: str, case: int, role: str | None = None) -> None:
        self.rows.append((table, key, case, role))

    def add_many(self, table: str, keys: np.ndarray, cases: np.ndarray) -> None:
        """Records of high-volume tables (transactions), added a chunk at a time."""
        if len(keys):
            self._arrays.append((table, np.asarray(keys, dtype=object), np.asarray(cases, dtype=np.int32)))

    def entity(self, kind: str, index: int, case: int, role: str | None) -> None:
        """A person or company of the population; resolved to every party record of it at the end."""
        self.entities.append((kind, index, case, role))

    def resolve_entities(self, party_ids: dict[tuple[str, int], list[str]]) -> None:
        for kind, index, case, role in self.entities:
            for pid in party_ids.get((kind, index), []):
                self.add("parties", pid, case, role)
        self.entities.clear()

    def table(self) -> pa.Table:
        tables, keys, cases, roles = [], [], [], []
        for t, k, c, r in self.rows:
            tables.append(t)
            keys.append(k)
            cases.append(c)
            roles.append(r)
        for t, ks, cs in self._arrays:
            tables += [t] * len(ks)
            keys += list(ks)
            cases += list(cs)
            roles += [None] * len(ks)
        typ = [self.cases[c][0] for c in cases]
        tab = pa.table({
            "table": tables, "key": keys,
            "subject": [f"{SUBJECT_KIND[t]}:{k}" for t, k in zip(tables, keys, strict=True)],
            "typology": typ, "pillar": [TYPOLOGIES[x] for x in typ],
            "organization": [self.cases[c][1] for c in cases], "role": roles,
            "case_id": pa.array(cases, pa.int32()),
        }, schema=SCHEMA)
        return tab

    def write(self, path: Path) -> int:
        tab = self.table()
        pq.write_table(tab, path)
        return int(tab.num_rows)
