"""Every US-Mexico port of the shipped BTS copy through `tenaza plan port`, as an officer runs it.

One simulated day per port and conveyance with the default staffing: the run must succeed and
its figures must hold together (nothing served that did not arrive, p50 under p95, arrivals at
the BTS volume). About six seconds for all 26 ports and both conveyances.
"""

from __future__ import annotations

import json
import math

import pytest
from typer.testing import CliRunner

from tenaza.cli import app
from tenaza.pillars.distribution.planner import PortConfig, ports, simulate
from tenaza.pillars.distribution.planner.volume import days_in_month

runner = CliRunner()


def _plan(*args: str) -> tuple[int, str]:
    r = runner.invoke(app, ["plan", "port", "--days", "1", "--json", *args], terminal_width=200)
    return r.exit_code, r.output


def _check_sane(data: dict[str, object], code: str, conveyance: str) -> None:
    port = ports()[code]
    n, days = int(data["arrivals"]), int(data["days"])  # type: ignore[call-overload]  # JSON numbers
    assert data["port_code"] == code and data["conveyance"] == conveyance
    month = int(data["month"])  # type: ignore[call-overload]  # JSON number
    expected = port.volume(conveyance, month) / days_in_month(month) * days
    assert abs(n - expected) <= 5 * math.sqrt(expected) + 5, (code, conveyance, n, expected)  # Poisson at BTS volume
    assert 0 <= int(data["completed"]) <= n  # type: ignore[call-overload]
    assert float(data["throughput_per_hour"]) * 24 * days <= n + 1e-6  # type: ignore[arg-type]
    p50, p95 = float(data["wait_p50_min"]), float(data["wait_p95_min"])  # type: ignore[arg-type]
    assert 0 <= p50 <= p95 <= days * 1440, (code, conveyance, p50, p95)
    assert 0 <= float(data["queue_mean"]) <= int(data["queue_max"])  # type: ignore[arg-type, call-overload]
    assert 0 <= int(data["secondary_referred"]) <= n  # type: ignore[call-overload]
    assert 0 <= float(data["detection_rate"]) <= 1  # type: ignore[arg-type]
    assert 0 <= float(data["expected_seizures"]) <= float(data["expected_loads"])  # type: ignore[arg-type]


@pytest.mark.slow  # about six seconds for the 26 ports, most of it San Ysidro's 42,000 cars a day
@pytest.mark.parametrize("code", sorted(ports()))
def test_every_port_plans_with_sane_figures(code: str) -> None:
    port = ports()[code]
    status, output = _plan("--port", port.name)  # the name an officer types, default conveyance
    assert status == 0, output
    default = "truck" if sum(port.trucks) else "personal_vehicle"
    _check_sane(json.loads(output), code, default)
    status, output = _plan("--port", code, "--conveyance", "personal_vehicle" if default == "truck" else "truck")
    if default == "truck":
        assert status == 0, output
        _check_sane(json.loads(output), code, "personal_vehicle")
    else:  # San Ysidro, Calexico, Andrade, Sasabe: no truck in 2024
        assert status == 2 and f"{port.name} had no truck crossings in 2024" in output, output
        assert len(output.strip().splitlines()) == 1


def test_the_shipped_copy_holds_every_us_mexico_port_with_vehicle_traffic() -> None:
    """BTS lists 28 US-Mexico ports; Boquillas and Cross Border Xpress count pedestrians only, so
    there is no vehicle to simulate and the copy leaves them out."""
    assert len(ports()) == 26
    assert {"2304", "2504", "2506", "2402", "2604"} <= set(ports())
    assert not {"2410", "2582"} & set(ports())


def test_a_quiet_port_with_no_arrival_in_the_run_is_a_run_not_an_error() -> None:
    r = simulate(PortConfig(port="Lukeville", conveyance="truck", days=1, volume_scale=0.001))
    assert r.arrivals == 0 and r.completed == 0 and r.wait_p95_min == 0.0
    assert r.expected_seizures < 1e-3  # an expectation from the volume, not a count of this run
