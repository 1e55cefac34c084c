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

import pyarrow as pa

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


# No labels: the tables' shape, empty (a source that labels nothing still leaves its table).
_NO_TXN_LABELS = "SELECT CAST(NULL AS STRING) AS txn_id, CAST(NULL AS BOOLEAN) AS positive WHERE FALSE"
_NO_ACCOUNT_LABELS = ("SELECT CAST(NULL AS STRING) AS account_id, CAST(NULL AS BOOLEAN) AS positive, "
                      "CAST(NULL AS BIGINT) AS ingest_id WHERE FALSE")


def _create(ws: Workspace, select: str = _NO_TXN_LABELS, params: dict[str, object] | None = None,
            step: str = "ranker labels") -> None:
    """The session's transaction labels: ``select`` gives (txn_id, positive)."""
    ws.backend.temp_table(step, LABELS, f"SELECT CAST(txn_id AS STRING) AS txn_id, CAST(positive AS BOOLEAN) "
                                        f"AS positive FROM ({select}) AS l", params)


def _count(ws: Workspace, source: str) -> Labels:
    n, pos = ws.backend.fetch("ranker labels: count", f"SELECT count(*), sum(CASE WHEN positive THEN 1 ELSE 0 END) "
                                                      f"FROM {LABELS}")[0]
    labels = Labels(source, int(n), int(pos or 0))
    log.info("ranker labels from %s: %d transactions, %d positive", source, labels.labelled, labels.positives)
    return labels


def from_extras(ws: Workspace, keys: tuple[str, ...] = EXTRAS_KEYS) -> Labels:
    """Labels from a label column kept in ``transactions.extras`` (the first key found)."""
    d = ws.backend.dialect
    for key in keys:
        path = '$."' + key.replace('"', "") + '"'
        value = d.json_extract_text("extras", "$path")
        found = ws.backend.scalar("ranker labels: probe", "SELECT count(*) FROM transactions "
                                  f"WHERE extras IS NOT NULL AND {value} IS NOT NULL",
                                  {"path": path})
        if found:
            _create(ws, f"""SELECT txn_id, {d.array_contains('$true', value)} AS positive FROM transactions
                            WHERE extras IS NOT NULL AND {value} IS NOT NULL""",
                    {"path": path, "true": list(_TRUE)}, "ranker labels: extras")
            return _count(ws, f"transactions.extras[{key}]")
    _create(ws)
    return Labels("transactions.extras (no label column)", 0, 0)


def from_truth(ws: Workspace, truth: Path | str, pillar: str = "cash") -> Labels:
    """Labels from a scenario's truth: its transactions of ``pillar`` are positive, every other
    transaction of the workspace negative (a generated world is fully known)."""
    import pyarrow.parquet as pq

    table = pq.read_table(truth, columns=["table", "key", "pillar"])
    keys = sorted({str(k) for t, k, p in zip(*(table.column(c).to_pylist() for c in ("table", "key", "pillar")),
                                              strict=True) if t == "transactions" and p == pillar and k is not None})
    with ws.backend.arrow_relation("rank_truth_in", pa.table({"txn_id": pa.array(keys, pa.string())})) as rows:
        _create(ws, f"""SELECT t.txn_id, p.txn_id IS NOT NULL AS positive
                        FROM (SELECT DISTINCT txn_id FROM transactions) AS t
                        LEFT JOIN {rows} AS p ON p.txn_id = t.txn_id""", None, "ranker labels: truth")
    return _count(ws, f"truth {Path(truth).name}")


def positives_relation() -> str:
    """The relation of positive transactions, for ``features_sql(labels=...)``."""
    return f"(SELECT txn_id FROM {LABELS} WHERE positive)"


def _create_accounts(ws: Workspace, select: str = _NO_ACCOUNT_LABELS, params: dict[str, object] | None = None,
                     step: str = "ranker labels") -> None:
    """The session's account labels: ``select`` gives (account_id, positive, ingest_id)."""
    ws.backend.temp_table(step, ACCOUNT_LABELS, f"SELECT CAST(account_id AS STRING) AS account_id, CAST(positive AS "
                                                f"BOOLEAN) AS positive, CAST(ingest_id AS BIGINT) AS ingest_id "
                                                f"FROM ({select}) AS l", params)


def _count_accounts(ws: Workspace, source: str) -> Labels:
    n, pos = ws.backend.fetch("ranker labels: count accounts",
                              f"SELECT count(DISTINCT account_id), count(DISTINCT CASE WHEN positive THEN account_id "
                              f"END) FROM {ACCOUNT_LABELS}")[0]
    labels = Labels(source, int(n), int(pos or 0), "accounts")
    log.info("ranker labels from %s: %d accounts, %d positive", source, labels.labelled, labels.positives)
    return labels


def from_account_column(ws: Workspace, column: str) -> Labels:
    """Labels from a column of the accounts files kept in ``accounts.extras`` (``isFraud``)."""
    path = '$."' + column.replace('"', "") + '"'
    d = ws.backend.dialect
    value = d.json_extract_text("extras", "$path")
    _create_accounts(ws, f"""
        SELECT account_id, bool_or({d.array_contains('$true', value)}) AS positive, min(ingest_id) AS ingest_id
        FROM accounts WHERE extras IS NOT NULL AND {value} IS NOT NULL
        GROUP BY account_id""", {"path": path, "true": list(_TRUE)}, "ranker labels: accounts")
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
    given = pa.table({key: pa.array([k for k, _ in pairs], pa.string()),
                      "positive": pa.array([p for _, p in pairs], pa.bool_())})
    with ws.backend.arrow_relation("rank_truth_in", given) as rows:
        if key == "txn_id":
            _create(ws, f"""SELECT t.txn_id, coalesce(f.positive, FALSE) AS positive
                            FROM (SELECT DISTINCT txn_id FROM transactions) AS t
                            LEFT JOIN {rows} AS f ON f.txn_id = t.txn_id""" if pairs else _NO_TXN_LABELS,
                    None, "ranker labels: truth file")
            return _count(ws, f"truth file {path.name}")
        # the file is the user's, outside the workspace: it adds no releasability of its own
        _create_accounts(ws, f"""SELECT account_id, bool_or(positive) AS positive, NULL AS ingest_id FROM {rows} AS f
                                 GROUP BY account_id""" if pairs else _NO_ACCOUNT_LABELS, None, "ranker labels: truth file")
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
    if ids:
        _create_accounts(ws, f"""
            SELECT substr(s, 9) AS account_id, bool_or(d.positive) AS positive, NULL AS ingest_id
            FROM ({ws.backend.dialect.rows_from_arrays({"alert_id": "$a", "positive": "$p"})}) AS d
            JOIN (SELECT alert_id, {ws.backend.dialect.explode('subjects')} AS s FROM alerts) AS a
              ON a.alert_id = d.alert_id
            WHERE s LIKE 'account:%' GROUP BY 1""", {"a": ids, "p": verdicts}, "ranker labels: dispositions")
    else:
        _create_accounts(ws)
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
