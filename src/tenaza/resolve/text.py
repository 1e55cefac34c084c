"""Name text as the matchers see it: folded, repaired, tokenized, parsed.

US and Mexican records write the same name in many ways: with or without accents, upper or
mixed case, surnames first with a comma (OFAC), surnames in capitals (Mexican registries),
one surname or two, particles (DE LA, DEL) or not, and company names with or without their
legal form. Every function here is pure and has an SQL twin in ``features.py``; a test keeps
the two in agreement.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# UTF-8 bytes read as Latin-1/CP-1252: the mojibake that survives spreadsheet round trips.
# Ingest repairs NAME columns with ftfy; this cheap table catches rows that reached the
# workspace some other way, and is the same table the SQL uses.
MOJIBAKE: tuple[tuple[str, str], ...] = (
    ("Ã¡", "á"), ("Ã©", "é"), ("Ã\xad", "í"), ("Ã³", "ó"), ("Ãº", "ú"), ("Ã±", "ñ"), ("Ã¼", "ü"),
    ("Ã\x81", "Á"), ("Ã‰", "É"), ("Ã\x8d", "Í"), ("Ã“", "Ó"), ("Ãš", "Ú"), ("Ã‘", "Ñ"), ("Ãœ", "Ü"),
)

# Words that join or precede surnames and given names in Spanish; dropped for matching so
# that "DE LA CRUZ" meets "CRUZ" and "JOSE DE JESUS" meets "JOSE JESUS".
PARTICLES = frozenset({"DE", "DEL", "LA", "LAS", "LOS", "EL", "Y", "E", "DA", "DI", "VAN", "VON", "MC"})

# Titles, honorifics, ranks, degrees, ordinals and generational suffixes, in English and
# Spanish, as folded tokens. They go to the record's ``titles`` and never count as names:
# "Sir Robert Brown, 5th Baronet" is ROBERT BROWN; "Lic. Juan Pérez" is JUAN PEREZ.
TITLES = frozenset({
    "MR", "MRS", "MS", "MISS", "MSTR", "MASTER", "DR", "DRA", "SIR", "DAME", "LORD", "LADY", "REV", "REVD", "FR",
    "PROF", "PROFR", "PROFRA", "HON", "RT", "ESQ", "JR", "SNR", "JNR", "II", "III", "IV", "PHD", "MD", "DDS",
    "KBE", "OBE", "MBE", "CBE", "KG", "KT", "BT", "BART", "BARONET", "BARON", "BARONESS", "EARL", "COUNT",
    "COUNTESS", "DUKE", "DUCHESS", "VISCOUNT", "MARQUESS", "MARQUIS", "PRINCE", "PRINCESS", "KING", "QUEEN",
    "CAPT", "COL", "GEN", "LT", "MAJ", "SGT", "CPL", "ADM", "CMDR",
    "SR", "SRA", "SRTA", "SENOR", "SENORA", "SENORITA", "DON", "DONA", "LIC", "LICDO", "LICDA", "ING", "ARQ",
    "MTRO", "MTRA", "CP", "GRAL", "CAP", "TTE", "CNEL", "PBRO", "FRAY", "SOR",
})
_ORDINAL = re.compile(r"^[0-9]+(ST|ND|RD|TH|O|A|ER)?$")


def is_title(tok: str) -> bool:
    """A folded token that is a title, honorific, ordinal or generational suffix."""
    return tok in TITLES or bool(_ORDINAL.match(tok))


# Legal forms of Mexican and US companies, written after dots are removed. Longest first.
LEGAL_FORMS: tuple[str, ...] = (
    "S DE RL DE CV", "SAPI DE CV", "SAB DE CV", "SA DE CV", "SPR DE RL", "S EN C", "SC DE RL",
    "SAPI", "SAB", "SRL", "SA", "SC", "AC", "SCL", "LLC", "LLP", "LP", "INC", "INCORPORATED",
    "CORP", "CORPORATION", "CO", "LTD", "LIMITED", "COMPANY", "PLC", "GMBH",
)
_LEGAL_RE = re.compile(r"(?:\s+(?:" + "|".join(re.escape(f) for f in LEGAL_FORMS) + r"))+$")
_NON_ALNUM = re.compile(r"[^A-Z0-9 ]+")
_SPACES = re.compile(r"\s+")


def repair(text: str) -> str:
    for bad, good in MOJIBAKE:
        if bad in text:
            text = text.replace(bad, good)
    return text


def fold(text: str) -> str:
    """Upper case, mojibake repaired, accents removed, punctuation to spaces, spaces folded."""
    text = unicodedata.normalize("NFKD", repair(text).upper())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return _SPACES.sub(" ", _NON_ALNUM.sub(" ", text.replace(".", ""))).strip()


def tokens(text: str) -> list[str]:
    """Folded tokens with particles dropped."""
    return [t for t in fold(text).split(" ") if t and t not in PARTICLES]


def company_core(name: str) -> str:
    """The name of a company without its legal form: 'COMERCIALIZADORA DEL NORTE SA DE CV'
    and 'Comercializadora del Norte, S.A. de C.V.' both give 'COMERCIALIZADORA NORTE'."""
    folded = " " + fold(name)
    core = _LEGAL_RE.sub("", folded)
    return " ".join(t for t in core.split(" ") if t and t not in PARTICLES)


@dataclass(frozen=True)
class PersonName:
    """A person's name parsed into the parts Spanish naming uses."""

    given: tuple[str, ...]
    paternal: str | None
    maternal: str | None
    titles: tuple[str, ...] = ()

    @property
    def surnames(self) -> tuple[str, ...]:
        return tuple(s for s in (self.paternal, self.maternal) if s)


