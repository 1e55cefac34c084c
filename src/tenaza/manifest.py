"""Manifests: a list of files with their table, mapping and markings, ingested in one go.

``{"files": [{"path": "bank.csv", "table": "transactions", "mapping": "bank.yaml",
"originator": "FINCEN", "releasable_to": ["USA", "MEX"]}]}``; paths are relative to the manifest.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from tenaza.errors import ManifestError, MappingError, Problem, TenazaError
from tenaza.ingest import IngestReport, ingest_file
from tenaza.store import Workspace


class ManifestFile(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    path: str = Field(alias="file")
    table: str
    mapping: str | None = None
    originator: str
    releasable_to: list[str]
    description: str | None = None
    delimiter: str | None = None
    encoding: str | None = None
    dates: str | None = None
    rows: int | None = Field(None, description="Data rows the producer wrote; checked against rows read.")
    malformed: int | None = Field(None, description="Rows the producer made malformed on purpose; checked "
                                  "against rows quarantined.")


class Manifest(BaseModel):
    model_config = ConfigDict(extra="allow")

    description: str | None = None
    files: list[ManifestFile] = Field(default_factory=list)


def load_manifest(path: Path) -> Manifest:
    try:
        return Manifest.model_validate(json.loads(path.read_text(encoding="utf-8")))
    except json.JSONDecodeError as exc:
        raise MappingError([Problem(str(path), f"not valid JSON: {exc.msg}", line=exc.lineno)]) from exc
    except ValidationError as exc:
        raise MappingError([Problem(str(path), e["msg"], field=".".join(map(str, e["loc"]))) for e in exc.errors()]) from exc


def ingest_manifest(ws: Workspace, path: Path,
                    on_file: Callable[[ManifestFile], None] | None = None) -> list[IngestReport]:
    """Ingest every file of the manifest, each in its own transaction, in order.

    A file that fails stops the manifest; the files before it stay committed, and the error
    says which were committed, which skipped as already loaded, and which not attempted."""
    manifest = load_manifest(path)
    reports: list[IngestReport] = []
    for i, f in enumerate(manifest.files):
        if on_file:
            on_file(f)
        try:
            report = ingest_file(
                ws, path.parent / f.path, f.table, mapping=path.parent / f.mapping if f.mapping else None,
                originator=f.originator, releasable_to=f.releasable_to, delimiter=f.delimiter, encoding=f.encoding,
                dates=f.dates)
        except TenazaError as exc:
            done = list(zip(manifest.files, reports, strict=False))
            raise ManifestError(exc, path.name, [m.path for m, r in done if r.already_ingested_as is None],
                                [m.path for m, r in done if r.already_ingested_as is not None],
                                [m.path for m in manifest.files[i + 1:]]) from exc
        if report.already_ingested_as is None:
            if f.rows is not None and f.rows != report.rows_read:
                report.warnings.append(f"the manifest says {f.rows:,} rows; {report.rows_read:,} were read")
            if f.malformed is not None and f.malformed != report.rows_quarantined:
                report.warnings.append(f"the manifest says {f.malformed:,} malformed rows; "
                                       f"{report.rows_quarantined:,} were quarantined")
        reports.append(report)
    return reports
