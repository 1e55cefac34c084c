"""The SimPy model of a port of entry, and what a configuration buys.

A conveyance arrives (non-homogeneous Poisson: BTS monthly volume spread by the hourly
profile), passes a drive-through NII portal with probability ``nii_rate``, queues for a primary
booth, and is referred to secondary inspection by the targeting (share ``targeting_capacity``)
or by an anomaly on its scan (share ``nii_referral`` of the scanned). Officers on duty staff the
open booths first (up to ``lanes``, keeping ``min_secondary`` for secondary), one per NII
portal in use, and the rest work secondary inspections, one officer per inspection. Service
times are lognormal with the documented means and coefficient of variation, or exponential
(which makes primary an M/M/c queue, as the tests check against Erlang C).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Generator, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import numpy as np
import simpy
from pydantic import BaseModel, ConfigDict, Field

from tenaza.errors import PlanError
from tenaza.pillars.distribution.planner import seizures
from tenaza.pillars.distribution.planner.volume import busiest_month, days_in_month, find_port, profile

log = logging.getLogger("tenaza")

# Service-time means in minutes, per conveyance (assumptions, see docs/distribution.md).
PRIMARY_MIN = {"truck": 1.0, "personal_vehicle": 0.75}
SECONDARY_MIN = {"truck": 45.0, "personal_vehicle": 20.0}
NII_MIN = {"truck": 0.5, "personal_vehicle": 0.25}


class PortConfig(BaseModel):
    """One what-if: a port, a month, and the capacity on duty."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    port: str = Field(description="Port name or CBP code, as in the BTS data.")
    conveyance: Literal["truck", "personal_vehicle"] | None = Field(None, description=(
        "Traffic simulated; default trucks, or personal vehicles at a port without truck traffic."))
    month: int | None = Field(None, ge=1, le=12, description="Month of 2024; default the busiest per day.")
    days: int | None = Field(None, ge=1, le=31, description="Days simulated; default the whole month.")
    officers: int = Field(40, ge=1, description="Officers on duty in each shift (all three shifts alike).")
    lanes: int = Field(12, ge=1, description="Primary lanes (booths) available.")
    min_secondary: int = Field(2, ge=0, description="Officers kept for secondary before booths are opened.")
    nii_rate: float = Field(0.17, ge=0, le=1, description="Share of conveyances scanned by a drive-through NII portal.")
    nii_portals: int = Field(4, ge=0, description="Drive-through NII portals, one officer each when scanning.")
    nii_referral: float = Field(0.02, ge=0, le=1, description="Share of scans showing an anomaly sent to secondary.")
    targeting_capacity: float = Field(0.03, ge=0, le=1, description="Share referred to secondary by targeting.")
    primary_min: float | None = Field(None, gt=0, description="Mean primary inspection minutes (default by conveyance).")
    secondary_min: float | None = Field(None, gt=0, description="Mean secondary inspection minutes.")
    nii_min: float | None = Field(None, gt=0, description="Mean minutes in the NII portal.")
    cv: float = Field(0.6, ge=0, description="Coefficient of variation of lognormal service times.")
    service: Literal["lognormal", "exponential"] = Field("lognormal", description="Service-time distribution.")
    volume_scale: float = Field(1.0, gt=0, description="Multiplier of the BTS volume (growth scenarios).")
    flat_profile: bool = Field(False, description="Spread arrivals evenly over the day (for checks).")
    seed: int = Field(7, description="Random seed; the same seed gives the same run.")


