"""Shared state of the non-bank tables: record sets, identifier pools, fleets and name variants."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from tenaza.scenario.sources import variation as var
from tenaza.scenario.sources.records import IdPool, Records
from tenaza.scenario.world import calibration as cal
from tenaza.scenario.world import identifiers as ids
from tenaza.scenario.world import pools
from tenaza.scenario.world.world import World

VARIANTS = 3
CAR_WMI = ("1G1", "3N1", "1FA", "5YJ", "JTD", "3VW", "1GC", "3GN", "1HG", "2T1")


class NameBank:
    """A few written variants per company and person; records pick one at random, vectorised."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.rng = world.cfg.rng("namebank")
        self._co: dict[bool, np.ndarray] = {}
        self._free = var.FreeNames(world.persons)

    def companies(self, idx: np.ndarray, spanish: bool) -> np.ndarray:
        cos = self.world.companies
        have = self._co.get(spanish, np.zeros((0, VARIANTS), dtype=object))
        if len(have) < len(cos):
            extra = np.array([[var.company(cos, j, self.rng, spanish) for _ in range(VARIANTS)]
                              for j in range(len(have), len(cos))], dtype=object).reshape(-1, VARIANTS)
            have = np.concatenate([have, extra])
            self._co[spanish] = have
        idx = np.asarray(idx, dtype=np.int64)
        out: np.ndarray = have[idx, self.rng.integers(0, VARIANTS, len(idx))]
        return out

    def persons(self, idx: np.ndarray, spanish: bool) -> np.ndarray:
        return self._free.render(idx, self.rng, spanish)


