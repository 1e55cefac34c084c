"""The canonical tables, declared as YAML under ``tables/`` and checked at import."""

from tenaza.schema.loader import load_tables
from tenaza.schema.specs import ColumnSpec, ColumnType, TableKind, TableSpec

TABLES: dict[str, TableSpec] = load_tables()
CANONICAL: tuple[str, ...] = tuple(n for n, t in TABLES.items() if t.kind is TableKind.CANONICAL)


def table(name: str) -> TableSpec:
    """The spec of ``name``; raises ``KeyError`` listing the known tables."""
    try:
        return TABLES[name]
    except KeyError:
        raise KeyError(f"unknown table {name!r}; known tables: {', '.join(CANONICAL)}") from None


__all__ = ["CANONICAL", "TABLES", "ColumnSpec", "ColumnType", "TableKind", "TableSpec", "table"]
