"""Columnar batches of generated records: a dict of equal-length numpy arrays with helpers.

Transactions are generated as integer codes (account index, channel code, place index, memo
index) and only turned into text when a layout writes them, which keeps generation vectorised
and memory small.
"""

from __future__ import annotations

import numpy as np

CHANNELS = ("cash_deposit", "cash_withdrawal", "wire", "ach", "check", "msb_transfer", "armored_car", "card",
            "internal_transfer", "other")
CH = {c: i for i, c in enumerate(CHANNELS)}
USD, MXN = 0, 1

# Columns of a transaction batch and their dtypes. truth is -1 for legitimate rows, else the
# index of the planted case the row belongs to (see truth.py).
TXN_COLUMNS: dict[str, type] = {
    "ts": np.int64, "from_acc": np.int32, "to_acc": np.int32, "amount": np.float64, "currency": np.int8,
    "amount_usd": np.float64, "channel": np.int8, "place": np.int32, "memo": np.int32, "truth": np.int32,
}
Batch = dict[str, np.ndarray]


def empty(columns: dict[str, type]) -> Batch:
    return {k: np.zeros(0, dtype=t) for k, t in columns.items()}


def make(columns: dict[str, type], n: int, **values: np.ndarray | float) -> Batch:
    """A batch of n rows; columns not given are -1 (indices) or 0."""
    out: Batch = {}
    for k, t in columns.items():
        v = values.pop(k, -1 if np.issubdtype(t, np.integer) else 0.0)
        out[k] = np.broadcast_to(np.asarray(v, dtype=t), (n,)).copy()
    if values:
        raise KeyError(f"unknown columns {sorted(values)}")
    return out


def concat(batches: list[Batch]) -> Batch:
    keys = batches[0].keys()
    return {k: np.concatenate([b[k] for b in batches]) for k in keys}


def take(batch: Batch, idx: np.ndarray) -> Batch:
    return {k: v[idx] for k, v in batch.items()}


def length(batch: Batch) -> int:
    return len(next(iter(batch.values())))


def sort_by(batch: Batch, key: str) -> Batch:
    return take(batch, np.argsort(batch[key], kind="stable"))
