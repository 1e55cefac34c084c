"""The port planner against closed-form queueing results, and its what-if answers."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from tenaza.pillars.distribution.planner import PlanError, PortConfig, ports, profile, simulate
from tenaza.pillars.distribution.planner.model import erlang_c_wait, staffing
from tenaza.pillars.distribution.planner.seizures import default_curve, detection, load_curve
from tenaza.pillars.distribution.planner.sweep import sweep

# Primary alone as M/M/c: Poisson arrivals at a flat rate, exponential service, no NII, no referral.
MMC = {"port": "Laredo", "month": 4, "days": 7, "lanes": 8, "officers": 8, "min_secondary": 0, "nii_rate": 0.0,
       "nii_portals": 0, "targeting_capacity": 0.0, "nii_referral": 0.0, "service": "exponential",
       "primary_min": 1.0, "flat_profile": True}


def test_primary_matches_erlang_c() -> None:
    r = simulate(PortConfig(**MMC))  # type: ignore[arg-type]  # a dict of valid fields
    lam = ports()["2304"].volume("truck", 4) / 30 / 1440  # per minute
    pw, wq = erlang_c_wait(lam, 1.0, 8)
    assert 0.7 < lam / 8 < 0.85  # a loaded but stable queue, where waits are sensitive to errors
    assert r.primary_wait_mean_min == pytest.approx(wq, rel=0.12)
    # P(Wq > t) = C * exp(-(c mu - lambda) t): the p95 of the wait in closed form
    p95 = math.log(pw / 0.05) / (8 * 1.0 - lam)
    assert r.primary_wait_p95_min == pytest.approx(p95, rel=0.12)
    assert r.completed >= r.arrivals - 20


def test_erlang_c_refuses_an_unstable_queue() -> None:
    with pytest.raises(PlanError, match="unstable"):
        erlang_c_wait(10, 1, 10)


def test_port_found_by_name_in_any_case_and_unknown_port_named() -> None:
    assert simulate(PortConfig(port="laredo", days=1)).port_code == "2304"
    with pytest.raises(PlanError, match="unknown port 'Nowhere'.*Laredo"):
        simulate(PortConfig(port="Nowhere", days=1))


def test_more_officers_cut_the_wait_and_more_targeting_finds_more() -> None:
    tight = simulate(PortConfig(port="Laredo", days=3, officers=14, lanes=12, nii_rate=0.4))
    more = simulate(PortConfig(port="Laredo", days=3, officers=20, lanes=12, nii_rate=0.4))
    assert tight.booths_open < more.booths_open
    assert more.wait_p95_min < tight.wait_p95_min
    wider = simulate(PortConfig(port="Laredo", days=3, officers=20, lanes=12, nii_rate=0.4, targeting_capacity=0.08))
    assert wider.expected_seizures > more.expected_seizures
    assert wider.secondary_referred > more.secondary_referred


def test_overloaded_port_counts_those_still_waiting() -> None:
    r = simulate(PortConfig(port="Laredo", days=2, officers=5, lanes=3, min_secondary=1, nii_rate=0.0))
    assert r.completed < r.arrivals
    assert r.wait_p95_min > 60  # the queue grows all day; unfinished waits are not dropped


def test_staffing_refuses_impossible_configurations() -> None:
    with pytest.raises(PlanError, match="cannot open a booth"):
        staffing(PortConfig(port="Laredo", officers=5, nii_portals=4, nii_rate=0.5))
    with pytest.raises(PlanError, match="NII portal"):
        staffing(PortConfig(port="Laredo", nii_portals=0, nii_rate=0.5))
    assert staffing(PortConfig(port="Laredo", officers=40, lanes=12, nii_portals=4)) == (12, 4, 24)


def test_hourly_profile_sums_to_one_and_peaks_by_day() -> None:
    for conveyance in ("truck", "personal_vehicle"):
        shares = profile(conveyance)
        assert sum(shares) == pytest.approx(1.0)
        assert max(range(24), key=lambda h: shares[h]) in range(6, 20)


def test_curve_from_the_targeting_model(tmp_path: Path) -> None:
    path = tmp_path / "curve.json"
    path.write_text(json.dumps({"capacity": [0.01, 0.05, 0.1], "recall": [0.2, 0.5, 0.7], "source": "model x"}))
    curve = load_curve(path)
    assert curve.at(0.05) == pytest.approx(0.5) and curve.at(0.03) == pytest.approx(0.35)
    assert detection(curve, 0.05, 0.0) > detection(default_curve(), 0.05, 0.0)
    r = simulate(PortConfig(port="Nogales", days=1), curve)
    assert r.curve == "model x"
    path.write_text(json.dumps({"capacity": [0.5, 0.1], "recall": [0.2, 0.5]}))
    with pytest.raises(PlanError, match="curve.json: capacity must be sorted"):
        load_curve(path)


def test_sweep_keeps_the_seed_and_varies_one_parameter() -> None:
    results = sweep(PortConfig(port="Eagle Pass", days=1, officers=10, lanes=6), "officers", [8, 10, 12])
    assert [r.config["officers"] for r in results] == [8, 10, 12]
    assert len({r.arrivals for r in results}) == 1  # same arrivals; only the staffing differs
    assert results[0].wait_p95_min >= results[-1].wait_p95_min
    with pytest.raises(PlanError, match="--sweep must be one of"):
        sweep(PortConfig(port="Eagle Pass", days=1), "coffee")
