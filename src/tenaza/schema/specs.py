"""Typed specs of the canonical tables, loaded from the YAML files under ``schema/tables``."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class ColumnType(str, Enum):
    """Logical column types. Each maps to one engine type and one normalization rule."""

    STRING = "string"  # trimmed, whitespace folded, NFC
    NAME = "name"  # as string, plus mojibake repair
    STRING_LIST = "string_list"
    INTEGER = "integer"
    DECIMAL = "decimal"  # amounts and quantities; either decimal convention
    FLOAT = "float"  # derived ratios such as exchange rates, where relative precision matters
    DATE = "date"
    TIMESTAMP = "timestamp"
    BOOLEAN = "boolean"
    ENUM = "enum"
    COUNTRY = "country"  # ISO 3166 alpha-3
    COUNTRY_LIST = "country_list"
    CURRENCY = "currency"  # ISO 4217
    HS_CODE = "hs_code"
    RFC = "rfc"
    CURP = "curp"
    EIN = "ein"
    SSN = "ssn"
    JSON = "json"

    @property
    def is_identifier(self) -> bool:
        return self in IDENTIFIER_TYPES


IDENTIFIER_TYPES = frozenset({ColumnType.RFC, ColumnType.CURP, ColumnType.EIN, ColumnType.SSN})


class TableKind(str, Enum):
    CANONICAL = "canonical"  # loaded by ingest, carries markings
    SYSTEM = "system"  # kept by tenaza itself (quarantine, ingest_log)
    MARKINGS = "markings"  # the columns added to every canonical table
    DERIVED = "derived"  # written by an analysis step; carries releasable_to (intersection of its inputs)


@dataclass(frozen=True)
class ColumnSpec:
    name: str
    type: ColumnType
    description: str
    required: bool = False
    values: tuple[str, ...] = ()  # allowed values of an enum
    derived: bool = False  # added by tenaza (identifier checks, markings), not read from sources
    stored: bool = True  # False: joined in by the table's view from ingest_log, not stored per row


@dataclass(frozen=True)
class TableSpec:
    name: str
    kind: TableKind
    description: str
    columns: tuple[ColumnSpec, ...]
    key: str | None = None
    file: str = ""
    _by_name: dict[str, ColumnSpec] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._by_name.update({c.name: c for c in self.columns})

    def column(self, name: str) -> ColumnSpec:
        return self._by_name[name]

    def has(self, name: str) -> bool:
        return name in self._by_name

    @property
    def source_columns(self) -> tuple[ColumnSpec, ...]:
        """Columns a source file can supply (everything but derived columns)."""
        return tuple(c for c in self.columns if not c.derived)

    @property
    def stored_columns(self) -> tuple[ColumnSpec, ...]:
        return tuple(c for c in self.columns if c.stored)

    @property
    def physical_name(self) -> str:
        """Canonical tables are stored as ``<name>_rows`` and read through the view ``<name>``."""
        return f"{self.name}_rows" if self.kind is TableKind.CANONICAL else self.name

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.source_columns if c.required)