def _is_upper_token(tok: str) -> bool:
    letters = [c for c in tok if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters) and len(letters) > 1


def parse_person(name: str, given_names: str | None = None, paternal: str | None = None,
                 maternal: str | None = None) -> PersonName:
    """Parse a person's name. Titles, ordinals and suffixes (``is_title``) go to ``titles``
    and never count as names. Structured parts win: surnames given as such, or given names
    (the surnames are then what the full name holds besides them, possibly nothing);
    otherwise, in order:

    1. ``SURNAMES, Given`` (OFAC and many registries);
    2. mixed case with the surnames in capitals (``José Ángel GUZMÁN LÓPEZ``);
    3. given names first; with three or more tokens the last two are the paternal and
       maternal surnames (Mexican usage), with two the last is the paternal surname.

    A US name with a middle name (``John Michael Smith``) parses as paternal MICHAEL,
    maternal SMITH; the surname comparisons match across both surnames, so this costs little.
    """
    titles = tuple(dict.fromkeys(t for t in tokens(f"{name} {given_names or ''}") if is_title(t)))

    def names(toks: list[str]) -> list[str]:
        return [t for t in toks if not is_title(t)]

    if paternal or maternal:
        pat_toks, mat_toks = names(tokens(paternal or "")), names(tokens(maternal or ""))
        return PersonName(tuple(names(tokens(given_names or ""))), pat_toks[0] if pat_toks else None,
                          mat_toks[0] if mat_toks else None, titles)
    surnames: list[str]
    given: list[str]
    text = repair(name)
    by_given = bool(given_names and names(tokens(given_names)))
    if by_given:  # given names as such: the surnames are the rest of the name, maybe nothing
        given = names(tokens(given_names or ""))
        surnames = [t for t in names(tokens(text)) if t not in given]
    elif "," in text:
        before, _, after = text.partition(",")
        surnames, given = names(tokens(before)), names(tokens(after))
    else:
        raw = text.split()
        has_lower = any(c.islower() for c in text)
        caps = [t for t in raw if _is_upper_token(t)]
        if has_lower and caps and len(caps) < len(raw):
            surnames = names(tokens(" ".join(caps)))
            given = names(tokens(" ".join(t for t in raw if not _is_upper_token(t))))
        else:
            toks = names(tokens(text))
            if len(toks) >= 3:
                given, surnames = toks[:-2], toks[-2:]
            elif len(toks) == 2:
                given, surnames = toks[:1], toks[1:]
            else:
                given, surnames = [], toks
    if not surnames and given and not by_given:
        surnames, given = given[-1:], given[:-1]
    pat = surnames[0] if surnames else None
    mat = surnames[1] if len(surnames) > 1 else None
    if len(surnames) > 2:  # compound paternal surname: keep the last as the maternal one
        pat, mat = " ".join(surnames[:-1]), surnames[-1]
    return PersonName(tuple(given), pat, mat, titles)
