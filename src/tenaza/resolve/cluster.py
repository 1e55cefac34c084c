"""Clusters from scored pairs, with analysts' judgements winning over the model.

Connected components over the model's links would let one wrong link chain two people
together, and would ignore an analyst who said two records are different. So links are
applied as in nomenklatura's resolver: first every merge judgement, then the model's links
from the strongest down; a union that would put two records an analyst split into one
cluster is refused, whatever the model says.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

log = logging.getLogger("tenaza")


class Clusters:
    """Union-find over record numbers 0..n-1 with cannot-link constraints."""

    def __init__(self, n: int, cannot_link: Iterable[tuple[int, int]] = ()) -> None:
        self.parent = list(range(n))
        self.size = [1] * n
        # root -> roots it must never join; kept only for the few records analysts split
        self.apart: dict[int, set[int]] = {}
        for a, b in cannot_link:
            if a == b:
                continue
            self.apart.setdefault(a, set()).add(b)
            self.apart.setdefault(b, set()).add(a)

    def find(self, x: int) -> int:
        parent = self.parent
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return
        if self.size[ra] < self.size[rb]:
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.size[ra] += self.size[rb]
        if rb in self.apart:  # records in ``apart`` may be stale; ``joinable`` maps them to roots
            self.apart.setdefault(ra, set()).update(self.apart.pop(rb))

    def joinable(self, a: int, b: int) -> bool:
        """False where joining would put two records an analyst split into one cluster."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        if ra not in self.apart and rb not in self.apart:
            return True
        return rb not in {self.find(x) for x in self.apart.get(ra, ())} and \
            ra not in {self.find(x) for x in self.apart.get(rb, ())}


@dataclass(frozen=True)
class ClusterResult:
    labels: list[int]  # per record: the record number of its cluster's root
    unions: list[tuple[int, int, str]]  # the links that built the clusters: (a, b, "analyst" | "model")
    refused_links: int  # model links refused because of split judgements
    refused_merges: int  # merge judgements refused because they conflict with a split


def cluster(n: int, links: Iterable[tuple[int, int]], merges: Sequence[tuple[int, int]] = (),
            splits: Sequence[tuple[int, int]] = ()) -> ClusterResult:
    """Cluster records 0..n-1. ``links`` must come strongest first."""
    uf = Clusters(n, splits)
    unions: list[tuple[int, int, str]] = []
    refused_merges = 0
    for a, b in merges:
        if not uf.joinable(a, b):
            refused_merges += 1
            log.warning("merge judgement of records %d and %d conflicts with a split judgement; the split wins", a, b)
        elif uf.find(a) != uf.find(b):
            uf.union(a, b)
            unions.append((a, b, "analyst"))
    refused = 0
    constrained = bool(uf.apart)
    find = uf.find
    for a, b in links:
        if find(a) == find(b):
            continue
        if constrained and not uf.joinable(a, b):
            refused += 1
            continue
        uf.union(a, b)
        unions.append((a, b, "model"))
    return ClusterResult([find(i) for i in range(n)], unions, refused, refused_merges)
