"""Time in the world: daily activity weights, time of day, and the peso-dollar rate."""

from __future__ import annotations

import numpy as np

from tenaza.scenario.world.config import ScenarioConfig

# Approximate monthly averages of Banxico's FIX rate in 2024, MXN per USD (not in the shared
# data; docs/scenario.md says so). Daily values wander around them.
FIX_2024 = (17.06, 17.09, 16.79, 16.79, 16.84, 18.24, 18.03, 19.06, 19.55, 19.71, 20.32, 20.27)
WEEKDAY = np.array([1.0, 1.0, 1.0, 1.0, 1.1, 0.75, 0.4])  # Monday first; banks are quiet on Sundays
# Share of transactions per hour of the day (local time), peaking at midday.
HOURS = np.array([1, 1, 1, 1, 1, 2, 4, 6, 8, 9, 9, 9, 10, 9, 9, 8, 8, 7, 6, 5, 4, 3, 2, 1], dtype=float)
HOURS /= HOURS.sum()


def days(cfg: ScenarioConfig) -> np.ndarray:
    out: np.ndarray = cfg.start_day + np.arange(cfg.days).astype("timedelta64[D]")
    return out


def day_weights(cfg: ScenarioConfig) -> np.ndarray:
    d = days(cfg)
    weekday = (d.astype("datetime64[D]").astype(np.int64) - 4) % 7  # 1970-01-01 was a Thursday
    month = d.astype("datetime64[M]").astype(np.int64) % 12
    w: np.ndarray = WEEKDAY[weekday] * np.where(month == 11, 1.12, 1.0)
    out: np.ndarray = w / w.sum()
    return out


def fx(cfg: ScenarioConfig) -> np.ndarray:
    """MXN per USD for each day of the world."""
    d = days(cfg)
    month = d.astype("datetime64[M]").astype(np.int64) % 12
    shocks = cfg.rng("fx").normal(0, 0.004, len(d))
    noise = np.zeros(len(d))
    for i in range(1, len(d)):  # AR(1): the rate wanders a little around the month's mean
        noise[i] = 0.8 * noise[i - 1] + shocks[i]
    out: np.ndarray = np.round(np.array(FIX_2024)[month] * np.exp(noise), 4)
    return out


def epoch_seconds(cfg: ScenarioConfig, day_index: np.ndarray, rng: np.random.Generator,
                  business_hours: bool = True) -> np.ndarray:
    """Seconds since 1970 for events on the given days of the world, at plausible times."""
    base = (cfg.start_day.astype(np.int64) + day_index.astype(np.int64)) * 86_400
    if business_hours:
        hour = rng.choice(24, len(day_index), p=HOURS)
    else:
        hour = rng.integers(0, 24, len(day_index))
    return base + hour * 3600 + rng.integers(0, 3600, len(day_index))
