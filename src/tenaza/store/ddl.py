"""Pure functions that return the DDL of the workspace tables."""

from __future__ import annotations

from tenaza.schema.specs import TableKind, TableSpec
from tenaza.store.dialect import Dialect, ident

# Working columns of a stored canonical table, used only inside an ingest's transaction:
# rows whose _problems is set are moved to quarantine before the commit, so outside an ingest
# both are always NULL. They let one streaming pass both store and triage a file.
WORK_COLUMNS = ("_problems", "_raw")

# Markings the view joins in from ingest_log, by the name ingest_log gives them.
_FROM_INGEST_LOG = {
    "source": "l.source",
    "originator": "l.originator",
    "releasable_to": "l.releasable_to",
    "ingested_at": "l.started_at",
}


def create_table(spec: TableSpec, dialect: Dialect) -> str:
    cols = [f"{ident(c.name)} {dialect.engine_type(c.type)}" for c in spec.stored_columns]
    if spec.kind is TableKind.CANONICAL:
        cols += [f"{ident(c)} VARCHAR" for c in WORK_COLUMNS]
    body = ",\n  ".join(cols)
    return f"CREATE TABLE IF NOT EXISTS {ident(spec.physical_name)} (\n  {body}\n)"


def create_view(spec: TableSpec) -> str:
    """The canonical table as users and detectors see it: every column, markings included."""
    exprs = []
    for c in spec.columns:
        if c.stored:
            exprs.append(f"r.{ident(c.name)}")
        elif c.name == "record_id":
            exprs.append("CAST(r.ingest_id AS STRING) || ':' || CAST(r.source_row AS STRING) AS record_id")
        else:
            exprs.append(f"{_FROM_INGEST_LOG[c.name]} AS {ident(c.name)}")
    select = ",\n  ".join(exprs)
    return (f"CREATE OR REPLACE VIEW {ident(spec.name)} AS SELECT\n  {select}\n"
            f"FROM {ident(spec.physical_name)} AS r JOIN ingest_log AS l USING (ingest_id)")


META = "CREATE TABLE IF NOT EXISTS _meta (key VARCHAR PRIMARY KEY, value VARCHAR)"
REF_ALIAS = "CREATE TABLE IF NOT EXISTS ref_alias (kind VARCHAR, alias VARCHAR, code VARCHAR, PRIMARY KEY (kind, alias))"
