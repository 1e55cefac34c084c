"""How one person or company is written differently by each source, as real records show it.

US records drop or merge the second Spanish surname, lose accents, anglicise given names
(Pepe, Lupe, Mike), keep only the first of two given names or swap them; Mexican records
write everything in capitals; any record may carry a typo, and a few carry mojibake (UTF-8
bytes read as Windows-1252, "GarcÃ­a"). The rates are in docs/scenario.md.
"""

from __future__ import annotations

import unicodedata

import ftfy.bad_codecs  # noqa: F401 - registers the sloppy-windows-1252 codec
import numpy as np

from tenaza.scenario.world import pools
from tenaza.scenario.world.population import US_BORN, Companies, Persons

RATES = {
    "typo": 0.02, "mojibake": 0.04, "us_accent_lost": 0.7, "mx_accent_lost": 0.5, "nickname": 0.12,
    "given_swapped": 0.05, "first_given_only": 0.45, "mx_maternal_missing": 0.03,
}
# How a US record writes a Mexican-born person's surnames: (paternal only, both, hyphenated,
# maternal only, both swapped)
US_SURNAME_STYLE = (0.45, 0.30, 0.10, 0.08, 0.07)
_KEYBOARD = {"a": "s", "e": "r", "i": "o", "o": "i", "u": "y", "n": "m", "m": "n", "r": "t", "s": "a", "l": "k",
             "t": "r", "c": "v", "d": "s", "g": "h", "z": "s", "v": "b", "b": "v", "h": "j", "p": "o"}


def strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def mojibake(text: str) -> str:
    """UTF-8 bytes decoded as Windows-1252: what a Latin-1 pipeline makes of 'García'."""
    return text.encode("utf-8").decode("sloppy-windows-1252")


def typo(text: str, rng: np.random.Generator) -> str:
    """One keying error inside a word: a dropped, doubled, swapped or neighbouring letter."""
    letters = [i for i, c in enumerate(text) if c.isalpha()]
    if len(letters) < 4:
        return text
    i = int(rng.choice(letters[1:-1]))
    kind = int(rng.integers(0, 4))
    if kind == 0:
        return text[:i] + text[i + 1:]
    if kind == 1:
        return text[:i] + text[i] + text[i:]
    if kind == 2 and text[i + 1].isalpha():
        return text[:i] + text[i + 1] + text[i] + text[i + 2:]
    c = text[i]
    sub = _KEYBOARD.get(c.lower(), "e")
    return text[:i] + (sub.upper() if c.isupper() else sub) + text[i + 1:]


def _finish(text: str, rng: np.random.Generator, accent_lost: float, mangle: bool, upper: bool) -> str:
    """Accents, a typo, case; and mojibake when the caller decided this record passed through
    a Latin-1 pipeline (``mangle``)."""
    if rng.random() < accent_lost:
        text = strip_accents(text)
    if rng.random() < RATES["typo"]:
        text = typo(text, rng)
    if upper:
        text = text.upper()
    if mangle and not text.isascii():
        text = mojibake(text)
    return text


_SUFFIX_FORMS = {
    "S.A. de C.V.": ("S.A. DE C.V.", "SA DE CV", "S.A. de C.V.", "SA de CV", ""),
    "S. de R.L. de C.V.": ("S. DE R.L. DE C.V.", "S DE RL DE CV", "S. de R.L. de C.V.", ""),
    "S.A.P.I. de C.V.": ("S.A.P.I. DE C.V.", "SAPI DE CV", "SAPI de CV", ""),
    "LLC": ("LLC", "L.L.C.", ""), "Inc.": ("INC", "Inc.", "Incorporated", ""), "Corp.": ("CORP", "Corporation", ""),
    "LP": ("LP", "L.P."),
}


def company(c: Companies, j: int, rng: np.random.Generator, spanish_source: bool) -> str:
    """A company name with the suffix written one of the ways registries write it."""
    name = c.name[j]
    for suffix, forms in _SUFFIX_FORMS.items():
        if name.endswith(" " + suffix):
            base = name[: -len(suffix) - 1]
            form = forms[int(rng.integers(0, len(forms)))] if rng.random() < 0.6 else suffix
            name = f"{base} {form}".strip()
            break
    if spanish_source or rng.random() < 0.6:
        name = name.upper()
    return _finish(name, rng, 0.5 if spanish_source else 0.8, False, False)


