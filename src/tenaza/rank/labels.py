"""Where the ranker's labels come from, named by one spec (``tenaza rank --labels SPEC``):

- ``transactions:COLUMN``: a transaction flag of the source files, kept by ingest in
  ``transactions.extras`` because no canonical column takes it (IBM AML's ``Is Laundering``,
  AMLSim's ``isSAR``); without a spec the known names are tried in turn;
- ``accounts:COLUMN``: an account label kept in ``accounts.extras`` (AMLSim's ``isFraud``);
- ``truth:PATH``: a scenario's ``truth.parquet``, or a truth file of the user's (CSV or Parquet)
  with a ``txn_id`` or an ``account_id`` column and an optional ``label`` column (1/0, true/false;
  every listed row is positive without it);
- ``dispositions:PATH``: analysts' dispositions of alerts (CSV ``alert_id,disposition``):
  the accounts of a ``confirmed`` alert are positive, those of a ``dismissed`` one negative.

Transaction labels fill ``rank_txn_labels(txn_id, positive)``: an account-window is positive
where a positive transaction touches it. Account labels fill
``rank_account_labels(account_id, positive, ingest_id)``: every window of the account takes its
label, and the label's own row joins the releasability of the score. A source that labels
nothing leaves the ranker skipped with a note saying so.
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


ACCOUNT_LABELS = "rank_account_labels"


@dataclass(frozen=True)
class Labels:
    source: str
    labelled: int  # transactions (or accounts) with a label (positive or not)
    positives: int
    level: str = "transactions"  # or "accounts"

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
    d = ws.backend.dialect
    for key in keys:
        path = '$."' + key.replace('"', "") + '"'
        value = d.json_extract_text("extras", "$path")
        found = ws.backend.scalar("ranker labels: probe", "SELECT count(*) FROM transactions "
                                  f"WHERE extras IS NOT NULL AND {value} IS NOT NULL",
                                  {"path": path})
        if found:
            ws.backend.execute("ranker labels: extras", f"""
                INSERT INTO {LABELS}
                SELECT txn_id, {d.array_contains('$true', value)} FROM transactions
                WHERE extras IS NOT NULL AND {value} IS NOT NULL""",
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
        LEFT JOIN (SELECT DISTINCT "key" AS txn_id FROM {ws.backend.dialect.read_parquet('$path')}
                   WHERE "table" = 'transactions' AND pillar = $pillar) AS p USING (txn_id)""",
                       {"path": str(truth), "pillar": pillar})
    return _count(ws, f"truth {Path(truth).name}")


def positives_relation() -> str:
    """The relation of positive transactions, for ``features_sql(labels=...)``."""
    return f"(SELECT txn_id FROM {LABELS} WHERE positive)"


def _create_accounts(ws: Workspace) -> None:
    ws.backend.execute("ranker labels", f"CREATE OR REPLACE TEMP TABLE {ACCOUNT_LABELS} "
                                        "(account_id VARCHAR, positive BOOLEAN, ingest_id BIGINT)")


def _count_accounts(ws: Workspace, source: str) -> Labels:
    n, pos = ws.backend.fetch("ranker labels: count accounts",
                              f"SELECT count(DISTINCT account_id), count(DISTINCT account_id) FILTER (WHERE positive) "
                              f"FROM {ACCOUNT_LABELS}")[0]
    labels = Labels(source, int(n), int(pos or 0), "accounts")
    log.info("ranker labels from %s: %d accounts, %d positive", source, labels.labelled, labels.positives)
    return labels


def from_account_column(ws: Workspace, column: str) -> Labels:
    """Labels from a column of the accounts files kept in ``accounts.extras`` (``isFraud``)."""
    _create_accounts(ws)
    path = '$."' + column.replace('"', "") + '"'
    d = ws.backend.dialect
    value = d.json_extract_text("extras", "$path")
    ws.backend.execute("ranker labels: accounts", f"""
        INSERT INTO {ACCOUNT_LABELS}
        SELECT account_id, bool_or({d.array_contains('$true', value)}), min(ingest_id)
        FROM accounts WHERE extras IS NOT NULL AND {value} IS NOT NULL
        GROUP BY account_id""", {"path": path, "true": list(_TRUE)})
    return _count_accounts(ws, f"accounts.extras[{column}]")


def from_transaction_column(ws: Workspace, column: str) -> Labels:
    return from_extras(ws, (column,)) if column else from_extras(ws)


