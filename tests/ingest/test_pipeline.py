from __future__ import annotations

import gzip
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tenaza.ingest import ingest_file
from tenaza.store import Workspace

MX = ["USA", "MEX"]


def rows(ws: Workspace, sql: str) -> list[tuple[object, ...]]:
    return ws.backend.fetch("test", sql)


def test_a_mexican_bank_layout_loads_through_a_mapping(ws: Workspace, tmp_path: Path) -> None:
    (tmp_path / "banco.csv").write_text(
        "Folio;Fecha;Cuenta Origen;Importe;Moneda;Tipo;Plaza\n"
        "F-1;03/02/2024 14:05;001-77;1.234,50;MXN;DEPOSITO EN EFECTIVO;Culiacán\n"
        "F-2;04/02/2024 09:00;001-78;950,00;MXN;spei;  Tijuana   B.C. \n", encoding="utf-8")
    (tmp_path / "banco.yaml").write_text(
        "table: transactions\ndecimal: ','\ndates: dmy\ncolumns:\n  txn_id: Folio\n"
        "  ts: Fecha\n  from_account: Cuenta Origen\n  amount: Importe\n  currency: Moneda\n"
        "  channel:\n    from: Tipo\n    values: {DEPOSITO EN EFECTIVO: cash_deposit, SPEI: wire}\n"
        "  city: Plaza\n  country: {value: México}\n", encoding="utf-8")
    report = ingest_file(ws, tmp_path / "banco.csv", "transactions", mapping=tmp_path / "banco.yaml",
                         originator="UIF", releasable_to=["MEX"])
    assert (report.rows_read, report.rows_accepted, report.rows_quarantined) == (2, 2, 0)
    got = rows(ws, "SELECT txn_id, strftime(ts, '%Y-%m-%d %H:%M'), amount, channel, city, country, originator, "
                   "releasable_to, source_row FROM transactions ORDER BY txn_id")
    assert got[0] == ("F-1", "2024-02-03 14:05", pytest.approx(1234.5), "cash_deposit", "Culiacán", "MEX", "UIF",
                      ["MEX"], 2)
    assert got[1][3:5] == ("wire", "Tijuana B.C.")


def test_every_row_is_stored_or_quarantined_with_its_reason(ws: Workspace, tmp_path: Path) -> None:
    (tmp_path / "us.csv").write_text(
        "txn_id,ts,amount,currency,channel\n"
        "1,2024-01-02 10:00:00,10,USD,wire\n"
        "2,not a date,10,USD,wire\n"
        "3,2024-01-02,ten,EUR,teleport\n"
        "1,2024-01-05,5,USD,wire\n"
        "4,2024-01-06,5,USD\n"
        ",2024-01-06,5,USD,ach\n", encoding="utf-8")
    report = ingest_file(ws, tmp_path / "us.csv", "transactions", originator="FINCEN", releasable_to=MX)
    assert report.reconciles
    assert (report.rows_read, report.rows_accepted, report.rows_quarantined) == (6, 1, 5)
    q = {line: (col, reason) for line, col, reason in rows(ws, "SELECT line, column_name, reason FROM quarantine")}
    assert q[3] == ("ts", "ts: not a date and time: 'not a date' (expected ISO yyyy-mm-dd hh:mm:ss)")
    assert q[4][1] == ("amount: not a number: 'ten'; channel: unknown value 'teleport' (expected one of cash_deposit, "
                       "cash_withdrawal, wire, ach, check, msb_transfer, armored_car, card, internal_transfer, other)")
    assert q[5] == ("txn_id", "txn_id: duplicate of line 2")
    assert q[6] == (None, "expected 5 fields, found 4")
    assert q[7] == ("txn_id", "txn_id: required value missing")
    raw = rows(ws, "SELECT raw FROM quarantine WHERE line = 6")[0][0]
    assert raw == "4,2024-01-06,5,USD"
    log = rows(ws, "SELECT rows_read, rows_accepted, rows_quarantined FROM ingest_log")
    assert log == [(6, 1, 5)]


def test_reingesting_the_same_content_is_a_no_op(ws: Workspace, tmp_path: Path) -> None:
    f = tmp_path / "a.csv"
    f.write_text("account_id,institution\nA1,Banco\n", encoding="utf-8")
    first = ingest_file(ws, f, "accounts", originator="UIF", releasable_to=["MEX"])
    copy = tmp_path / "copy-of-a.csv"
    copy.write_bytes(f.read_bytes())
    again = ingest_file(ws, copy, "accounts", originator="UIF", releasable_to=["MEX"])
    assert again.already_ingested_as == first.ingest_id
    assert ws.count("accounts") == 1
    assert rows(ws, "SELECT count(*) FROM ingest_log") == [(1,)]