@dataclass
class Fleet:
    """Trucks and drivers of each carrier."""

    plate: np.ndarray
    vin: np.ndarray
    truck_carrier: np.ndarray
    driver: np.ndarray  # person index
    driver_carrier: np.ndarray

    @classmethod
    def build(cls, world: World, carriers: np.ndarray) -> Fleet:
        rng = world.cfg.rng("fleet")
        drivers_pool = world.people(0, ("Tamaulipas", "Chihuahua", "Baja California", "Sonora", "Coahuila",
                                        "Nuevo León"))
        plates, tc, dr, dc = [], [], [], []
        for c in carriers:
            k = int(rng.integers(4, 30))
            for _ in range(k):
                plates.append(f"{rng.integers(10, 99)}-{''.join(rng.choice(list('ABCDEFGHJKLMNPRSTUVWXYZ'), 2))}-"
                              f"{rng.integers(100, 999)}")
                tc.append(int(c))
            d = rng.choice(drivers_pool, min(len(drivers_pool), int(k * rng.uniform(0.8, 1.5)) + 1), replace=False)
            dr += [int(x) for x in d]
            dc += [int(c)] * len(d)
        return cls(np.array(plates, dtype=object), ids.vins(rng, len(plates)), np.array(tc), np.array(dr),
                   np.array(dc))

    def pick(self, rng: np.random.Generator, carrier: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(plate, vin, driver) for loads hauled by the given carriers."""
        truck = np.empty(len(carrier), np.int64)
        drv = np.empty(len(carrier), np.int64)
        for c in np.unique(carrier):
            rows = np.flatnonzero(carrier == c)
            t = np.flatnonzero(self.truck_carrier == c)
            d = np.flatnonzero(self.driver_carrier == c)
            truck[rows] = t[rng.integers(0, len(t), len(rows))]
            drv[rows] = self.driver[d[rng.integers(0, len(d), len(rows))]]
        return self.plate[truck], self.vin[truck], drv

    def add(self, world: World, carrier: int, drivers: list[int], trucks: int) -> None:
        rng = world.cfg.rng("fleet-add", carrier)
        plates = [f"{rng.integers(10, 99)}-{''.join(rng.choice(list('ABCDEFGHJKLMNPRSTUVWXYZ'), 2))}-"
                  f"{rng.integers(100, 999)}" for _ in range(trucks)]
        self.plate = np.concatenate([self.plate, np.array(plates, dtype=object)])
        self.vin = np.concatenate([self.vin, np.array([ids.vin(rng) for _ in range(trucks)], dtype=object)])
        self.truck_carrier = np.concatenate([self.truck_carrier, np.full(trucks, carrier)])
        self.driver = np.concatenate([self.driver, np.array(drivers)])
        self.driver_carrier = np.concatenate([self.driver_carrier, np.full(len(drivers), carrier)])


@dataclass
class Context:
    world: World
    names: NameBank
    fleet: Fleet
    us_exports: Records = field(default_factory=Records)
    mx_imports: Records = field(default_factory=Records)
    cbp_crossings: Records = field(default_factory=Records)
    anam_crossings: Records = field(default_factory=Records)
    cbp_seizures: Records = field(default_factory=Records)
    mx_seizures: Records = field(default_factory=Records)
    sales: Records = field(default_factory=Records)
    traces: Records = field(default_factory=Records)
    designations: Records = field(default_factory=Records)
    pools: dict[str, IdPool] = field(default_factory=dict)
    unaffiliated: int = -1  # truth case of smugglers who belong to no planted organization
    _cars: tuple[np.ndarray, np.ndarray] | None = None

    @classmethod
    def build(cls, world: World) -> Context:
        carriers = np.flatnonzero((world.companies.industry == "carrier") & (world.companies.country == "MEX"))
        return cls(world, NameBank(world), Fleet.build(world, carriers),
                   unaffiliated=world.truth.case("smuggling_load", "unaffiliated"))

    def cars(self) -> tuple[np.ndarray, np.ndarray]:
        """Plate and VIN of every person's car, drawn once for the whole population."""
        if self._cars is None:
            p = self.world.persons
            n = len(p)
            rng = self.world.cfg.rng("cars")
            letters = np.array(list("ABCDEFGHJKLMNPRSTUVWXYZ"), dtype=object)[rng.integers(0, 23, (n, 3))]
            abc = letters[:, 0] + letters[:, 1] + letters[:, 2]
            num = rng.integers(0, 10_000, n)
            mx_plate = abc + "-" + np.char.zfill((num % 1000).astype(str), 3).astype(object) + "-" + np.array(
                list("ABCDEFGH"), dtype=object)[rng.integers(0, 8, n)]
            state = np.array(["TX", "CA", "AZ", "NM"], dtype=object)[rng.integers(0, 4, n)]
            us_plate = state + " " + abc + np.char.zfill(num.astype(str), 4).astype(object)
            plate = np.where(p.country == "MEX", mx_plate, us_plate)
            self._cars = (plate, ids.vins(rng, n, CAR_WMI))
        return self._cars

    def ids(self, name: str, k: int, space: int = 10**7) -> np.ndarray:
        if name not in self.pools:
            self.pools[name] = IdPool(self.world.cfg.rng("ids", len(self.pools), len(name)), space)
        return self.pools[name].take(k)

    def days_to_date(self, day: np.ndarray) -> np.ndarray:
        return self.world.cfg.start_day + np.asarray(day, dtype=np.int64).astype("timedelta64[D]")

    def port_days(self, rng: np.random.Generator, n: int, measure: str = "trucks") -> tuple[np.ndarray, np.ndarray]:
        """Ports and days of n crossings, following the 2024 BTS volume of each port and month."""
        pm = cal.ports()
        w = pm.trucks if measure == "trucks" else pm.vehicles
        pick = rng.choice(len(w), n, p=w / w.sum())
        days = np.arange(self.world.cfg.days)
        month_of_day = (self.world.cfg.start_day + days.astype("timedelta64[D]")).astype("datetime64[M]").astype(
            np.int64) % 12 + 1
        day = np.empty(n, np.int64)
        for m in np.unique(pm.month[pick]):
            rows = np.flatnonzero(pm.month[pick] == m)
            cand = days[month_of_day == m]
            if len(cand) == 0:
                cand = days
            day[rows] = cand[rng.integers(0, len(cand), len(rows))]
        return pm.code[pick], day


US_FILERS = ("Border Customs Brokers Inc.", "Rio Bravo Forwarding LLC", "Laredo International Brokerage",
             "Pacific Gateway Customs Services", "Santa Fe Trade Compliance LLC", "Nogales Customs House Brokers")
MX_AGENTS = tuple(f"AGENCIA ADUANAL {s.upper()} Y ASOCIADOS" for s in pools.MX_SURNAMES[:12])
MX_PATENTES = tuple(str(3000 + 37 * i) for i in range(len(MX_AGENTS)))
ASIA_SUPPLIERS = tuple(f"{a} {b} {c}" for a, b, c in zip(
    ("Shenzhen", "Ningbo", "Guangzhou", "Shanghai", "Qingdao", "Mumbai", "Busan", "Osaka", "Taipei", "Hai Phong"),
    ("Huaxin", "Golden Dragon", "Everbright", "Sunrise", "Hengli", "Shree Balaji", "Daehan", "Kitagawa", "Formosa",
     "Viet Thanh"),
    ("Trading Co., Ltd.", "Industrial Co., Ltd.", "Import & Export Co.", "Chemical Co., Ltd.", "Group Co., Ltd.",
     "Chemicals Pvt. Ltd.", "Corporation", "Shoji K.K.", "Enterprise Co.", "JSC"), strict=True))