def from_truth_file(ws: Workspace, path: Path) -> Labels:
    """A truth file: the scenario's (``table``/``key``/``pillar`` columns) or the user's, keyed by
    ``txn_id`` or ``account_id`` with an optional ``label``."""
    import pyarrow.csv as pcsv
    import pyarrow.parquet as pq

    from tenaza.errors import Problem, TenazaError

    try:
        table = pq.read_table(path) if path.suffix.lower() == ".parquet" else pcsv.read_csv(path)
    except (OSError, ValueError) as exc:
        raise TenazaError(f"{path}: cannot read the truth file: {exc}") from exc
    cols = set(table.column_names)
    if {"table", "key", "pillar"} <= cols:
        return from_truth(ws, path)
    key = "txn_id" if "txn_id" in cols else "account_id" if "account_id" in cols else None
    if key is None:
        raise TenazaError(str(Problem(str(path), f"a truth file needs a txn_id or an account_id column (it has "
                                                 f"{', '.join(table.column_names)})", line=1)))
    keys = [None if v is None else str(v) for v in table.column(key).to_pylist()]
    if "label" in cols:
        raw = table.column("label").to_pylist()
        bad = [i for i, v in enumerate(raw) if str(v).strip() not in (*_TRUE, "0", "0.0", "false", "False", "FALSE",
                                                                       "no", "N")]
        if bad:
            raise TenazaError(str(Problem(str(path), f"not a label (1/0, true/false): {raw[bad[0]]!r}",
                                          line=bad[0] + 2, field="label")))
        positive = [str(v).strip() in _TRUE for v in raw]
    else:
        positive = [True] * len(keys)
    pairs = [(k, p) for k, p in zip(keys, positive, strict=True) if k]
    rows = ws.backend.dialect.rows_from_arrays({key: "$k", "positive": "$p"})
    if key == "txn_id":
        _create(ws)
        if pairs:
            ws.backend.execute("ranker labels: truth file", f"""
                INSERT INTO {LABELS}
                SELECT t.txn_id, coalesce(f.positive, FALSE) FROM (SELECT DISTINCT txn_id FROM transactions) AS t
                LEFT JOIN ({rows}) AS f USING (txn_id)""",
                               {"k": [k for k, _ in pairs], "p": [p for _, p in pairs]})
        return _count(ws, f"truth file {path.name}")
    _create_accounts(ws)
    if pairs:
        # the file is the user's, outside the workspace: it adds no releasability of its own
        ws.backend.execute("ranker labels: truth file", f"""
            INSERT INTO {ACCOUNT_LABELS}
            SELECT account_id, bool_or(positive), NULL FROM ({rows}) AS f
            GROUP BY account_id""", {"k": [k for k, _ in pairs], "p": [p for _, p in pairs]})
    return _count_accounts(ws, f"truth file {path.name}")


def from_dispositions(ws: Workspace, path: Path) -> Labels:
    """Analysts' dispositions (CSV alert_id,disposition): the subject accounts of confirmed alerts
    are positive, of dismissed ones negative (confirmed wins where an account has both)."""
    import csv

    from tenaza.errors import Problem, TenazaError

    try:
        rows = list(csv.DictReader(path.read_text(encoding="utf-8-sig").splitlines()))
    except (OSError, UnicodeDecodeError) as exc:
        raise TenazaError(f"{path}: cannot read the dispositions: {exc}") from exc
    ids, verdicts = [], []
    for line, rec in enumerate(rows, start=2):
        alert, verdict = (rec.get("alert_id") or "").strip(), (rec.get("disposition") or "").strip().lower()
        if not alert or verdict not in ("confirmed", "dismissed"):
            raise TenazaError(str(Problem(str(path), "needs alert_id and a disposition of confirmed or dismissed, "
                                                     f"not {verdict!r}", line=line, field="disposition")))
        ids.append(alert)
        verdicts.append(verdict == "confirmed")
    _create_accounts(ws)
    if ids:
        ws.backend.execute("ranker labels: dispositions", f"""
            INSERT INTO {ACCOUNT_LABELS}
            SELECT substr(s, 9), bool_or(d.positive), NULL
            FROM ({ws.backend.dialect.rows_from_arrays({"alert_id": "$a", "positive": "$p"})}) AS d
            JOIN (SELECT alert_id, {ws.backend.dialect.explode('subjects')} AS s FROM alerts) AS a USING (alert_id)
            WHERE s LIKE 'account:%' GROUP BY 1""", {"a": ids, "p": verdicts})
    return _count_accounts(ws, f"dispositions {path.name}")


def from_spec(ws: Workspace, spec: str | None) -> Labels:
    """Labels from ``KIND:VALUE`` (see the module's docstring); None tries the known flags."""
    from tenaza.errors import TenazaError

    if spec is None:
        return from_extras(ws)
    kind, _, value = spec.partition(":")
    if kind == "transactions":
        return from_transaction_column(ws, value)
    if kind == "accounts" and value:
        return from_account_column(ws, value)
    if kind == "truth" and value:
        return from_truth_file(ws, Path(value))
    if kind == "dispositions" and value:
        return from_dispositions(ws, Path(value))
    raise TenazaError(f"--labels {spec!r}: expected transactions:COLUMN, accounts:COLUMN, truth:PATH or "
                      f"dispositions:PATH")


def account_labels() -> str:
    return f"(SELECT account_id, positive, ingest_id FROM {ACCOUNT_LABELS})"