def test_unknown_columns_are_kept_in_extras(ws: Workspace, tmp_path: Path) -> None:
    f = tmp_path / "a.csv"
    f.write_text("account_id,institution,Ejecutivo,Notas internas\nA1,Banco,Luisa,ok\n", encoding="utf-8")
    report = ingest_file(ws, f, "accounts", originator="UIF", releasable_to=["MEX"])
    assert report.extra_columns == ["Ejecutivo", "Notas internas"]
    assert json.loads(str(rows(ws, "SELECT extras FROM accounts")[0][0])) == {"Ejecutivo": "Luisa", "Notas internas": "ok"}


def test_mojibake_is_repaired(ws: Workspace, tmp_path: Path) -> None:
    f = tmp_path / "p.csv"
    f.write_text("party_id,kind,name,aliases\n1,person,JosÃ© Ãngel GUZMÃN,El ChapÃ­n|Jos茅\n2,person,王伟,\n",
                 encoding="utf-8")
    report = ingest_file(ws, f, "parties", originator="UIF", releasable_to=["MEX"])
    got = {r[0]: r[1:] for r in rows(ws, "SELECT party_id, name, aliases FROM parties")}
    assert got["1"][1] == ["El Chapín", "José"]
    assert got["2"] == ("王伟", None)  # real Chinese text is left alone
    assert report.values_repaired >= 2


def test_identifiers_are_checked_flagged_or_cleared(ws: Workspace, tmp_path: Path) -> None:
    f = tmp_path / "p.csv"
    f.write_text("party_id,kind,name,rfc,curp,ein,ssn\n"
                 "1,person,A,GODE561231GR8,BOXW310820HNERXN09,04-1234567,123-45-6789\n"
                 "2,person,B,GODE561231GR9,BOXW310820HNERXN08,,\n"
                 "3,person,C,NOT AN RFC,,00-1234567,078-05-1120\n", encoding="utf-8")
    report = ingest_file(ws, f, "parties", originator="UIF", releasable_to=["MEX"])
    got = {r[0]: r[1:] for r in rows(ws, "SELECT party_id, rfc, rfc_check, rfc_raw, curp_check, ein, ein_check, "
                                         "ssn, ssn_check FROM parties")}
    assert got["1"] == ("GODE561231GR8", "valid", None, "valid", "041234567", "valid", "123456789", "valid")
    assert got["2"][:4] == ("GODE561231GR9", "bad_check_digit", None, "bad_check_digit")
    assert got["3"][:3] == (None, "malformed", "NOT AN RFC")
    assert got["3"][4:] == (None, "malformed", None, "malformed")
    assert report.ids_flagged == 5
    assert report.rows_quarantined == 0  # a flagged identifier never costs the row


def test_json_lines_with_a_broken_line(ws: Workspace, tmp_path: Path) -> None:
    f = tmp_path / "p.jsonl"
    f.write_text('{"party_id": "1", "kind": "person", "name": "Ana", "aliases": ["La Güera", "Anita"]}\n'
                 "\n"
                 '{"party_id": "2", "kind": "company", "name": \n'
                 '["not", "an object"]\n'
                 '{"party_id": "3", "kind": "company", "name": "Comercializadora del Norte", "giro": "acero"}\n',
                 encoding="utf-8")
    report = ingest_file(ws, f, "parties", originator="SAT", releasable_to=["MEX"])
    assert (report.rows_read, report.rows_accepted, report.rows_quarantined, report.blank_lines) == (4, 2, 2, 1)
    assert rows(ws, "SELECT aliases, source_row FROM parties WHERE party_id = '1'") == [(["La Güera", "Anita"], 1)]
    assert rows(ws, "SELECT extras FROM parties WHERE party_id = '3'") == [('{"giro":"acero"}',)]
    q = rows(ws, "SELECT line, split_part(reason, ';', 1), raw FROM quarantine ORDER BY line")
    assert q == [(3, "line: not valid JSON", '{"party_id": "2", "kind": "company", "name": '),
                 (4, "line: not a JSON object", '["not", "an object"]')]


def test_parquet_and_compressed_csv(ws: Workspace, tmp_path: Path) -> None:
    table = pa.table({"seizure_id": ["S1", "S2"], "date": pa.array([19800, 19801], pa.date32()),
                      "country": ["USA", "MX"], "kind": ["drug", "cash"], "quantity": [12.5, None]})
    pq.write_table(table, tmp_path / "s.parquet")
    report = ingest_file(ws, tmp_path / "s.parquet", "seizures", originator="CBP", releasable_to=MX)
    assert report.rows_accepted == 2
    assert rows(ws, "SELECT country, strftime(date, '%Y-%m-%d'), source_row FROM seizures ORDER BY 1") == [
        ("MEX", "2024-03-19", 2), ("USA", "2024-03-18", 1)]
    with gzip.open(tmp_path / "a.csv.gz", "wt", encoding="utf-8") as g:
        g.write("account_id|institution\nA1|Banco\nA2|Bank\n")
    assert ingest_file(ws, tmp_path / "a.csv.gz", "accounts", originator="X1", releasable_to=["MEX"]).rows_accepted == 2


