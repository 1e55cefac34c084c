"""Firearm sales by US dealers, traces of guns recovered in Mexico, and straw purchasing.

Dealers are spread over the states in proportion to NICS handgun and long-gun checks; the share
of sales in multiple-sale reports follows the NICS "multiple" column. Of the guns recovered in
Mexico and traced, the US-sourced share follows ATF/GAO (70 %); US-sourced guns come mostly
from Texas, California and Arizona (the GAO-16-223 ranking; the split is an assumption).

Straw purchasers buy several guns at once (reported as multiple sales) or spread the buys over
dealers and days to stay under the reporting rule; many of those guns are recovered in Mexico
months later (short time-to-crime). Honest buyers also make multiple purchases, and some honest
guns are stolen and recovered in Mexico within a year, so neither signal alone is proof.
"""

from __future__ import annotations

import numpy as np

from tenaza.scenario.activity.context import Context
from tenaza.scenario.sources.records import nullable, objects
from tenaza.scenario.world import calibration as cal
from tenaza.scenario.world import pools
from tenaza.scenario.world.orgs import Org, mark
from tenaza.scenario.world.population import MX_RESIDENT

# (make, model, caliber, type, weight among honest sales, weight among trafficked guns)
CATALOG = (
    ("Glock", "19", "9mm", "pistol", 10, 3), ("Glock", "17", "9mm", "pistol", 6, 2),
    ("Sig Sauer", "P320", "9mm", "pistol", 6, 1), ("Smith & Wesson", "M&P Shield", "9mm", "pistol", 7, 1),
    ("Ruger", "LCP", ".380 ACP", "pistol", 5, 1), ("Taurus", "G2C", "9mm", "pistol", 5, 1),
    ("Colt", "Government 1911", ".38 Super", "pistol", 1, 6), ("FN Herstal", "Five-seveN", "5.7x28mm", "pistol", 1, 6),
    ("Century Arms", "Draco", "7.62x39mm", "pistol", 1, 5), ("Smith & Wesson", "Model 686", ".357 Magnum", "revolver", 3, 1),
    ("Colt", "M4 Carbine", "5.56mm", "rifle", 2, 8), ("Smith & Wesson", "M&P15", "5.56mm", "rifle", 4, 7),
    ("Century Arms", "WASR-10", "7.62x39mm", "rifle", 1, 9), ("Barrett", "M82A1", ".50 BMG", "rifle", 0.1, 2),
    ("Ruger", "10/22", ".22 LR", "rifle", 6, 0.2), ("Savage", "110", ".308 Win", "rifle", 3, 0.5),
    ("Remington", "870", "12 gauge", "shotgun", 5, 0.3), ("Mossberg", "500", "12 gauge", "shotgun", 5, 0.3),
)
STATE_CODES = {
    "Alabama": "AL", "Alaska": "AK", "Arizona": "AZ", "Arkansas": "AR", "California": "CA", "Colorado": "CO",
    "Connecticut": "CT", "Delaware": "DE", "District of Columbia": "DC", "Florida": "FL", "Georgia": "GA",
    "Hawaii": "HI", "Idaho": "ID", "Illinois": "IL", "Indiana": "IN", "Iowa": "IA", "Kansas": "KS", "Kentucky": "KY",
    "Louisiana": "LA", "Maine": "ME", "Maryland": "MD", "Massachusetts": "MA", "Michigan": "MI", "Minnesota": "MN",
    "Mississippi": "MS", "Missouri": "MO", "Montana": "MT", "Nebraska": "NE", "Nevada": "NV", "New Hampshire": "NH",
    "New Jersey": "NJ", "New Mexico": "NM", "New York": "NY", "North Carolina": "NC", "North Dakota": "ND",
    "Ohio": "OH", "Oklahoma": "OK", "Oregon": "OR", "Pennsylvania": "PA", "Rhode Island": "RI",
    "South Carolina": "SC", "South Dakota": "SD", "Tennessee": "TN", "Texas": "TX", "Utah": "UT", "Vermont": "VT",
    "Virginia": "VA", "Washington": "WA", "West Virginia": "WV", "Wisconsin": "WI", "Wyoming": "WY",
}
SOURCE_STATE_SHARE = {"TX": 0.41, "CA": 0.19, "AZ": 0.15}  # assumption; ranking from GAO-16-223
RECOVERY_STATES = ("Tamaulipas", "Sinaloa", "Jalisco", "Michoacán", "Guerrero", "Chihuahua", "Baja California",
                   "Sonora", "Estado de México", "Guanajuato", "Zacatecas", "Nuevo León")
