"""Bank and money-transmitter accounts of the population, as parallel numpy arrays.

US accounts are identified by ABA routing number and account number, Mexican ones by their
18-digit CLABE (with its check digit), money-transmitter accounts by the transmitter's customer
number. Places (country, state, city) are indexed once so that a transaction carries a small
integer for where it happened.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from tenaza.scenario.world import identifiers as ids
from tenaza.scenario.world import pools
from tenaza.scenario.world.config import ScenarioConfig
from tenaza.scenario.world.population import MX_BORN_IN_US, MX_RESIDENT, Companies, Persons

US, MX, MSB = 0, 1, 2  # account systems; each is one source file
PERSON, COMPANY = 0, 1
CASH_HEAVY = ("retail", "restaurant", "car_dealer", "exchange")


@dataclass
class Places:
    country: list[str] = field(default_factory=list)
    state: list[str] = field(default_factory=list)
    city: list[str] = field(default_factory=list)
    _index: dict[tuple[str, str, str], int] = field(default_factory=dict)

    def get(self, country: str, state: str, city: str) -> int:
        key = (country, state, city)
        if key not in self._index:
            self._index[key] = len(self.country)
            self.country.append(country)
            self.state.append(state)
            self.city.append(city)
        return self._index[key]

    @classmethod
    def all(cls) -> Places:
        p = cls()
        for _, code, _, cities in pools.US_STATES:
            for c in cities:
                p.get("USA", code, c)
        for name, _, cities in pools.MX_STATES:
            for c in cities:
                p.get("MEX", name, c)
        return p


@dataclass
class Accounts:
    account_id: list[str]
    system: np.ndarray  # US, MX or MSB
    bank: np.ndarray  # index into pools.US_BANKS / MX_BANKS (0 for the MSB)
    holder_kind: np.ndarray
    holder: np.ndarray
    kind: np.ndarray
    opened: np.ndarray
    place: np.ndarray
    weight: np.ndarray  # relative activity
    cash_heavy: np.ndarray
    currency: np.ndarray  # 0 USD, 1 MXN

    def __len__(self) -> int:
        return len(self.account_id)

    def append(self, other: Accounts) -> np.ndarray:
        start = len(self)
        self.account_id += other.account_id
        for name in ("system", "bank", "holder_kind", "holder", "kind", "opened", "place", "weight", "cash_heavy",
                     "currency"):
            setattr(self, name, np.concatenate([getattr(self, name), getattr(other, name)]))
        return np.arange(start, len(self))


class AccountFactory:
    """Makes account rows with unique identifiers, for the population and later for the organizations."""

    def __init__(self, cfg: ScenarioConfig, places: Places) -> None:
        self.cfg = cfg
        self.places = places
        self.rng = cfg.rng("accounts")
        self.serial = {US: 1_000_000, MX: 1_000_000, MSB: 500_000}
        self.routing = [ids.routing_number(b[1]) for b in pools.US_BANKS]

    def make(self, system: np.ndarray, holder_kind: np.ndarray, holder: np.ndarray, kind: np.ndarray,
             place: np.ndarray, weight: np.ndarray, cash_heavy: np.ndarray,
             opened: np.ndarray | None = None) -> Accounts:
        rng = self.rng
        n = len(system)
        bank = np.where(system == US, rng.integers(0, len(pools.US_BANKS), n),
                        np.where(system == MX, rng.integers(0, len(pools.MX_BANKS), n), 0))
        serial = np.zeros(n, dtype=np.int64)
        for s in (US, MX, MSB):
            m = system == s
            k = int(m.sum())
            # Serial numbers are spaced irregularly, as real account numbers are.
            serial[m] = self.serial[s] + np.cumsum(rng.integers(1, 40, k))
            self.serial[s] = int(serial[m].max()) + 1 if k else self.serial[s]
        mx_codes = np.array([int(b[1]) for b in pools.MX_BANKS])
        clabes = ids.clabe(mx_codes[np.where(system == MX, bank, 0)], rng.integers(10, 999, n), serial * 7 + 13)
        out: list[str] = []
        for i in range(n):
            if system[i] == US:
                out.append(f"{self.routing[bank[i]]}-{serial[i]:010d}")
            elif system[i] == MX:
                out.append(str(clabes[i]))
            else:
                out.append(f"RX{serial[i]:08d}")
        if opened is None:
            opened = self.cfg.start_day - rng.integers(30, 365 * 15, n).astype("timedelta64[D]")
        return Accounts(account_id=out, system=system.astype(np.int8), bank=bank.astype(np.int8),
                        holder_kind=holder_kind.astype(np.int8), holder=holder.astype(np.int32), kind=kind,
                        opened=opened, place=place.astype(np.int32), weight=weight.astype(np.float64),
                        cash_heavy=cash_heavy.astype(bool), currency=(system == MX).astype(np.int8))


def make_accounts(cfg: ScenarioConfig, persons: Persons, cos: Companies, places: Places,
                  factory: AccountFactory) -> Accounts:
    rng = cfg.rng("accounts-population")
    n = len(persons)
    home = np.array([places.get(str(c), st, ci) for c, st, ci in zip(persons.country, persons.state, persons.city,
                                                                      strict=True)], dtype=np.int64)
    mx = persons.origin == MX_RESIDENT
    u = rng.random((n, 3))
    groups = [  # (who, system, kind) -- one account per person of the group
        (np.flatnonzero(mx & (u[:, 0] < 0.75) & (u[:, 1] < 0.8)), MX, "debito"),
        (np.flatnonzero(mx & (u[:, 0] < 0.75) & (u[:, 1] >= 0.8)), MX, "ahorro"),
        (np.flatnonzero(~mx), US, "checking"),
        (np.flatnonzero(~mx & (u[:, 1] < 0.2)), US, "savings"),
        (np.flatnonzero((persons.origin == MX_BORN_IN_US) & (u[:, 2] < 0.45)), MSB, "msb"),
    ]
    who = np.concatenate([g[0] for g in groups])
    order = np.argsort(who, kind="stable")  # a person's accounts side by side, as a bank lists them
    sys_: list[int] = np.concatenate([np.full(len(g[0]), g[1]) for g in groups])[order].tolist()
    kind: list[str] = np.concatenate([np.full(len(g[0]), g[2], dtype=object) for g in groups])[order].tolist()
    holder: list[int] = who[order].tolist()
    hk: list[int] = [PERSON] * len(holder)
    place: list[int] = home[who[order]].tolist()
    heavy = [False] * len(sys_)
    for j in range(len(cos)):
        c = str(cos.country[j])
        if c not in ("USA", "MEX"):
            continue
        sys_ += [US if c == "USA" else MX]
        hk += [COMPANY]
        holder += [j]
        kind += ["business" if c == "USA" else "empresarial"]
        place += [places.get(c, cos.state[j], cos.city[j])]
        heavy += [str(cos.industry[j]) in CASH_HEAVY]
        if c == "MEX" and str(cos.industry[j]) in ("importer", "exchange") and rng.random() < 0.3:
            sys_ += [US]  # Mexican importers and exchange houses often keep a US dollar account
            hk += [COMPANY]
            holder += [j]
            kind += ["business"]
            place += [places.get("USA", "TX", "Laredo") if rng.random() < 0.5 else places.get("USA", "CA", "San Diego")]
            heavy += [False]
    n = len(sys_)
    system = np.array(sys_)
    weight = rng.lognormal(0.0, 0.8, n) * np.where(np.array(hk) == COMPANY, 6.0, 1.0)
    return factory.make(system, np.array(hk), np.array(holder), np.array(kind), np.array(place), weight,
                        np.array(heavy))
