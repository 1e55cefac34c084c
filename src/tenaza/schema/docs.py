"""Markdown reference of the canonical tables, generated from the YAML declarations."""

from __future__ import annotations

from tenaza.schema.specs import TableKind, TableSpec

INTRO = """# Tables

Generated from `src/tenaza/schema/tables/*.yaml` by `tenaza schema-docs`; do not edit by hand.
A test fails when this file and the declarations differ.

Every canonical row also carries the markings (record_id, ingest_id, source, source_row,
originator, releasable_to, ingested_at, extras). Identifier columns (rfc, curp, ein, ssn) have
two companions: `<id>_check` (valid, bad_check_digit or malformed) and `<id>_raw` (the raw text
of a malformed value, which is cleared from the column itself).
"""


def _table(spec: TableSpec) -> str:
    lines = [f"## {spec.name}", "", spec.description, ""]
    if spec.key:
        lines += [f"Key: `{spec.key}` (unique within one file).", ""]
    lines += ["| column | type | required | description |", "|---|---|---|---|"]
    for c in spec.columns:
        if c.derived and spec.kind is TableKind.CANONICAL:
            continue
        kind = c.type.value + (f" ({', '.join(c.values)})" if c.values else "")
        lines.append(f"| {c.name} | {kind} | {'yes' if c.required else ''} | {c.description} |")
    return "\n".join(lines) + "\n"


def render(tables: dict[str, TableSpec]) -> str:
    order = [TableKind.CANONICAL, TableKind.DERIVED, TableKind.SYSTEM]
    parts = [INTRO]
    for kind in order:
        for spec in sorted((t for t in tables.values() if t.kind is kind), key=lambda t: t.name):
            parts.append(_table(spec))
    parts.append("## markings\n\n| column | type | description |\n|---|---|---|\n" + "\n".join(
        f"| {c.name} | {c.type.value} | {c.description} |" for c in tables["transactions"].columns
        if c.derived and not c.name.endswith(("_check", "_raw"))) + "\n")
    return "\n".join(parts)
