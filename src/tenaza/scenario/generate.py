"""Generate a world: build it, plant every organization's typologies, write every file.

Order matters only where one part feeds another: organizations need the population, trade
payments and planted transactions must exist before the transaction stream merges them, and
the registries are written after planting so that accounts opened by the organizations appear.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path

from tenaza.scenario import plant_cash
from tenaza.scenario.config import ScenarioConfig
from tenaza.scenario.orgs import make_orgs
from tenaza.scenario.registries import write_registries
from tenaza.scenario.txn_stream import FILES, TxnStream
from tenaza.scenario.world import World
from tenaza.scenario.writer import Output

log = logging.getLogger("tenaza")


@dataclass(frozen=True)
class Result:
    out: Path
    manifest: Path
    truth: Path
    files: dict[str, int]
    truth_rows: int
    seconds: float


def generate(cfg: ScenarioConfig, out_dir: Path | str) -> Result:
    t0 = time.perf_counter()
    out = Output(Path(out_dir))
    world = World.build(cfg)
    orgs = make_orgs(world)
    log.info("world: %d persons, %d companies, %d accounts, %d organizations", len(world.persons),
             len(world.companies), len(world.accounts), len(orgs))
    for org in orgs:
        plant_cash.plant(world, org)
    party_ids, _ = write_registries(world, out)
    stream = TxnStream(world)
    for layout, _prefix in FILES.values():
        out.sink(layout)
    for chunk in stream.chunks():
        for s, table in chunk.tables.items():
            out.write(FILES[s][0], table)
        world.truth.add_many("transactions", chunk.truth_keys, chunk.truth_cases)
    world.truth.resolve_entities(party_ids)
    truth_path = out.out / "truth.parquet"
    n_truth = world.truth.write(truth_path)
    manifest = out.manifest({"generator": "tenaza.scenario", "scale": cfg.scale, "seed": cfg.seed,
                             "start": cfg.start.isoformat(), "days": cfg.days, "truth": truth_path.name,
                             "organizations": [{"id": o.org_id, "name": o.name, "home_state": o.home_state}
                                               for o in orgs]})
    secs = time.perf_counter() - t0
    log.info("generated %s in %.1f s", out.out, secs)
    return Result(out.out, manifest, truth_path, {k: s.rows for k, s in out.sinks.items()}, n_truth, secs)
