"""The transaction files, generated and written in chunks of contiguous days.

Each chunk draws its share of the legitimate background, merges the planted and trade-payment
transactions that fall in its days, sorts by time, routes each row to the file of the bank
that reports it (US bank, Mexican bank, money transmitter), and writes. Memory is bounded by
the chunk size. A chunk's random stream depends only on the seed and the chunk number, and
identifiers embed the chunk number, so chunks can be generated in any order or process and the
output is the same.
"""

from __future__ import annotations

import logging
import multiprocessing as mp
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa

from tenaza.scenario.activity.frame import CH, CHANNELS, Batch, concat, length, sort_by, take
from tenaza.scenario.activity.legit_cash import LegitPools, legit_batch
from tenaza.scenario.sources import catalogue as layouts
from tenaza.scenario.sources.layout import Layout
from tenaza.scenario.sources.writer import Output
from tenaza.scenario.world import calendar
from tenaza.scenario.world.accounts import MSB, MX, US
from tenaza.scenario.world.world import World

log = logging.getLogger("tenaza")
FILES: dict[int, tuple[Layout, str]] = {US: (layouts.US_TXNS, "FB"), MX: (layouts.MX_TXNS, "MOV"),
                                        MSB: (layouts.MSB_TXNS, "RX-")}


@dataclass
class ChunkOut:
    tables: dict[int, pa.Table]
    truth_keys: np.ndarray
    truth_cases: np.ndarray


class TxnStream:
    def __init__(self, world: World) -> None:
        self.world = world
        cfg = world.cfg
        self.events = world.event_batch()
        self.n_legit = max(0, cfg.scale - length(self.events))
        self.pools = LegitPools(world.accounts, world.msb_recipient)
        w = calendar.day_weights(cfg)
        chunks = max(1, int(np.ceil(cfg.scale / cfg.chunk_rows)))
        cum = np.cumsum(w)
        bounds = np.searchsorted(cum, np.arange(1, chunks) / chunks)
        self.bounds = np.unique(np.concatenate([[0], bounds, [cfg.days]]))
        self.day_w = w
        acc = world.accounts
        self.acc_ids = pa.array(acc.account_id + [None], pa.string())  # index -1 -> null
        pl = world.places
        self.place_country = pa.array(pl.country)
        self.place_state = pa.array(pl.state)
        self.place_city = pa.array(pl.city)
        self.place_branch = pa.array([f"BR{i:04d}" for i in range(len(pl.country))])
        self.memo = pa.array(world.memos.text)
        self.channels = pa.array(CHANNELS)
        self.currency = pa.array(["USD", "MXN"])
        day0 = cfg.start_day.astype(np.int64) * 86_400
        self.ev_day = (self.events["ts"] - day0) // 86_400

    @property
    def n_chunks(self) -> int:
        return len(self.bounds) - 1

    def chunk(self, c: int) -> ChunkOut:
        world, cfg = self.world, self.world.cfg
        lo, hi = int(self.bounds[c]), int(self.bounds[c + 1])
        rng = cfg.rng("txn-chunk", c)
        w = self.day_w[lo:hi]
        share = w.sum()
        done = self.day_w[:lo].sum()
        n = round(self.n_legit * (done + share)) - round(self.n_legit * done)
        day = lo + rng.choice(hi - lo, n, p=w / share)
        ts = calendar.epoch_seconds(cfg, day, rng)
        legit = legit_batch(self.pools, world.accounts, world.memos, n, day, ts, world.fx[day], rng)
        ev = take(self.events, np.flatnonzero((self.ev_day >= lo) & (self.ev_day < hi)))
        batch = sort_by(concat([legit, ev]), "ts")
        system = world.accounts.system
        frm, to = batch["from_acc"], batch["to_acc"]
        s_from = np.where(frm >= 0, system[frm], -1)
        route = np.where(np.isin(s_from, (US, MX)), s_from, system[to])
        route = np.where(batch["channel"] == CH["msb_transfer"], MSB, route)
        tables: dict[int, pa.Table] = {}
        keys, cases = [], []
        for s, (layout, prefix) in FILES.items():
            rows = np.flatnonzero(route == s)
            part = take(batch, rows)
            # a chunk may route no rows to one file on a small world (zfill cannot size an empty array)
            ids = (np.char.add(f"{prefix}{c:03d}", np.char.zfill(np.arange(1, len(rows) + 1).astype(str), 7))
                   if len(rows) else np.array([], dtype=str))
            tables[s] = self.render(layout, part, ids)
            bad = part["truth"] >= 0
            keys.append(ids[bad])
            cases.append(part["truth"][bad])
        return ChunkOut(tables, np.concatenate(keys), np.concatenate(cases))

    def render(self, layout: Layout, b: Batch, ids: np.ndarray) -> pa.Table:
        def acct(ix: np.ndarray) -> pa.Array:
            return self.acc_ids.take(pa.array(np.where(ix >= 0, ix, len(self.acc_ids) - 1)))
        place = pa.array(b["place"])
        data = {
            "txn_id": pa.array(ids), "ts": b["ts"], "from_account": acct(b["from_acc"]),
            "to_account": acct(b["to_acc"]), "amount": b["amount"],
            "currency": self.currency.take(pa.array(b["currency"].astype(np.int64))),
            "amount_usd": b["amount_usd"], "channel": self.channels.take(pa.array(b["channel"].astype(np.int64))),
            "country": self.place_country.take(place), "state": self.place_state.take(place),
            "city": self.place_city.take(place), "branch": self.place_branch.take(place),
            "description": self.memo.take(pa.array(b["memo"])),
        }
        return layout.render(data, len(ids))

    def chunks(self) -> Iterator[ChunkOut]:
        for c in range(self.n_chunks):
            yield self.chunk(c)


def write_transactions(world: World, out: Output) -> tuple[np.ndarray, np.ndarray]:
    """Generate and write every chunk in order; return the truth (keys, cases) of planted rows."""
    stream = TxnStream(world)
    keys, cases = [], []
    for chunk in stream.chunks():
        for s, table in chunk.tables.items():
            out.write(FILES[s][0], table)
        keys.append(chunk.truth_keys)
        cases.append(chunk.truth_cases)
    return np.concatenate(keys), np.concatenate(cases)


_FORKED: World | None = None


def _child(out_dir: str) -> tuple[np.ndarray, np.ndarray, dict[str, int]]:
    assert _FORKED is not None
    out = Output(Path(out_dir), mappings=False)
    keys, cases = write_transactions(_FORKED, out)
    return keys, cases, {name: sink.rows for name, sink in out.sinks.items()}


class Background:
    """The transaction files written by a forked process while this one writes the others.

    The child inherits the finished world (fork), so nothing is pickled but the truth it returns;
    its output is byte for byte what ``write_transactions`` writes in process."""

    def __init__(self, world: World, out: Output) -> None:
        global _FORKED
        for layout, _ in FILES.values():
            out.sink(layout)  # mapping files are written here, once
        self.out = out
        _FORKED = world
        self.pool = ProcessPoolExecutor(max_workers=1, mp_context=mp.get_context("fork"))
        self.future = self.pool.submit(_child, str(out.out))
        _FORKED = None

    def join(self) -> tuple[np.ndarray, np.ndarray]:
        try:
            keys, cases, rows = self.future.result()
        finally:
            self.pool.shutdown()
        for layout, _ in FILES.values():
            self.out.sink(layout).adopt(rows.get(layout.name, 0))
        return keys, cases
