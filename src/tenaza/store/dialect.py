"""Engine differences, kept in one place.

A dialect names the capabilities an engine has. Asking for one that an engine lacks fails
loudly with ``UnsupportedCapability`` instead of producing SQL that silently does less.
"""

from __future__ import annotations

from typing import ClassVar

import sqlglot
from sqlglot import exp

from tenaza.errors import TenazaError
from tenaza.schema.specs import ColumnType


class UnsupportedCapability(TenazaError):
    def __init__(self, engine: str, capability: str) -> None:
        super().__init__(f"the {engine} engine cannot {capability}")


class Dialect:
    """Base dialect. SQL is written once in DuckDB's dialect; others transpile with sqlglot."""

    name = "duckdb"
    sqlglot_dialect = "duckdb"
    capabilities: ClassVar[frozenset[str]] = frozenset()

    TYPES: ClassVar[dict[ColumnType, str]] = {
        ColumnType.STRING: "VARCHAR",
        ColumnType.NAME: "VARCHAR",
        ColumnType.STRING_LIST: "VARCHAR[]",
        ColumnType.INTEGER: "BIGINT",
        ColumnType.DECIMAL: "DECIMAL(18,4)",
        ColumnType.FLOAT: "DOUBLE",
        ColumnType.DATE: "DATE",
        ColumnType.TIMESTAMP: "TIMESTAMP",
        ColumnType.BOOLEAN: "BOOLEAN",
        ColumnType.ENUM: "VARCHAR",
        ColumnType.COUNTRY: "VARCHAR",
        ColumnType.COUNTRY_LIST: "VARCHAR[]",
        ColumnType.CURRENCY: "VARCHAR",
        ColumnType.HS_CODE: "VARCHAR",
        ColumnType.RFC: "VARCHAR",
        ColumnType.CURP: "VARCHAR",
        ColumnType.EIN: "VARCHAR",
        ColumnType.SSN: "VARCHAR",
        ColumnType.JSON: "VARCHAR",
    }

    def require(self, capability: str) -> None:
        if capability not in self.capabilities:
            raise UnsupportedCapability(self.name, capability)

    def engine_type(self, ctype: ColumnType) -> str:
        return self.TYPES[ctype]

    def translate(self, sql: str) -> str:
        """SQL written in DuckDB's dialect, as this engine needs it."""
        if self.sqlglot_dialect == "duckdb":
            return sql
        return ";\n".join(sqlglot.transpile(sql, read="duckdb", write=self.sqlglot_dialect))


class DuckDBDialect(Dialect):
    capabilities: ClassVar[frozenset[str]] = frozenset({
        "read csv with rejects",  # read_csv(store_rejects=true): malformed lines kept with their line number
        "read parquet",
        "transactions",  # BEGIN / COMMIT / ROLLBACK, DDL included
        "named parameters",
        "hand over a DuckDB connection",  # for libraries that drive DuckDB themselves (Splink's DuckDBAPI)
    })


def ident(name: str) -> str:
    """A safely quoted SQL identifier (table or column name), built by sqlglot."""
    return exp.to_identifier(name, quoted=True).sql(dialect="duckdb")
