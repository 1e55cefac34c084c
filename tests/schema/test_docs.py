from __future__ import annotations

from pathlib import Path

from tenaza.schema import TABLES
from tenaza.schema.docs import render

DOCS = Path(__file__).resolve().parents[2] / "docs" / "tables.md"


def test_docs_tables_md_matches_the_declarations() -> None:
    assert DOCS.read_text(encoding="utf-8") == render(TABLES), "run: tenaza schema-docs -o docs/tables.md"


def test_rendered_docs_describe_every_table_and_column() -> None:
    text = render(TABLES)
    for spec in TABLES.values():
        if spec.kind.value != "markings":
            assert f"## {spec.name}\n" in text
    assert "| channel | enum (cash_deposit, cash_withdrawal, wire" in text
