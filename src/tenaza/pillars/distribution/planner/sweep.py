"""Sweeps: the same port under a range of one parameter, and the plots of a run or a sweep."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from tenaza.errors import PlanError
from tenaza.pillars.distribution.planner import seizures
from tenaza.pillars.distribution.planner.model import PortConfig, PortResult, simulate

SWEEPABLE = {"officers": int, "lanes": int, "nii_portals": int, "nii_rate": float, "targeting_capacity": float}


def default_values(cfg: PortConfig, parameter: str) -> list[float]:
    now = float(getattr(cfg, parameter))
    if SWEEPABLE[parameter] is int:
        step = max(1, round(now * 0.1))
        return [v for v in (now - 2 * step, now - step, now, now + step, now + 2 * step) if v >= 1]
    if parameter == "targeting_capacity":
        return [0.01, 0.02, 0.03, 0.05, 0.08, 0.10]
    return [0.0, 0.17, 0.3, 0.4, 0.6, 0.8]


def sweep(cfg: PortConfig, parameter: str, values: Sequence[float] | None = None,
          curve: seizures.Curve | None = None) -> list[PortResult]:
    """One run per value, the same seed for all, so that differences come from the parameter."""
    if parameter not in SWEEPABLE:
        raise PlanError(f"--sweep must be one of {', '.join(SWEEPABLE)}, not {parameter!r}")
    out = []
    for v in values or default_values(cfg, parameter):
        value = SWEEPABLE[parameter](v)
        out.append(simulate(cfg.model_copy(update={parameter: value}), curve))
    return out


def plot_run(result: PortResult, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 4))
    ax.bar(range(24), result.hourly_wait_p95_min, color="#4477aa")
    ax.set_xlabel("hour of arrival")
    ax.set_ylabel("p95 wait (minutes)")
    ax.set_title(f"{result.port} {result.conveyance}, month {result.month}: "
                 f"{result.config['officers']} officers, {result.config['lanes']} lanes, "
                 f"NII {result.config['nii_rate']:.0%}")
    fig.text(0.01, 0.01, "Volume: BTS Border Crossing Entry Data 2024; hourly profile and service times: "
             "assumptions (docs/distribution.md)", fontsize=7)
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    fig.savefig(path, dpi=120)
    plt.close(fig)


def plot_sweep(results: Sequence[PortResult], parameter: str, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 5))
    xs = [r.wait_p95_min for r in results]
    ys = [r.expected_seizures for r in results]
    ax.plot(xs, ys, marker="o", color="#aa3377")
    for r, x, y in zip(results, xs, ys, strict=True):
        ax.annotate(f"{parameter}={r.config[parameter]}", (x, y), textcoords="offset points", xytext=(4, 4), fontsize=8)
    ax.set_xlabel("p95 wait (minutes)")
    ax.set_ylabel(f"expected seizures in {results[0].days} days")
    ax.set_title(f"{results[0].port} {results[0].conveyance}: wait against seizures")
    fig.text(0.01, 0.01, f"Seizure curve: {results[0].curve}", fontsize=7)
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    fig.savefig(path, dpi=120)
    plt.close(fig)
