"""The precursor reference list: chemicals, their names in English and Spanish, synonyms, CAS
numbers, tariff codes and usual prices, read from a CSV file users can update.

The default list ships as ``tenaza/data/reference/precursors.csv``; a detector setting names
another file. Every name becomes a *term*: its words in normal form (upper case, no accents,
letters and digits), without filler words, so that 'Ácido fenilacético' is the words
{ACIDO, FENILACETICO} and '4-ANPP' is {4, ANPP}.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from tenaza.errors import PrecursorListError
from tenaza.store.reference import fold

REQUIRED = ("chemical", "name_es", "synonyms", "cas", "hs6", "drug_family", "hs_confidence", "usd_per_kg")
FILLER = frozenset({"DE", "DEL", "LA", "EL", "Y", "OF", "THE", "AND", "SUS", "ITS"})
CAS = re.compile(r"^\d{2,7}-\d{2}-\d$")


@dataclass(frozen=True)
class Chemical:
    chemical: str
    name_es: str
    synonyms: tuple[str, ...]
    cas: str | None
    hs6: str | None
    drug_family: str
    hs_confidence: str
    usd_per_kg: float | None

    def names(self) -> tuple[str, ...]:
        return (self.chemical, self.name_es, *self.synonyms)


def words(text: str) -> tuple[str, ...]:
    """A name's words in normal form, filler words dropped."""
    return tuple(w for w in re.sub(r"[^A-Z0-9]+", " ", fold(text)).split() if w not in FILLER)


def default_path() -> Path:
    return Path(str(resources.files("tenaza") / "data" / "reference" / "precursors.csv"))


def load(path: Path | str | None = None) -> list[Chemical]:
    """Read and check the list; every problem is reported at once, by line and field."""
    path = Path(path) if path else default_path()
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
            header = rows[0].keys() if rows else ()
    except OSError as exc:
        raise PrecursorListError(f"{path}: cannot read the precursor list ({exc.strerror})") from exc
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise PrecursorListError(f"{path}, line 1: missing column(s) {', '.join(missing)}")
    out, problems = [], []
    for line, r in enumerate(rows, start=2):
        cas = (r["cas"] or "").strip() or None
        hs6 = re.sub(r"\D", "", r["hs6"] or "") or None
        price = (r["usd_per_kg"] or "").strip()
        if not (r["chemical"] or "").strip():
            problems.append(f"line {line}, field chemical: empty")
        if cas and not CAS.match(cas):
            problems.append(f"line {line}, field cas: {cas!r} is not a CAS number (digits-digits-digit)")
        if hs6 and len(hs6) != 6:
            problems.append(f"line {line}, field hs6: {r['hs6']!r} is not six digits")
        try:
            usd = float(price) if price else None
        except ValueError:
            problems.append(f"line {line}, field usd_per_kg: {price!r} is not a number")
            usd = None
        synonyms = tuple(s.strip() for s in (r["synonyms"] or "").split("|") if s.strip())
        out.append(Chemical(r["chemical"].strip(), (r["name_es"] or "").strip(), synonyms, cas, hs6,
                            (r["drug_family"] or "").strip(), (r["hs_confidence"] or "").strip(), usd))
    if problems:
        raise PrecursorListError(f"{path}: " + "; ".join(problems))
    return out


def dedicated_codes(chemicals: list[Chemical]) -> dict[str, int]:
    """HS6 codes that name exactly one chemical of the list -> its index. Catch-all codes that
    several chemicals share (2933.39 for most piperidines) identify nothing on their own."""
    seen: dict[str, list[int]] = {}
    for i, c in enumerate(chemicals):
        if c.hs6:
            seen.setdefault(c.hs6, []).append(i)
    return {code: ix[0] for code, ix in seen.items() if len(ix) == 1}


def terms(chemicals: list[Chemical]) -> list[tuple[int, int, str, int]]:
    """(chemical index, term number, word, words in the term) for every name of every chemical.
    A parenthesised ending of a name ('phenylacetone (P2P / BMK)') gives terms of its own."""
    out: list[tuple[int, int, str, int]] = []
    n = 0
    for i, c in enumerate(chemicals):
        names: list[str] = []
        for name in c.names():
            abbr = re.search(r"\s\(([^()]*)\)\s*$", name)  # 'phenylacetone (P2P / BMK)'
            names.append(name[:abbr.start()] if abbr else name)
            names += [p for p in abbr.group(1).split("/")] if abbr else []
        for name in dict.fromkeys(names):
            ws = tuple(dict.fromkeys(words(name)))
            if not ws or (len(ws) == 1 and len(ws[0]) < 3):
                continue
            n += 1
            out += [(i, n, w, len(ws)) for w in ws]
    return out
