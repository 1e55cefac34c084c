"""Trade: US exports to Mexico with their pedimentos and southbound truck crossings, imports
from Asia through Mexican ports, and the importers' payments to the exporters.

A shipment is written up to three times, as in reality: the US export filing (AES), the
Mexican pedimento, and the southbound crossing at the aduana; all three share the transport
document or reference each other. Planters use the same ``ship`` with other values, so a
planted shipment has the same shape as an honest one except for what the typology changes.
"""

from __future__ import annotations

import numpy as np

from tenaza.scenario.activity.context import ASIA_SUPPLIERS, MX_AGENTS, MX_PATENTES, US_FILERS, Context
from tenaza.scenario.activity.events import add_txns
from tenaza.scenario.sources.records import nullable
from tenaza.scenario.world import calibration as cal
from tenaza.scenario.world.accounts import COMPANY, MX, US

RAIL_PORTS = ("2304", "2402", "2303", "2604", "2301")
# Shares of honest shipments that look like a trade typology (docs/scenario.md, "Honest look-alikes").
BAIT = {"premium": 0.02, "clerical": 0.01, "crossing_gap": 0.02, "factored": 0.03, "transshipped": 0.005}
Arr = np.ndarray


def _fmt_ids(prefix: Arr | str, nums: Arr, width: int) -> Arr:
    return np.char.add(np.asarray(prefix, dtype=str), np.char.zfill(nums.astype(str), width)).astype(object)


def ship(ctx: Context, rng: np.random.Generator, *, day: Arr, exporter: Arr, importer: Arr, product: Arr,
         value_usd: Arr, port: Arr, mode: Arr, carrier: Arr, case: int = -1, role: str | None = None,
         mx_factor: Arr | float = 1.0, us: bool = True, mx: bool = True, crossing: bool | Arr = True,
         payer: Arr | None = None, quantity: Arr | None = None) -> tuple[Arr, Arr]:
    """Shipments from US exporters to Mexican importers; returns (ITNs, pedimento numbers)."""
    w = ctx.world
    n = len(day)
    prod = {p[0]: p for p in cal.PRODUCTS + tuple((*p, 0.0) for p in cal.PRODUCE)}
    unit_value = np.array([prod[p][4] for p in product])
    if quantity is None:
        quantity = np.round(value_usd / unit_value * rng.lognormal(0, 0.12, n), 1)
    date = ctx.days_to_date(day)
    ymd = np.char.replace(date.astype(str), "-", "")
    itn = _fmt_ids(np.char.add("X", ymd), ctx.ids("itn", n, 10**6), 6)
    agent = rng.integers(0, len(MX_AGENTS), n)
    aduana = np.array([cal.ADUANA[p][0] for p in port])
    ped = np.array([f"{str(d)[2:4]} {a[:2]} {MX_PATENTES[g]} 4{x:06d}" for d, a, g, x in
                    zip(date, aduana, agent, ctx.ids("pedimento", n, 10**6), strict=True)], dtype=object)
    doc = np.where(mode == "rail", _fmt_ids("UPRR", ctx.ids("rail", n), 8), _fmt_ids("CP", ctx.ids("bol", n), 9))
    exp_en, imp_en = ctx.names.companies(exporter, False), ctx.names.companies(importer, False)
    car_en = ctx.names.companies(carrier, False)
    if us:
        ctx.us_exports.add(
            n, decl_id=itn, date=date, exporter=exp_en, importer=imp_en,
            payer=payer if payer is not None else nullable(rng.random(n) < 0.6, imp_en),
            hs_code=np.char.add(product.astype(str), "0000").astype(object),
            description=np.array([prod[p][1] for p in product], dtype=object), quantity=quantity,
            unit=np.array([prod[p][3] for p in product], dtype=object), value=value_usd,
            origin_country="US", destination_country="MX", port=port, transport_mode=mode, transport_doc=doc,
            carrier=car_en, broker=np.array(US_FILERS, dtype=object)[rng.integers(0, len(US_FILERS), n)],
            **{"USPPI EIN": np.array([w.companies.ein[i] for i in exporter], dtype=object)}, _case=case, _role=role)
    if mx:
        lag = rng.integers(0, 2, n)
        mx_usd = np.round(value_usd * np.asarray(mx_factor) * rng.normal(1.025, 0.008, n), 2)
        rate = w.fx[np.clip(day + lag, 0, w.cfg.days - 1)]
        ctx.mx_imports.add(
            n, decl_id=ped, date=ctx.days_to_date(day + lag), port=aduana, exporter=ctx.names.companies(exporter, True),
            importer=ctx.names.companies(importer, True), **{"RFC IMPORTADOR": np.array(
                [w.companies.rfc[i] for i in importer], dtype=object), "CLAVE PEDIMENTO": "A1"},
            hs_code=np.char.add(product.astype(str), "01").astype(object),
            description=np.array([prod[p][2].upper() for p in product], dtype=object), quantity=quantity,
            unit=np.array([prod[p][3] for p in product], dtype=object), value=np.round(mx_usd * rate, 2),
            currency="MXN", value_usd=mx_usd, origin_country="USA", departure_country="USA", transport_mode=mode,
            transport_doc=doc, carrier=ctx.names.companies(carrier, True),
            broker=np.array(MX_AGENTS, dtype=object)[agent], _case=case, _role=role)
    if np.any(crossing):
        truck = np.flatnonzero((mode == "truck") & np.broadcast_to(np.asarray(crossing, dtype=bool), (n,)))
        plate, vin, driver = ctx.fleet.pick(rng, carrier[truck])
        ctx.anam_crossings.add(
            len(truck), crossing_id=_fmt_ids(np.char.add("S", aduana[truck]), ctx.ids("anam", len(truck), 10**8), 8),
            ts=(w.cfg.start_day.astype(np.int64) + day[truck]) * 86_400 + rng.integers(6 * 3600, 22 * 3600, len(truck)),
            port_code=aduana[truck], conveyance="truck", plate=plate, vin=vin,
            driver=ctx.names.persons(driver, True), carrier=ctx.names.companies(carrier[truck], True),
            shipper=ctx.names.companies(exporter[truck], True), consignee=ctx.names.companies(importer[truck], True),
            hs_code=np.char.add(product[truck].astype(str), "01").astype(object),
            decl_ref=ped[truck] if mx else None,
            inspection=rng.choice(["none", "secondary", "nii"], len(truck), p=[0.88, 0.10, 0.02]),
            outcome="DESADUANADO", _case=case, _role=role)
    return itn, ped


