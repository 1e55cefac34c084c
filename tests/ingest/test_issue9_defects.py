"""Ingest defects found by probing (issue 9) and field-level validity (issue 11): each test
failed before its fix."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tenaza.errors import IngestError, TenazaError, WorkspaceError
from tenaza.ingest import IngestReport, ingest_file
from tenaza.ingest.repair import fix_text
from tenaza.store import Workspace
from tests.conftest import snapshot

HEAD = "txn_id,ts,amount,currency,channel"
TENAZA = Path(sys.executable).parent / "tenaza"


def load(ws: Workspace, path: Path, table: str = "transactions", **kw: Any) -> IngestReport:
    kw.setdefault("originator", "FINCEN")
    kw.setdefault("releasable_to", ["USA"])
    return ingest_file(ws, path, table, **kw)


def write(tmp_path: Path, text: str, name: str = "t.csv") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def rows(ws: Workspace, sql: str) -> list[tuple[Any, ...]]:
    return ws.backend.fetch("test", sql)


# --- corruption ---------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["毛", "梅", "毛泽东", "梅花", "陈"])
def test_chinese_text_is_never_repaired_into_latin(name: str) -> None:
    assert fix_text(name) == name


def test_gbk_mojibake_of_latin_text_is_still_repaired() -> None:
    # "José" written as UTF-8 and read as GBK
    garbled = "José".encode().decode("gbk")
    assert fix_text(garbled) == "José"
    assert fix_text("JosÃ© PÃ©rez") == "José Pérez"


def test_chinese_names_are_stored_as_written(ws: Workspace, tmp_path: Path) -> None:
    p = write(tmp_path, "party_id,kind,name\n1,person,毛泽东\n2,person,梅\n")
    load(ws, p, "parties")
    assert sorted(r[0] for r in rows(ws, "SELECT name FROM parties")) == sorted(["毛泽东", "梅"])


# --- lost values --------------------------------------------------------------------------

def test_duplicate_header_names_keep_every_value(ws: Workspace, tmp_path: Path) -> None:
    p = write(tmp_path, f"{HEAD},phone,phone,phone_2\n1,2024-01-02,10,USD,wire,111,222,333\n")
    report = load(ws, p)
    extras = json.loads(rows(ws, "SELECT extras FROM transactions")[0][0])
    assert sorted(extras.values()) == ["111", "222", "333"]
    assert len(set(report.extra_columns)) == 3


# --- wrong values -------------------------------------------------------------------------

@pytest.mark.parametrize("word", ["infinity", "-infinity", "epoch", "Infinity"])
def test_special_words_are_not_timestamps(ws: Workspace, tmp_path: Path, word: str) -> None:
    p = write(tmp_path, f"{HEAD}\n1,{word},10,USD,wire\n")
    report = load(ws, p)
    assert report.rows_quarantined == 1
    assert rows(ws, "SELECT count(*) FROM transactions")[0][0] == 0


@pytest.mark.parametrize("word", ["infinity", "epoch"])
def test_special_words_are_not_dates(ws: Workspace, tmp_path: Path, word: str) -> None:
    p = write(tmp_path, f"party_id,kind,name,dob\n1,person,Ana,{word}\n")
    load(ws, p, "parties")
    assert rows(ws, "SELECT dob FROM parties") == [(None,)]


def test_two_digit_years_pivot(ws: Workspace, tmp_path: Path) -> None:
    p = write(tmp_path, f"{HEAD}\n1,01/02/24,10,USD,wire\n2,13/02/24,10,USD,wire\n3,01/02/85,10,USD,wire\n")
    report = load(ws, p)
    assert report.rows_quarantined == 0
    got = sorted(str(r[0])[:10] for r in rows(ws, "SELECT ts FROM transactions"))
    assert got == ["1985-02-01", "2024-02-01", "2024-02-13"]


def test_currency_words_only_at_the_ends_of_an_amount(ws: Workspace, tmp_path: Path) -> None:
    p = write(tmp_path, f"{HEAD}\n1,2024-01-02,1MN2,MXN,wire\n2,2024-01-02,$1 200.50 MXN,MXN,wire\n3,2024-01-02,USD 7,USD,wire\n")
    report = load(ws, p)
    assert report.rows_quarantined == 1
    assert sorted(float(r[0]) for r in rows(ws, "SELECT amount FROM transactions")) == [7.0, 1200.5]
    assert "not a number" in rows(ws, "SELECT reason FROM quarantine")[0][0]


def test_amount_too_large_says_so_and_keeps_the_raw(ws: Workspace, tmp_path: Path) -> None:
    p = write(tmp_path, f"{HEAD}\n1,2024-01-02,123456789012345678,USD,wire\n")
    load(ws, p)
    reason, raw = rows(ws, "SELECT reason, raw FROM quarantine")[0]
    assert "not a number" not in reason and "too large" in reason
    assert "123456789012345678" in raw


def test_extra_decimals_are_kept_not_rounded_silently(ws: Workspace, tmp_path: Path) -> None:
    p = write(tmp_path, f"{HEAD}\n1,2024-01-02,1.23456789,USD,wire\n2,2024-01-02,2.5,USD,wire\n")
    report = load(ws, p)
    assert report.rows_accepted == 2
    extras = dict(rows(ws, "SELECT txn_id, extras FROM transactions"))
    assert json.loads(extras["1"])["_exact"]["amount"] == "1.23456789"
    assert extras["2"] is None
    assert report.fields["amount"]["rounded"] == 1


def test_nul_byte_after_the_first_64k_rejects_the_file(ws: Workspace, tmp_path: Path) -> None:
    body = "".join(f"{i},2024-01-02,10,USD,wire\n" for i in range(5000))
    p = tmp_path / "t.csv"
    p.write_bytes((f"{HEAD}\n{body}9999,2024-01-02,1\x002,USD,wire\n").encode())
    assert p.stat().st_size > 1 << 16
    before = snapshot(ws)
    with pytest.raises(IngestError, match="NUL") as info:
        load(ws, p)
    assert ":5002" in str(info.value)
    assert snapshot(ws) == before


def test_quoted_newline_in_header_makes_no_phantom_row(ws: Workspace, tmp_path: Path) -> None:
    p = write(tmp_path, '"txn_id",ts,amount,currency,channel,"a\nnote"\n1,2024-01-02,10,USD,wire,x\n')
    report = load(ws, p)
    assert (report.rows_read, report.rows_accepted, report.rows_quarantined) == (1, 1, 0)
    assert rows(ws, "SELECT source_row FROM transactions") == [(3,)]


# --- field-level validity (issue 11) ------------------------------------------------------

def test_bad_optional_value_is_cleared_kept_and_counted(ws: Workspace, tmp_path: Path) -> None:
    p = write(tmp_path, "party_id,kind,name,dob,nationality\n1,person,Ana,1845-00-01,MEX\n2,person,Eva,1990-01-02,ZZQ\n"
              "3,person,Luz,1066-10-14,MEX\n4,person,Sol,1990-01-02,MEX\n")
    report = load(ws, p, "parties")
    assert (report.rows_read, report.rows_accepted, report.rows_quarantined) == (4, 4, 0)
    got = {r[0]: r[1:] for r in rows(ws, "SELECT party_id, CAST(dob AS VARCHAR), extras FROM parties")}
    assert got["1"][0] is None
    invalid = json.loads(got["1"][1])["_invalid"]["dob"]
    assert invalid["raw"] == "1845-00-01" and "not a date" in invalid["reason"]
    assert got["3"][0] == "1066-10-14"  # history back to year 1000 is a date
    assert json.loads(got["2"][1])["_invalid"]["nationality"]["raw"] == "ZZQ"
    assert report.fields["dob"]["cleared"] == 1
    assert report.fields["nationality"]["cleared"] == 1


def test_bad_required_value_still_quarantines(ws: Workspace, tmp_path: Path) -> None:
    p = write(tmp_path, f"{HEAD}\n1,not a time,10,USD,wire\n2,2024-01-02,10,USD,wire\n")
    report = load(ws, p)
    assert (report.rows_read, report.rows_accepted, report.rows_quarantined) == (2, 1, 1)
    assert report.fields["ts"]["quarantined"] == 1


# --- re-ingest ----------------------------------------------------------------------------

def test_same_bytes_with_other_markings_warn(ws: Workspace, tmp_path: Path) -> None:
    p = write(tmp_path, f"{HEAD}\n1,2024-01-02,10,USD,wire\n")
    load(ws, p)
    again = load(ws, p, originator="UIF", releasable_to=["MEX", "USA"])
    assert again.already_ingested_as is not None
    text = " ".join(again.warnings)
    assert "FINCEN" in text and "UIF" in text and "MEX" in text


def test_overlapping_keys_across_files_warn(ws: Workspace, tmp_path: Path) -> None:
    body = "1,2024-01-02,10,USD,wire\n2,2024-01-03,11,USD,wire\n"
    load(ws, write(tmp_path, f"{HEAD}\n{body}", "a.csv"))
    second = load(ws, write(tmp_path, f"{HEAD}\n{body}3,2024-01-04,12,USD,wire\n", "b.csv"))
    text = " ".join(second.warnings)
    assert "2 rows" in text and "a.csv" in text


# --- one-line errors ----------------------------------------------------------------------

def test_unknown_encoding_is_one_line(ws: Workspace, tmp_path: Path) -> None:
    p = write(tmp_path, f"{HEAD}\n1,2024-01-02,10,USD,wire\n")
    with pytest.raises(IngestError, match="unknown encoding"):
        load(ws, p, encoding="klingon-8")


def test_two_character_delimiter_is_one_line(ws: Workspace, tmp_path: Path) -> None:
    p = write(tmp_path, f"{HEAD}\n1,2024-01-02,10,USD,wire\n")
    with pytest.raises(IngestError, match="one character"):
        load(ws, p, delimiter=";;")


def test_long_field_names_its_line(ws: Workspace, tmp_path: Path) -> None:
    p = tmp_path / "t.csv"
    with open(p, "w", encoding="utf-8") as f:
        f.write(f"{HEAD},note\n1,2024-01-02,10,USD,wire,x\n2,2024-01-02,10,USD,wire,\"")
        f.write("y" * (20 << 20))
        f.write("\"\n")
    with pytest.raises(IngestError) as info:
        load(ws, p)
    assert ":3" in str(info.value) and "straddl" not in str(info.value)


def test_a_huge_header_is_not_echoed(ws: Workspace, tmp_path: Path) -> None:
    p = write(tmp_path, "x" * (1 << 20))
    with pytest.raises(TenazaError) as info:
        load(ws, p)
    assert len(str(info.value)) < 1000


def test_locked_workspace_says_busy(tmp_path: Path) -> None:
    Workspace.create(tmp_path / "w.duckdb").close()
    holder = subprocess.Popen([sys.executable, "-c", ("import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
                               "print('ready', flush=True); time.sleep(30)"), str(tmp_path / "w.duckdb")],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        with pytest.raises(WorkspaceError, match=f"busy, held by process {holder.pid}"):
            Workspace.open(tmp_path / "w.duckdb")
    finally:
        holder.kill()
        holder.wait()


# --- markings -----------------------------------------------------------------------------

def test_empty_releasable_to_is_refused(ws: Workspace, tmp_path: Path) -> None:
    p = write(tmp_path, f"{HEAD}\n1,2024-01-02,10,USD,wire\n")
    with pytest.raises(IngestError, match="--releasable-to"):
        load(ws, p, releasable_to=[""])


def test_one_character_originator_is_allowed(ws: Workspace, tmp_path: Path) -> None:
    p = write(tmp_path, f"{HEAD}\n1,2024-01-02,10,USD,wire\n")
    assert load(ws, p, originator="X").rows_accepted == 1


# --- date order ---------------------------------------------------------------------------

def test_both_date_orders_in_one_column_say_so(ws: Workspace, tmp_path: Path) -> None:
    p = write(tmp_path, f"{HEAD}\n1,13/01/2024,10,USD,wire\n2,01/13/2024,10,USD,wire\n")
    with pytest.raises(IngestError) as info:
        load(ws, p)
    assert "both" in str(info.value) and "no day above 12" not in str(info.value)


# --- manifest -----------------------------------------------------------------------------

def test_manifest_failure_says_what_was_committed_and_skipped(ws: Workspace, tmp_path: Path) -> None:
    from tenaza.manifest import ingest_manifest

    write(tmp_path, f"{HEAD}\n1,2024-01-02,10,USD,wire\n", "a.csv")
    write(tmp_path, "", "bad.csv")
    load(ws, tmp_path / "a.csv")
    write(tmp_path, f"{HEAD}\n2,2024-01-02,10,USD,wire\n", "b.csv")
    files = [{"path": n, "table": "transactions", "originator": "FINCEN", "releasable_to": ["USA"]}
             for n in ("a.csv", "b.csv", "bad.csv", "c.csv")]
    (tmp_path / "m.json").write_text(json.dumps({"files": files}), encoding="utf-8")
    with pytest.raises(TenazaError) as info:
        ingest_manifest(ws, tmp_path / "m.json")
    message = info.value.details() if hasattr(info.value, "details") else str(info.value)
    assert "bad.csv" in str(info.value)
    assert "committed: b.csv" in message and "skipped (already loaded): a.csv" in message
    assert "not attempted: c.csv" in message


# --- CLI ----------------------------------------------------------------------------------

def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(TENAZA), *args], check=False, capture_output=True, text=True, timeout=120)


def test_cli_unknown_encoding_exits_2_in_one_line(tmp_path: Path) -> None:
    ws = tmp_path / "w.duckdb"
    Workspace.create(ws).close()
    p = write(tmp_path, f"{HEAD}\n1,2024-01-02,10,USD,wire\n")
    done = _cli("ingest", str(ws), str(p), "-t", "transactions", "--originator", "FINCEN", "--releasable-to", "USA",
                "--encoding", "klingon-8")
    assert done.returncode == 2
    assert "Traceback" not in done.stderr and "unknown encoding" in done.stderr


def test_sigint_says_interrupted_and_exits_130(tmp_path: Path) -> None:
    ws = tmp_path / "w.duckdb"
    Workspace.create(ws).close()
    p = tmp_path / "big.csv"
    with open(p, "w", encoding="utf-8") as f:
        f.write(HEAD + "\n")
        f.writelines(f"{i},2024-01-02,{i % 97}.5,USD,wire\n" for i in range(1_500_000))
    # Ctrl-C as a terminal delivers it: a test run started in the background by a shell (`make
    # test &`) has SIGINT ignored, which a child inherits, and it would never see the signal; a
    # handler (not SIG_IGN) in the parent becomes the default in the child
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        proc = subprocess.Popen([str(TENAZA), "ingest", str(ws), str(p), "-t", "transactions",
                                 "--originator", "FINCEN", "--releasable-to", "USA", "--quiet"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    finally:
        signal.signal(signal.SIGINT, previous)
    time.sleep(2.5)
    os.kill(proc.pid, signal.SIGINT)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    assert "interrupted; the workspace is unchanged" in stderr
    assert "Traceback" not in stderr
    with Workspace.open(ws, read_only=True) as w:
        assert w.backend.scalar("count", "SELECT count(*) FROM transactions") == 0