Arr = np.ndarray


class Dealers:
    def __init__(self, ctx: Context) -> None:
        rng = ctx.world.cfg.rng("ffls")
        nics = {STATE_CODES[s]: v for s, v in cal.nics().items() if s in STATE_CODES}
        states = np.array(sorted(nics))
        w = np.array([nics[s][0] + nics[s][1] for s in states], float)
        n = ctx.world.cfg.sizes.ffls
        border = np.array(["TX", "AZ", "CA", "NM"])
        st = np.concatenate([border, states[rng.choice(len(states), max(0, n - 4), p=w / w.sum())]])
        self.state = st
        self.ffl_id = np.array([f"{(sum(map(ord, s)) % 9) + 1}-{rng.integers(10, 99)}-{rng.integers(1, 999):03d}-"
                                f"{rng.choice(['01', '01', '02', '07'])}-{rng.choice(list('123456789ABCDEFGHJK'))}"
                                f"{rng.choice(list('ABCDEFGHJKLM'))}-{rng.integers(0, 99999):05d}" for s in st],
                               dtype=object)
        nat = np.array([nics[s] for s in states], float).sum(axis=0)
        self.multiple_share = float(nat[2] / (nat[0] + nat[1]))
        self.nics_w = {s: float(x) for s, x in zip(states, w / w.sum(), strict=True)}

    def in_state(self, rng: np.random.Generator, states: Arr) -> Arr:
        out = np.empty(len(states), np.int64)
        for s in np.unique(states):
            rows = np.flatnonzero(states == s)
            cand = np.flatnonzero(self.state == s)
            if len(cand) == 0:
                cand = np.arange(len(self.state))
            out[rows] = cand[rng.integers(0, len(cand), len(rows))]
        return out


def _guns(rng: np.random.Generator, k: int, trafficked: bool) -> tuple[Arr, Arr]:
    w = np.array([c[5] if trafficked else c[4] for c in CATALOG], float)
    model = rng.choice(len(CATALOG), k, p=w / w.sum())
    letters = rng.choice(list("ABCDEFGHJKLMNPRSTUVWXYZ"), (k, 3))
    serial = np.array([f"{a}{b}{c}{n:06d}" for (a, b, c), n in zip(letters, rng.integers(0, 10**6, k), strict=True)],
                      dtype=object)
    return model, serial


def _sale_rows(ctx: Context, rng: np.random.Generator, day: Arr, dealer: Arr, buyer: Arr, model: Arr, serial: Arr,
               multiple: Arr, dealers: Dealers, case: int = -1) -> Arr:
    k = len(day)
    sale_id = np.array([f"S{x:09d}" for x in ctx.ids("sale", k, 10**9)], dtype=object)
    ctx.sales.add(k, sale_id=sale_id, date=ctx.days_to_date(day), ffl_id=dealers.ffl_id[dealer],
                  ffl_state=dealers.state[dealer].astype(object), purchaser=ctx.names.persons(buyer, False),
                  make=np.array([CATALOG[m][0] for m in model], dtype=object),
                  model=np.array([CATALOG[m][1] for m in model], dtype=object),
                  caliber=np.array([CATALOG[m][2] for m in model], dtype=object),
                  serial=serial, firearm_type=np.array([CATALOG[m][3] for m in model], dtype=object),
                  multiple_sale_report=multiple, _case=case, _role="straw_sale" if case >= 0 else None)
    return sale_id


def _traces(ctx: Context, rng: np.random.Generator, recovered: Arr, model: Arr, serial: Arr,
            purchaser: Arr | None, ffl: Arr | None, bought: Arr | None, states: Arr, case: int = -1,
            cities: Arr | None = None, possessor: Arr | None = None) -> None:
    k = len(recovered)
    w = ctx.world
    pool = w.people(MX_RESIDENT)
    if possessor is None:
        possessor = nullable(rng.random(k) < 0.5, ctx.names.persons(pool[rng.integers(0, len(pool), k)], True))
    city = {s[0]: s[2] for s in pools.MX_STATES}
    dates = ctx.days_to_date(recovered)
    if bought is None:
        bought = np.full(k, np.datetime64("NaT"), dtype="datetime64[D]")
    bought = bought.astype("datetime64[D]")
    known = ~np.isnat(bought)
    ttc = np.full(k, None, dtype=object)
    ttc[known] = (dates[known] - bought[known]).astype(np.int64)
    ctx.traces.add(k, trace_id=np.array([f"T{w.cfg.start.year}-{x:07d}" for x in ctx.ids("trace", k)], dtype=object),
                   recovery_date=dates, recovery_country="MX", recovery_state=states,
                   recovery_city=cities if cities is not None else np.array(
                       [city[s][int(rng.integers(0, len(city[s])))] for s in states], dtype=object),
                   make=np.array([CATALOG[m][0] for m in model], dtype=object),
                   model=np.array([CATALOG[m][1] for m in model], dtype=object),
                   caliber=np.array([CATALOG[m][2] for m in model], dtype=object), serial=serial, possessor=possessor,
                   purchaser=purchaser, ffl_id=ffl, purchase_date=bought, _case=case,
                   _role="recovered_in_mexico" if case >= 0 else None, **{"TIME TO CRIME DAYS": ttc})


