"""Planters of trade-based laundering and precursor imports.

- bmpe: goods shipped to Mexico are paid for in the US by third parties (cash deposits,
  checks and wires from people and companies unrelated to the importer): the Black Market Peso
  Exchange. The exporter is sometimes an honest company being used.
- over_invoicing: unit values several times the going price, paid in full by wire.
- under_invoicing: the pedimento declares a fraction of what the US export filing declares.
- phantom_shipment: export filings (and sometimes pedimentos) for goods that never crossed.
- third_country_routing: goods and payments routed through Panama, Colombia, Guatemala or Hong Kong.
- precursor_import (production pillar): fentanyl and methamphetamine precursors shipped from
  Asia into Mexican Pacific ports for a recently founded chemical company, often under a
  catch-all tariff code with a vague description; some are seized at the port.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from tenaza.scenario.activity.context import ASIA_SUPPLIERS, Context
from tenaza.scenario.activity.events import add_txns
from tenaza.scenario.activity.trade import asia_imports, ship
from tenaza.scenario.sources.records import nullable, objects
from tenaza.scenario.world import calibration as cal
from tenaza.scenario.world.accounts import COMPANY, MX, PERSON, US
from tenaza.scenario.world.orgs import Org, mark
from tenaza.scenario.world.world import FOREIGN

ORG_PORTS = {"Sinaloa": ("2506", "2604"), "Jalisco": ("2304", "2506"), "Michoacán": ("2304", "2305"),
             "Tamaulipas": ("2304", "2305", "2301"), "Chihuahua": ("2401", "2408"), "Sonora": ("2604", "2608"),
             "Baja California": ("2506", "2507"), "Guerrero": ("2304", "2401"), "Durango": ("2401", "2304"),
             "Zacatecas": ("2304", "2303")}


def _shipments(ctx: Context, org: Org, rng: np.random.Generator, k: int, exporter: int | None = None) -> dict[
        str, Any]:
    w = ctx.world
    ports = ORG_PORTS[org.home_state]
    product = cal.PRODUCTS[int(rng.integers(0, len(cal.PRODUCTS)))]
    value = np.round(rng.lognormal(np.log(45_000), 0.6, k), 2)
    return {"day": np.sort(rng.integers(0, w.cfg.days - 50, k)),
            "exporter": np.full(k, exporter if exporter is not None else org.front("us_exporter")),
            "importer": np.full(k, org.front("mx_importer")), "product": np.full(k, product[0], dtype=object),
            "value_usd": value, "port": np.array(ports, dtype=object)[rng.integers(0, len(ports), k)],
            "mode": np.full(k, "truck", dtype=object), "carrier": np.full(k, org.front("carrier"))}


def _decl_truth(ctx: Context, case: int, org: Org, companies: list[int]) -> None:
    mark(ctx.world, case, "front_company", companies=companies)


def bmpe(ctx: Context, org: Org, rng: np.random.Generator) -> None:
    w = ctx.world
    case = w.truth.case("bmpe", org.org_id)
    exploited = rng.random() < 0.5
    legit = np.flatnonzero((w.companies.industry == "exporter") & (w.companies.country == "USA"))
    exporter = int(rng.choice(legit)) if exploited else org.front("us_exporter")
    k = int(rng.integers(4, 16))
    s = _shipments(ctx, org, rng, k, exporter)
    payers = [(PERSON, p) for p in org.people("smurf")] + [(COMPANY, org.front("shell"))] + [
        (PERSON, org.people("money_broker")[0])]
    payer_names = np.array([ctx.names.persons(np.array([h]), False)[0] if kind == PERSON else
                            ctx.names.companies(np.array([h]), False)[0] for kind, h in payers], dtype=object)
    declared = nullable(rng.random(k) < 0.5, payer_names[rng.integers(0, len(payers), k)])
    ship(ctx, rng, **s, case=case, role="bmpe_shipment", payer=declared)
    to = w.account(COMPANY, exporter, US)
    memo = w.memos.add("PAYMENT ON ACCOUNT")
    cash_deposits = 0
    for day, value in zip(s["day"], s["value_usd"], strict=True):
        m = int(rng.integers(2, 7))
        parts = rng.dirichlet(np.ones(m) * 2) * value
        who = rng.integers(0, len(payers), m)
        cash = rng.random(m) < 0.4
        frm = np.array([-1 if c else w.account(payers[i][0], payers[i][1], US) for i, c in zip(who, cash, strict=True)])
        channel = np.where(cash, "cash_deposit", rng.choice(["check", "wire", "ach"], m))
        amounts = np.where(cash, np.minimum(parts, rng.uniform(8_000, 9_900, m)), parts)
        add_txns(w, day + rng.integers(-5, 20, m), frm, to, amounts, channel, case, rng, memo=memo)
        cash_deposits += int(cash.sum())
    w.truth.add("accounts", w.accounts.account_id[to], case)
    if cash_deposits >= 3:
        # The couriers' deposits, each kept under the reporting threshold, are structuring in
        # their own right: an analyst finding it here has found a true case, not a false one.
        w.truth.add("accounts", w.accounts.account_id[to], w.truth.case("structuring", org.org_id))
    mark(w, case, "unwitting_exporter" if exploited else "front_company", companies=[exporter])
    mark(w, case, "front_company", companies=[org.front("mx_importer")])
    mark(w, case, "third_party_payer", [h for kind, h in payers if kind == PERSON],
         [h for kind, h in payers if kind == COMPANY])


def invoicing(ctx: Context, org: Org, rng: np.random.Generator) -> None:
    w = ctx.world
    over = w.truth.case("over_invoicing", org.org_id)
    k = int(rng.integers(3, 12))
    s = _shipments(ctx, org, rng, k)
    factor = rng.uniform(2.5, 8.0, k)
    quantity = np.round(s["value_usd"] / {p[0]: p[4] for p in cal.PRODUCTS}[s["product"][0]], 1)
    s["value_usd"] = np.round(s["value_usd"] * factor, 2)
    ship(ctx, rng, **s, case=over, role="over_invoiced", quantity=quantity)
    frm = w.account(COMPANY, org.front("mx_importer"), MX)
    to = w.account(COMPANY, org.front("us_exporter"), US)
    add_txns(w, s["day"] + rng.integers(5, 30, k), frm, to, s["value_usd"], "wire", over, rng)
    _decl_truth(ctx, over, org, [org.front("us_exporter"), org.front("mx_importer")])
    under = w.truth.case("under_invoicing", org.org_id)
    k = int(rng.integers(3, 12))
    s = _shipments(ctx, org, rng, k)
    ship(ctx, rng, **s, case=under, role="under_invoiced", mx_factor=rng.uniform(0.15, 0.55, k))
    _decl_truth(ctx, under, org, [org.front("us_exporter"), org.front("mx_importer")])


def phantom(ctx: Context, org: Org, rng: np.random.Generator) -> None:
    w = ctx.world
    case = w.truth.case("phantom_shipment", org.org_id)
    k = int(rng.integers(3, 12))
    s = _shipments(ctx, org, rng, k)
    with_ped = rng.random() < 0.4
    ship(ctx, rng, **s, case=case, role="phantom", mx=with_ped, crossing=False)
    frm = w.account(COMPANY, org.front("mx_importer"), MX)
    to = w.account(COMPANY, org.front("us_exporter"), US)
    add_txns(w, s["day"] + rng.integers(5, 30, k), frm, to, s["value_usd"], "wire", case, rng)
    _decl_truth(ctx, case, org, [org.front("us_exporter"), org.front("mx_importer")])


def third_country(ctx: Context, org: Org, rng: np.random.Generator) -> None:
    w = ctx.world
    case = w.truth.case("third_country_routing", org.org_id)
    third = org.front("third_country")
    country = str(w.companies.country[third])
    k = int(rng.integers(3, 10))
    product = cal.PRODUCTS[int(rng.integers(0, len(cal.PRODUCTS)))]
    day = np.sort(rng.integers(0, w.cfg.days - 60, k))
    value = np.round(rng.lognormal(np.log(80_000), 0.5, k), 2)
    peds = asia_imports(ctx, rng, k, importer=np.full(k, org.front("mx_importer")),
                        product=np.full(k, product[0], dtype=object),
                        description=np.full(k, product[2].upper(), dtype=object),
                        quantity=np.round(value / product[4], 1), unit_value=np.full(k, product[4]),
                        supplier=ctx.names.companies(np.full(k, third), True), origin=np.full(k, "USA", dtype=object),
                        day=day + 12, case=case, role="routed_import", ports=cal.PACIFIC_PORTS + cal.GULF_PORTS)
    ctx.mx_imports.blocks[-1][1]["departure_country"] = np.full(k, country, dtype=object)
    del peds
    frm = w.account(COMPANY, org.front("mx_importer"), MX)
    via = w.account(COMPANY, third, FOREIGN)
    to = w.account(COMPANY, org.front("us_exporter"), US)
    add_txns(w, day + rng.integers(0, 10, k), frm, via, value, "wire", case, rng)
    add_txns(w, day + rng.integers(10, 25, k), via, to, value * rng.uniform(0.9, 0.98, k), "wire", case, rng)
    w.truth.add("accounts", w.accounts.account_id[via], case)
    _decl_truth(ctx, case, org, [third, org.front("mx_importer"), org.front("us_exporter")])


def precursors(ctx: Context, org: Org, rng: np.random.Generator) -> None:
    w = ctx.world
    case = w.truth.case("precursor_import", org.org_id)
    chem = cal.precursors()
    k = int(rng.integers(2, 9))
    pick = [chem[int(i)] for i in rng.integers(0, len(chem), k)]
    hidden = rng.random(k) < 0.4  # declared under a catch-all code with a vague description
    product = np.array(["294200" if h else c["hs6"] for c, h in zip(pick, hidden, strict=True)], dtype=object)
    description = np.array(["MATERIA PRIMA PARA LA INDUSTRIA QUIMICA" if h else c["chemical"].upper()
                            for c, h in zip(pick, hidden, strict=True)], dtype=object)
    qty = np.round(rng.lognormal(np.log(1_200), 0.8, k), 1)
    day = np.sort(rng.integers(0, w.cfg.days - 10, k))
    which = rng.choice([3, 5], k)  # a Chinese and an Indian chemical supplier
    supplier = np.array(ASIA_SUPPLIERS, dtype=object)[which]
    peds = asia_imports(ctx, rng, k, importer=np.full(k, org.front("mx_chemical")), product=product,
                        description=description, quantity=qty, unit_value=rng.uniform(15, 90, k),
                        ports=cal.PACIFIC_PORTS, supplier=supplier,
                        origin=np.where(which == 3, "CHN", "IND").astype(object),
                        day=day, case=case, role="precursor_shipment")
    seized = rng.random(k) < 0.25
    if seized.any():
        m = int(seized.sum())
        ids = ctx.ids("sedena", m)
        ctx.mx_seizures.add(m, seizure_id=np.char.add("SED-", np.char.zfill(ids.astype(str), 7)).astype(object),
                            date=ctx.days_to_date(day[seized] + rng.integers(1, 5, m)), state=np.array(
                                ["Colima"] * m, dtype=object), port_code="160", agency="SEMAR", kind="precursor",
                            substance=np.array([c["chemical"] for c, s in zip(pick, seized, strict=True) if s],
                                               dtype=object), quantity=qty[seized], unit="kg", value_usd=None,
                            crossing_ref=None, party_refs=None, _case=case, _role="precursor_seizure",
                            _refs=objects([[("company", org.front("mx_chemical"))]] * m))
    del peds
    mark(w, case, "front_company", companies=[org.front("mx_chemical")])


def legit_chemicals(ctx: Context) -> None:
    """Honest chemical and pharmaceutical importers bring in the same tariff codes, in smaller lots,
    so that a precursor detector cannot key on the code alone."""
    w = ctx.world
    rng = w.cfg.rng("legit-chemicals")
    chem = cal.precursors()
    firms = np.flatnonzero((w.companies.industry == "chemical") & (w.companies.country == "MEX"))
    k = max(4, w.cfg.sizes.declarations // 150)
    pick = [chem[int(i)] for i in rng.integers(0, len(chem), k)]
    which = rng.choice([3, 5], k)
    asia_imports(ctx, rng, k, importer=firms[rng.integers(0, len(firms), k)],
                 product=np.array([c["hs6"] for c in pick], dtype=object),
                 description=np.array([c["chemical"].upper() for c in pick], dtype=object),
                 quantity=np.round(rng.lognormal(np.log(300), 0.9, k), 1), unit_value=rng.uniform(20, 120, k),
                 supplier=np.array(ASIA_SUPPLIERS, dtype=object)[which],
                 origin=np.where(which == 3, "CHN", "IND").astype(object))


PLANTERS = (bmpe, invoicing, phantom, third_country, precursors)


def plant(ctx: Context, org: Org) -> None:
    for i, planter in enumerate(PLANTERS):
        planter(ctx, org, ctx.world.cfg.rng(f"trade-{org.org_id}", i))
