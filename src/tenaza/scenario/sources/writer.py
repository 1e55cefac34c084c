"""Streaming CSV output, the mapping files beside it, and the manifest of a generated world."""

from __future__ import annotations

import io
import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pcsv
import yaml

from tenaza.scenario.sources.layout import Layout

log = logging.getLogger("tenaza")


@dataclass
class Sink:
    """One output file, written chunk by chunk; the header goes with the first chunk."""

    layout: Layout
    path: Path
    rows: int = 0
    malformed: list[dict[str, Any]] = field(default_factory=list)
    _opened: bool = False

    def adopt(self, rows: int) -> None:
        """The file was written by another process: take its row count, append from now on."""
        self.rows = rows
        self._opened = self.path.exists()

    def write(self, table: pa.Table) -> None:
        if table.num_rows == 0 and self._opened:
            return
        buf = io.BytesIO()
        if not self._opened:  # header without quotes, as the agencies' exports have it
            buf.write((self.layout.delimiter.join(table.column_names) + "\n").encode("utf-8"))
        quoting = "none" if self.layout.delimiter == "|" else "needed"
        opts = pcsv.WriteOptions(include_header=False, delimiter=self.layout.delimiter, quoting_style=quoting)
        pcsv.write_csv(table, buf, opts)
        data = buf.getvalue()
        if self.layout.encoding.lower() not in ("utf-8", "utf8"):
            data = data.decode("utf-8").encode(self.layout.encoding)
        with self.path.open("ab" if self._opened else "wb") as fh:
            fh.write(data)
        self._opened = True
        self.rows += table.num_rows


class Output:
    """The output folder: sinks per layout, mapping files under mappings/, and manifest.json."""

    def __init__(self, out: Path, mappings: bool = True) -> None:
        self.out = out
        self.mappings = mappings
        out.mkdir(parents=True, exist_ok=True)
        (out / "mappings").mkdir(exist_ok=True)
        self.sinks: dict[str, Sink] = {}

    def sink(self, layout: Layout) -> Sink:
        if layout.name not in self.sinks:
            self.sinks[layout.name] = Sink(layout, self.out / layout.file_name)
            mapping = self.out / "mappings" / f"{layout.name}.yaml"
            if self.mappings:
                mapping.write_text(yaml.safe_dump(layout.mapping(), sort_keys=False, allow_unicode=True), encoding="utf-8")
        return self.sinks[layout.name]

    def write(self, layout: Layout, table: pa.Table) -> None:
        self.sink(layout).write(table)

    def manifest(self, extra: dict[str, Any]) -> Path:
        files = []
        malformed = []
        for name, s in self.sinks.items():
            files.append({
                "file": s.path.name, "table": s.layout.table, "mapping": f"mappings/{name}.yaml",
                "originator": s.layout.originator, "releasable_to": list(s.layout.releasable_to),
                "description": s.layout.description, "rows": s.rows, "malformed": len(s.malformed),
            })
            malformed += [{"file": s.path.name, **m} for m in s.malformed]
        path = self.out / "manifest.json"
        doc = {**extra, "files": files, "malformed_rows": malformed}
        path.write_text(json.dumps(doc, indent=2, ensure_ascii=False), encoding="utf-8")
        log.info("wrote %s (%d files)", path, len(files))
        return path
