"""Legitimate crossings (northbound trucks and cars at CBP ports, southbound cars at aduanas)
and the drug seizures of smugglers unconnected to the planted organizations.

Where and when crossings happen follows the 2024 BTS volumes per port and month. Seizures
follow the FY2024 CBP Southwest-border figures: the share made at ports of entry (Office of
Field Operations) versus between them (Border Patrol), the drug mix of each, and the mean
load of each drug. The number of seizures is set relative to the sampled crossings (one drug
seizure per 60 sampled truck crossings), which keeps enough of them for the tests at every scale.
"""

from __future__ import annotations

import numpy as np

from tenaza.scenario.activity.context import Context
from tenaza.scenario.sources.records import nullable, objects
from tenaza.scenario.world import calibration as cal
from tenaza.scenario.world.population import MX_RESIDENT, US_BORN

OFO, USBP = "Office of Field Operations", "U.S. Border Patrol"
Arr = np.ndarray


def seizure_draw(rng: np.random.Generator, component: str, k: int) -> tuple[Arr, Arr]:
    """Drugs and pounds of k seizures by one component, as CBP's FY2024 Southwest-border figures."""
    rows = [r for r in cal.seizures() if r[0] == component]
    events = np.array([r[2] for r in rows], float)
    pick = rng.choice(len(rows), k, p=events / events.sum())
    mean = np.array([r[3] / r[2] for r in rows])[pick]
    lbs = rng.lognormal(np.log(mean) - 0.5, 1.0)  # mean of the lognormal is the CBP mean load
    return np.array([rows[i][1] for i in pick], dtype=object), np.round(lbs, 2)


def _ts(ctx: Context, day: Arr, rng: np.random.Generator) -> Arr:
    return (ctx.world.cfg.start_day.astype(np.int64) + day) * 86_400 + rng.integers(5 * 3600, 23 * 3600, len(day))


def _vehicles(ctx: Context, drivers: Arr, mexican: Arr) -> tuple[Arr, Arr]:
    """The car of each driver (the same car on every crossing, in both directions)."""
    plate, vin = ctx.cars()
    return plate[drivers], vin[drivers]


