"""Planters of the distribution pillar, and the bulk-cash couriers of the cash pillar.

- smuggling_load: an organization moves drugs north in commercial trucks hidden in produce,
  reusing the same few drivers, trucks, carrier and consignees, at one or two ports. Most loads
  clear; a few are seized, which is how an analyst gets a first thread to pull. Half the
  organizations use a carrier of their own; the others use an honest carrier that also hauls
  legitimate loads with the same trucks (and drivers who also drive honest loads).
- bulk_cash couriers: members drive dollars south in their own cars; Mexican authorities seize
  a few of the trips.
"""

from __future__ import annotations

import numpy as np

from tenaza.scenario.activity.context import Context
from tenaza.scenario.activity.crossings import OFO, _vehicles, seizure_draw
from tenaza.scenario.plant.trade import ORG_PORTS
from tenaza.scenario.sources.records import objects
from tenaza.scenario.world import calibration as cal
from tenaza.scenario.world.orgs import Org, mark


def prepare_fleet(ctx: Context, org: Org) -> None:
    """Give the organization's drivers trucks at its carrier (before any load is generated)."""
    rng = ctx.world.cfg.rng("org-fleet", int(org.org_id[4:]))
    ctx.fleet.add(ctx.world, org.front("carrier"), org.people("driver"), int(rng.integers(2, 6)))


def smuggling_loads(ctx: Context, org: Org, rng: np.random.Generator) -> None:
    w = ctx.world
    case = w.truth.case("smuggling_load", org.org_id)
    k = int(rng.integers(10, 60))
    ports = np.array(ORG_PORTS[org.home_state], dtype=object)
    port = ports[rng.integers(0, len(ports), k)]
    day = np.sort(rng.integers(0, w.cfg.days, k))
    carrier = org.front("carrier")
    trucks = np.flatnonzero(ctx.fleet.truck_carrier == carrier)[-6:]
    truck = trucks[rng.integers(0, len(trucks), k)]
    drivers = np.array(org.people("driver"))
    driver = drivers[np.minimum(rng.zipf(1.6, k) - 1, len(drivers) - 1)]  # a favourite driver or two
    legit_consignees = np.flatnonzero((w.companies.country == "USA") & (w.companies.industry == "produce"))
    consignee = np.where(rng.random(k) < 0.75, org.front("consignee"),
                         legit_consignees[rng.integers(0, len(legit_consignees), k)])
    produce = np.array([p[0] for p in cal.PRODUCE], dtype=object)
    seized = rng.random(k) < rng.uniform(0.06, 0.15)
    seized[int(rng.integers(0, k))] = True
    cid = np.char.add("N", np.char.zfill(ctx.ids("cbp", k, 10**9).astype(str), 9)).astype(object)
    drug, lbs = seizure_draw(rng, OFO, int(seized.sum()))
    sid = np.array([f"{str(d)[2:4]}{p}{x:06d}" for d, p, x in zip(ctx.days_to_date(day[seized]), port[seized],
                    ctx.ids("seizure", int(seized.sum()), 10**6), strict=True)], dtype=object)
    ref = np.full(k, None, dtype=object)
    ref[seized] = sid
    ctx.cbp_crossings.add(
        k, crossing_id=cid, ts=(w.cfg.start_day.astype(np.int64) + day) * 86_400 + rng.integers(6 * 3600, 21 * 3600, k),
        port_code=port, conveyance="truck", plate=ctx.fleet.plate[truck], vin=ctx.fleet.vin[truck],
        driver=ctx.names.persons(driver, False), carrier=ctx.names.companies(np.full(k, carrier), False),
        shipper=ctx.names.companies(np.full(k, org.front("mx_exporter")), False),
        consignee=ctx.names.companies(consignee, False), hs_code=produce[rng.integers(0, len(produce), k)],
        inspection=np.where(seized, "secondary", rng.choice(["primary", "nii", "secondary"], k, p=[.6, .3, .1])),
        outcome=np.where(seized, "SEIZURE", "CLEARED"), seizure_ref=ref,
        **{"PORT NAME": cal.port_names(port)}, _case=case, _role="load")
    pm = cal.ports()
    state = {c: cal.US_STATE_CODE[s] for c, s in zip(pm.code, pm.state, strict=True)}
    m = int(seized.sum())
    ctx.cbp_seizures.add(m, seizure_id=sid, date=ctx.days_to_date(day[seized]), port_code=port[seized],
                         state=np.array([state[p] for p in port[seized]], dtype=object), agency="OFO", kind="drug",
                         substance=drug, quantity=np.round(lbs * rng.uniform(3, 10, m), 2), unit="lb",
                         crossing_ref=cid[seized], _case=case, _role="seized_load",
                         _refs=objects([[("person", int(d))] for d in driver[seized]]))
    own = w.companies.founded[carrier] > w.cfg.start_day - np.timedelta64(1000, "D")
    mark(w, case, "driver", [int(d) for d in np.unique(driver)])
    mark(w, case, "carrier" if own else "corrupted_carrier", companies=[carrier])
    mark(w, case, "consignee", companies=[org.front("consignee")])
    mark(w, case, "shipper", companies=[org.front("mx_exporter")])


