"""Record sets for the tables other than transactions, built in blocks and written once.

Identifiers are drawn at random from a large space (not numbered in creation order), so a
planted record's identifier says nothing about it; files are sorted by date before writing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from tenaza.scenario.plant.truth import Truth
    from tenaza.scenario.sources.layout import Layout
    from tenaza.scenario.sources.writer import Output


def objects(values: list[Any]) -> np.ndarray:
    """A 1-d object array whose items may themselves be lists (numpy would make them a dimension)."""
    arr = np.empty(len(values), dtype=object)
    for i, v in enumerate(values):
        arr[i] = v
    return arr


def nullable(keep: np.ndarray, values: Any) -> np.ndarray:
    """``values`` where ``keep``, None elsewhere (numpy's where cannot mix None into a typed array)."""
    keep = np.asarray(keep, dtype=bool)
    out = np.full(len(keep), None, dtype=object)
    if isinstance(values, np.ndarray):
        out[keep] = values[keep]
    else:
        out[keep] = values
    return out


class IdPool:
    """Unique random integers below ``space``."""

    def __init__(self, rng: np.random.Generator, space: int) -> None:
        self.rng = rng
        self.space = space
        self.drawn = np.zeros(0, np.int64)  # every value handed out or waiting in the buffer
        self.buffer = np.zeros(0, np.int64)

    def take(self, k: int) -> np.ndarray:
        while len(self.buffer) < k:  # refill in doubling batches, never repeating a drawn value
            want = min(max(4096, 2 * k, len(self.drawn)), self.space - len(self.drawn))
            if want <= 0:
                raise ValueError(f"identifier space of {self.space:,} exhausted")
            batch = self.rng.choice(self.space, want, replace=False)
            batch = batch[~np.isin(batch, self.drawn)]
            self.drawn = np.concatenate([self.drawn, batch])
            self.buffer = np.concatenate([self.buffer, batch])
        out, self.buffer = self.buffer[:k], self.buffer[k:]
        return out


class Records:
    """Columns accumulated block by block; each block is a dict of equal-length arrays (or scalars).

    The reserved columns ``_case`` (truth case, -1 when legitimate) and ``_role`` travel with
    the rows and are dropped when the layout renders them."""

    def __init__(self) -> None:
        self.blocks: list[tuple[int, dict[str, Any]]] = []

    def add(self, n: int, **cols: Any) -> None:
        if n:
            self.blocks.append((n, cols))

    def __len__(self) -> int:
        return sum(n for n, _ in self.blocks)

    def column(self, name: str) -> np.ndarray:
        parts = []
        for n, cols in self.blocks:
            v = cols.get(name, -1 if name == "_case" else None)
            if isinstance(v, np.ndarray | list | tuple):
                arr = np.asarray(v)
                if len(arr) != n:
                    raise ValueError(f"column {name}: {len(arr)} values in a block of {n}")
                parts.append(arr.astype(object) if arr.dtype.kind in "USO" else arr)
            else:
                parts.append(np.full(n, v, dtype=object if not isinstance(v, int | float) or v is None else None))
        if not parts:
            return np.zeros(0, dtype=object)
        kinds = {p.dtype.kind for p in parts}
        if kinds <= {"M"}:
            return np.concatenate(parts)
        if len(kinds) > 1 or "O" in kinds:
            return np.concatenate([p.astype(object) for p in parts])
        return np.concatenate(parts)

    def data(self, order: np.ndarray | None = None) -> dict[str, np.ndarray]:
        names: dict[str, None] = {}
        for _, cols in self.blocks:
            names.update(dict.fromkeys(cols))
        names["_case"] = None
        out = {k: self.column(k) for k in names}
        if order is not None:
            out = {k: v[order] for k, v in out.items()}
        return out


def emit(out: Output, layout: Layout, recs: Records, truth: Truth, sort_by: str) -> int:
    """Sort by date, write the file, and add the truth rows of planted records."""
    key = next(c.canonical for c in layout.columns if c.canonical is not None)
    n = len(recs)
    data = recs.data()
    recs.blocks.clear()  # written once: free the blocks as soon as they are columns
    order = np.argsort(data[sort_by], kind="stable") if n else np.zeros(0, np.int64)
    data = {k: v[order] for k, v in data.items()}
    out.write(layout, layout.render(data, n))
    cases = data["_case"].astype(np.int64)
    roles = data.get("_role", np.full(n, None, dtype=object))
    for i in np.flatnonzero(cases >= 0):
        truth.add(layout.table, str(data[key][i]), int(cases[i]), roles[i])
    return n


def resolve_refs(recs: Records, party_ids: dict[tuple[str, int], list[str]]) -> None:
    """Turn the entity references of each row (``_refs``) into the party_refs column."""
    for _, cols in recs.blocks:
        refs = cols.pop("_refs", None)
        if refs is not None:
            cols["party_refs"] = objects([";".join(pid for e in r for pid in party_ids.get(e, [])) or None
                                          for r in refs])
