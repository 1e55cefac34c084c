"""`tenaza plan port` through the CLI: table, JSON, sweep with a plot, and errors."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from tenaza.cli import app

runner = CliRunner()


def test_plan_port_json_and_plot(tmp_path: Path) -> None:
    plot = tmp_path / "laredo.png"
    r = runner.invoke(app, ["plan", "port", "--port", "Laredo", "--officers", "40", "--lanes", "12",
                            "--nii-rate", "0.4", "--days", "1", "--json", "--plot", str(plot)])
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert data["port_code"] == "2304" and data["config"]["nii_rate"] == 0.4 and data["booths_open"] == 12
    assert data["wait_p95_min"] >= data["wait_p50_min"] >= 0
    assert plot.read_bytes()[:4] == b"\x89PNG"


def test_plan_port_sweep_reports_the_trade_off(tmp_path: Path) -> None:
    plot = tmp_path / "sweep.png"
    r = runner.invoke(app, ["plan", "port", "--port", "Nogales", "--days", "1", "--officers", "10", "--lanes", "8",
                            "--sweep", "targeting_capacity", "--values", "0.01,0.05", "--plot", str(plot)],
                      terminal_width=200)
    assert r.exit_code == 0, r.output
    assert "targeting_capacity=0.05: p95 wait" in r.output and "expected seizures +" in r.output
    assert plot.exists()


def test_plan_port_bad_input_exits_2_with_one_line() -> None:
    r = runner.invoke(app, ["plan", "port", "--port", "Atlantis", "--days", "1"])
    assert r.exit_code == 2 and "unknown port 'Atlantis'" in r.output
    r = runner.invoke(app, ["plan", "port", "--port", "Laredo", "--nii-rate", "1.5"])
    assert r.exit_code == 2 and "--nii-rate" in r.output
