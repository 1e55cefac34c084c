"""Planters of the cash pillar: structuring, funnel accounts, rapid pass-through, fan-in and
fan-out, cycles, and bulk cash repatriated by armored car and wired back to Mexico.

Each follows the pattern FinCEN advisories and case files describe, with its parameters drawn
per case (counts, spans, amounts, lags), so no two cases look alike and none carries a
generator signature (no fixed amounts, no fixed lags, no tell-tale memo).
"""

from __future__ import annotations

import numpy as np

from tenaza.scenario.activity.events import add_txns, spread_days
from tenaza.scenario.world import pools
from tenaza.scenario.world.accounts import COMPANY, MX, PERSON, US
from tenaza.scenario.world.orgs import Org, mark
from tenaza.scenario.world.population import MX_RESIDENT
from tenaza.scenario.world.world import FOREIGN, World

BORDER_CITIES = (("TX", "Laredo"), ("TX", "McAllen"), ("TX", "El Paso"), ("TX", "Brownsville"), ("AZ", "Nogales"),
                 ("AZ", "Tucson"), ("CA", "San Diego"), ("CA", "Calexico"))


def _threshold_amounts(rng: np.random.Generator, k: int) -> np.ndarray:
    """Cash amounts kept under the $10,000 currency transaction report threshold."""
    kind = rng.choice(3, k, p=[0.75, 0.12, 0.13])
    near = np.round(rng.uniform(7_400, 9_950, k), -1)
    round_ = rng.choice([8_000, 8_500, 9_000, 9_500, 9_800, 9_900], k).astype(float)
    lower = np.round(rng.uniform(2_500, 7_400, k), 0)
    return np.select([kind == 0, kind == 1], [near, round_], lower)


def _record(world: World, case: int, accounts: list[int]) -> None:
    for a in accounts:
        world.truth.add("accounts", world.accounts.account_id[a], case)


