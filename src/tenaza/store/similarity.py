"""String similarity for engines that lack it: Jaro-Winkler as DuckDB computes it (rapidfuzz's
definition: match window max(len)/2 - 1, prefix scale 0.1 over at most 4 letters, the prefix
bonus only above a Jaro similarity of 0.7; an empty string is similar to nothing). The Spark backend registers it as a UDF, so that a
detector comparing names gives the same answer on either engine."""

from __future__ import annotations


def jaro(a: str, b: str) -> float:
    la, lb = len(a), len(b)
    if not la or not lb:
        return 0.0  # as DuckDB: two empty strings are not similar
    if a == b:
        return 1.0
    window = max(0, max(la, lb) // 2 - 1)
    used = [False] * lb
    matched_a: list[str] = []
    for i, ch in enumerate(a):
        for j in range(max(0, i - window), min(lb, i + window + 1)):
            if not used[j] and b[j] == ch:
                used[j] = True
                matched_a.append(ch)
                break
    m = len(matched_a)
    if not m:
        return 0.0
    matched_b = [b[j] for j in range(lb) if used[j]]
    transpositions = sum(x != y for x, y in zip(matched_a, matched_b, strict=True)) // 2
    return (m / la + m / lb + (m - transpositions) / m) / 3


def jaro_winkler(a: str | None, b: str | None) -> float | None:
    if a is None or b is None:
        return None
    sim = jaro(a, b)
    if sim <= 0.7:
        return sim
    prefix = 0
    for x, y in zip(a[:4], b[:4], strict=False):
        if x != y:
            break
        prefix += 1
    return sim + prefix * 0.1 * (1 - sim)
