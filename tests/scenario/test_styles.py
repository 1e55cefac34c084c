"""Every style writes a world that ingests, and whose truth still names the records that were planted."""

from __future__ import annotations

import csv
import io
import json
import shutil
from collections import Counter
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from tenaza.manifest import ingest_manifest
from tenaza.scenario.generate import Result, generate
from tenaza.scenario.sources import styles
from tenaza.scenario.world.config import ScenarioConfig
from tenaza.store import Workspace

ACCOUNT_SQL = ("SELECT account_id FROM accounts UNION SELECT from_account FROM transactions "
               "UNION SELECT to_account FROM transactions")


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Result:
    return generate(ScenarioConfig(5_000, seed=23), tmp_path_factory.mktemp("base"))


def styled(base: Result, tmp: Path, style: styles.Style) -> Path:
    out = tmp / style.name
    shutil.copytree(base.out, out)
    styles.apply(out, style)
    return out


@pytest.fixture(scope="module")
def worlds(base: Result, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, tuple[Path, Workspace]]]:
    tmp = tmp_path_factory.mktemp("styled")
    made: dict[str, tuple[Path, Workspace]] = {}
    for name, style in styles.STYLES.items():
        out = styled(base, tmp, style)
        ws = Workspace.create(tmp / f"{name}.duckdb")
        ingest_manifest(ws, out / "manifest.json")
        made[name] = (out, ws)
    yield made
    for _, ws in made.values():
        ws.close()


def truth(out: Path) -> list[dict[str, object]]:
    return pq.read_table(out / "truth.parquet").to_pylist()


def rows_of(path: Path, delimiter: str = ",", encoding: str = "utf-8") -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding=encoding)), delimiter=delimiter))


@pytest.mark.parametrize("name", list(styles.STYLES))
def test_truth_names_records_that_loaded(worlds: dict[str, tuple[Path, Workspace]], name: str) -> None:
    out, ws = worlds[name]
    t = truth(out)
    loaded = {k for (k,) in ws.backend.fetch("t", "SELECT txn_id FROM transactions")}
    accounts = {k for (k,) in ws.backend.fetch("t", ACCOUNT_SQL)}
    quarantined = ws.backend.fetch("t", "SELECT source, line, reason FROM quarantine")
    planted_txn = [r["key"] for r in t if r["table"] == "transactions"]
    planted_acct = [r["key"] for r in t if r["table"] == "accounts"]
    assert planted_txn and planted_acct
    # rows in an unpriced crypto-like code are kept (no dollar amount), so every planted row loads
    assert not [k for k in planted_txn if k not in loaded]
    assert all(k in accounts for k in planted_acct)
    manifest = json.loads((out / "manifest.json").read_text())
    assert len(quarantined) == len(manifest["malformed_rows"])


@pytest.mark.parametrize("name", list(styles.STYLES))
def test_counts_per_typology_do_not_change(base: Result, worlds: dict[str, tuple[Path, Workspace]],
                                          name: str) -> None:
    out, _ = worlds[name]
    keep_parties = styles.STYLES[name].parties
    before = Counter((r["table"], r["typology"]) for r in truth(base.out) if keep_parties or r["table"] != "parties")
    after = Counter((r["table"], r["typology"]) for r in truth(out))
    assert after == before
    assert len({r["key"] for r in truth(out) if r["table"] == "transactions"}) == \
        len({r["key"] for r in truth(base.out) if r["table"] == "transactions"})


def planted_usd(ws: Workspace, keys: list[str]) -> dict[str, float]:
    rows = ws.backend.fetch("t", "SELECT txn_id, CAST(amount_usd AS DOUBLE) FROM transactions")
    wanted = set(keys)
    return {k: v for k, v in rows if k in wanted}


def test_cents_scales_amounts_and_nothing_else(base: Result, worlds: dict[str, tuple[Path, Workspace]]) -> None:
    (out0, ws0), (_, ws1) = worlds["default"], worlds["cents"]
    keys = [str(r["key"]) for r in truth(out0) if r["table"] == "transactions"]
    a, b = planted_usd(ws0, keys), planted_usd(ws1, keys)
    assert a.keys() == b.keys() and len(a) > 100
    for k, v in a.items():
        assert b[k] == pytest.approx(max(round(v * 0.01, 2), 0.01), abs=0.006), k
    ts0 = dict(ws0.backend.fetch("t", "SELECT txn_id, ts FROM transactions"))
    ts1 = dict(ws1.backend.fetch("t", "SELECT txn_id, ts FROM transactions"))
    assert ts0 == ts1


def test_hundredfold_multiplies_the_sum(worlds: dict[str, tuple[Path, Workspace]]) -> None:
    s0 = worlds["default"][1].backend.fetch("t", "SELECT sum(amount_usd) FROM transactions")[0][0]
    s1 = worlds["hundredfold"][1].backend.fetch("t", "SELECT sum(amount_usd) FROM transactions")[0][0]
    assert float(s1) == pytest.approx(100 * float(s0), rel=1e-6)