def legit_trade(ctx: Context) -> None:
    w = ctx.world
    rng = w.cfg.rng("trade")
    cos = w.companies
    n = w.cfg.sizes.declarations
    n_asia = n // 7
    n_us = n - n_asia
    exporters = np.flatnonzero((cos.industry == "exporter") & (cos.country == "USA"))
    importers = np.flatnonzero(np.isin(cos.industry, ("importer", "retail", "exporter")) & (cos.country == "MEX"))
    carriers = np.unique(ctx.fleet.truck_carrier)
    shares = np.array([p[5] for p in cal.PRODUCTS])
    main_product = rng.choice(len(cal.PRODUCTS), len(exporters), p=shares / shares.sum())
    # Trading relationships: each exporter sells to a few importers, some much more than others.
    pairs = np.array([(e, i) for e in range(len(exporters)) for i in rng.choice(len(importers), 4, replace=False)])
    pw = rng.pareto(1.5, len(pairs)) + 0.1
    pick = pairs[rng.choice(len(pairs), n_us, p=pw / pw.sum())]
    exporter, importer = exporters[pick[:, 0]], importers[pick[:, 1]]
    product = np.array([cal.PRODUCTS[k][0] for k in main_product[pick[:, 0]]], dtype=object)
    port, day = ctx.port_days(rng, n_us)
    mode = np.where(np.isin(port, RAIL_PORTS) & (rng.random(n_us) < 0.15), "rail", "truck")
    value = np.round(rng.lognormal(np.log(42_000), 0.8, n_us) * np.where(mode == "rail", 2.5, 1.0), 2)
    carrier = carriers[rng.integers(0, len(carriers), n_us)]
    # Honest noise that looks like the trade typologies (rates in BAIT): premium goods priced well
    # above the usual unit value, clerical errors in the pedimento value, crossings the aduana's
    # extract lacks, and exports paid by a factoring company instead of the importer.
    unit = np.array([{p[0]: p[4] for p in cal.PRODUCTS}[x] for x in product])
    quantity = np.round(value / unit * rng.lognormal(0, 0.12, n_us), 1)
    premium = rng.random(n_us) < BAIT["premium"]
    value = np.where(premium, np.round(value * rng.uniform(2.0, 4.0, n_us), 2), value)
    clerical = rng.random(n_us) < BAIT["clerical"]
    mx_factor = np.where(clerical, rng.choice([0.7, 0.8, 1.25, 1.4], n_us), 1.0)
    gap = rng.random(n_us) < BAIT["crossing_gap"]
    factored = rng.random(n_us) < BAIT["factored"]
    factors = np.flatnonzero((cos.industry == "holding") & (cos.country == "USA"))[:6]
    factor = factors[rng.integers(0, len(factors), n_us)] if len(factors) else np.zeros(n_us, np.int64)
    payer = nullable(rng.random(n_us) < 0.6, ctx.names.companies(importer, False))
    factored &= len(factors) > 0
    payer[factored] = ctx.names.companies(factor[factored], False)
    ship(ctx, rng, day=day, exporter=exporter, importer=importer, product=product, value_usd=value, port=port,
         mode=mode, carrier=carrier, quantity=quantity, mx_factor=mx_factor, crossing=~gap, payer=payer)
    # The importer (or its factor) pays the exporter, by wire, 10 to 45 days after shipping (most of the time).
    paid = rng.random(n_us) < 0.85
    frm = np.where(factored[paid], w.accounts_for(COMPANY, factor[paid], US), w.accounts_for(COMPANY, importer[paid], MX))
    to = w.accounts_for(COMPANY, exporter[paid], US)
    memo = w.memos.add("PAGO A PROVEEDOR EXTRANJERO")
    add_txns(w, day[paid] + rng.integers(10, 46, int(paid.sum())), frm, to, value[paid] * rng.normal(1.0, 0.002,
             int(paid.sum())), "wire", -1, rng, memo=memo)
    asia_imports(ctx, rng, n_asia)
    # Honest transshipment: US goods bought through the Colón free zone.
    k = max(3, int(n_us * BAIT["transshipped"]))
    prod = [cal.PRODUCTS[int(i)] for i in rng.integers(0, len(cal.PRODUCTS), k)]
    asia_imports(ctx, rng, k, product=np.array([p[0] for p in prod], dtype=object),
                 description=np.array([p[2].upper() for p in prod], dtype=object),
                 quantity=np.round(rng.lognormal(np.log(40_000), 0.6, k) / np.array([p[4] for p in prod]), 1),
                 unit_value=np.array([p[4] for p in prod]), origin=np.full(k, "USA", dtype=object),
                 supplier=np.array(["ZONA LIBRE DE COLON DISTRIBUIDORA S.A."] * k, dtype=object))
    ctx.mx_imports.blocks[-1][1]["departure_country"] = np.full(k, "PAN", dtype=object)


