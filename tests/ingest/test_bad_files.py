"""Malformed files: each gives one clear line naming the file, and leaves the workspace as it was;
files that can be read reconcile to the last row."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from tenaza.errors import IngestError, MappingError, TenazaError
from tenaza.ingest import ingest_file
from tenaza.store import Workspace
from tests.conftest import snapshot

GOOD = "txn_id,ts,amount,currency,channel\n1,2024-01-02,10,USD,wire\n2,2024-01-03,11,USD,ach\n"


def load(ws: Workspace, path: Path, **kw: object) -> object:
    return ingest_file(ws, path, "transactions", originator="FINCEN", releasable_to=["USA"], **kw)  # type: ignore[arg-type]


@pytest.fixture
def loaded(ws: Workspace, tmp_path: Path) -> Workspace:
    """A workspace that already holds one good file, so 'unchanged' means something."""
    (tmp_path / "good.csv").write_text(GOOD, encoding="utf-8")
    load(ws, tmp_path / "good.csv")
    return ws


CASES: dict[str, tuple[bytes, str, str]] = {
    # name: (content, file name, what the one-line error must say)
    "empty file": (b"", "t.csv", "the file is empty"),
    "binary garbage": (bytes(range(256)) * 40, "t.csv", "binary content"),
    "wrong encoding": ("txn_id,ts,amount,currency,channel,city\n1,2024-01-02,1,USD,wire,Cd. Juárez\n"
                       .encode("latin-1"), "t.csv", "not valid UTF-8 text; if the file is Latin-1"),
    "wrong delimiter": (GOOD.replace(",", ";").encode(), "t.csv", "The header was read as one column"),
    "missing required columns": (b"txn_id,amount\n1,5\n", "t.csv", "missing required columns for transactions: ts, currency, channel"),
    "not gzip": (b"this is not gzip at all", "t.csv.gz", "cannot decompress"),
    "unknown type": (GOOD.encode(), "t.xlsx", "unknown file type"),
    "not parquet": (b"PAR1 but nothing more", "t.parquet", "not a Parquet file"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_unreadable_files_fail_in_one_line_and_change_nothing(loaded: Workspace, tmp_path: Path, case: str) -> None:
    content, name, expected = CASES[case]
    path = tmp_path / name
    path.write_bytes(content)
    before = snapshot(loaded)
    with pytest.raises(TenazaError) as info:
        load(loaded, path, delimiter="," if case == "wrong delimiter" else None)
    message = str(info.value)
    assert expected in message
    assert str(path) in message
    assert "\n" not in message
    assert snapshot(loaded) == before


def test_wrong_encoding_names_the_line(loaded: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes(("txn_id,ts,amount,currency,channel,city\n" + "".join(f"{i},2024-01-02,1,USD,wire,x\n" for i in range(3))
                      + "9,2024-01-02,1,USD,wire,Cd. Juárez\n").encode("latin-1"))
    with pytest.raises(IngestError, match=r"t.csv:5: not valid UTF-8"):
        load(loaded, path)
    report = load(loaded, path, encoding="cp1252")
    assert report.rows_accepted == 4  # type: ignore[attr-defined]
    assert loaded.backend.fetch("t", "SELECT city FROM transactions WHERE txn_id = '9'") == [("Cd. Juárez",)]


def test_truncated_gzip_fails_cleanly(loaded: Workspace, tmp_path: Path) -> None:
    data = gzip.compress((GOOD + "3,2024-01-04,12,USD,wire\n" * 2000).encode())
    path = tmp_path / "t.csv.gz"
    path.write_bytes(data[: len(data) // 2])
    before = snapshot(loaded)
    with pytest.raises(IngestError) as info:
        load(loaded, path)
    assert str(path) in str(info.value) and "\n" not in str(info.value)
    assert snapshot(loaded) == before


def test_a_file_cut_mid_row_quarantines_the_cut_row(ws: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text(GOOD + "3,2024-01-04,1", encoding="utf-8")
    report = load(ws, path)
    assert (report.rows_read, report.rows_accepted, report.rows_quarantined) == (3, 2, 1)  # type: ignore[attr-defined]
    assert ws.backend.fetch("t", "SELECT line, reason, raw FROM quarantine") == [
        (4, "expected 5 fields, found 3", "3,2024-01-04,1")]


def test_header_only_loads_nothing_and_reconciles(ws: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("txn_id,ts,amount,currency,channel\n", encoding="utf-8")
    report = load(ws, path)
    assert (report.rows_read, report.rows_accepted, report.rows_quarantined) == (0, 0, 0)  # type: ignore[attr-defined]
    assert ws.backend.fetch("t", "SELECT rows_read FROM ingest_log") == [(0,)]


def test_unknown_extra_columns_are_reported_not_lost(ws: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("txn_id,ts,amount,currency,channel,teller\n1,2024-01-02,10,USD,wire,Rosa\n", encoding="utf-8")
    report = load(ws, path)
    assert report.extra_columns == ["teller"]  # type: ignore[attr-defined]
    assert ws.backend.fetch("t", "SELECT extras FROM transactions") == [('{"teller":"Rosa"}',)]


def test_bad_mapping_names_file_line_and_field(ws: Workspace, tmp_path: Path) -> None:
    (tmp_path / "t.csv").write_text(GOOD, encoding="utf-8")
    (tmp_path / "m.yaml").write_text("columns:\n  txn_id: ID\n  amount:\n    from: amount\n    decimal: ';'\n"
                                     "  colour: x\n", encoding="utf-8")
    with pytest.raises(MappingError) as info:
        load(ws, tmp_path / "t.csv", mapping=tmp_path / "m.yaml")
    assert "m.yaml:5: columns.amount.decimal" in info.value.details()
    (tmp_path / "m.yaml").write_text("columns:\n  txn_id: ID\n  colour: x\n", encoding="utf-8")
    with pytest.raises(MappingError) as info:
        load(ws, tmp_path / "t.csv", mapping=tmp_path / "m.yaml")
    assert "m.yaml: columns.colour: 'colour' is not a column of transactions" in info.value.details()
    (tmp_path / "m.yaml").write_text("columns:\n  txn_id: ID\n", encoding="utf-8")
    with pytest.raises(MappingError, match="source column 'ID' is not in"):
        load(ws, tmp_path / "t.csv", mapping=tmp_path / "m.yaml")
    assert ws.count("transactions") == 0


def test_bad_markings_are_refused(ws: Workspace, tmp_path: Path) -> None:
    (tmp_path / "t.csv").write_text(GOOD, encoding="utf-8")
    with pytest.raises(IngestError, match="not ISO 3166 alpha-3 country codes: MX, XYZ"):
        ingest_file(ws, tmp_path / "t.csv", "transactions", originator="FINCEN", releasable_to=["MX", "XYZ"])
    with pytest.raises(IngestError, match="is not an agency code"):
        ingest_file(ws, tmp_path / "t.csv", "transactions", originator="", releasable_to=["USA"])
