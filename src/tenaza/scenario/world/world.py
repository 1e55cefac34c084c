"""The world: population, accounts, places, memos, the peso rate, and the truth being built.

Planters add accounts to the world as organizations need them (a funnel account opened in
Laredo, a US account for a Mexican financier); the registries are rendered from the world at
the end, so every account holder appears in the registry of each country where they bank.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from tenaza.scenario.activity.frame import TXN_COLUMNS, Batch, empty
from tenaza.scenario.plant.truth import Truth
from tenaza.scenario.world import calendar
from tenaza.scenario.world.accounts import (
    COMPANY,
    MSB,
    MX,
    PERSON,
    US,
    AccountFactory,
    Accounts,
    Places,
    make_accounts,
)
from tenaza.scenario.world.config import ScenarioConfig
from tenaza.scenario.world.memos import Memos
from tenaza.scenario.world.population import Companies, Persons, make_companies, make_persons

FOREIGN = 3  # accounts at banks outside both countries (Panama, Hong Kong): no file of their own


@dataclass
class World:
    cfg: ScenarioConfig
    persons: Persons
    companies: Companies
    places: Places
    accounts: Accounts
    factory: AccountFactory
    memos: Memos
    fx: np.ndarray
    msb_recipient: np.ndarray
    truth: Truth = field(default_factory=Truth)
    events: list[Batch] = field(default_factory=list)  # transactions other than the background stream
    aliases: dict[int, list[str]] = field(default_factory=dict)  # person -> nicknames
    _by_holder: dict[tuple[int, int, int], list[int]] = field(default_factory=dict)

    @classmethod
    def build(cls, cfg: ScenarioConfig) -> World:
        persons = make_persons(cfg)
        companies = make_companies(cfg)
        places = Places.all()
        factory = AccountFactory(cfg, places)
        accounts = make_accounts(cfg, persons, companies, places, factory)
        world = cls(cfg, persons, companies, places, accounts, factory, Memos(), calendar.fx(cfg),
                    np.zeros(0, np.int32))
        world._link_remittances()
        return world

    def _link_remittances(self) -> None:
        """Each money-transmitter customer sends to one or two relatives' Mexican accounts."""
        acc = self.accounts
        rng = self.cfg.rng("remittances")
        mx_people = np.flatnonzero((acc.system == MX) & (acc.holder_kind == PERSON))
        rec = np.full(len(acc), -1, np.int32)
        msb = np.flatnonzero(acc.system == MSB)
        rec[msb] = mx_people[rng.integers(0, len(mx_people), len(msb))]
        self.msb_recipient = rec

    # -- accounts of entities -------------------------------------------------------------
    def accounts_of(self, kind: int, holder: int, system: int) -> np.ndarray:
        acc = self.accounts
        if not self._by_holder:
            for i, key in enumerate(zip(acc.holder_kind.tolist(), acc.holder.tolist(), acc.system.tolist(),
                                        strict=True)):
                self._by_holder.setdefault(key, []).append(i)
        return np.array(self._by_holder.get((kind, holder, system), []), dtype=np.int64)

    def account(self, kind: int, holder: int, system: int, *, new: bool = False, place: int | None = None,
                acct_kind: str | None = None, opened: np.datetime64 | None = None) -> int:
        """An account of the holder in the given system; opens one if asked or if there is none."""
        have = self.accounts_of(kind, holder, system)
        if len(have) and not new:
            return int(have[0])
        if place is None:
            place = self.home_place(kind, holder, system)
        if acct_kind is None:
            acct_kind = {US: "checking" if kind == PERSON else "business", MX: "debito" if kind == PERSON
                         else "empresarial", MSB: "msb", FOREIGN: "corporate"}[system]
        rng = self.cfg.rng("open-account", len(self.accounts))
        if opened is None:
            opened = self.cfg.start_day - np.timedelta64(int(rng.integers(20, 700)), "D")
        made = self.factory.make(np.array([system]), np.array([kind]), np.array([holder]), np.array([acct_kind]),
                                 np.array([place]), np.array([1.0]), np.array([False]), np.array([opened]))
        if system == FOREIGN:
            country = str(self.companies.country[holder]) if kind == COMPANY else "PAN"
            made.account_id = [f"{country[:2]}{int(rng.integers(10**9, 10**10))}"]
        idx = self.accounts.append(made)
        if self._by_holder:
            self._by_holder.setdefault((kind, holder, system), []).append(int(idx[0]))
        self.msb_recipient = np.concatenate([self.msb_recipient, np.full(len(idx), -1, np.int32)])
        return int(idx[0])

    def accounts_for(self, kind: int, holders: np.ndarray, system: int) -> np.ndarray:
        """``account`` for many holders at once (one lookup per distinct holder)."""
        uniq, inv = np.unique(np.asarray(holders, dtype=np.int64), return_inverse=True)
        found = np.array([self.account(kind, int(h), system) for h in uniq.tolist()], dtype=np.int64)
        out: np.ndarray = found[inv] if len(uniq) else np.zeros(0, np.int64)
        return out

    def home_place(self, kind: int, holder: int, system: int) -> int:
        if kind == PERSON:
            p = self.persons
            country, state, city = str(p.country[holder]), p.state[holder], p.city[holder]
        else:
            c = self.companies
            country, state, city = str(c.country[holder]), c.state[holder], c.city[holder]
        want = {US: "USA", MX: "MEX", MSB: "USA"}.get(system, country)
        if country != want or not state:
            return self.places.get("USA", "TX", "Laredo") if want == "USA" else self.places.get(
                "MEX", "Nuevo León", "Monterrey")
        return self.places.get(country, state, city)

    def place_index(self, country: str, state: str, city: str) -> int:
        return self.places.get(country, state, city)

    def people(self, origin: int | None = None, states: tuple[str, ...] | None = None) -> np.ndarray:
        p = self.persons
        mask = np.ones(len(p), bool) if origin is None else p.origin == origin
        if states is not None:
            mask &= np.isin(np.array(p.state), states)
        return np.flatnonzero(mask)

    def event_batch(self) -> Batch:
        from tenaza.scenario.activity.frame import concat, sort_by

        batches = [b for b in self.events if len(b["ts"])]
        return sort_by(concat(batches), "ts") if batches else empty(TXN_COLUMNS)