def cash_couriers(ctx: Context, org: Org, rng: np.random.Generator) -> None:
    w = ctx.world
    case = w.truth.case("bulk_cash", org.org_id)
    couriers = np.array(org.people("smurf")[: int(rng.integers(2, 5))])
    k = int(rng.integers(5, 25))
    driver = couriers[rng.integers(0, len(couriers), k)]
    ports = ORG_PORTS[org.home_state]
    port = np.array(ports, dtype=object)[rng.integers(0, len(ports), k)]
    aduana = np.array([cal.ADUANA[p][0] for p in port], dtype=object)
    day = np.sort(rng.integers(0, w.cfg.days, k))
    seized = rng.random(k) < 0.15
    cid = np.char.add(np.char.add("S", aduana.astype(str)), np.char.zfill(ctx.ids("anam", k, 10**8).astype(str), 8))
    sid = np.array([f"SED-{x:07d}" for x in ctx.ids("sedena", int(seized.sum()))], dtype=object)
    ref = np.full(k, None, dtype=object)
    ref[seized] = sid
    plate, vin = _vehicles(ctx, driver, np.zeros(k, bool))
    ctx.anam_crossings.add(
        k, crossing_id=cid.astype(object), ts=(w.cfg.start_day.astype(np.int64) + day) * 86_400 + rng.integers(
            6 * 3600, 23 * 3600, k), port_code=aduana, conveyance="personal_vehicle", plate=plate, vin=vin,
        driver=ctx.names.persons(driver, True), inspection=np.where(seized, "secondary", "none"),
        outcome=np.where(seized, "EMBARGO PRECAUTORIO", "DESADUANADO"), seizure_ref=ref, _case=case, _role="courier")
    m = int(seized.sum())
    usd = np.round(rng.lognormal(np.log(90_000), 0.7, m), -2)
    ctx.mx_seizures.add(m, seizure_id=sid, date=ctx.days_to_date(day[seized]),
                        state=np.array([cal.MX_BORDER_STATE[a] for a in aduana[seized]], dtype=object),
                        port_code=aduana[seized], agency="ANAM", kind="cash", substance="USD", quantity=usd, unit="USD",
                        value_usd=usd, crossing_ref=cid[seized].astype(object), _case=case, _role="cash_seizure",
                        _refs=objects([[("person", int(d))] for d in driver[seized]]))
    mark(w, case, "courier", [int(c) for c in np.unique(driver)])


def plant(ctx: Context, org: Org) -> None:
    smuggling_loads(ctx, org, ctx.world.cfg.rng(f"dist-{org.org_id}", 0))
    cash_couriers(ctx, org, ctx.world.cfg.rng(f"dist-{org.org_id}", 1))
