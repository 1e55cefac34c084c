"""Readers: any supported file becomes a stream of Arrow batches of text columns plus ``_line``.

Every reader yields string columns only; typing and validation happen set-wise in the engine.
``_line`` is where the row starts in the file (the header is line 1), so a quarantined or
stored row can always be traced back to its place in the source.

CSV is parsed by Arrow's multithreaded reader. Its invalid-row callback cannot say where a bad
row was when it parses in parallel, so the first bad row switches the read to Arrow's
sequential mode, which numbers rows exactly (see ``CsvSource``).
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import logging
import queue
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from tenaza.errors import IngestError, Problem

log = logging.getLogger("tenaza")

COMPRESSIONS = {".gz": "gzip", ".bz2": "bz2", ".zst": "zstd", ".zstd": "zstd"}
FORMATS = {
    ".csv": "csv", ".txt": "csv", ".tsv": "csv", ".psv": "csv", ".dat": "csv",
    ".parquet": "parquet", ".pq": "parquet",
    ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl",
}
LINE = "_line"
SNIFF_BYTES = 1 << 16
BLOCK_SIZE = 8 << 20
JSONL_COLUMN = "line"


def _has_newline(col: pa.Array) -> bool:
    """Whether any value holds a newline: one scan of the column's character buffer."""
    data = col.buffers()[2]
    return data is not None and bool((np.frombuffer(data, dtype=np.uint8) == 10).any())


def trimmed(batch: pa.RecordBatch) -> pa.RecordBatch:
    """Leading and trailing whitespace removed from every text value (Arrow's kernel is several
    times faster than trimming in SQL, and every reader needs it)."""
    return pa.RecordBatch.from_arrays([pc.utf8_trim_whitespace(c) if pa.types.is_string(c.type) else c
                                       for c in batch.columns], schema=batch.schema)


@dataclass(frozen=True)
class BadRow:
    """A row the parser could not split into the header's columns."""

    line: int
    text: str
    reason: str


def detect(path: Path) -> tuple[str, str | None]:
    """(format, compression) from the file name."""
    suffixes = [s.lower() for s in path.suffixes]
    compression = COMPRESSIONS.get(suffixes[-1]) if suffixes else None
    if compression:
        suffixes = suffixes[:-1]
    fmt = FORMATS.get(suffixes[-1]) if suffixes else None
    if fmt is None:
        raise IngestError([Problem(str(path), "unknown file type; expected .csv, .tsv, .txt, .parquet or .jsonl, "
                                   "optionally compressed as .gz, .bz2 or .zst")])
    if fmt == "parquet" and compression:
        raise IngestError([Problem(str(path), "Parquet files compress internally; give the .parquet file itself")])
    return fmt, compression


class HashingFile(io.RawIOBase):
    """A read-only file that hashes every byte read, so the content hash costs no extra pass."""

    def __init__(self, path: Path) -> None:
        self._f: io.BufferedReader = open(path, "rb")  # noqa: SIM115 - closed in close()
        self.sha = hashlib.sha256()
        self.bytes_read = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        n = self._f.readinto(buffer)
        if n:
            view = memoryview(buffer)[:n]
            self.sha.update(view)
            self.bytes_read += n
        return n or 0

    def close(self) -> None:
        self._f.close()
        super().close()


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def _head(path: Path, compression: str | None, size: int = SNIFF_BYTES) -> bytes:
    with pa.input_stream(str(path), compression=compression) as stream:
        try:
            return bytes(stream.read(size))
        except (OSError, pa.ArrowInvalid) as exc:
            raise IngestError([Problem(str(path), f"cannot decompress ({compression}): {exc}")]) from exc


def _first_bad_utf8_line(path: Path, compression: str | None, encoding: str) -> int | None:
    """Line of the first byte sequence that does not decode (error path only)."""
    decoder = codecs.getincrementaldecoder(encoding)()
    line = 1
    with pa.input_stream(str(path), compression=compression) as stream:
        while chunk := bytes(stream.read(1 << 20)):
            for raw in chunk.splitlines(keepends=True):
                try:
                    decoder.decode(raw)
                except UnicodeDecodeError:
                    return line
                line += raw.endswith(b"\n")
    return None


def _encoding_error(path: Path, compression: str | None, encoding: str) -> IngestError:
    line = _first_bad_utf8_line(path, compression, encoding)
    return IngestError([Problem(str(path), f"not valid {encoding.upper()} text; if the file is Latin-1 or Windows-1252, "
                                "re-run with --encoding cp1252 (or set `encoding:` in the mapping)", line=line)])