def asia_imports(ctx: Context, rng: np.random.Generator, n: int, *, importer: np.ndarray | None = None,
                 product: np.ndarray | None = None, description: np.ndarray | None = None,
                 quantity: np.ndarray | None = None, unit_value: np.ndarray | None = None,
                 ports: tuple[tuple[str, str, str], ...] = cal.PACIFIC_PORTS + cal.GULF_PORTS,
                 supplier: np.ndarray | None = None, origin: np.ndarray | None = None, day: np.ndarray | None = None,
                 case: int = -1, role: str | None = None) -> np.ndarray:
    """Sea imports into Mexico from Asia (pedimentos only: no US filing, no land crossing)."""
    w = ctx.world
    cos = w.companies
    if importer is None:
        pool = np.flatnonzero(np.isin(cos.industry, ("importer", "retail", "chemical")) & (cos.country == "MEX"))
        importer = pool[rng.integers(0, len(pool), n)]
    if product is None:
        k = rng.integers(0, len(cal.PRODUCTS), n)
        product = np.array([cal.PRODUCTS[i][0] for i in k], dtype=object)
        description = np.array([cal.PRODUCTS[i][2].upper() for i in k], dtype=object)
        unit_value = np.array([cal.PRODUCTS[i][4] for i in k])
        quantity = np.round(rng.lognormal(np.log(60_000), 0.9, n) / unit_value, 1)
    assert description is not None and unit_value is not None and quantity is not None
    if day is None:
        day = rng.integers(0, w.cfg.days, n)
    port = rng.integers(0, len(ports), n)
    aduana = np.array([ports[i][0] for i in port], dtype=object)
    usd = np.round(quantity * unit_value * rng.lognormal(0, 0.1, n), 2)
    agent = rng.integers(0, len(MX_AGENTS), n)
    ped = np.array([f"{str(d)[2:4]} {a[:2]} {MX_PATENTES[g]} 4{x:06d}" for d, a, g, x in
                    zip(ctx.days_to_date(day), aduana, agent, ctx.ids("pedimento", n, 10**6), strict=True)], dtype=object)
    origin = origin if origin is not None else np.array(cal.ASIA_ORIGIN, dtype=object)[
        rng.integers(0, len(cal.ASIA_ORIGIN), n)]
    rate = w.fx[np.clip(day, 0, w.cfg.days - 1)]
    ctx.mx_imports.add(
        n, decl_id=ped, date=ctx.days_to_date(day), port=aduana,
        exporter=supplier if supplier is not None else np.array(ASIA_SUPPLIERS, dtype=object)[
            rng.integers(0, len(ASIA_SUPPLIERS), n)],
        importer=ctx.names.companies(importer, True), **{"RFC IMPORTADOR": np.array(
            [cos.rfc[i] for i in importer], dtype=object), "CLAVE PEDIMENTO": "A1"},
        hs_code=np.char.add(product.astype(str), "01").astype(object), description=description, quantity=quantity,
        unit="kg", value=np.round(usd * rate, 2), currency="MXN", value_usd=usd,
        origin_country=origin, departure_country=origin, transport_mode="vessel",
        transport_doc=_fmt_ids("MEDU", ctx.ids("bl", n), 7), carrier="MEDITERRANEAN SHIPPING COMPANY",
        broker=np.array(MX_AGENTS, dtype=object)[agent], _case=case, _role=role)
    return ped
