import json
from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from tenaza.cli import app

runner = CliRunner()


def series_file(tmp_path: Path) -> Path:
    rows = ["indicator,geo_level,geo_code,period_start,period_end,value,unit,publisher"]
    for i, m in enumerate(pd.date_range("2016-01-01", periods=60, freq="MS")):
        end = (m + pd.offsets.MonthEnd(0)).date()
        rows.append(f"homicide_rate_inegi,national,MEX,{m.date()},{end},{20 + i % 12 - (6 if i >= 36 else 0)},"
                    "per 100k,INEGI test")
    f = tmp_path / "h.csv"
    f.write_text("\n".join(rows) + "\n")
    return f


def test_load_list_show_evaluate_report(tmp_path: Path) -> None:
    ws = tmp_path / "w.duckdb"
    assert runner.invoke(app, ["init", str(ws)]).exit_code == 0
    r = runner.invoke(app, ["outcomes", "load", str(ws), str(series_file(tmp_path)), "--json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)[0]["rows"] == 60
    r = runner.invoke(app, ["outcomes", "list", str(ws), "--json"])
    listed = {row["indicator"]: row for row in json.loads(r.output)}
    assert listed["homicide_rate_mx"]["values"] == 60 and listed["overdose_us"]["values"] == 0
    r = runner.invoke(app, ["outcomes", "show", str(ws), "homicide_rate_mx", "--json", "--last", "2"])
    shown = json.loads(r.output)
    assert [v["period_end"] for v in shown["values"]] == ["2020-11-30", "2020-12-31"]
    assert shown["values"][-1]["record_id"].endswith(":61")  # header is line 1
    plot = tmp_path / "e.png"
    r = runner.invoke(app, ["outcomes", "evaluate", str(ws), "homicide_rate_mx", "--at", "2019-01", "-m", "its",
                            "--plot", str(plot), "--json"])
    assert r.exit_code == 0, r.output
    e = json.loads(r.output)[0]
    assert e["detected"] and e["ci_low"] <= -6 <= e["ci_high"]
    assert plot.stat().st_size > 5000
    r = runner.invoke(app, ["report", str(ws), "--lang", "es", "--out", str(tmp_path / "b"),
                            "--evaluate", "homicide_rate_mx@2019-01:its,sarimax"])
    assert r.exit_code == 0, r.output
    brief = (tmp_path / "b" / "brief.es.html").read_text()
    assert "disminuyó" in brief and "Serie de tiempo interrumpida" in brief and "SARIMAX con intervención" in brief
    assert not (tmp_path / "b" / "brief.en.html").exists()


def test_bad_series_and_bad_requests_exit_2(tmp_path: Path) -> None:
    ws = tmp_path / "w.duckdb"
    runner.invoke(app, ["init", str(ws)])
    bad = tmp_path / "bad.csv"
    bad.write_text("indicator,geo_level,geo_code,period_start,period_end,value,unit,publisher\n"
                   "h,state,99,2020-01-01,2020-01-31,1,u,p\n")
    r = runner.invoke(app, ["outcomes", "load", str(ws), str(bad)])
    assert r.exit_code == 2 and "unknown state code '99'" in r.output
    r = runner.invoke(app, ["outcomes", "evaluate", str(ws), "homicide_rate_mx", "--at", "2019-13"])
    assert r.exit_code == 2 and "not a date" in r.output
    r = runner.invoke(app, ["report", str(ws), "--lang", "fr"])
    assert r.exit_code == 2
    r = runner.invoke(app, ["report", str(ws), "--evaluate", "homicide_rate_mx@2019-01:magic"])
    assert r.exit_code == 2 and "unknown method 'magic'" in r.output