def legit_crossings(ctx: Context) -> None:
    w = ctx.world
    rng = w.cfg.rng("crossings")
    cos = w.companies
    n_truck, n_pov = w.cfg.sizes.crossings_truck, w.cfg.sizes.crossings_pov
    # Northbound trucks: Mexican shippers, US consignees, hauled by Mexican carriers.
    port, day = ctx.port_days(rng, n_truck, "trucks")
    carriers = np.unique(ctx.fleet.truck_carrier)
    carrier = carriers[rng.integers(0, len(carriers), n_truck)]
    plate, vin, driver = ctx.fleet.pick(rng, carrier)
    shippers = np.flatnonzero((cos.country == "MEX") & np.isin(cos.industry, ("exporter", "importer", "retail")))
    consignees = np.flatnonzero((cos.country == "USA") & np.isin(cos.industry, ("produce", "logistics", "retail",
                                                                                   "exporter")))
    shipper = shippers[rng.integers(0, len(shippers), n_truck)]
    produce = rng.random(n_truck) < 0.35
    hs = np.where(produce, np.array([p[0] for p in cal.PRODUCE], dtype=object)[rng.integers(0, len(cal.PRODUCE), n_truck)],
                  np.array([p[0] for p in cal.PRODUCTS], dtype=object)[rng.integers(0, len(cal.PRODUCTS), n_truck)])
    inspection = rng.choice(["primary", "nii", "secondary"], n_truck, p=[0.70, 0.25, 0.05])
    n_seize = max(20, n_truck // 60)
    n_ofo = round(n_seize * _share_ofo())
    seized_truck = np.zeros(n_truck, bool)
    seized_truck[rng.choice(n_truck, max(1, n_ofo // 4), replace=False)] = True
    cid = np.char.add("N", np.char.zfill(ctx.ids("cbp", n_truck, 10**9).astype(str), 9)).astype(object)
    ref = _seize(ctx, rng, np.flatnonzero(seized_truck), port, day, cid)
    ctx.cbp_crossings.add(
        n_truck, crossing_id=cid, ts=_ts(ctx, day, rng), port_code=port, conveyance="truck", plate=plate, vin=vin,
        driver=ctx.names.persons(driver, False), carrier=ctx.names.companies(carrier, False),
        shipper=ctx.names.companies(shipper, False),
        consignee=ctx.names.companies(consignees[rng.integers(0, len(consignees), n_truck)], False),
        hs_code=hs, inspection=np.where(seized_truck, "secondary", inspection),
        outcome=np.where(seized_truck, "SEIZURE", "CLEARED"), seizure_ref=ref,
        **{"PORT NAME": cal.port_names(port)},
        _case=np.where(seized_truck, ctx.unaffiliated, -1), _role=nullable(seized_truck, "courier"))
    # Northbound personal vehicles: border residents of both countries.
    port, day = ctx.port_days(rng, n_pov, "vehicles")
    border = w.people(None, ("Tamaulipas", "Chihuahua", "Baja California", "Sonora", "Coahuila", "Nuevo León",
                             "TX", "CA", "AZ", "NM"))
    regulars = rng.choice(border, max(10, n_pov // 6))
    driver = regulars[rng.integers(0, len(regulars), n_pov)]
    mexican = w.persons.origin[driver] == MX_RESIDENT
    plate, vin = _vehicles(ctx, driver, mexican)
    seized = np.zeros(n_pov, bool)
    seized[rng.choice(n_pov, n_ofo - max(1, n_ofo // 4), replace=False)] = True
    cid = np.char.add("N", np.char.zfill(ctx.ids("cbp", n_pov, 10**9).astype(str), 9)).astype(object)
    ref = _seize(ctx, rng, np.flatnonzero(seized), port, day, cid)
    us_born = w.persons.origin[driver] == US_BORN
    ctx.cbp_crossings.add(
        n_pov, crossing_id=cid, ts=_ts(ctx, day, rng), port_code=port, conveyance="personal_vehicle", plate=plate,
        vin=vin, driver=np.where(us_born, ctx.names.persons(driver, False), ctx.names.persons(driver, True)),
        inspection=np.where(seized, "secondary", rng.choice(["primary", "secondary", "nii"], n_pov,
                                                            p=[0.96, 0.03, 0.01])),
        outcome=np.where(seized, "SEIZURE", "CLEARED"), seizure_ref=ref,
        **{"PORT NAME": cal.port_names(port)},
        _case=np.where(seized, ctx.unaffiliated, -1), _role=nullable(seized, "courier"))
    _between_ports(ctx, rng, n_seize - n_ofo)
    # Southbound personal vehicles at the aduanas.
    n_south = max(50, n_pov // 3)
    port, day = ctx.port_days(rng, n_south, "vehicles")
    driver = regulars[rng.integers(0, len(regulars), n_south)]
    plate, vin = _vehicles(ctx, driver, w.persons.origin[driver] == MX_RESIDENT)
    aduana = np.array([cal.ADUANA[p][0] for p in port], dtype=object)
    ctx.anam_crossings.add(
        n_south, crossing_id=np.char.add(np.char.add("S", aduana.astype(str)), np.char.zfill(
            ctx.ids("anam", n_south, 10**8).astype(str), 8)).astype(object), ts=_ts(ctx, day, rng),
        port_code=aduana, conveyance="personal_vehicle", plate=plate, vin=vin,
        driver=ctx.names.persons(driver, True), inspection=rng.choice(["none", "secondary"], n_south, p=[0.9, 0.1]),
        outcome="DESADUANADO")


def _share_ofo() -> float:
    ev = {c: sum(r[2] for r in cal.seizures() if r[0] == c) for c in (OFO, USBP)}
    return ev[OFO] / (ev[OFO] + ev[USBP])


def _seize(ctx: Context, rng: np.random.Generator, rows: Arr, port: Arr, day: Arr, crossing: Arr) -> Arr:
    """Drug seizures at ports for the crossings in rows; returns the seizure_ref column."""
    ref = np.full(len(port), None, dtype=object)
    k = len(rows)
    if k == 0:
        return ref
    drug, lbs = seizure_draw(rng, OFO, k)
    sid = np.array([f"{str(ctx.days_to_date(np.array([d]))[0])[2:4]}{p}{x:06d}" for d, p, x in
                    zip(day[rows], port[rows], ctx.ids("seizure", k, 10**6), strict=True)], dtype=object)
    ref[rows] = sid
    pm = cal.ports()
    state = {c: cal.US_STATE_CODE[s] for c, s in zip(pm.code, pm.state, strict=True)}
    ctx.cbp_seizures.add(k, seizure_id=sid, date=ctx.days_to_date(day[rows]), port_code=port[rows],
                         state=np.array([state[p] for p in port[rows]], dtype=object), agency="OFO", kind="drug",
                         substance=drug, quantity=lbs, unit="lb", crossing_ref=crossing[rows], _case=ctx.unaffiliated,
                         _role="seized_load", _refs=objects([[]] * k))
    return ref


def _between_ports(ctx: Context, rng: np.random.Generator, k: int) -> None:
    if k <= 0:
        return
    drug, lbs = seizure_draw(rng, USBP, k)
    day = rng.integers(0, ctx.world.cfg.days, k)
    state = rng.choice(["TX", "AZ", "CA", "NM"], k, p=[0.45, 0.25, 0.22, 0.08])
    sid = np.array([f"BP{x:08d}" for x in ctx.ids("seizure", k, 10**8)], dtype=object)
    ctx.cbp_seizures.add(k, seizure_id=sid, date=ctx.days_to_date(day), port_code=None, state=state.astype(object),
                         agency="USBP", kind="drug", substance=drug, quantity=lbs, unit="lb",
                         _refs=objects([[]] * k))