class FreeNames:
    """Person names as each source writes them, vectorised: registry columns (``us_parts``,
    ``mx_parts``) and free-text fields such as driver, purchaser or possessor (``render``).

    Each record varies independently, at the RATES above; only the rare typo and mojibake touch
    rows one by one."""

    def __init__(self, p: Persons) -> None:
        self.given = np.array(p.given, dtype=object)
        self.first = np.array([g.split()[0] for g in p.given], dtype=object)
        self.paternal = np.array(p.paternal, dtype=object)
        self.maternal = np.array([m or "" for m in p.maternal], dtype=object)
        self.us_born = np.asarray(p.origin) == US_BORN
        words = set(p.given) | set(p.paternal) | {m for m in p.maternal if m} | set(self.first.tolist())
        self.ascii = {w: strip_accents(w) for w in words}

    def _strip(self, arr: np.ndarray, mask: np.ndarray) -> np.ndarray:
        out = arr.copy()
        out[mask] = [self.ascii.get(x, x) for x in arr[mask]]
        return out

    def mx_parts(self, idx: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(given, paternal, maternal) as a Mexican record writes them, before case and typos."""
        given, pat, mat = self.given[idx], self.paternal[idx], self.maternal[idx]
        strip = rng.random(len(idx)) < RATES["mx_accent_lost"]
        given, pat, mat = self._strip(given, strip), self._strip(pat, strip), self._strip(mat, strip)
        mat = np.where(rng.random(len(idx)) < RATES["mx_maternal_missing"], "", mat)
        return given, pat, mat

    def us_parts(self, idx: np.ndarray, rng: np.random.Generator,
                 keep_accents: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(given, last) as a US record writes them: surnames dropped, merged or swapped, nicknames."""
        n = len(idx)
        given, pat, mat = self.given[idx], self.paternal[idx], self.maternal[idx]
        us_born = self.us_born[idx]
        swap = ~us_born & (rng.random(n) < RATES["given_swapped"]) & (self.first[idx] != given)
        given = np.where(swap, np.array([" ".join(g.split()[::-1]) for g in given], dtype=object) if n else given,
                         np.where(~us_born & (rng.random(n) < RATES["first_given_only"]), self.first[idx], given))
        nick = np.flatnonzero(~us_born & (rng.random(n) < RATES["nickname"]))
        given[nick] = [" ".join([pools.NICKNAMES.get(x.split()[0], x.split()[0]), *x.split()[1:]]) for x in given[nick]]
        strip = rng.random(n) < RATES["us_accent_lost"]
        if keep_accents is not None:  # records about to be garbled keep them: that is how mojibake arises
            strip &= ~keep_accents
        given, pat, mat = self._strip(given, strip), self._strip(pat, strip), self._strip(mat, strip)
        style = rng.choice(5, n, p=US_SURNAME_STYLE)
        last = np.select([style == 0, style == 1, style == 2, style == 3],
                         [pat, pat + " " + mat, pat + "-" + mat, mat], mat + " " + pat)
        return given, np.where(us_born | (mat == ""), pat, last)

    def render(self, idx: np.ndarray, rng: np.random.Generator, spanish_source: bool) -> np.ndarray:
        idx = np.asarray(idx, dtype=np.int64)
        n = len(idx)
        if spanish_source:
            given, pat, mat = self.mx_parts(idx, rng)
            text = given + " " + pat + np.where(mat == "", "", " " + mat)
        else:
            given, last = self.us_parts(idx, rng)
            text = np.where(rng.random(n) < 0.5, last + ", " + given, given + " " + last)
        text = upper(text)
        text = typos(text, rng)
        if not spanish_source:
            for i in np.flatnonzero(rng.random(n) < RATES["mojibake"]):
                if not text[i].isascii():
                    text[i] = mojibake(text[i])
        return text


def upper(text: np.ndarray) -> np.ndarray:
    import pyarrow as pa
    import pyarrow.compute as pc

    return np.asarray(pc.utf8_upper(pa.array(text, pa.string())).to_numpy(zero_copy_only=False), dtype=object)


def typos(text: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A typo in RATES["typo"] of the values (one by one: they are few)."""
    out = text.copy()
    for i in np.flatnonzero(rng.random(len(text)) < RATES["typo"]):
        out[i] = typo(out[i], rng)
    return out
