"""Scale presets and the sizes of every part of the world derived from them.

A scale is a target number of bank transactions; everything else (parties, accounts,
declarations, crossings, firearm sales, organizations) is sized from it by fixed ratios, so a
world ten times larger is ten times larger everywhere except the criminal organizations, whose
number grows more slowly (there are only so many cartels).
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from datetime import date

import numpy as np

PRESETS = {"tiny": 20_000, "demo": 400_000}
CHUNK_ROWS = 250_000  # transactions generated and written per step; bounds memory


@dataclass(frozen=True)
class Sizes:
    transactions: int
    persons_us: int
    persons_mx: int
    companies_us: int
    companies_mx: int
    orgs: int
    declarations: int  # US exports to Mexico (each with its pedimento) plus Pacific-port imports
    crossings_truck: int
    crossings_pov: int
    firearm_sales: int
    traces: int
    ffls: int

    @classmethod
    def for_transactions(cls, n: int) -> Sizes:
        def r(div: float, floor: int) -> int:
            return max(floor, round(n / div))
        return cls(
            transactions=n,
            persons_us=r(70, 400), persons_mx=r(90, 300),
            companies_us=r(900, 60), companies_mx=r(900, 60),
            orgs=int(np.clip(round(2 * np.log2(max(n, 2) / 10_000)), 3, 30)),
            declarations=r(40, 300), crossings_truck=r(20, 600), crossings_pov=r(40, 300),
            firearm_sales=r(40, 400), traces=r(800, 60), ffls=r(5_000, 30),
        )


def parse_scale(scale: str | int) -> int:
    """``tiny``, ``demo`` or a number of transactions (``2e6`` and ``10_000_000`` are accepted)."""
    if isinstance(scale, int):
        n = scale
    elif scale in PRESETS:
        n = PRESETS[scale]
    else:
        try:
            n = int(float(scale.replace("_", "")))
        except ValueError:
            raise ValueError(f"scale {scale!r}: expected tiny, demo or a number of transactions") from None
    if n < 5_000:
        raise ValueError(f"scale {n}: at least 5000 transactions, so that every typology can be planted")
    return n


@dataclass(frozen=True)
class ScenarioConfig:
    scale: int
    seed: int = 0
    start: date = date(2024, 1, 1)
    days: int = 366
    chunk_rows: int = CHUNK_ROWS
    parallel: bool = True  # transaction files in a second process (two cores)
    sizes: Sizes = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "sizes", Sizes.for_transactions(self.scale))

    @property
    def start_day(self) -> np.datetime64:
        return np.datetime64(self.start.isoformat(), "D")

    def rng(self, name: str, *more: int) -> np.random.Generator:
        """An independent stream per named part of the world, so that adding draws to one part
        never shifts another, and chunks can be generated in any order (or process)."""
        key = (zlib.crc32(name.encode()), *more)
        return np.random.default_rng(np.random.SeedSequence(self.seed, spawn_key=key))
