"""Generate a world: build it, plant every organization's typologies, write every file.

Order matters only where one part feeds another: organizations need the population; fleets
need the organizations' drivers before any load is hauled; trade payments and planted
transactions must exist before the transaction stream merges them; the registries are written
after planting so that accounts opened by the organizations appear; the seizures' party
references need the registries' party ids.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path

from tenaza.scenario.activity import bait
from tenaza.scenario.activity.context import Context
from tenaza.scenario.activity.crossings import legit_crossings
from tenaza.scenario.activity.firearms import Dealers, legit_firearms, straw_purchases
from tenaza.scenario.activity.trade import legit_trade
from tenaza.scenario.activity.txn_stream import Background, write_transactions
from tenaza.scenario.plant import assets as plant_assets
from tenaza.scenario.plant import cash as plant_cash
from tenaza.scenario.plant import distribution as plant_distribution
from tenaza.scenario.plant import trade as plant_trade
from tenaza.scenario.plant.truth import write_identities
from tenaza.scenario.sources import catalogue as layouts
from tenaza.scenario.sources.malformed import write_malformed
from tenaza.scenario.sources.records import emit, resolve_refs
from tenaza.scenario.sources.registries import write_registries
from tenaza.scenario.sources.writer import Output
from tenaza.scenario.world.config import ScenarioConfig
from tenaza.scenario.world.designations import designations
from tenaza.scenario.world.orgs import Org, make_orgs
from tenaza.scenario.world.world import World

log = logging.getLogger("tenaza")


@dataclass(frozen=True)
class Result:
    out: Path
    manifest: Path
    truth: Path
    files: dict[str, int]
    truth_rows: int
    seconds: float


def build(cfg: ScenarioConfig) -> tuple[World, Context, list[Org]]:
    """The world with every legitimate and planted record, nothing written yet."""
    world = World.build(cfg)
    orgs = make_orgs(world)
    ctx = Context.build(world)
    for org in orgs:
        plant_distribution.prepare_fleet(ctx, org)
    legit_trade(ctx)
    plant_trade.legit_chemicals(ctx)
    legit_crossings(ctx)
    dealers = Dealers(ctx)
    legit_firearms(ctx, dealers)
    plant_cash.legit_exchange_houses(world)
    bait.plant(world)
    for org in orgs:
        plant_cash.plant(world, org)
        plant_trade.plant(ctx, org)
        plant_distribution.plant(ctx, org)
        straw_purchases(ctx, org, dealers, cfg.rng(f"weapons-{org.org_id}"))
        plant_assets.plant(ctx, org, cfg.rng(f"assets-{org.org_id}"))  # last: its own stream, its own ids
    designations(ctx, orgs)
    log.info("world: %d persons, %d companies, %d accounts, %d organizations", len(world.persons),
             len(world.companies), len(world.accounts), len(orgs))
    return world, ctx, orgs


def _write_others(world: World, ctx: Context, out: Output) -> dict[tuple[str, int], list[str]]:
    """Registries, accounts and every table but transactions; returns the party ids."""
    party_ids, _ = write_registries(world, out)
    for recs, layout, date_col in (
        (ctx.us_exports, layouts.US_EXPORTS, "date"), (ctx.mx_imports, layouts.MX_IMPORTS, "date"),
        (ctx.cbp_crossings, layouts.CBP_CROSSINGS, "ts"), (ctx.anam_crossings, layouts.ANAM_CROSSINGS, "ts"),
        (ctx.cbp_seizures, layouts.CBP_SEIZURES, "date"), (ctx.mx_seizures, layouts.MX_SEIZURES, "date"),
        (ctx.sales, layouts.ATF_SALES, "date"), (ctx.traces, layouts.ATF_TRACES, "recovery_date"),
        (ctx.designations, layouts.OFAC, "listed_on"),
    ):
        resolve_refs(recs, party_ids)
        emit(out, layout, recs, world.truth, date_col)
    return party_ids


def _can_fork() -> bool:
    import multiprocessing as mp

    return "fork" in mp.get_all_start_methods()


def generate(cfg: ScenarioConfig, out_dir: Path | str) -> Result:
    """Write a world. With ``cfg.parallel`` (the default) the transaction files are written by a
    forked process while this one writes the others; the files are the same either way."""
    t0 = time.perf_counter()
    out = Output(Path(out_dir))
    world, ctx, orgs = build(cfg)
    background = Background(world, out) if cfg.parallel and _can_fork() else None
    joined = False
    try:
        if background is None:
            keys, cases = write_transactions(world, out)
        party_ids = _write_others(world, ctx, out)
        if background is not None:
            keys, cases = background.join()
            joined = True
    finally:
        if background is not None and not joined:  # this side failed: still reap the child
            background.pool.shutdown(cancel_futures=True)
    world.truth.add_many("transactions", keys, cases)
    write_malformed(out)
    world.truth.resolve_entities(party_ids)
    truth_path = out.out / "truth.parquet"
    n_truth = world.truth.write(truth_path)
    write_identities(party_ids, out.out / "identities.parquet")
    manifest = out.manifest({"generator": "tenaza.scenario", "scale": cfg.scale, "seed": cfg.seed,
                             "start": cfg.start.isoformat(), "days": cfg.days, "truth": truth_path.name,
                             "identities": "identities.parquet",
                             "organizations": [{"id": o.org_id, "name": o.name, "home_state": o.home_state}
                                               for o in orgs]})
    secs = time.perf_counter() - t0
    log.info("generated %s in %.1f s", out.out, secs)
    return Result(out.out, manifest, truth_path, {k: s.rows for k, s in out.sinks.items()}, n_truth, secs)