def test_line_numbers_survive_quoted_newlines_and_blank_lines(ws: Workspace, tmp_path: Path) -> None:
    f = tmp_path / "a.csv"
    f.write_text('account_id,institution\nA1,"Banco\ndel Norte"\n\nA2,x,extra-field\nA3,y\n', encoding="utf-8")
    report = ingest_file(ws, f, "accounts", originator="UIF", releasable_to=["MEX"])
    assert rows(ws, "SELECT account_id, source_row FROM accounts ORDER BY 1") == [("A1", 2), ("A3", 6)]
    assert rows(ws, "SELECT line FROM quarantine") == [(5,)]
    assert report.blank_lines == 1 and report.reconciles


def test_ambiguous_slash_dates_need_an_order(ws: Workspace, tmp_path: Path) -> None:
    from tenaza.errors import IngestError

    f = tmp_path / "t.csv"
    f.write_text("sale_id,date,ffl_id\n1,01/02/2024,F\n2,03/04/2024,F\n", encoding="utf-8")
    with pytest.raises(IngestError, match="pass --dates dmy"):
        ingest_file(ws, f, "firearm_sales", originator="ATF", releasable_to=["USA"])
    ingest_file(ws, f, "firearm_sales", originator="ATF", releasable_to=["USA"], dates="mdy")
    assert rows(ws, "SELECT strftime(date, '%Y-%m-%d') FROM firearm_sales ORDER BY 1") == [("2024-01-02",), ("2024-03-04",)]


def test_date_order_is_inferred_when_a_day_tells(ws: Workspace, tmp_path: Path) -> None:
    f = tmp_path / "t.csv"
    f.write_text("sale_id,date,ffl_id\n1,01/02/2024,F\n2,25/04/2024,F\n", encoding="utf-8")
    ingest_file(ws, f, "firearm_sales", originator="ATF", releasable_to=["USA"])
    assert rows(ws, "SELECT strftime(date, '%Y-%m-%d') FROM firearm_sales ORDER BY 1") == [("2024-02-01",), ("2024-04-25",)]


def test_times_given_as_steps_after_an_origin(ws: Workspace, tmp_path: Path) -> None:
    (tmp_path / "sim.csv").write_text("id,step,amount\n1,0,5\n2,400,5\n3,1.5,5\n4,soon,5\n", encoding="utf-8")
    (tmp_path / "m.yaml").write_text("columns:\n  txn_id: id\n  ts: {from: step, origin: 2020-01-01, unit: days}\n"
                                     "  currency: {value: USD}\n  channel: {value: wire}\n", encoding="utf-8")
    report = ingest_file(ws, tmp_path / "sim.csv", "transactions", mapping=tmp_path / "m.yaml",
                         originator="LAB", releasable_to=["USA"])
    assert rows(ws, "SELECT txn_id, strftime(ts, '%Y-%m-%d %H:%M') FROM transactions ORDER BY 1") == [
        ("1", "2020-01-01 00:00"), ("2", "2021-02-04 00:00"), ("3", "2020-01-02 12:00")]
    assert report.rows_quarantined == 1
    assert rows(ws, "SELECT reason FROM quarantine") == [("ts: not a number of days: 'soon'",)]


def test_country_lists_become_iso_codes(ws: Workspace, tmp_path: Path) -> None:
    (tmp_path / "d.csv").write_text("list_name,entry_id,name,countries\nL,1,A,México; EE.UU.\nL,2,B,Narnia|MX\n",
                                    encoding="utf-8")
    report = ingest_file(ws, tmp_path / "d.csv", "designations", originator="OFAC", releasable_to=["USA"])
    # countries is optional: the unknown element is dropped and kept in extras, the row stays
    assert rows(ws, "SELECT entry_id, countries FROM designations ORDER BY 1") == [("1", ["MEX", "USA"]), ("2", ["MEX"])]
    assert report.rows_quarantined == 0
    extras = json.loads(rows(ws, "SELECT extras FROM designations WHERE entry_id = '2'")[0][0])
    assert extras["_invalid"]["countries"] == {"raw": "Narnia;MEX", "reason": "not ISO 3166 countries: Narnia"}
