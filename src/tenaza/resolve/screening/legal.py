"""Legal forms of companies, read from a data file, and stripped before screening compares names.

A record writes a company's form in many ways: "S.A. de C.V.", "SA DE CV", "S. A. de C. V.",
"SA CV", "Sociedad Anónima de Capital Variable", or not at all; the list writes it its own way
("S.P.R. DE R. L. DE C.V."). Screening compares the name without it. The forms are data
(``tenaza/data/designations/legal_forms.csv``), so an analyst adds a form without touching
code. Each form is folded as names are (case, accents, dots) and turned into a pattern that
also accepts what people do to abbreviations: letters apart ("S A"), "de" left out ("SA CV")
or run together ("SADE CV"). A name may end with several forms ("S.A. de C.V., SOFOM, E.N.R.");
all go. A name that is nothing but a form keeps its tokens: "La Compañía" stays COMPANIA.

``core`` is the Python twin of ``core_tokens_sql``; a test keeps the two equal.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from tenaza.errors import IngestError, Problem
from tenaza.resolve.features import _lit, fold_sql
from tenaza.resolve.text import PARTICLES, fold
from tenaza.store.dialect import DUCKDB, Dialect

DATA = Path(__file__).resolve().parents[2] / "data" / "designations"
LEGAL_FORMS_FILE = DATA / "legal_forms.csv"
_JOINERS = frozenset({"DE", "EN", "POR", "Y"})


@dataclass(frozen=True)
class LegalForm:
    form: str  # as written in the file
    folded: str  # as names are folded: "S.A. de C.V." -> "SA DE CV"
    position: str  # suffix | prefix
    abbreviation: bool  # written with dots: letters may stand apart, "de" may be left out


def _token_pattern(tok: str, abbreviation: bool) -> str:
    if abbreviation and tok in _JOINERS:
        return f"(?:{tok} ?)?"
    if abbreviation and len(tok) <= 5:
        return " ?".join(re.escape(c) for c in tok) + " ?"
    return re.escape(tok) + " "


def _pattern(form: LegalForm) -> str:
    """The form as a regular expression over a folded name (RE2 and Python agree on it)."""
    body = "".join(_token_pattern(t, form.abbreviation) for t in form.folded.split())
    return body[:-2] if body.endswith(" ?") else body.rstrip(" ")


def read_forms(path: Path) -> list[LegalForm]:
    problems: list[Problem] = []
    forms: list[LegalForm] = []
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise IngestError([Problem(str(path), f"cannot read the legal forms file: {exc.strerror or exc}")]) from exc
    rows = csv.DictReader(line for line in text.splitlines() if line.strip() and not line.startswith("#"))
    for line, row in enumerate(rows, start=2):
        form, position = (row.get("form") or "").strip(), (row.get("position") or "suffix").strip() or "suffix"
        if not form or position not in ("suffix", "prefix"):
            problems.append(Problem(path.name, "expected a form and a position of suffix or prefix", line=line))
            continue
        folded = fold(form)
        if folded:
            abbreviation = "." in form or any(t.isupper() and len(t) <= 6 for t in form.split())
            forms.append(LegalForm(form, folded, position, abbreviation))
    if problems:
        raise IngestError(problems)
    return forms


@dataclass(frozen=True)
class LegalForms:
    """A table of legal forms and the patterns that strip them."""

    forms: tuple[LegalForm, ...]

    @staticmethod
    def shipped() -> LegalForms:
        return _load((str(LEGAL_FORMS_FILE),))

    @staticmethod
    def load(*extra: Path | str | None) -> LegalForms:
        """The shipped table plus the rows of each extra file (same layout)."""
        return _load((str(LEGAL_FORMS_FILE), *(str(p) for p in extra if p)))

    def _alternation(self, position: str) -> str:
        # Longest first, so "S DE RL DE CV" is tried before "S DE RL".
        pats = sorted({_pattern(f) for f in self.forms if f.position == position}, key=len, reverse=True)
        return "|".join(pats) if pats else "(?!)"

    @property
    def suffix_re(self) -> str:
        return rf"(?: (?:{self._alternation('suffix')}))+$"

    @property
    def prefix_re(self) -> str:
        return rf"^(?:(?:{self._alternation('prefix')}) )+"

    def core(self, name: str) -> str:
        """The folded name without its legal forms and particles (kept whole when nothing is left)."""
        folded = fold(name)
        stripped = re.sub(self.suffix_re, "", " " + folded)
        stripped = re.sub(self.prefix_re, "", stripped.strip() + " ")
        toks = [t for t in stripped.split(" ") if t and t not in PARTICLES]
        return " ".join(toks or [t for t in folded.split(" ") if t and t not in PARTICLES])

    def core_tokens_sql(self, expr: str, d: Dialect = DUCKDB) -> str:
        """SQL twin of ``core``: the tokens (a list) of a name without its legal forms."""
        folded = fold_sql(expr, d)
        suffix, prefix = d.text_literal(self.suffix_re), d.text_literal(self.prefix_re)
        no_suffix = d.regex_replace_all(f"' ' || {folded}", suffix, _lit(""))
        stripped = d.regex_replace_all(f"trim({no_suffix}) || ' '", prefix, _lit(""))
        particles = d.array(*(_lit(p) for p in sorted(PARTICLES)))

        def toks(e: str) -> str:
            return d.array_filter(d.split(e, " "), "t", f"t <> '' AND NOT {d.array_contains(particles, 't')}")

        return f"(CASE WHEN {d.array_length(toks(stripped))} > 0 THEN {toks(stripped)} ELSE {toks(folded)} END)"


@cache
def _load(paths: tuple[str, ...]) -> LegalForms:
    forms: list[LegalForm] = []
    for p in paths:
        forms += read_forms(Path(p))
    return LegalForms(tuple(forms))