def legit_firearms(ctx: Context, dealers: Dealers) -> None:
    w = ctx.world
    rng = w.cfg.rng("firearms")
    n = w.cfg.sizes.firearm_sales
    us = np.flatnonzero(w.persons.country == "USA")
    buyer = us[rng.integers(0, len(us), n)]
    state = np.array(w.persons.state, dtype=object)[buyer]
    dealer = dealers.in_state(rng, state)
    day = rng.integers(0, w.cfg.days, n)
    model, serial = _guns(rng, n, False)
    # Honest multiple purchases: a buyer takes two or three handguns the same day.
    multiple = rng.random(n) < dealers.multiple_share / 2
    extra = np.flatnonzero(multiple)
    for arr in (buyer, dealer, day):
        arr[np.minimum(extra + 1, n - 1)] = arr[extra]
    multiple[np.minimum(extra + 1, n - 1)] = True
    sale_ids = _sale_rows(ctx, rng, day, dealer, buyer, model, serial, multiple, dealers)
    del sale_ids
    # Traces of crime guns recovered in Mexico with no planted organization behind them.
    k = w.cfg.sizes.traces
    model, serial = _guns(rng, k, True)
    recovered = rng.integers(0, w.cfg.days, k)
    us_sourced = rng.random(k) < cal.traces_us_share()
    src_states = np.array(list(SOURCE_STATE_SHARE) + ["OTHER"])
    p = np.array(list(SOURCE_STATE_SHARE.values()) + [1 - sum(SOURCE_STATE_SHARE.values())])
    src = src_states[rng.choice(len(src_states), k, p=p)]
    other = [s for s in dealers.nics_w if s not in SOURCE_STATE_SHARE]
    ow = np.array([dealers.nics_w[s] for s in other])
    src = np.where(src == "OTHER", np.array(other)[rng.choice(len(other), k, p=ow / ow.sum())], src)
    dealer = dealers.in_state(rng, src)
    ttc = np.where(rng.random(k) < 0.12, rng.integers(30, 360, k), rng.integers(365, 365 * 15, k))
    bought = ctx.days_to_date(recovered - ttc)
    buyer = us[rng.integers(0, len(us), k)]
    states = np.array(RECOVERY_STATES, dtype=object)[rng.integers(0, len(RECOVERY_STATES), k)]
    _traces(ctx, rng, recovered, model, serial,
            nullable(us_sourced, ctx.names.persons(buyer, False)), nullable(us_sourced, dealers.ffl_id[dealer]),
            np.where(us_sourced, bought, np.datetime64("NaT", "D")),
            states)


