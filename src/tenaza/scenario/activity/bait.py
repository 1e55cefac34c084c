"""Honest activity that looks like the cash typologies, so that detectors must tell them apart.

Each is a documented, common source of false positives in transaction monitoring:

- cash pooling: a corporate group sweeps money round its companies every month (a cycle), in
  round amounts that do not shrink hop by hop;
- escrow: a title company takes in a home price and pays it out within days (rapid pass-through);
- students: parents deposit cash at their own branch, far away, into their child's account, and
  the child takes it out at a cash machine (the shape of a funnel account, small and regular);
- daily depositors: small cash businesses deposit every trading day, some days just under
  $10,000 (the amounts of structuring, without the splitting).
"""

from __future__ import annotations

import numpy as np

from tenaza.scenario.activity.events import add_txns
from tenaza.scenario.world.accounts import COMPANY, MX, PERSON, US
from tenaza.scenario.world.population import MX_RESIDENT
from tenaza.scenario.world.world import World

# How many of each, per 100,000 transactions of the world (at least one each).
PER_100K = {"cash_pools": 1.0, "escrow": 1.0, "students": 6.0, "daily_depositors": 4.0}


def _count(world: World, what: str) -> int:
    return max(1, round(world.cfg.scale / 100_000 * PER_100K[what]))


def cash_pools(world: World, rng: np.random.Generator) -> None:
    cos = world.companies
    us = np.flatnonzero((cos.country == "USA") & np.isin(cos.industry, ("exporter", "holding", "logistics")))
    mx = np.flatnonzero((cos.country == "MEX") & np.isin(cos.industry, ("importer", "exporter", "holding")))
    for _ in range(_count(world, "cash_pools")):
        nodes = [world.account(COMPANY, int(rng.choice(us)), US), world.account(COMPANY, int(rng.choice(mx)), MX),
                 world.account(COMPANY, int(rng.choice(us)), US)]
        amount = float(np.round(rng.uniform(100_000, 2_000_000), -3))
        for month in range(0, world.cfg.days - 20, 30):
            day = month + int(rng.integers(25, 29))
            for i in range(len(nodes)):
                add_txns(world, np.array([day]), nodes[i], nodes[(i + 1) % len(nodes)],
                         np.array([amount * rng.choice([1.0, 1.0, 1.001])]), "wire", -1, rng)
                day += int(rng.integers(0, 2))


def escrow(world: World, rng: np.random.Generator) -> None:
    cos = world.companies
    firms = np.flatnonzero((cos.country == "USA") & (cos.industry == "holding"))
    people = world.people()
    people = people[world.persons.origin[people] != MX_RESIDENT]
    for _ in range(_count(world, "escrow")):
        agent = world.account(COMPANY, int(rng.choice(firms)), US)
        for day in np.sort(rng.integers(0, world.cfg.days - 3, int(rng.integers(10, 40)))):
            price = float(rng.uniform(150_000, 900_000))
            buyers = [world.account(PERSON, int(p), US) for p in rng.choice(people, 2)]
            add_txns(world, np.array([day, day]), np.array(buyers), agent, np.array([0.2, 0.8]) * price, "wire", -1,
                     rng)
            payees = [world.account(PERSON, int(p), US) for p in rng.choice(people, 2)]
            add_txns(world, np.array([day + 1, day + 2]), agent, np.array(payees), np.array([0.6, 0.39]) * price,
                     "wire", -1, rng)


def students(world: World, rng: np.random.Generator) -> None:
    p = world.persons
    young = np.flatnonzero((p.country == "USA") & (p.dob > np.datetime64("1999-01-01")))
    parents = np.flatnonzero(p.country == "USA")
    if len(young) == 0:
        return
    for s in rng.choice(young, min(len(young), _count(world, "students")), replace=False):
        acct = world.account(PERSON, int(s), US)
        folks = [int(x) for x in rng.choice(parents, int(rng.integers(1, 3)))]
        spots = [world.home_place(PERSON, f, US) for f in folks]
        k = int(rng.integers(12, 48))
        days = np.sort(rng.integers(0, world.cfg.days - 3, k))
        amounts = np.round(rng.uniform(100, 1_500, k), -1)
        add_txns(world, days, -1, acct, amounts, "cash_deposit", -1, rng, place=np.array(spots)[rng.integers(
            0, len(spots), k)])
        add_txns(world, days + rng.integers(0, 4, k), acct, -1, np.round(amounts * rng.uniform(0.5, 1.0, k), -1),
                 "cash_withdrawal", -1, rng)


def daily_depositors(world: World, rng: np.random.Generator) -> None:
    acc = world.accounts
    heavy = np.flatnonzero(acc.cash_heavy & (acc.system == US))
    if len(heavy) == 0:
        return
    for a in rng.choice(heavy, min(len(heavy), _count(world, "daily_depositors")), replace=False):
        days = np.arange(int(rng.integers(0, 7)), world.cfg.days)
        days = days[(days % 7) != 6]  # closed on Sundays
        amounts = np.round(rng.lognormal(np.log(rng.uniform(2_500, 5_500)), 0.45, len(days)), 0)
        add_txns(world, days, -1, int(a), amounts, "cash_deposit", -1, rng)


def plant(world: World) -> None:
    for i, fn in enumerate((cash_pools, escrow, students, daily_depositors)):
        fn(world, world.cfg.rng("bait", i))
