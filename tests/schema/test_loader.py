from __future__ import annotations

from pathlib import Path

import pytest

from tenaza.errors import InvalidSchema
from tenaza.schema import CANONICAL, TABLES, ColumnType, TableKind
from tenaza.schema.loader import TABLES_DIR, load_tables

MARKINGS = {"record_id", "source", "source_row", "originator", "releasable_to", "ingested_at"}


def test_every_canonical_table_of_the_design_is_declared() -> None:
    assert set(CANONICAL) == {"parties", "accounts", "transactions", "trade_declarations", "crossings",
                              "firearm_sales", "firearm_traces", "seizures", "designations", "indicators"}
    assert TABLES["quarantine"].kind is TableKind.SYSTEM and TABLES["ingest_log"].kind is TableKind.SYSTEM


@pytest.mark.parametrize("name", CANONICAL)
def test_every_canonical_row_carries_the_markings(name: str) -> None:
    columns = {c.name for c in TABLES[name].columns}
    assert MARKINGS <= columns


def test_identifier_columns_get_check_and_raw_companions() -> None:
    parties = TABLES["parties"]
    for ident in ("rfc", "curp", "ein", "ssn"):
        assert parties.column(ident).type.is_identifier
        assert parties.column(f"{ident}_check").values == ("valid", "bad_check_digit", "malformed")
        assert parties.column(f"{ident}_raw").derived
    assert parties.column("kind").type is ColumnType.ENUM


def _copy_tables(tmp_path: Path) -> Path:
    for f in TABLES_DIR.glob("*.yaml"):
        (tmp_path / f.name).write_text(f.read_text(encoding="utf-8"), encoding="utf-8")
    return tmp_path


def test_a_broken_schema_names_the_file_and_field(tmp_path: Path) -> None:
    d = _copy_tables(tmp_path)
    text = (d / "transactions.yaml").read_text(encoding="utf-8")
    (d / "transactions.yaml").write_text(text.replace("type: decimal, required: true", "type: money, required: true"),
                                         encoding="utf-8")
    with pytest.raises(InvalidSchema) as info:
        load_tables(d)
    assert "transactions.yaml: columns.amount.type: unknown type 'money'" in str(info.value)


def test_all_problems_are_reported_together(tmp_path: Path) -> None:
    d = _copy_tables(tmp_path)
    (d / "bad.yaml").write_text("name: bad\ndescription: x\nkey: nope\ncolumns:\n"
                                "  Bad-Name: {type: string, description: y}\n"
                                "  kind: {type: enum, description: no values}\n"
                                "  source: {type: string, description: clashes with a marking}\n", encoding="utf-8")
    with pytest.raises(InvalidSchema) as info:
        load_tables(d)
    messages = info.value.details()
    assert "bad.yaml: columns.Bad-Name: column name 'Bad-Name' must match" in messages
    assert "bad.yaml: columns.kind.values: an enum needs a non-empty list" in messages
    assert "bad.yaml: columns.source: clashes with a marking column" in messages
    assert "bad.yaml: key: key 'nope' is not a column" in messages


def test_invalid_yaml_gives_its_line(tmp_path: Path) -> None:
    d = _copy_tables(tmp_path)
    (d / "broken.yaml").write_text("name: broken\ncolumns:\n  a: {type: string\n", encoding="utf-8")
    with pytest.raises(InvalidSchema, match=r"broken.yaml:\d+: not valid YAML"):
        load_tables(d)