def straw_purchases(ctx: Context, org: Org, dealers: Dealers, rng: np.random.Generator) -> None:
    w = ctx.world
    case = w.truth.case("straw_purchase", org.org_id)
    days, dealer_l, buyer_l, model_l, serial_l, multi_l = [], [], [], [], [], []
    for buyer in org.people("straw_purchaser"):
        state = w.persons.state[buyer]
        for _ in range(int(rng.integers(2, 7))):
            k = int(rng.integers(2, 6))
            d0 = int(rng.integers(0, w.cfg.days - 10))
            evade = rng.random() < 0.3  # spread over dealers and days to avoid the report
            dl = dealers.in_state(rng, np.full(k if evade else 1, state, dtype=object))
            dealer_l.append(dl if evade else np.repeat(dl, k))
            days.append(d0 + (np.sort(rng.integers(0, 12, k)) if evade else np.zeros(k, int)))
            buyer_l.append(np.full(k, buyer))
            m, s = _guns(rng, k, True)
            model_l.append(m)
            serial_l.append(s)
            multi_l.append(np.full(k, not evade))
    day = np.concatenate(days)
    dealer, buyer_a = np.concatenate(dealer_l), np.concatenate(buyer_l)
    model, serial = np.concatenate(model_l), np.concatenate(serial_l)
    _sale_rows(ctx, rng, day, dealer, buyer_a, model, serial, np.concatenate(multi_l), dealers, case)
    found = rng.random(len(day)) < rng.uniform(0.35, 0.75)
    ttc = rng.gamma(2.0, 70.0, int(found.sum())).astype(int) + 7
    recovered = day[found] + ttc
    keep = recovered < w.cfg.days
    idx = np.flatnonzero(found)[keep]
    home = np.where(rng.random(len(idx)) < 0.7, org.home_state, np.array(RECOVERY_STATES, dtype=object)[
        rng.integers(0, len(RECOVERY_STATES), len(idx))])
    _traces(ctx, rng, recovered[keep], model[idx], serial[idx], ctx.names.persons(buyer_a[idx], False),
            dealers.ffl_id[dealer[idx]], ctx.days_to_date(day[idx]), home.astype(object), case)
    mark(w, case, "straw_purchaser", org.people("straw_purchaser"))
    for ffl in sorted(set(dealers.ffl_id[dealer].tolist())):  # dealers the ring bought from (unwittingly)
        w.truth.add("ffl", ffl, case, "dealer_used")
    _seized_going_south(ctx, org, rng, case, np.flatnonzero(~found), day, model, serial, buyer_a, dealer, dealers)


def _seized_going_south(ctx: Context, org: Org, rng: np.random.Generator, case: int, left: Arr, day: Arr,
                        model: Arr, serial: Arr, buyer: Arr, dealer: Arr, dealers: Dealers) -> None:
    """Some guns are caught on the way: a member drives them south and the aduana finds them.
    One ANAM crossing, one SEDENA firearm seizure, and a trace per gun at the border city."""
    from tenaza.scenario.activity.crossings import _vehicles
    from tenaza.scenario.plant.trade import ORG_PORTS

    w = ctx.world
    trips = min(len(left) // 2, int(rng.integers(1, 4)))
    couriers = np.array(org.people("smurf") + org.people("straw_purchaser"))
    for _ in range(trips):
        if len(left) < 2:
            break
        guns = np.sort(rng.choice(left, min(len(left), int(rng.integers(2, 6))), replace=False))
        left = np.setdiff1d(left, guns)
        port = str(rng.choice(ORG_PORTS[org.home_state]))
        aduana, city = cal.ADUANA[port]
        when = int(day[guns].max()) + int(rng.integers(1, 21))
        if when >= w.cfg.days:
            continue
        driver = np.array([int(rng.choice(couriers))])
        plate, vin = _vehicles(ctx, driver, np.zeros(1, bool))
        cid = np.array([f"S{aduana}{x:08d}" for x in ctx.ids("anam", 1, 10**8)], dtype=object)
        sid = np.array([f"SED-{x:07d}" for x in ctx.ids("sedena", 1)], dtype=object)
        ctx.anam_crossings.add(1, crossing_id=cid, ts=(w.cfg.start_day.astype(np.int64) + when) * 86_400 + int(
            rng.integers(7 * 3600, 22 * 3600)), port_code=aduana, conveyance="personal_vehicle", plate=plate, vin=vin,
            driver=ctx.names.persons(driver, True), inspection="secondary", outcome="EMBARGO PRECAUTORIO",
            seizure_ref=sid, _case=case, _role="gun_runner")
        state = cal.MX_BORDER_STATE[aduana]
        ctx.mx_seizures.add(1, seizure_id=sid, date=ctx.days_to_date(np.array([when])), state=state, port_code=aduana,
                            agency="SEDENA", kind="firearm", substance=None, quantity=float(len(guns)), unit="u",
                            crossing_ref=cid, _case=case, _role="firearm_seizure",
                            _refs=objects([[("person", int(driver[0]))]]))
        k = len(guns)
        _traces(ctx, rng, np.full(k, when), model[guns], serial[guns], ctx.names.persons(buyer[guns], False),
                dealers.ffl_id[dealer[guns]], ctx.days_to_date(day[guns]), np.full(k, state, dtype=object), case,
                cities=np.full(k, city, dtype=object), possessor=np.repeat(ctx.names.persons(driver, True), k))
        mark(w, case, "gun_runner", [int(driver[0])])