@dataclass
class PortResult:
    port: str
    port_code: str
    conveyance: str
    month: int
    days: int
    arrivals: int
    completed: int
    throughput_per_hour: float
    booths_open: int
    secondary_officers: int
    wait_p50_min: float
    wait_p95_min: float
    wait_mean_min: float
    primary_wait_mean_min: float
    primary_wait_p95_min: float
    secondary_referred: int
    secondary_wait_p95_min: float
    queue_mean: float
    queue_max: int
    expected_loads: float
    expected_seizures: float
    detection_rate: float
    curve: str
    config: dict[str, Any] = field(default_factory=dict)
    hourly_wait_p95_min: list[float] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _service(rng: np.random.Generator, mean: float, n: int, cfg: PortConfig) -> np.ndarray:
    if cfg.service == "exponential":
        return rng.exponential(mean, n)
    if cfg.cv == 0:
        return np.full(n, mean)
    sigma2 = math.log(1 + cfg.cv**2)
    return rng.lognormal(math.log(mean) - sigma2 / 2, math.sqrt(sigma2), n)


def arrival_times(rate_per_day: float, days: int, shares: Sequence[float], rng: np.random.Generator) -> np.ndarray:
    """Minutes from the start of the run: Poisson counts per hour, uniform within the hour."""
    expected = np.tile(np.asarray(shares) * rate_per_day, days)
    counts = rng.poisson(expected)
    starts = np.repeat(np.arange(len(expected)) * 60.0, counts)
    return np.sort(starts + rng.uniform(0, 60, counts.sum()))


def staffing(cfg: PortConfig) -> tuple[int, int, int]:
    """Open booths, NII officers and secondary officers from the officers on duty."""
    nii_officers = cfg.nii_portals if cfg.nii_rate > 0 else 0
    if cfg.nii_rate > 0 and cfg.nii_portals == 0:
        raise PlanError("nii_rate > 0 needs at least one NII portal (--nii-portals)")
    booths = min(cfg.lanes, cfg.officers - nii_officers - cfg.min_secondary)
    if booths < 1:
        raise PlanError(f"{cfg.officers} officers cannot open a booth after {nii_officers} at NII portals and "
                        f"{cfg.min_secondary} kept for secondary")
    secondary = cfg.officers - booths - nii_officers
    if secondary < 1 and (cfg.targeting_capacity > 0 or cfg.nii_referral > 0 and cfg.nii_rate > 0):
        raise PlanError("no officer left for secondary inspection while referrals are made; add officers or "
                        "set --min-secondary")
    return booths, nii_officers, secondary


