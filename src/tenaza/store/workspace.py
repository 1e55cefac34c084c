"""A workspace: the canonical tables, quarantine and ingest log, behind one engine.

On DuckDB (the default) a workspace is one file. On Spark it is a folder of Parquet tables;
opening a DuckDB workspace file with the Spark engine works on a Parquet copy of it kept beside
the file (``<file>.spark/``), refreshed when the file is newer (see docs/design/architecture.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Self

from tenaza import __version__
from tenaza.errors import UnsupportedCapability, WorkspaceError
from tenaza.schema import CANONICAL, TABLES, TableKind
from tenaza.store import ddl
from tenaza.store.backend import Backend
from tenaza.store.dialect import ident
from tenaza.store.duckdb_backend import DuckDBBackend
from tenaza.store.reference import country_aliases, currency_aliases
from tenaza.store.settings import current_engine

if TYPE_CHECKING:
    from tenaza.markings import Viewer

SCHEMA_VERSION = "1"


@dataclass(frozen=True)
class TableStatus:
    table: str
    rows: int
    quarantined: int
    sources: int


class Workspace:
    """Open with ``Workspace.open(path)`` or create with ``Workspace.create(path)``."""

    def __init__(self, backend: Backend, path: Path) -> None:
        self.backend = backend
        self.path = path
        self.viewer: Viewer | None = None  # None or OWNER: the workspace owner, who sees every row

    # -- life cycle -----------------------------------------------------------------------
    @classmethod
    def create(cls, path: Path | str, *, engine: str | None = None) -> Workspace:
        path = Path(path)
        chosen = current_engine(engine)
        if chosen.name != "duckdb":
            raise UnsupportedCapability(chosen.name, "create a workspace yet: create it with DuckDB, ingest, "
                                                     "then open it with --engine spark")
        if path.exists():
            raise WorkspaceError(f"{path}: already exists; open it, or choose another path")
        path.parent.mkdir(parents=True, exist_ok=True)
        ws = cls(DuckDBBackend(path), path)
        try:
            with ws.backend.transaction("create workspace"):
                ws._create_tables()
        except BaseException:
            ws.close()
            path.unlink(missing_ok=True)
            raise
        return ws

    @classmethod
    def open(cls, path: Path | str, *, read_only: bool = False, viewer: Viewer | None = None,
             engine: str | None = None) -> Workspace:
        """Open a workspace. With a ``viewer`` (other than the owner) it is read-only and every
        table holding marked rows reads through that viewer's filter (tenaza.markings). Without
        one, the process's default viewer (the CLI's ``--as``) applies to read-only opens, and a
        writing open under a default viewer is refused: only the owner changes a workspace."""
        from tenaza.markings import default_viewer

        path = Path(path)
        if viewer is None and (viewer := default_viewer()) is not None and not viewer.is_owner and not read_only:
            raise WorkspaceError(f"{path}: this command changes the workspace, which only its owner does; "
                                 f"run it without --as {viewer}, then read the results with --as")
        if viewer is not None and not viewer.is_owner:
            read_only = True
        chosen = current_engine(engine)
        if chosen.name == "spark":
            ws = cls._open_spark(path, chosen.master or "local[*]", read_only)
            return ws._as(viewer)
        if not path.is_file():
            raise WorkspaceError(f"{path}: no workspace here; create one with `tenaza init {path}`")
        try:
            backend: Backend = DuckDBBackend(path, read_only=read_only)
        except Exception as exc:
            first = str(exc).splitlines()[0]
            held = re.search(r"Conflicting lock is held in .*?\(PID (\d+)\)", first)
            if held:
                raise WorkspaceError(f"{path}: busy, held by process {held.group(1)}; wait for it to finish or stop "
                                     "it, then try again (a workspace has one writer at a time)") from exc
            raise WorkspaceError(f"{path}: not a tenaza workspace ({first})") from exc
        ws = cls(backend, path)
        version = ws._meta("schema_version")
        if version is None:
            ws.close()
            raise WorkspaceError(f"{path}: not a tenaza workspace (no _meta table)")
        if version != SCHEMA_VERSION:
            ws.close()
            raise WorkspaceError(f"{path}: schema version {version}, this tenaza reads {SCHEMA_VERSION}")
        if not read_only:
            ws._add_missing_tables()
        return ws._as(viewer)

    def _as(self, viewer: Viewer | None) -> Workspace:
        """This workspace as ``viewer`` reads it (tenaza.markings.install_viewer), on either engine."""
        if viewer is not None and not viewer.is_owner:
            from tenaza.markings import install_viewer

            try:
                install_viewer(self, viewer)
            except BaseException:
                self.close()
                raise
        self.viewer = viewer
        return self

    @classmethod
    def _open_spark(cls, path: Path, master: str, read_only: bool) -> Workspace:
        from tenaza.store.spark_backend import SparkBackend, export_duckdb

        if path.is_file():
            root = path.with_name(path.name + ".spark")
            if not root.is_dir() or root.stat().st_mtime < path.stat().st_mtime:
                export_duckdb(path, root)
        elif (path / "tables").is_dir():
            root = path
        else:
            raise WorkspaceError(f"{path}: no workspace here (a DuckDB workspace file, or a folder with tables/)")
        ws = cls(SparkBackend(root, master=master, read_only=read_only), path)
        version = ws._meta("schema_version")
        if version != SCHEMA_VERSION:
            ws.close()
            raise WorkspaceError(f"{path}: schema version {version}, this tenaza reads {SCHEMA_VERSION}")
        # the session's catalog forgets views: make the canonical ones again
        have = ws.backend.table_columns()
        for spec in TABLES.values():
            if spec.kind is TableKind.CANONICAL and spec.physical_name in have:
                ws.backend.execute(f"create view {spec.name}", ddl.create_view(spec))
        return ws

    def close(self) -> None:
        self.backend.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    # -- internals ------------------------------------------------------------------------
    def _create_tables(self) -> None:
        b = self.backend
        b.execute("create _meta", ddl.META)
        for spec in TABLES.values():
            b.execute(f"create table {spec.name}", ddl.create_table(spec, b.dialect))
        for spec in TABLES.values():
            if spec.kind is TableKind.CANONICAL:
                b.execute(f"create view {spec.name}", ddl.create_view(spec))
        b.execute("create ref_alias", ddl.REF_ALIAS)
        for kind, aliases in (("country", country_aliases()), ("currency", currency_aliases())):
            b.execute("load reference codes",
                      "INSERT INTO ref_alias SELECT $kind, alias, code FROM "
                      f"({b.dialect.rows_from_arrays({'alias': '$aliases', 'code': '$codes'})}) AS r",
                      {"kind": kind, "aliases": list(aliases), "codes": list(aliases.values())})
        now = datetime.now(UTC).isoformat(timespec="seconds")
        for key, value in (("schema_version", SCHEMA_VERSION), ("created_at", now), ("created_by", f"tenaza {__version__}")):
            b.execute("write _meta", "INSERT INTO _meta VALUES ($k, $v)", {"k": key, "v": value})

    def _add_missing_tables(self) -> None:
        """Tables and columns declared since the workspace was made are added on open.

        Only additive changes migrate this way (new columns are empty for old rows); renaming
        or retyping a column bumps SCHEMA_VERSION instead."""
        b = self.backend
        columns = b.table_columns()
        changes = []
        for spec in TABLES.values():
            have = columns.get(spec.physical_name)
            if have is None:
                changes.append((spec, [ddl.create_table(spec, b.dialect)]))
                continue
            added = [f"ALTER TABLE {ident(spec.physical_name)} ADD COLUMN {ident(c.name)} {b.dialect.engine_type(c.type)}"
                     for c in spec.stored_columns if c.name not in have]
            if added:
                changes.append((spec, added))
        if not changes:
            return
        with b.transaction("add new tables and columns"):
            for spec, statements in changes:
                for sql in statements:
                    b.execute(f"migrate {spec.name}", sql)
                if spec.kind is TableKind.CANONICAL:
                    b.execute(f"create view {spec.name}", ddl.create_view(spec))

    def _meta(self, key: str) -> str | None:
        if "_meta" not in self.backend.table_columns():
            return None
        value = self.backend.scalar("read _meta", "SELECT value FROM _meta WHERE key = $k", {"k": key})
        return None if value is None else str(value)

    # -- the ingest log --------------------------------------------------------------------
    def next_ingest_id(self) -> int:
        """The id the next load will take; call inside the load's transaction."""
        return int(self.backend.scalar("next ingest id", "SELECT coalesce(max(ingest_id), 0) + 1 FROM ingest_log"))

    def log_load(self, ingest_id: int, *, target_table: str, source: str, path: str, content_sha256: str,
                 content_bytes: int, file_format: str, rows_read: int, rows_accepted: int, rows_quarantined: int,
                 originator: str, releasable_to: list[str], started_at: datetime, seconds: float,
                 mapping: str | None = None, values_repaired: int = 0, ids_flagged: int = 0,
                 extra_columns: list[str] | None = None) -> None:
        """Record one load (a file by ``tenaza ingest``, or a list loaded by its own reader):
        its markings apply to every row stored under ``ingest_id``."""
        row = {"ingest_id": ingest_id, "target_table": target_table, "source": source, "path": path,
               "content_sha256": content_sha256, "content_bytes": content_bytes, "mapping": mapping,
               "file_format": file_format, "rows_read": rows_read, "rows_accepted": rows_accepted,
               "rows_quarantined": rows_quarantined, "values_repaired": values_repaired, "ids_flagged": ids_flagged,
               "extra_columns": extra_columns or [], "originator": originator,
               "releasable_to": sorted(releasable_to), "started_at": started_at, "seconds": round(seconds, 3)}
        columns = ", ".join(ident(k) for k in row)
        self.backend.execute("log load", f"INSERT INTO ingest_log ({columns}) VALUES ({', '.join('$' + k for k in row)})",
                             row)

    # -- queries --------------------------------------------------------------------------
    def count(self, table: str) -> int:
        return int(self.backend.scalar(f"count {table}", f"SELECT count(*) FROM {ident(table)}"))

    def status(self) -> list[TableStatus]:
        quarantined = dict(self.backend.fetch(
            "status: quarantine", "SELECT target_table, count(*) FROM quarantine GROUP BY target_table"))
        sources = dict(self.backend.fetch(
            "status: sources", "SELECT target_table, count(DISTINCT content_sha256) FROM ingest_log GROUP BY target_table"))
        # every table's count in one statement: one scan each, one round trip (one job on Spark)
        counts = dict(self.backend.fetch("status: rows", " UNION ALL ".join(
            f"SELECT '{t}' AS t, count(*) AS n FROM {ident(t)}" for t in CANONICAL)))
        return [TableStatus(t, int(counts[t]), int(quarantined.get(t, 0)), int(sources.get(t, 0))) for t in CANONICAL]

    def ingests(self) -> list[dict[str, object]]:
        cols = [c.name for c in TABLES["ingest_log"].columns]
        rows = self.backend.fetch("list ingests", f"SELECT {', '.join(map(ident, cols))} FROM ingest_log ORDER BY ingest_id")
        return [dict(zip(cols, r, strict=True)) for r in rows]
