"""Transactions placed one case at a time (planted typologies, trade payments), as batches."""

from __future__ import annotations

import numpy as np

from tenaza.scenario.activity.frame import CH, TXN_COLUMNS, Batch, make
from tenaza.scenario.world import calendar
from tenaza.scenario.world.accounts import MX
from tenaza.scenario.world.world import World


def add_txns(world: World, day: np.ndarray, frm: np.ndarray | int, to: np.ndarray | int, usd: np.ndarray,
             channel: str | np.ndarray, case: int, rng: np.random.Generator, place: np.ndarray | int | None = None,
             memo: np.ndarray | int | None = None, ts: np.ndarray | None = None) -> Batch:
    """Transactions on the given days (indices into the world's year), amounts given in dollars and
    converted to pesos where the acting account is Mexican. Days outside the year are dropped."""
    day = np.asarray(day, dtype=np.int64)
    n = len(day)
    frm_a = np.broadcast_to(np.asarray(frm, dtype=np.int32), (n,))
    to_a = np.broadcast_to(np.asarray(to, dtype=np.int32), (n,))
    if isinstance(channel, str):
        ch = np.full(n, CH[channel], np.int8)
    else:  # an array of channel names
        ch = np.array([CH[str(c)] for c in np.asarray(channel)], dtype=np.int8)
    keep = (day >= 0) & (day < world.cfg.days)
    acc = world.accounts
    acting = np.where(frm_a >= 0, frm_a, to_a)
    currency = (acc.system[acting] == MX).astype(np.int8)
    rate = world.fx[np.clip(day, 0, world.cfg.days - 1)]
    usd = np.round(np.asarray(usd, dtype=np.float64), 2)
    amount = np.where(currency == 1, np.round(usd * rate, 2), usd)
    if ts is None:
        ts = calendar.epoch_seconds(world.cfg, day, rng)
    if place is None:
        place_a = acc.place[acting]
    else:
        place_a = np.broadcast_to(np.asarray(place, dtype=np.int32), (n,))
    if memo is None:
        en = np.array(world.memos.default_en)[ch]
        es = np.array(world.memos.default_es)[ch]
        memo_a = np.where(currency == 1, es, en)
    else:
        memo_a = np.broadcast_to(np.asarray(memo, dtype=np.int32), (n,))
    batch = make(TXN_COLUMNS, int(keep.sum()), ts=ts[keep], from_acc=frm_a[keep], to_acc=to_a[keep],
                 amount=amount[keep], currency=currency[keep],
                 amount_usd=np.where(currency == 1, np.round(amount / rate, 2), amount)[keep], channel=ch[keep],
                 place=place_a[keep], memo=memo_a[keep], truth=case)
    world.events.append(batch)
    return batch


def spread_days(rng: np.random.Generator, start: int, span: int, k: int) -> np.ndarray:
    """k sorted days in [start, start + span)."""
    return np.sort(start + rng.integers(0, max(span, 1), k))