def simulate(cfg: PortConfig, curve: seizures.Curve | None = None) -> PortResult:
    """Run one configuration and measure waits, throughput, queues and expected seizures."""
    port = find_port(cfg.port)
    conv = cfg.conveyance or port.default_conveyance()
    cfg = cfg.model_copy(update={"conveyance": conv})  # the result's config says what ran
    other = "personal_vehicle" if conv == "truck" else "truck"
    if not any(port.volume(conv, m) for m in range(1, 13)):
        raise PlanError(f"{port.name} had no {conv} crossings in 2024 in the BTS data; "
                        f"try --conveyance {other}")
    month = cfg.month or busiest_month(port, conv)
    days = cfg.days or days_in_month(month)
    booths, _, sec_officers = staffing(cfg)
    curve = curve or seizures.default_curve()
    rng = np.random.default_rng(cfg.seed)
    shares = [1 / 24] * 24 if cfg.flat_profile else list(profile(conv))
    per_day = seizures.per_day(port, conv, month) * cfg.volume_scale
    if per_day == 0:
        raise PlanError(f"{port.name} has no {conv} crossings in month {month} of the BTS data; "
                        f"choose another --month or try --conveyance {other}")
    # a quiet port (Lukeville: about two trucks a day) may draw no arrival in a short run: that
    # is a valid run with nothing to wait for, not an error
    arrivals = arrival_times(per_day, days, shares, rng)
    n = len(arrivals)

    scanned = rng.random(n) < cfg.nii_rate
    referred = (rng.random(n) < cfg.targeting_capacity) | (scanned & (rng.random(n) < cfg.nii_referral))
    prim = _service(rng, cfg.primary_min or PRIMARY_MIN[conv], n, cfg)
    sec = _service(rng, cfg.secondary_min or SECONDARY_MIN[conv], n, cfg)
    nii = _service(rng, cfg.nii_min or NII_MIN[conv], n, cfg)

    env = simpy.Environment()
    booth = simpy.Resource(env, booths)
    portal = simpy.Resource(env, max(1, cfg.nii_portals))
    bay = simpy.Resource(env, max(1, sec_officers))
    wait = np.full(n, np.nan)
    pwait = np.full(n, np.nan)
    swait = np.full(n, np.nan)
    done = np.zeros(n, dtype=bool)
    queue_samples: list[int] = []

    def conveyance(i: int) -> Generator[simpy.Event, Any, None]:
        queued = 0.0
        if scanned[i]:
            t = env.now
            with portal.request() as r:
                yield r
                queued += env.now - t
                yield env.timeout(nii[i])
        t = env.now
        with booth.request() as r:
            yield r
            pwait[i] = env.now - t
            queued += pwait[i]
            yield env.timeout(prim[i])
        if referred[i]:
            t = env.now
            with bay.request() as r:
                yield r
                swait[i] = env.now - t
                queued += swait[i]
                yield env.timeout(sec[i])
        wait[i] = queued
        done[i] = True

    def source() -> Generator[simpy.Event, Any, None]:
        last = 0.0
        for i, at in enumerate(arrivals.tolist()):
            yield env.timeout(at - last)
            last = at
            env.process(conveyance(i))

    def monitor() -> Generator[simpy.Event, Any, None]:
        while True:
            queue_samples.append(len(booth.queue))
            yield env.timeout(5.0)

    env.process(source())
    env.process(monitor())
    horizon = days * 1440.0
    env.run(until=horizon)

    # Conveyances still queued when the run ends count with their wait so far (a lower bound),
    # so that an overloaded port does not look fast by reporting only those who got through.
    wait = np.where(done, wait, horizon - arrivals)
    finished = wait
    completed = int(done.sum())
    sec_done = swait[done & referred]
    loads = seizures.loads(port, conv, month, curve) * days / days_in_month(month) * cfg.volume_scale
    found_rate = seizures.detection(curve, cfg.targeting_capacity, cfg.nii_rate)
    served = completed / n if n else 1.0  # loads still queued at the end of the run are not found in it
    hours = (arrivals // 60 % 24).astype(int)
    hourly = [float(np.percentile(finished[hours == h], 95)) if (hours == h).any() else 0.0 for h in range(24)]

    def pct(a: np.ndarray, q: float) -> float:
        return float(np.percentile(a, q)) if a.size else 0.0

    result = PortResult(
        port=port.name, port_code=port.code, conveyance=conv, month=month, days=days,
        arrivals=n, completed=completed, throughput_per_hour=completed / (horizon / 60),
        booths_open=booths, secondary_officers=sec_officers,
        wait_p50_min=pct(finished, 50), wait_p95_min=pct(finished, 95),
        wait_mean_min=float(finished.mean()) if finished.size else 0.0,
        primary_wait_mean_min=float(np.nanmean(pwait)) if completed else 0.0,
        primary_wait_p95_min=pct(pwait[~np.isnan(pwait)], 95),
        secondary_referred=int(referred.sum()), secondary_wait_p95_min=pct(sec_done, 95),
        queue_mean=float(np.mean(queue_samples)), queue_max=int(max(queue_samples)),
        expected_loads=loads, expected_seizures=loads * found_rate * served, detection_rate=found_rate,
        curve=curve.source, config=cfg.model_dump(), hourly_wait_p95_min=hourly,
    )
    log.info("plan %s %s: %d arrivals, p95 wait %.1f min", port.name, conv, n, result.wait_p95_min)
    return result


def erlang_c_wait(lam: float, mu: float, c: int) -> tuple[float, float]:
    """M/M/c: probability of waiting and the mean wait in queue (Erlang C)."""
    a = lam / mu
    rho = a / c
    if rho >= 1:
        raise PlanError("M/M/c is unstable: arrival rate at or above service capacity")
    s = sum(a**k / math.factorial(k) for k in range(c))
    top = a**c / math.factorial(c) / (1 - rho)
    pw = top / (s + top)
    return pw, pw / (c * mu - lam)
