"""Where a load writes: the workspace itself, or a DuckDB stage whose new rows are then appended.

A load (``tenaza ingest``, the public indicator series) is all or nothing, and its checks change
rows after storing them (duplicate keys flagged, codes resolved, names repaired, rows with
problems moved to quarantine): it needs transactions and UPDATE/DELETE. DuckDB has both, and a
load writes straight into the workspace, in one transaction. Spark has neither on Parquet
tables, so on a Spark workspace the load runs, unchanged, in a DuckDB workspace of its own (a
temporary file, its ingest log a copy of the workspace's, so that ingest ids follow on and a
file loaded before is recognized), and when it has finished the rows it added (those of its
ingest id) are appended to the workspace's tables through the backend: the table's rows, then
the quarantine's, then the ingest log's entry. The same SQL gives the same rows on both engines.

The file is read on the driver on either engine (a file is read by one process), and the stage
holds only that file's rows: nothing of the workspace's tables comes to the driver but the ingest
log. Checks that compare the new rows with the earlier ones (a row loaded twice from overlapping
files) read the workspace itself, after the append (``ingest.pipeline``).

The append is not one transaction. The canonical views join the ingest log, so the rows of a load
interrupted before its log entry was written are never seen; the next load takes the same ingest
id and replaces them (``replace_rows``) instead of adding to them.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tenaza.store.dialect import ident
from tenaza.store.workspace import Workspace

log = logging.getLogger("tenaza")
STAGED = "_tz_staged"


@contextmanager
def load_target(ws: Workspace, table: str) -> Iterator[Workspace]:
    """The workspace a load into ``table`` (a physical table name) writes to: ``ws`` where its
    engine has transactions; elsewhere a DuckDB stage, whose new rows are appended to ``ws`` when
    the block ends without an error (nothing is appended after one)."""
    if ws.backend.dialect.has("transactions"):
        yield ws
        return
    with tempfile.TemporaryDirectory(prefix="tenaza-stage-") as tmp:
        stage = Workspace.create(Path(tmp) / "stage.duckdb", engine="duckdb")
        try:
            before = _copy_rows(ws, stage, "ingest_log", "ingest_id >= $from", 0)
            yield stage
            added = int(stage.backend.scalar("staged ingest ids", "SELECT coalesce(max(ingest_id), 0) FROM ingest_log"))
            if added > before:
                for name in (table, "quarantine", "ingest_log"):  # the log last: it makes the rows visible
                    _copy_rows(stage, ws, name, "ingest_id > $from", before)
        finally:
            stage.close()


def _copy_rows(source: Workspace, target: Workspace, table: str, where: str, start: int) -> int:
    """Append the rows of ``source``'s ``table`` matching ``where`` (``$from`` bound to
    ``start``) to ``target``'s, replacing rows ``target`` already holds there (an interrupted
    load's). Returns the highest ingest id ``source`` holds in the table (0 for none)."""
    t = ident(table)
    rows = source.backend.fetch_arrow(f"read staged {table}", f"SELECT * FROM {t} WHERE {where}", {"from": start})
    ids = rows.column("ingest_id").to_pylist()
    if not rows.num_rows:
        return 0
    columns = [ident(c) for c in rows.column_names]
    select = f"SELECT {', '.join(columns)} FROM {STAGED}"
    b = target.backend
    with b.arrow_relation(STAGED, rows):
        # the log is written last, so it holds nothing of an interrupted load
        if table != "ingest_log" and b.scalar(f"find {table} rows of an interrupted load",
                                              f"SELECT count(*) FROM {t} WHERE {where}", {"from": start}):
            log.info("%s: replacing the rows of an interrupted load", table)
            b.replace_rows(f"append {table}", t, where, list(rows.column_names), select, {"from": start})
        else:
            b.execute(f"append {table}", f"INSERT INTO {t} ({', '.join(columns)}) {select}")
    return int(max(ids))