def structuring(world: World, org: Org, rng: np.random.Generator) -> None:
    case = world.truth.case("structuring", org.org_id)
    smurfs = [int(x) for x in rng.choice(org.people("smurf"), min(len(org.people("smurf")), int(rng.integers(2, 5))),
                                         replace=False)]
    broker = org.people("money_broker")[0]
    collector = world.account(PERSON, broker, US)
    start = int(rng.integers(0, world.cfg.days - 60))
    span = int(rng.integers(45, 160))
    own_accounts = rng.random() < 0.5
    used = [collector]
    for s in smurfs:
        k = max(4, int(span / 7 * rng.uniform(1.5, 4.0)))
        days = spread_days(rng, start, span, k)
        # A share of deposits are split the same day across branches of the same state.
        twin = rng.random(k) < 0.2
        days = np.sort(np.concatenate([days, days[twin]]))
        amounts = _threshold_amounts(rng, len(days))
        home = world.home_place(PERSON, s, US)
        state = world.places.state[home]
        same_state = [i for i, st in enumerate(world.places.state) if st == state and world.places.country[i] == "USA"]
        place = np.where(rng.random(len(days)) < 0.6, home, rng.choice(same_state, len(days)))
        target = world.account(PERSON, s, US) if own_accounts else collector
        used.append(target)
        add_txns(world, days, -1, target, amounts, "cash_deposit", case, rng, place=place)
        if own_accounts:  # the smurf passes the money on, by check or transfer, every week or two
            sweep = days[:: max(1, int(rng.integers(3, 7)))] + rng.integers(1, 4)
            total = amounts.sum() / len(sweep)
            add_txns(world, sweep, target, collector, rng.uniform(0.85, 1.0, len(sweep)) * total,
                     rng.choice(["check", "wire", "ach"], len(sweep)), case, rng)
    out = world.account(PERSON, org.people("financier")[0], MX)
    sends = spread_days(rng, start + 10, span, max(2, span // 20))
    add_txns(world, sends, collector, out, rng.uniform(15_000, 60_000, len(sends)), "wire", case, rng)
    _record(world, case, used + [out])
    mark(world, case, "smurf", smurfs)
    mark(world, case, "money_broker", [broker])
    mark(world, case, "financier", org.people("financier")[:1])


def funnel_account(world: World, org: Org, rng: np.random.Generator) -> None:
    case = world.truth.case("funnel_account", org.org_id)
    state, city = BORDER_CITIES[int(rng.integers(0, len(BORDER_CITIES)))]
    border = world.place_index("USA", state, city)
    holder = int(rng.choice(org.people("smurf")))
    start = int(rng.integers(0, world.cfg.days - 90))
    opened = world.cfg.start_day + np.timedelta64(start - int(rng.integers(5, 60)), "D")
    acct = world.account(PERSON, holder, US, new=True, place=border, opened=opened)
    distant = [i for i, c in enumerate(world.places.country) if c == "USA" and world.places.state[i]
               not in pools.BORDER_US]
    spots = rng.choice(distant, int(rng.integers(3, 9)), replace=False)
    span = int(rng.integers(60, 220))
    k = int(rng.integers(25, 140))
    days = spread_days(rng, start, span, k)
    amounts = np.round(rng.uniform(1_500, 9_000, k), int(rng.choice([0, -1, -2])))
    add_txns(world, days, -1, acct, amounts, "cash_deposit", case, rng, place=rng.choice(spots, k))
    # Every few deposits the balance leaves near the border: cash out, or a wire to Mexico.
    group = int(rng.integers(1, 5))
    ends = np.arange(group - 1, k, group)
    sums = np.add.reduceat(amounts, np.arange(0, k, group))[: len(ends)]
    out_days = days[ends] + rng.integers(0, 3, len(ends))
    wire = rng.random(len(ends)) < 0.3
    mx_acct = world.account(COMPANY, org.front("mx_exchange"), MX)
    factor = rng.uniform(0.9, 1.0, len(ends))
    add_txns(world, out_days[~wire], acct, -1, sums[~wire] * factor[~wire], "cash_withdrawal", case, rng, place=border)
    add_txns(world, out_days[wire], acct, mx_acct, sums[wire] * factor[wire], "wire", case, rng)
    _record(world, case, [acct])
    mark(world, case, "account_holder", [holder])


def rapid_pass_through(world: World, org: Org, rng: np.random.Generator) -> None:
    case = world.truth.case("rapid_pass_through", org.org_id)
    shell = org.front("shell")
    acct = world.account(COMPANY, shell, US)
    sources = [world.account(PERSON, s, US) for s in org.people("smurf")[:3]] + [
        world.account(COMPANY, org.front("us_exporter"), US)]
    sinks = [world.account(COMPANY, org.front("mx_holding"), MX),
             world.account(COMPANY, org.front("third_country"), FOREIGN)]
    rounds = int(rng.integers(8, 40))
    days = spread_days(rng, 0, world.cfg.days - 5, rounds)
    for d in days:
        k = int(rng.integers(1, 5))
        total = rng.uniform(20_000, 250_000)
        parts = rng.dirichlet(np.ones(k)) * total
        add_txns(world, np.full(k, d), rng.choice(sources, k), acct, parts, rng.choice(["wire", "ach"], k), case, rng)
        add_txns(world, np.array([d + int(rng.integers(0, 3))]), acct, int(rng.choice(sinks)),
                 np.array([total * rng.uniform(0.95, 0.995)]), "wire", case, rng)
    _record(world, case, [acct] + sinks)
    mark(world, case, "front_company", companies=[shell])


def fan_in_out(world: World, org: Org, rng: np.random.Generator) -> None:
    fan_in = world.truth.case("fan_in", org.org_id)
    fan_out = world.truth.case("fan_out", org.org_id)
    broker = org.people("money_broker")[0]
    collector = world.account(PERSON, broker, US, new=True, opened=world.cfg.start_day - np.timedelta64(
        int(rng.integers(10, 200)), "D"))
    us_people = world.people()
    us_people = us_people[world.persons.origin[us_people] != MX_RESIDENT]
    mules = [world.account(PERSON, int(m), US) for m in rng.choice(us_people, int(rng.integers(8, 26)), replace=False)]
    mx_people = world.people(MX_RESIDENT)
    receivers = [world.account(PERSON, int(m), MX) for m in rng.choice(mx_people, int(rng.integers(8, 26)),
                                                                      replace=False)]
    for _ in range(int(rng.integers(1, 5))):
        d0 = int(rng.integers(0, world.cfg.days - 30))
        k = len(mules) * int(rng.integers(1, 3))
        amounts = rng.uniform(1_500, 9_500, k)
        add_txns(world, d0 + rng.integers(0, 10, k), rng.choice(mules, k), collector, amounts,
                 rng.choice(["wire", "ach", "check", "internal_transfer"], k, p=[.35, .35, .2, .1]), fan_in, rng)
        m = len(receivers)
        share = rng.dirichlet(np.ones(m) * 3) * amounts.sum() * rng.uniform(0.9, 0.98)
        add_txns(world, d0 + 8 + rng.integers(0, 8, m), collector, np.array(receivers), share, "wire", fan_out, rng)
    _record(world, fan_in, [collector] + mules)
    _record(world, fan_out, [collector] + receivers)
    holders = world.accounts.holder
    mark(world, fan_in, "mule", [int(holders[a]) for a in mules])
    mark(world, fan_in, "money_broker", [broker])
    mark(world, fan_out, "money_broker", [broker])
    mark(world, fan_out, "receiver", [int(holders[a]) for a in receivers])


def cycle(world: World, org: Org, rng: np.random.Generator) -> None:
    case = world.truth.case("cycle", org.org_id)
    nodes = [world.account(COMPANY, org.front("shell"), US), world.account(COMPANY, org.front("mx_holding"), MX),
             world.account(COMPANY, org.front("third_country"), FOREIGN)]
    if rng.random() < 0.5:
        nodes.insert(1, world.account(COMPANY, org.front("us_exporter"), US))
    for _ in range(int(rng.integers(2, 7))):
        day = int(rng.integers(0, world.cfg.days - 30))
        amount = rng.uniform(50_000, 500_000)
        for i in range(len(nodes)):
            add_txns(world, np.array([day]), nodes[i], nodes[(i + 1) % len(nodes)], np.array([amount]), "wire",
                     case, rng)
            day += int(rng.integers(1, 6))
            amount *= rng.uniform(0.97, 0.995)
    _record(world, case, nodes)
    mark(world, case, "front_company", companies=[int(world.accounts.holder[a]) for a in nodes])


def bulk_cash_repatriation(world: World, org: Org, rng: np.random.Generator) -> None:
    """Dollars smuggled south come back by armored car into a casa de cambio's US account,
    then leave by wire to the organization's Mexican companies."""
    case = world.truth.case("bulk_cash", org.org_id)
    xch = org.front("mx_exchange")
    state, city = BORDER_CITIES[int(rng.integers(0, len(BORDER_CITIES)))]
    us_acct = world.account(COMPANY, xch, US, new=True, place=world.place_index("USA", state, city))
    sinks = [world.account(COMPANY, org.front("mx_importer"), MX), world.account(COMPANY, org.front("mx_holding"), MX),
             world.account(PERSON, org.people("financier")[0], MX)]
    step = int(rng.integers(5, 15))
    days = np.arange(int(rng.integers(0, 30)), world.cfg.days - 4, step)
    days = days + rng.integers(0, 3, len(days))
    amounts = np.round(rng.lognormal(np.log(180_000), 0.6, len(days)), -2)
    add_txns(world, days, -1, us_acct, amounts, "armored_car", case, rng)
    k = len(days) * 2
    add_txns(world, np.repeat(days, 2) + rng.integers(1, 4, k), us_acct, rng.choice(sinks, k),
             np.repeat(amounts, 2) * rng.uniform(0.4, 0.5, k), "wire", case, rng)
    _record(world, case, [us_acct] + sinks)
    mark(world, case, "front_company", companies=[xch])
    mark(world, case, "financier", org.people("financier")[:1])


PLANTERS = (structuring, funnel_account, rapid_pass_through, fan_in_out, cycle, bulk_cash_repatriation)


def plant(world: World, org: Org) -> None:
    for i, planter in enumerate(PLANTERS):
        planter(world, org, world.cfg.rng(f"cash-{org.org_id}", i))


def legit_exchange_houses(world: World) -> None:
    """Honest casas de cambio also ship dollars north by armored car and wire the proceeds home,
    so the armored-car channel by itself is not a signal."""
    rng = world.cfg.rng("legit-exchange")
    acc = world.accounts
    houses = np.flatnonzero((world.companies.industry == "exchange") & (world.companies.country == "MEX"))
    for h in houses:
        us_acct = world.accounts_of(COMPANY, int(h), US)
        if len(us_acct) == 0:
            continue
        step = int(rng.integers(5, 15))
        days = np.arange(int(rng.integers(0, step)), world.cfg.days - 4, step)
        amounts = np.round(rng.lognormal(np.log(45_000), 0.7, len(days)), -2)
        add_txns(world, days, -1, int(us_acct[0]), amounts, "armored_car", -1, rng)
        home = world.account(COMPANY, int(h), MX)
        add_txns(world, days + rng.integers(1, 4, len(days)), int(us_acct[0]), home, amounts * rng.uniform(
            0.9, 0.99, len(days)), "wire", -1, rng)
    del acc
