"""Words of organization names that mean the same in Spanish and English, read from a data file.

OFAC lists the GULF CARTEL; a Mexican record writes "Cártel del Golfo". Screening matches
tokens by key, so each word of a group gets the group's key (``ORG:GULF`` for GOLFO and
GULF), and the pair of keys CARTEL+GULF finds the entry in either language and either order.
Phrases go word by word ("nueva generación" = "new generation"). The groups are data
(``tenaza/data/designations/org_words.csv``); users add theirs in a file of the same layout.
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

from tenaza.errors import IngestError, Problem
from tenaza.resolve.text import fold

DATA = Path(__file__).resolve().parents[2] / "data" / "designations"
ORG_WORDS_FILE = DATA / "org_words.csv"


def read_groups(path: Path) -> dict[str, str]:
    """Folded word -> group key, from one file."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise IngestError([Problem(str(path), f"cannot read the organization words file: {exc.strerror or exc}")]) \
            from exc
    out: dict[str, str] = {}
    problems: list[Problem] = []
    rows = csv.DictReader(line for line in text.splitlines() if line.strip() and not line.startswith("#"))
    for line, row in enumerate(rows, start=2):
        group, word = fold(row.get("group") or ""), fold(row.get("word") or "")
        if not group or not word or " " in word:
            problems.append(Problem(path.name, "expected a group and one word", line=line))
            continue
        out[word] = "ORG:" + group.replace(" ", "_")
    if problems:
        raise IngestError(problems)
    return out


@cache
def groups(extra: str | None = None) -> dict[str, str]:
    """The shipped groups, with the rows of ``extra`` added (a word there wins)."""
    table = read_groups(ORG_WORDS_FILE)
    if extra:
        table.update(read_groups(Path(extra)))
    return table
