"""Load and check the table declarations. A broken declaration fails at import with
``InvalidSchema`` naming the file and the field, so no command runs on a broken model."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml

from tenaza.errors import InvalidSchema, Problem
from tenaza.schema.specs import ColumnSpec, ColumnType, TableKind, TableSpec

TABLES_DIR = Path(__file__).with_name("tables")
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_TABLE_KEYS = {"name", "kind", "description", "key", "columns"}
_COLUMN_KEYS = {"type", "required", "values", "description", "stored"}
CHECK_VALUES = ("valid", "bad_check_digit", "malformed")


def _check_column(file: str, cname: str, raw: Any, problems: list[Problem]) -> ColumnSpec | None:
    where = f"columns.{cname}"
    if not isinstance(cname, str) or not _NAME.match(cname):
        problems.append(Problem(file, f"column name {cname!r} must match {_NAME.pattern}", field=where))
        return None
    if not isinstance(raw, Mapping):
        problems.append(Problem(file, "expected a mapping with at least 'type'", field=where))
        return None
    for unknown in sorted(set(raw) - _COLUMN_KEYS):
        problems.append(Problem(file, f"unknown key {unknown!r}; expected one of {sorted(_COLUMN_KEYS)}", field=where))
    try:
        ctype = ColumnType(raw.get("type"))
    except ValueError:
        known = ", ".join(t.value for t in ColumnType)
        problems.append(Problem(file, f"unknown type {raw.get('type')!r}; expected one of {known}", field=f"{where}.type"))
        return None
    values = raw.get("values") or []
    if ctype is ColumnType.ENUM and (not isinstance(values, list) or not values or not all(isinstance(v, str) for v in values)):
        problems.append(Problem(file, "an enum needs a non-empty list of string values", field=f"{where}.values"))
        return None
    if ctype is not ColumnType.ENUM and values:
        problems.append(Problem(file, "only an enum takes values", field=f"{where}.values"))
    required = raw.get("required", False)
    if not isinstance(required, bool):
        problems.append(Problem(file, "required must be true or false", field=f"{where}.required"))
    description = raw.get("description")
    if not isinstance(description, str) or not description.strip():
        problems.append(Problem(file, "every column needs a description (the docs are generated from it)", field=f"{where}.description"))
    stored = raw.get("stored", True)
    if not isinstance(stored, bool):
        problems.append(Problem(file, "stored must be true or false", field=f"{where}.stored"))
    return ColumnSpec(cname, ctype, str(description or ""), bool(required), tuple(values), stored=bool(stored))


def _parse_table(file: str, doc: Any, problems: list[Problem]) -> tuple[dict[str, Any], list[ColumnSpec]] | None:
    if not isinstance(doc, Mapping):
        problems.append(Problem(file, "expected a mapping with name, description and columns"))
        return None
    for unknown in sorted(set(doc) - _TABLE_KEYS):
        problems.append(Problem(file, f"unknown key {unknown!r}; expected one of {sorted(_TABLE_KEYS)}", field=unknown))
    for needed in ("name", "description", "columns"):
        if needed not in doc:
            problems.append(Problem(file, "missing", field=needed))
    if not isinstance(doc.get("columns"), Mapping) or not doc.get("columns"):
        problems.append(Problem(file, "expected a non-empty mapping of column name to spec", field="columns"))
        return None
    columns = [c for n, r in doc["columns"].items() if (c := _check_column(file, n, r, problems))]
    return dict(doc), columns


def _with_identifier_checks(columns: Iterable[ColumnSpec]) -> list[ColumnSpec]:
    """Add ``<col>_check`` and ``<col>_raw`` beside each identifier column.

    A malformed identifier is cleared from its column, and its raw text is kept in ``_raw``;
    a well-formed one with a wrong check digit stays, flagged in ``_check``.
    """
    out: list[ColumnSpec] = []
    for c in columns:
        out.append(c)
        if c.type.is_identifier:
            out.append(ColumnSpec(f"{c.name}_check", ColumnType.ENUM,
                                  f"Check of {c.name}: valid, bad_check_digit or malformed.",
                                  values=CHECK_VALUES, derived=True))
            out.append(ColumnSpec(f"{c.name}_raw", ColumnType.STRING,
                                  f"Raw text of a malformed {c.name}, which is cleared from {c.name}.",
                                  derived=True))
    return out


def load_tables(directory: Path = TABLES_DIR) -> dict[str, TableSpec]:
    """Read every ``*.yaml`` in ``directory``; raise ``InvalidSchema`` listing every problem."""
    problems: list[Problem] = []
    parsed: list[tuple[str, dict[str, Any], list[ColumnSpec]]] = []
    for path in sorted(directory.glob("*.yaml")):
        try:
            doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            problems.append(Problem(path.name, f"not valid YAML: {getattr(exc, 'problem', exc)}",
                                    line=mark.line + 1 if mark else None))
            continue
        if (result := _parse_table(path.name, doc, problems)) is not None:
            parsed.append((path.name, *result))

    markings = [cols for file, doc, cols in parsed if doc.get("kind") == TableKind.MARKINGS.value]
    if len(markings) != 1:
        problems.append(Problem(directory.name, f"expected exactly one table of kind 'markings', found {len(markings)}"))
    marking_cols = [ColumnSpec(c.name, c.type, c.description, c.required, c.values, derived=True, stored=c.stored)
                    for c in (markings[0] if markings else [])]

    tables: dict[str, TableSpec] = {}
    for file, doc, cols in parsed:
        try:
            kind = TableKind(doc.get("kind", TableKind.CANONICAL.value))
        except ValueError:
            problems.append(Problem(file, f"unknown kind {doc.get('kind')!r}", field="kind"))
            continue
        name = doc["name"]
        if not isinstance(name, str) or not _NAME.match(name.lstrip("_")):
            problems.append(Problem(file, f"table name {name!r} must match {_NAME.pattern}", field="name"))
            continue
        if Path(file).stem != name:
            problems.append(Problem(file, f"table {name!r} must be declared in {name}.yaml", field="name"))
        if kind is TableKind.MARKINGS:
            continue
        if kind is TableKind.CANONICAL:
            clash = {c.name for c in cols} & {m.name for m in marking_cols}
            for cname in sorted(clash):
                problems.append(Problem(file, "clashes with a marking column of the same name", field=f"columns.{cname}"))
            cols = _with_identifier_checks(cols) + marking_cols
        if kind is TableKind.DERIVED and not any(c.name == "releasable_to" for c in cols):
            cols = [*cols, ColumnSpec("releasable_to", ColumnType.COUNTRY_LIST,
                                      "Countries the row may be shared with: the intersection of its inputs.",
                                      required=True, derived=True)]
        if any(not c.stored for c in cols if c not in marking_cols):
            problems.append(Problem(file, "only marking columns may be `stored: false`", field="columns"))
        key = doc.get("key")
        if key is not None and key not in {c.name for c in cols}:
            problems.append(Problem(file, f"key {key!r} is not a column of the table", field="key"))
        if name in tables:
            problems.append(Problem(file, f"table {name!r} is declared twice", field="name"))
        tables[name] = TableSpec(name, kind, str(doc["description"]).strip(), tuple(cols), key, file)
    if problems:
        raise InvalidSchema(problems)
    return tables
