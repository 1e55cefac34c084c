"""``ingest_file``: one file into one canonical table, all or nothing.

read (Arrow, streamed) → map columns and values → type and validate set-wise in the engine →
store every row, its problems beside it → repair the picked-out values → move rows with
problems to quarantine → reconcile the counts → log. One transaction per file: a file that
cannot be read leaves the workspace exactly as it was.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa

from tenaza.errors import EngineError, IngestError, MappingError, Problem, TenazaError
from tenaza.ingest import readers
from tenaza.ingest.mapping import Mapping, load_mapping
from tenaza.ingest.normalize import LINE_COL, ONLY_COMMA, ONLY_DOT, Binds, SelectPlan, number_text, select_sql
from tenaza.ingest.plan import ResolvedPlan, needs_date_order, needs_decimal_mark, resolve
from tenaza.ingest.triage import finish
from tenaza.schema import CANONICAL, TableSpec, table
from tenaza.store.reference import alpha3_codes
from tenaza.store.staging import load_target
from tenaza.store.workspace import Workspace

log = logging.getLogger("tenaza")
SRC = "_t_src"
Progress = Callable[[str, int, int], None]  # (step, done, total); bytes while reading
INGEST_MEMORY_LIMIT = "1GB"
SAMPLE_BYTES = 1 << 21
_AGENCY = re.compile(r"^[A-Za-z0-9_.-]{1,32}$")  # one-character agency codes exist


@dataclass
class IngestReport:
    path: str
    table: str
    file_format: str
    ingest_id: int | None = None
    rows_read: int = 0
    rows_accepted: int = 0
    rows_quarantined: int = 0
    blank_lines: int = 0
    values_repaired: int = 0
    ids_flagged: int = 0
    extra_columns: list[str] = field(default_factory=list)
    already_ingested_as: int | None = None
    seconds: float = 0.0
    reasons: list[tuple[str, int]] = field(default_factory=list)
    # field -> {"cleared": optional values not valid, kept in extras._invalid with the reason;
    # "rounded": amounts whose exact text is kept in extras._exact; "quarantined": rows}
    fields: dict[str, dict[str, int]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    @property
    def reconciles(self) -> bool:
        return self.rows_read == self.rows_accepted + self.rows_quarantined


class _AlreadyIngested(Exception):
    def __init__(self, ingest_id: int) -> None:
        self.ingest_id = ingest_id


def _check_markings(originator: str, releasable_to: Sequence[str]) -> tuple[str, list[str]]:
    problems = []
    if not _AGENCY.match(originator or ""):
        problems.append(Problem("--originator", f"{originator!r} is not an agency code (1-32 letters, digits, . _ -)"))
    codes = sorted({c.strip().upper() for c in releasable_to if c.strip()})
    unknown = [c for c in codes if c not in alpha3_codes()]
    if not codes:
        problems.append(Problem("--releasable-to", "no country given: the rows must be releasable to at least one "
                                "country, ISO 3166 alpha-3 (for example USA or USA,MEX)"))
    if unknown:
        problems.append(Problem("--releasable-to", f"not ISO 3166 alpha-3 country codes: {', '.join(unknown)} "
                                "(for example USA, MEX)"))
    if problems:
        raise IngestError(problems)
    return originator.upper(), codes


def _open(path: Path, fmt: str, compression: str | None, mapping: Mapping | None, *,
          delimiter: str | None, encoding: str | None, hash_while_reading: bool) -> readers.Source:
    enc = encoding or (mapping.encoding if mapping else None)
    if fmt == "parquet":
        return readers.open_parquet(path)
    if fmt == "jsonl":
        return readers.open_jsonl(path, compression, encoding=enc, hash_while_reading=hash_while_reading)
    delim = delimiter or (mapping.delimiter if mapping else None)
    return readers.open_csv(path, compression, delimiter=delim, encoding=enc, hash_while_reading=hash_while_reading)


def ingest_file(ws: Workspace, path: Path | str, table_name: str, *, mapping: Mapping | Path | str | None = None,
                originator: str, releasable_to: Sequence[str], delimiter: str | None = None,
                encoding: str | None = None, dates: str | None = None, decimal: str | None = None,
                progress: Progress | None = None) -> IngestReport:
    """Load one file into ``table_name``. Raises ``IngestError``/``MappingError`` and stores
    nothing when the file cannot be read; otherwise every row is stored or quarantined."""
    started = time.perf_counter()
    path = Path(path)
    if table_name not in CANONICAL:
        raise IngestError([Problem(str(path), f"unknown table {table_name!r}; expected one of {', '.join(CANONICAL)}")])
    spec = table(table_name)
    if mapping is not None and not isinstance(mapping, Mapping):
        mapping = load_mapping(mapping)
    if mapping is not None:
        if mapping.table and mapping.table != table_name:
            raise MappingError([Problem(mapping.path, f"this mapping is for {mapping.table}, not {table_name}",
                                        field="table")])
        mapping.check_against(spec)
    agency, rel = _check_markings(originator, releasable_to)
    if dates not in (None, "dmy", "mdy"):
        raise IngestError([Problem("--dates", f"{dates!r}: expected dmy or mdy")])
    if not path.is_file():
        raise IngestError([Problem(str(path), "no such file")])
    fmt, compression = readers.detect(path)
    report = IngestReport(str(path), table_name, fmt)
    def step(name: str, done: int = 0, total: int = 0) -> None:
        if progress is not None:
            progress(name, done, total)


    # On an engine without transactions (Spark) the load runs in a DuckDB stage and its rows are
    # appended when it has finished (tenaza.store.staging); on DuckDB the target is the workspace.
    with load_target(ws, spec.physical_name) as target:
        size = path.stat().st_size
        same_size = target.backend.fetch("find earlier ingests", "SELECT content_sha256, ingest_id FROM ingest_log "
                                         "WHERE target_table = $t AND content_bytes = $n", {"t": table_name, "n": size})
        # Hash first when the content may be known already (or the reader cannot stream a hash).
        sha: str | None = None
        if same_size or fmt != "csv":
            step("hashing")
            sha = readers.sha256_of(path)
            for known_sha, known_id in same_size:
                if known_sha == sha:
                    return _already(target, report, int(known_id), started, agency, rel)

        src = _open(path, fmt, compression, mapping, delimiter=delimiter, encoding=encoding,
                    hash_while_reading=sha is None)
        now = datetime.now(UTC).replace(tzinfo=None)
        previous_limit = target.backend.scalar("read memory limit", "SELECT current_setting('memory_limit')")
        previous_order = target.backend.scalar("read insertion order", "SELECT current_setting('preserve_insertion_order')")
        # A bounded buffer pool makes the engine write finished row groups out instead of holding
        # them: the file streams through in bounded memory. Rows carry their line, so their order
        # in storage does not matter; not preserving it lets the engine write row groups straight
        # into the file as they fill (with it, a streamed source's rows waited for the checkpoint:
        # 7 s of 25 on 10 M rows).
        target.backend.execute("limit memory for ingest", "SET memory_limit = $m", {"m": INGEST_MEMORY_LIMIT})
        target.backend.execute("unordered writes for ingest", "SET preserve_insertion_order = false")
        try:
            for attempt in (1, 2):
                try:
                    sha = _transaction(target, src, spec, mapping, report, sha, same_size, size=size, now=now,
                                       originator=agency, releasable_to=rel, dates=dates, decimal=decimal,
                                       step=step, started=started)
                    break
                except Exception as exc:
                    if attempt == 2 or not readers.caused_by_restart(exc):
                        raise
                    # A row that does not split into the header's columns: the parallel reader cannot say
                    # where it was, so everything was rolled back; read again in exact (sequential) mode.
                    log.info("%s: malformed rows; reading again sequentially to locate them", path.name)
                    src = _open(path, fmt, compression, mapping, delimiter=delimiter, encoding=encoding,
                                hash_while_reading=sha is None)
                    assert isinstance(src, readers.CsvSource)
                    src.exact = True
            # Write the committed rows into the database file now, still within the bounded pool:
            # left to the close, the checkpoint ran with the full pool and doubled the peak.
            target.backend.execute("checkpoint", "CHECKPOINT")
        except _AlreadyIngested as done:
            return _already(target, report, done.ingest_id, started, agency, rel)
        finally:
            target.backend.execute("restore memory limit", "SET memory_limit = $m", {"m": previous_limit})
            target.backend.execute("restore insertion order", "SET preserve_insertion_order = $o", {"o": previous_order})
    assert report.ingest_id is not None
    # after the load, on the workspace itself: it compares the new rows with every earlier one
    _warn_overlap(ws, spec, report, report.ingest_id)
    report.seconds = time.perf_counter() - started
    log.info("ingest %s into %s: %d read, %d accepted, %d quarantined", path.name, table_name,
             report.rows_read, report.rows_accepted, report.rows_quarantined)
    return report


def _transaction(ws: Workspace, src: readers.Source, spec: TableSpec, mapping: Mapping | None, report: IngestReport,
                 sha: str | None, same_size: list[tuple[Any, ...]], *, size: int, now: datetime, originator: str,
                 releasable_to: list[str], dates: str | None, decimal: str | None, step: Callable[..., None],
                 started: float) -> str:
    """The whole load of one file, in one transaction. Returns the content hash."""
    path = src.path
    try:
        with ws.backend.transaction(f"ingest {path.name}"):
            ingest_id = ws.next_ingest_id()
            report.ingest_id = ingest_id
            bad_rows = _load(ws, src, spec, mapping, report, ingest_id, dates=dates, decimal=decimal, step=step,
                             size=size)
            if sha is None:
                assert src.hasher is not None
                sha = src.hasher.sha.hexdigest()
                for known_sha, known_id in same_size:
                    if known_sha == sha:
                        raise _AlreadyIngested(int(known_id))
            finish(ws, spec, report, bad_rows, ingest_id=ingest_id, source=path.name, originator=originator,
                   releasable_to=releasable_to, now=now, step=step)
            ws.log_load(ingest_id, target_table=spec.name, source=path.name, path=str(path), content_sha256=sha,
                        content_bytes=size, mapping=mapping.path if mapping else None, file_format=src.fmt,
                        rows_read=report.rows_read, rows_accepted=report.rows_accepted,
                        rows_quarantined=report.rows_quarantined, values_repaired=report.values_repaired,
                        ids_flagged=report.ids_flagged, extra_columns=report.extra_columns, originator=originator,
                        releasable_to=releasable_to, started_at=now, seconds=time.perf_counter() - started)
    finally:
        if src.hasher is not None:
            src.hasher.close()
    return sha


def _already(ws: Workspace, report: IngestReport, ingest_id: int, started: float, originator: str,
             releasable_to: list[str]) -> IngestReport:
    row = ws.backend.fetch("read earlier ingest", "SELECT rows_read, rows_accepted, rows_quarantined, originator, "
                           "releasable_to, source FROM ingest_log WHERE ingest_id = $i", {"i": ingest_id})[0]
    report.already_ingested_as = ingest_id
    report.ingest_id = ingest_id
    report.rows_read, report.rows_accepted, report.rows_quarantined = (int(v) for v in row[:3])
    report.seconds = time.perf_counter() - started
    report.warnings.append(f"the same content was loaded into {report.table} by ingest {ingest_id}; nothing to do")
    was_orig, was_rel = str(row[3]), sorted(str(c) for c in (row[4] or []))
    if (was_orig, was_rel) != (originator, sorted(releasable_to)):
        report.warnings.append(
            f"the markings given now (originator {originator}, releasable to {','.join(releasable_to)}) were NOT "
            f"applied: the rows keep those of ingest {ingest_id} ({row[5]}: originator {was_orig}, releasable to "
            f"{','.join(was_rel)}). To load them under other markings, build the workspace again with the file's "
            "markings corrected in its ingest command or manifest")
    return report


def _warn_overlap(ws: Workspace, spec: TableSpec, report: IngestReport, ingest_id: int) -> None:
    """Rows whose key and required values equal a row an earlier file loaded: overlapping
    extracts would count each such row twice."""
    from tenaza.store.dialect import ident

    if not spec.key:
        return
    t = ident(spec.physical_name)
    cols = [ident(c.name) for c in spec.source_columns if c.required or c.name == spec.key]
    same = " AND ".join(f"a.{c} IS NOT DISTINCT FROM b.{c}" for c in cols)
    found = ws.backend.fetch("find rows loaded before", f"""
        SELECT l.source, b.ingest_id, count(DISTINCT a.source_row) FROM {t} AS a
        JOIN {t} AS b ON b.ingest_id <> $i AND {same}
        JOIN ingest_log AS l ON l.ingest_id = b.ingest_id
        WHERE a.ingest_id = $i GROUP BY ALL ORDER BY 3 DESC LIMIT 5""", {"i": ingest_id})
    for source, earlier, n in found:
        report.warnings.append(
            f"{int(n):,} rows have the same {spec.key} and values as rows of {source} (ingest {earlier}): if the "
            f"files overlap, those {spec.name} are now counted twice; load each extract once (cut the overlap "
            "from one file and build the workspace again)")


def _load(ws: Workspace, src: readers.Source, spec: TableSpec, mapping: Mapping | None, report: IngestReport,
          ingest_id: int, *, dates: str | None, decimal: str | None, step: Callable[..., None],
          size: int) -> list[readers.BadRow]:
    """Stream the file into the stored table, every row with its problems."""
    from tenaza.store.dialect import ident

    b = ws.backend
    bind = Binds()
    relation = SRC
    row_check: str | None = None
    raw_text: str | None = None
    blank: str | None = None
    passthrough: list[str] = []
    if src.fmt == "jsonl":
        columns = _jsonl_keys(ws, src)
        d = b.dialect
        source_exprs = [f"trim({d.json_extract_text('_j', bind('/' + k.replace('~', '~0').replace('/', '~1')))})"
                        for k in columns]
        relation = f"(SELECT {LINE_COL}, line, {d.json_parse('line')} AS _j FROM {SRC})"
        row_check = ("CASE WHEN _j IS NULL THEN 'line: not valid JSON' "
                     f"WHEN {d.json_type('_j')} <> 'OBJECT' THEN 'line: not a JSON object' END")
        raw_text = "line"
        blank = "trim(line) = ''"
        passthrough = ["line", "_j"]
    else:
        columns = src.columns
        source_exprs = [ident(c) for c in columns]
    aliases = [f"s{i}" for i in range(len(columns))]
    plan = resolve(spec, mapping, columns, aliases, bind, str(src.path), dates=dates, decimal=decimal)
    report.extra_columns = [columns[i] for i in plan.extras]
    _infer(ws, src, plan, relation, source_exprs, aliases, bind, step)
    select = SelectPlan(spec, plan.columns, columns, source_exprs, plan.extras, relation, ingest_id,
                        row_check=row_check, raw_text=raw_text, blank=blank, passthrough=passthrough)
    sql, params = select_sql(select, bind, b.dialect)

    def consume(reader: pa.RecordBatchReader) -> None:
        step("reading", 0, size)
        with b.arrow_relation(SRC, _counting(reader, src, step, size)):
            try:
                b.execute(f"load {spec.name}", sql, params)
            except EngineError:
                if src.failure is not None:
                    raise src.failure from None
                raise

    consume(src.reader())
    stored = int(b.scalar("count stored rows", f"SELECT count(*) FROM {ident(spec.physical_name)} WHERE ingest_id = $i",
                          {"i": ingest_id}))
    report.blank_lines = src.rows_yielded - stored
    report.rows_read = stored + len(src.bad_rows)
    return list(src.bad_rows)


def _counting(reader: pa.RecordBatchReader, src: readers.Source, step: Callable[..., None],
              size: int) -> pa.RecordBatchReader:
    def batches() -> Any:
        try:
            for batch in reader:
                done = src.hasher.bytes_read if src.hasher is not None else 0
                step("reading", done, size)
                yield batch
        except TenazaError as exc:
            src.failure = exc  # the engine passes it on as text only; raised again after it
            raise

    return pa.RecordBatchReader.from_batches(reader.schema, batches())


def _jsonl_keys(ws: Workspace, src: readers.Source) -> list[str]:
    """Every key of every JSON object in the file, in order of first appearance."""
    probe = readers.open_jsonl(src.path, getattr(src, "compression", None), encoding=getattr(src, "encoding", None),
                               hash_while_reading=False)
    probe.exact = True
    d = ws.backend.dialect
    with ws.backend.arrow_relation("_t_keys", probe.reader()):
        rows = ws.backend.fetch("discover JSON keys", f"""
            SELECT k FROM (
              SELECT {d.explode(d.json_keys('line'))} AS k, _line FROM _t_keys
              WHERE {d.json_valid('line')} AND {d.json_type('CAST(line AS JSON)')} = 'OBJECT')
            GROUP BY k ORDER BY min(_line), k""")
    return [str(r[0]) for r in rows]


def _infer(ws: Workspace, src: readers.Source, plan: ResolvedPlan, relation: str, source_exprs: list[str],
           aliases: list[str], bind: Binds, step: Callable[..., None]) -> None:
    """Decide date order and decimal mark of columns the mapping leaves open, from the data."""
    dated = [p for p in plan.columns if needs_date_order(p)]
    numbers = [p for p in plan.columns if needs_decimal_mark(p)]
    if not dated and not numbers:
        return
    step("profiling")
    exprs: list[str] = []
    d = ws.backend.dialect
    day_month_year = d.text_literal(r"^\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}")
    first, second = d.text_literal(r"^(\d{1,2})[/.-]\d{1,2}[/.-]"), d.text_literal(r"^\d{1,2}[/.-](\d{1,2})[/.-]")
    only_dot, only_comma = d.text_literal(ONLY_DOT), d.text_literal(ONLY_COMMA)
    for p in dated:
        x = f"trim({p.raw})"
        exprs += [f"count(*) FILTER (WHERE {d.regex_match(x, day_month_year)})",
                  f"count(*) FILTER (WHERE try_cast({d.regex_extract(x, first, 1)} AS INT) > 12)",
                  f"count(*) FILTER (WHERE try_cast({d.regex_extract(x, second, 1)} AS INT) > 12)"]
    for p in numbers:
        x = number_text(f"trim({p.raw})", d)
        exprs += [f"count(*) FILTER (WHERE {d.regex_full_match(x, only_dot)})",
                  f"count(*) FILTER (WHERE {d.regex_full_match(x, only_comma)})"]
    inner = ", ".join(f"{e} AS {a}" for e, a in zip(source_exprs, aliases, strict=True)) or "NULL AS s_none"
    sql = f"SELECT {', '.join(exprs)} FROM (SELECT {inner} FROM {relation})"

    def evidence(whole: bool) -> tuple[Any, ...]:
        probe = _reopen(src)
        if whole:
            reader = probe.reader()
        else:  # the first block (about 20,000 rows) tells in almost every file
            if isinstance(probe, readers.CsvSource):
                probe.block_size = SAMPLE_BYTES
            first = next(probe.batches(), None)
            reader = pa.RecordBatchReader.from_batches(probe.schema(), [first] if first is not None else [])
        with ws.backend.arrow_relation(SRC, reader):
            return ws.backend.fetch("profile dates and numbers", sql, bind.values)[0]

    counts = evidence(whole=False)
    if any(counts[3 * i] and not counts[3 * i + 1] and not counts[3 * i + 2] for i in range(len(dated))):
        counts = evidence(whole=True)
    for i, p in enumerate(dated):
        slash, dmy, mdy = counts[3 * i: 3 * i + 3]
        if dmy and mdy:
            raise IngestError([Problem(str(src.path), f"both date orders appear: {dmy:,} dates have a day above 12 "
                                       f"first (dd/mm) and {mdy:,} second (mm/dd); pass --dates dmy or --dates mdy "
                                       "(or set `dates:` in the mapping); the other order's dates are then "
                                       "quarantined", field=p.spec.name)])
        if slash and dmy == mdy:
            raise IngestError([Problem(str(src.path), "dates like dd/mm/yyyy and mm/dd/yyyy cannot be told apart "
                                       "(no day above 12); pass --dates dmy (Mexican order) or --dates mdy (US order), "
                                       "or set `dates:` in the mapping", field=p.spec.name)])
        p.dates = "dmy" if dmy > mdy else "mdy" if slash else None
    base = 3 * len(dated)
    for i, p in enumerate(numbers):
        dot, comma = counts[base + 2 * i: base + 2 * i + 2]
        p.decimal = "," if comma > dot else "."


def _reopen(src: readers.Source) -> readers.Source:
    if isinstance(src, readers.CsvSource):
        return readers.CsvSource(src.path, src.fmt, src.columns, delimiter=src.delimiter, encoding=src.encoding,
                                 compression=src.compression, exact=True, header=src.header, header_lines=src.header_lines,
                                 quoting=src.quoting,
                                 trim=src.trim)
    return readers.open_parquet(src.path)
