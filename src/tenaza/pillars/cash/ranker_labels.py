"""Where the ranker's labels come from: a labelled data set's column, or a scenario's truth.

Labels are transactions known to be laundering. Two sources exist today:

- a label column of the source files, kept by ingest in ``transactions.extras`` because no
  canonical column takes it: the IBM AML data sets' ``Is Laundering``, AMLSim's ``isSAR``;
- the truth table of a generated scenario (``truth.parquet``): every transaction a planted
  cash typology produced.

Analysts' dispositions of alerts (confirmed, dismissed) are the third source, once the cases
module records them. Every source fills one relation, ``rank_txn_labels(txn_id, positive)``,
with a row for each labelled transaction; a source that labels nothing leaves the ranker
skipped with a note saying so.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from tenaza.store.workspace import Workspace

log = logging.getLogger("tenaza")

LABELS = "rank_txn_labels"
# Source columns that label a transaction as laundering in public research data sets.
EXTRAS_KEYS = ("Is Laundering", "is_laundering", "isSAR", "is_sar", "isFraud", "is_fraud")
_TRUE = ("1", "1.0", "true", "True", "TRUE", "yes", "Y")


@dataclass(frozen=True)
class Labels:
    source: str
    labelled: int  # transactions with a label (positive or not)
    positives: int

    @property
    def usable(self) -> bool:
        return self.positives > 0 and self.labelled > self.positives


def _create(ws: Workspace) -> None:
    ws.backend.execute("ranker labels", f"CREATE OR REPLACE TEMP TABLE {LABELS} (txn_id VARCHAR, positive BOOLEAN)")


def _count(ws: Workspace, source: str) -> Labels:
    n, pos = ws.backend.fetch("ranker labels: count", f"SELECT count(*), count(*) FILTER (WHERE positive) FROM {LABELS}")[0]
    labels = Labels(source, int(n), int(pos or 0))
    log.info("ranker labels from %s: %d transactions, %d positive", source, labels.labelled, labels.positives)
    return labels


def from_extras(ws: Workspace, keys: tuple[str, ...] = EXTRAS_KEYS) -> Labels:
    """Labels from a label column kept in ``transactions.extras`` (the first key found)."""
    _create(ws)
    for key in keys:
        path = '$."' + key.replace('"', "") + '"'
        found = ws.backend.scalar("ranker labels: probe", "SELECT count(*) FROM transactions "
                                  "WHERE extras IS NOT NULL AND json_extract_string(extras, $path) IS NOT NULL",
                                  {"path": path})
        if found:
            ws.backend.execute("ranker labels: extras", f"""
                INSERT INTO {LABELS}
                SELECT txn_id, list_contains($true, json_extract_string(extras, $path)) FROM transactions
                WHERE extras IS NOT NULL AND json_extract_string(extras, $path) IS NOT NULL""",
                               {"path": path, "true": list(_TRUE)})
            return _count(ws, f"transactions.extras[{key}]")
    return Labels("transactions.extras (no label column)", 0, 0)


def from_truth(ws: Workspace, truth: Path | str, pillar: str = "cash") -> Labels:
    """Labels from a scenario's truth: its transactions of ``pillar`` are positive, every other
    transaction of the workspace negative (a generated world is fully known)."""
    _create(ws)
    ws.backend.execute("ranker labels: truth", f"""
        INSERT INTO {LABELS}
        SELECT t.txn_id, p.txn_id IS NOT NULL FROM (SELECT DISTINCT txn_id FROM transactions) AS t
        LEFT JOIN (SELECT DISTINCT "key" AS txn_id FROM read_parquet($path)
                   WHERE "table" = 'transactions' AND pillar = $pillar) AS p USING (txn_id)""",
                       {"path": str(truth), "pillar": pillar})
    return _count(ws, f"truth {Path(truth).name}")


def positives_relation() -> str:
    """The relation of positive transactions, for ``features_sql(labels=...)``."""
    return f"(SELECT txn_id FROM {LABELS} WHERE positive)"