def _check_text(path: Path, head: bytes, encoding: str) -> str:
    if not head:
        raise IngestError([Problem(str(path), "the file is empty: no header and no rows")])
    if b"\x00" in head and not encoding.lower().startswith("utf-16"):
        raise IngestError([Problem(str(path), "binary content (NUL bytes), not a text file; is this the right file?",
                                   line=head[: head.index(b"\x00")].count(b"\n") + 1)])
    try:
        return head.decode(encoding)
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 4:  # a multi-byte character cut by the sniffing window
            return head[: exc.start].decode(encoding)
        raise IngestError([Problem(str(path), f"not valid {encoding.upper()} text; if the file is Latin-1 or "
                                   "Windows-1252, re-run with --encoding cp1252 (or set `encoding:` in the mapping)",
                                   line=head[: exc.start].count(b"\n") + 1)]) from exc


def _sniff_delimiter(text: str) -> str:
    lines = [ln for ln in text.splitlines()[:50] if ln.strip()]
    try:
        return csv.Sniffer().sniff("\n".join(lines), delimiters=",;|\t").delimiter
    except csv.Error:
        header = lines[0] if lines else ""
        return max(",;|\t", key=header.count) if header else ","


def _header(text: str, delimiter: str) -> tuple[list[str], int]:
    """Unique column names (a repeated name gets _2, _3 ... never one the file uses itself) and
    the number of physical lines the header takes (a quoted name may hold a newline)."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=delimiter)
    row = next(reader, [])
    lines = max(reader.line_num, 1)
    raw = [r.strip() or f"column_{i + 1}" for i, r in enumerate(row)]
    taken = set(raw)
    names: list[str] = []
    used: set[str] = set()
    for name in raw:
        if name in used:
            k = 2
            while f"{name}_{k}" in taken or f"{name}_{k}" in used:
                k += 1
            name = f"{name}_{k}"
        used.add(name)
        names.append(name)
    return names, lines


def echo(text: str, limit: int = 200) -> str:
    """Source text quoted in a message, cut to ``limit`` characters."""
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text):,} characters)"


def check_encoding(path: Path, encoding: str) -> str:
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        raise IngestError([Problem(str(path), f"unknown encoding {encoding!r}; for example utf-8, cp1252, latin-1, "
                                   "utf-16", field="--encoding")]) from None


def check_delimiter(path: Path, delimiter: str) -> str:
    if len(delimiter) != 1 or delimiter in "\r\n\"":
        raise IngestError([Problem(str(path), f"delimiter {delimiter!r}: expected one character other than a quote "
                                   "or a newline, such as , ; | or a tab", field="--delimiter")])
    return delimiter


@dataclass
class Source:
    """What every reader offers the pipeline."""

    path: Path
    fmt: str
    columns: list[str]
    bad_rows: list[BadRow] = field(default_factory=list)
    blank_lines: int = 0
    rows_yielded: int = 0
    hasher: HashingFile | None = None
    failure: Exception | None = None  # the reader's own error, when the engine stopped on it

    def batches(self) -> Iterator[pa.RecordBatch]:
        raise NotImplementedError

    def schema(self) -> pa.Schema:
        return pa.schema([(c, pa.string()) for c in self.columns] + [(LINE, pa.int64())])

    def reader(self) -> pa.RecordBatchReader:
        return pa.RecordBatchReader.from_batches(self.schema(), prefetch(self.batches()))


def prefetch(batches: Iterator[pa.RecordBatch], depth: int = 3) -> Iterator[pa.RecordBatch]:
    """Produce batches in a thread of their own, a few ahead of the consumer.

    Parsing, trimming and line numbering then overlap with the engine's work on earlier
    batches (Arrow's kernels release the GIL); without it the engine waits for each batch.
    An exception in the producer is re-raised in the consumer, in order."""
    done = object()
    q: queue.Queue[Any] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def produce() -> None:
        try:
            for batch in batches:
                while not stop.is_set():
                    try:
                        q.put(batch, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            q.put(done)
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer, which raises it
            q.put(exc)

    worker = threading.Thread(target=produce, name="tenaza-reader", daemon=True)
    worker.start()
    try:
        while True:
            item = q.get()
            if item is done:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        worker.join(timeout=5)


class Restart(Exception):
    """A bad row turned up in parallel mode; read again in exact mode."""


@dataclass
class CsvSource(Source):
    delimiter: str = ","
    encoding: str = "utf-8"
    compression: str | None = None
    exact: bool = False
    hash_while_reading: bool = False
    header: bool = True  # JSON lines have none
    quoting: bool = True  # JSON lines are read verbatim, quotes and all
    trim: bool = True  # JSON lines keep their raw text; their values are trimmed in SQL
    block_size: int = BLOCK_SIZE
    header_lines: int = 1

    def _open(self) -> Any:
        if self.hash_while_reading:
            self.hasher = HashingFile(self.path)
            raw: Any = pa.PythonFile(self.hasher, mode="r")
        else:
            raw = pa.OSFile(str(self.path))
        return pa.CompressedInputStream(raw, self.compression) if self.compression else raw

    def _handler(self, row: Any) -> str:
        if not self.exact:
            self._restart = True
            return "error"
        text = row.text or ""
        self._pending_bad[int(row.number)] = BadRow(int(row.number), text,
                                                    f"expected {row.expected_columns} fields, found {row.actual_columns}")
        return "skip"

    def batches(self) -> Iterator[pa.RecordBatch]:
        self._restart = False
        self._pending_bad: dict[int, BadRow] = {}
        self._pos = (1, 1)
        try:
            yield from self._batches()
        except pa.ArrowInvalid as exc:
            if self._restart:
                raise Restart from exc
            if "UTF8" in str(exc) or "utf8" in str(exc).lower():
                raise _encoding_error(self.path, self.compression, self.encoding) from exc
            if "straddl" in str(exc):
                raise IngestError([Problem(str(self.path), f"a value longer than the reader's block "
                                           f"({self.block_size >> 20} MiB) starts on this line or soon after; "
                                           "values that long are not supported: is a quote left open?",
                                           line=self._pos[1])]) from exc
            raise IngestError([Problem(str(self.path), f"cannot parse as CSV: {echo(str(exc).splitlines()[0])}",
                                       line=self._pos[1])]) from exc

    def _batches(self) -> Iterator[pa.RecordBatch]:
        # The header is skipped as a parsed record, not a line: a quoted name may hold a newline.
        read = pacsv.ReadOptions(column_names=self.columns, skip_rows_after_names=1 if self.header else 0,
                                 block_size=self.block_size,
                                 use_threads=not self.exact, encoding=self.encoding)
        parse = pacsv.ParseOptions(delimiter=self.delimiter, quote_char='"' if self.quoting else False,
                                   newlines_in_values=self.quoting, ignore_empty_lines=False,
                                   invalid_row_handler=self._handler)
        convert = pacsv.ConvertOptions(column_types={c: pa.string() for c in self.columns},
                                       strings_can_be_null=False, quoted_strings_can_be_null=False)
        stream = self._open()
        # the header is record 1 and starts line 1; it may take several lines
        pos = (2, 1 + self.header_lines) if self.header else (1, 1)
        self._pos = pos
        try:
            with pacsv.open_csv(stream, read_options=read, parse_options=parse, convert_options=convert) as rdr:
                for batch in rdr:
                    lines, pos = self._lines(batch, pos)
                    self._pos = pos
                    _refuse_nul(self.path, batch, lines)
                    self.rows_yielded += batch.num_rows
                    yield (trimmed(batch) if self.trim else batch).append_column(LINE, pa.array(lines, pa.int64()))
            self._flush_pending(pos)
        finally:
            stream.close()

    def _lines(self, batch: pa.RecordBatch, pos: tuple[int, int]) -> tuple[np.ndarray, tuple[int, int]]:
        """Physical start lines of a batch's rows.

        Arrow numbers rows by record (the header is record 1). A record spans one line plus the
        newlines inside its quoted values, and bad records (known by the time their batch is
        yielded, since Arrow parses blocks in order) sit between good ones. ``pos`` is
        (next record number, its physical line); bad rows get their physical line here too.
        """
        record, line = pos
        n = batch.num_rows
        extra = np.zeros(n, dtype=np.int64)
        for col in batch.columns:
            if _has_newline(col):
                extra += pc.count_substring(col, "\n").to_numpy(zero_copy_only=False)
        pending = self._pending_bad
        if not pending and not extra.any():
            return np.arange(line, line + n, dtype=np.int64), (record + n, line + n)
        lines = np.empty(n, dtype=np.int64)
        k = 0
        while k < n:
            bad = pending.get(record)
            if bad is not None:
                del pending[record]
                self.bad_rows.append(BadRow(line, bad.text, bad.reason))
                line += 1 + bad.text.count("\n")
                record += 1
                continue
            lines[k] = line
            line += 1 + int(extra[k])
            record += 1
            k += 1
        return lines, (record, line)

    def _flush_pending(self, pos: tuple[int, int]) -> None:
        """Bad records after the last good one."""
        record, line = pos
        for number in sorted(self._pending_bad):
            bad = self._pending_bad[number]
            line += number - record
            record = number
            self.bad_rows.append(BadRow(line, bad.text, bad.reason))
            line += 1 + bad.text.count("\n")
            record += 1
        self._pending_bad.clear()


def _refuse_nul(path: Path, batch: pa.RecordBatch, lines: np.ndarray) -> None:
    """A NUL byte anywhere (the sniffed head checks only the first 64 KiB) rejects the file."""
    for col in batch.columns:
        data = col.buffers()[2] if pa.types.is_string(col.type) else None
        if data is None or not (np.frombuffer(data, dtype=np.uint8) == 0).any():
            continue
        hit = pc.find_substring(col, "\x00").to_numpy(zero_copy_only=False)
        row = int(np.argmax(hit >= 0))
        raise IngestError([Problem(str(path), "binary content (NUL bytes), not a text file; is this the right file?",
                                   line=int(lines[row]))])


def open_csv(path: Path, compression: str | None, *, delimiter: str | None, encoding: str | None,
             hash_while_reading: bool) -> CsvSource:
    enc = check_encoding(path, encoding or "utf-8")
    if delimiter is not None:
        check_delimiter(path, delimiter)
    text = _check_text(path, _head(path, compression), enc)
    delim = delimiter or _sniff_delimiter(text)
    columns, header_lines = _header(text, delim)
    return CsvSource(path, "csv", columns, delimiter=delim, encoding=enc, compression=compression,
                     hash_while_reading=hash_while_reading, header_lines=header_lines)


def caused_by_restart(exc: BaseException | None) -> bool:
    """Whether a failure came from a CSV bad row met in parallel mode (then read again, exactly)."""
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, Restart) or "readers.Restart" in str(exc):
            return True
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return False


@dataclass
class ParquetSource(Source):
    def batches(self) -> Iterator[pa.RecordBatch]:
        try:
            pf = pq.ParquetFile(str(self.path))
            start = 1
            for batch in pf.iter_batches(batch_size=1 << 17):
                cols = [_as_text(batch.column(i)) for i in range(batch.num_columns)]
                n = batch.num_rows
                cols.append(pa.array(np.arange(start, start + n, dtype=np.int64)))
                start += n
                self.rows_yielded += n
                yield trimmed(pa.RecordBatch.from_arrays(cols, schema=self.schema()))
        except (pa.ArrowInvalid, OSError) as exc:
            raise IngestError([Problem(str(self.path), f"cannot read as Parquet: {str(exc).splitlines()[0]}")]) from exc


def _as_text(arr: pa.Array) -> pa.Array:
    if pa.types.is_string(arr.type):
        return arr
    if pa.types.is_large_string(arr.type) or pa.types.is_dictionary(arr.type):
        return pc.cast(arr, pa.string())
    if pa.types.is_list(arr.type) or pa.types.is_large_list(arr.type) or pa.types.is_struct(arr.type):
        import json

        return pa.array([None if v is None else json.dumps(v, default=str, ensure_ascii=False)
                         for v in arr.to_pylist()], pa.string())
    return pc.cast(arr, pa.string())


def open_parquet(path: Path) -> ParquetSource:
    try:
        schema = pq.read_schema(str(path))
    except (pa.ArrowInvalid, OSError) as exc:
        raise IngestError([Problem(str(path), f"not a Parquet file: {str(exc).splitlines()[0]}")]) from exc
    return ParquetSource(path, "parquet", list(schema.names))


def open_jsonl(path: Path, compression: str | None, *, encoding: str | None, hash_while_reading: bool) -> CsvSource:
    """JSON lines are read as one text column per physical line; the engine parses the JSON."""
    enc = check_encoding(path, encoding or "utf-8")
    _check_text(path, _head(path, compression), enc)
    return CsvSource(path, "jsonl", [JSONL_COLUMN], delimiter="\x1f", encoding=enc, compression=compression,
                     hash_while_reading=hash_while_reading, header=False, quoting=False, trim=False)