def test_currencies_convert_at_the_rate_of_the_day(base: Result, worlds: dict[str, tuple[Path, Workspace]]) -> None:
    out, _ = worlds["currencies"]
    before = {r["TRANSACTION ID"]: r for r in rows_of(base.out / "fincen_bank_transactions.csv")}
    after = rows_of(out / "fincen_bank_transactions.csv")
    codes = Counter(r["CURRENCY"] for r in after)
    assert {"EUR", "GBP", "JPY", "CNY", "XBT"} <= codes.keys()
    checked = 0
    for r in after:
        if r["CURRENCY"] not in ("EUR", "JPY") or r["TRANSACTION ID"] not in before:
            continue
        day = datetime.strptime(r["POST DATE"], "%m/%d/%Y").date()
        usd = float(before[r["TRANSACTION ID"]]["AMOUNT"])
        expected = usd * styles.units_per_usd(r["CURRENCY"], day)
        assert float(r["AMOUNT"]) == pytest.approx(expected, rel=0.01, abs=1.0)
        checked += 1
    assert checked > 50
    # every row of one sending account is in one currency
    per_account = {}
    for r in after:
        per_account.setdefault(r["DEBIT ACCOUNT"], set()).add(r["CURRENCY"])
    assert all(len(v) == 1 for k, v in per_account.items() if k)
    mapping = (out / "mappings" / "fincen_bank_transactions.yaml").read_text()
    assert "amount_usd" not in mapping  # the dollar amount no longer comes from a column in any currency


@pytest.mark.parametrize(("name", "days"), [("ten_days", 10), ("three_years", 1096)])
def test_span(worlds: dict[str, tuple[Path, Workspace]], name: str, days: int) -> None:
    out, ws = worlds[name]
    lo, hi = ws.backend.fetch("t", "SELECT min(ts), max(ts) FROM transactions")[0]
    assert (hi - lo).days <= days and (hi - lo).days >= days - 2
    order0 = [k for (k,) in worlds["default"][1].backend.fetch("t", "SELECT txn_id FROM transactions ORDER BY ts, txn_id")]
    ts = dict(ws.backend.fetch("t", "SELECT txn_id, ts FROM transactions"))
    moved = [ts[k] for k in order0]
    assert moved == sorted(moved)  # the same order of events, on another clock
    assert json.loads((out / "manifest.json").read_text())["days"] == days


def test_ids_are_rewritten_everywhere(worlds: dict[str, tuple[Path, Workspace]]) -> None:
    out, ws = worlds["opaque_ids"]
    accounts = [k for (k,) in ws.backend.fetch("t", "SELECT account_id FROM accounts")]
    assert all(len(k) == 36 and k.count("-") == 4 for k in accounts)
    default_ids = {k for (k,) in worlds["default"][1].backend.fetch("t", "SELECT txn_id FROM transactions")}
    assert not default_ids & {k for (k,) in ws.backend.fetch("t", "SELECT txn_id FROM transactions")}
    subjects = [r["subject"] for r in truth(out) if r["table"] == "accounts"]
    assert all(str(s).startswith("account:") and len(str(s)) == 44 for s in subjects)


def test_no_parties_and_no_txn_id(worlds: dict[str, tuple[Path, Workspace]]) -> None:
    out, ws = worlds["no_parties"]
    assert ws.backend.fetch("t", "SELECT count(*) FROM parties")[0][0] == 0
    assert not (out / "fincen_bank_customers.csv").exists()
    assert not [r for r in truth(out) if r["table"] == "parties"]
    out, ws = worlds["no_txn_id"]
    assert "TRANSACTION ID" not in (out / "fincen_bank_transactions.csv").read_text().splitlines()[0]
    keys = [str(r["key"]) for r in truth(out) if r["table"] == "transactions"]
    assert all(k.split(":")[0].endswith(".csv") and k.split(":")[1].isdigit() for k in keys)


def test_combined_and_unknown_styles() -> None:
    s = styles.combine(["cents", "no_parties"])
    assert (s.amount_scale, s.parties, s.days) == (0.01, False, styles.BASE_DAYS)
    with pytest.raises(ValueError, match="expected one of"):
        styles.combine(["sideways"])
    with pytest.raises(ValueError, match="amount_scale"):
        styles.Style("x", "bad", amount_scale=0.0)


def test_cli_refuses_an_unknown_style(tmp_path: Path) -> None:
    from tenaza.cli import app

    result = CliRunner().invoke(app, ["scenario", "generate", "--out", str(tmp_path / "w"), "--style", "sideways"])
    assert result.exit_code == 2
    assert "sideways" in result.output


def test_cli_json_lists_the_files_a_style_wrote(tmp_path: Path) -> None:
    """--json names every file the styled world holds, with its rows, and none the style removed."""
    from tenaza.cli import app

    result = CliRunner().invoke(app, ["scenario", "generate", "--out", str(tmp_path / "w"), "--scale", "5000",
                                      "--seed", "3", "--style", "no_parties", "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    written = {p.name.split(".", 1)[0] for p in (tmp_path / "w").iterdir() if p.is_file()}
    assert "fincen_bank_transactions" in doc["files"] and doc["files"]["fincen_bank_transactions"] > 0
    assert set(doc["files"]) <= written
    assert "fincen_bank_customers" not in doc["files"] and "uif_personas" not in doc["files"]
