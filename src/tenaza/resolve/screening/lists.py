"""Readers of designation lists: OFAC's SDN list in its CSV layout (sdn.csv, no header) and
its XML layout (sdn.xml). Both give the same ``Entry`` records, with aliases, programs, dates
of birth, identifiers, countries and addresses, so screening never depends on the layout.

In the CSV layout, everything but the name, type and programs sits in the free-text remarks
("DOB 29 Mar 1990; POB Culiacan, Sinaloa, Mexico; C.U.R.P. GULO900329HSLZPV09 (Mexico);
a.k.a. 'El Raton'."); the reader takes it apart. Remarks aliases are OFAC's weak aliases
(nicknames). OFAC publishes the strong aliases and the addresses of the CSV layout in two
files beside sdn.csv, alt.csv and add.csv, keyed by ent_num; the reader takes them from the
same folder when they are there (alt.csv/ALT.CSV, or the name of the list file with "sdn"
replaced: ofac_alt_2024-05-03.csv.gz beside ofac_sdn_2024-05-03.csv.gz). The XML marks each
alias strong or weak itself.
"""

from __future__ import annotations

import csv
import gzip
import io
import logging
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from tenaza.errors import IngestError, Problem
from tenaza.store.reference import country_aliases, fold

log = logging.getLogger("tenaza")


@dataclass(frozen=True)
class Alias:
    name: str
    weak: bool = False


@dataclass
class Entry:
    entry_id: str
    name: str
    kind: str  # person | company | vessel | aircraft | other
    programs: list[str] = field(default_factory=list)
    aliases: list[Alias] = field(default_factory=list)
    dobs: list[str] = field(default_factory=list)  # as listed: "29 Mar 1990", "1962", "circa 1960"
    ids: list[str] = field(default_factory=list)  # scheme:value, scheme folded (curp, rfc, passport, ...)
    countries: list[str] = field(default_factory=list)  # ISO alpha-3 of nationality, citizenship, birth, address
    addresses: list[str] = field(default_factory=list)
    remarks: str = ""


@dataclass(frozen=True)
class ListFile:
    list_id: str
    version: str
    file_format: str
    entries: list[Entry]
    files: tuple[Path, ...] = ()  # every file read: the list, and alt.csv and add.csv when found beside it
    warnings: tuple[str, ...] = ()  # rows of alt.csv/add.csv that could not be used, located


_KINDS = {"individual": "person", "entity": "company", "-0-": "company", "": "company", "vessel": "vessel",
          "aircraft": "aircraft"}
# Identifier labels of the remarks -> scheme names used in ``ids`` (and by screening).
ID_SCHEMES = {
    "C.U.R.P.": "curp", "CURP": "curp", "R.F.C.": "rfc", "RFC": "rfc", "Passport": "passport",
    "National ID No.": "national_id", "Cedula No.": "cedula", "SSN": "ssn", "Tax ID No.": "tax_id",
    "NIT #": "nit", "Driver's License No.": "drivers_license", "Identification Number": "id",
    "Electoral Registry No.": "electoral", "Credencial electoral": "electoral", "D.N.I.": "dni",
    "RUC #": "ruc", "Registration ID": "registration", "US FEIN": "ein", "Company Number": "registration",
}
_ID_RE = re.compile(r"^(" + "|".join(re.escape(k) for k in sorted(ID_SCHEMES, key=len, reverse=True)) +
                    r")\s+([^()]+?)\s*(?:\(([^)]*)\))?$")
_AKA_RE = re.compile(r"^(?:a\.k\.a\.|f\.k\.a\.|n\.k\.a\.)\s+'?(.+?)'?$")
_COUNTRY_RE = re.compile(r"^(?:nationality|citizen|POB)\s+(.+)$")
_DOB_RE = re.compile(r"^(?:alt\.\s+)?DOB\s+(.+)$")


def normalize_id(value: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", value.upper())


def _country(text: str, aliases: dict[str, str]) -> str | None:
    """The country of a place as written ('Culiacan, Sinaloa, Mexico' -> MEX)."""
    last = fold(text.split(",")[-1]).strip(" .")
    return aliases.get(last)


def parse_remarks(entry: Entry, remarks: str, aliases: dict[str, str]) -> None:
    entry.remarks = remarks
    for part in (p.strip().rstrip(".") for p in remarks.split(";")):
        if not part:
            continue
        if m := _DOB_RE.match(part):
            entry.dobs.append(m.group(1).strip())
        elif m := _AKA_RE.match(part):
            entry.aliases.append(Alias(m.group(1).strip().strip("'"), weak=True))
        elif m := _COUNTRY_RE.match(part):
            if (c := _country(m.group(1), aliases)) and c not in entry.countries:
                entry.countries.append(c)
        elif m := _ID_RE.match(part):
            scheme = ID_SCHEMES[m.group(1)]
            entry.ids.append(f"{scheme}:{normalize_id(m.group(2))}")
            if m.group(3) and (c := _country(m.group(3), aliases)) and c not in entry.countries:
                entry.countries.append(c)


def _open_text(path: Path) -> io.TextIOBase:
    if not path.exists():
        raise IngestError([Problem(str(path), "no such file")])
    if not path.is_file():
        raise IngestError([Problem(str(path), "not a file (give the list file itself, e.g. sdn.csv)")])
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    return io.StringIO(raw.decode("utf-8", errors="replace"))


def _version_from_name(path: Path) -> str | None:
    m = re.search(r"(\d{4}-\d{2}-\d{2})", path.name)
    return m.group(1) if m else None


_LIST_PART = re.compile(r"(?i)(?<![a-z])(sdn|prim)(?![a-z])")


def sibling(path: Path, part: str) -> Path | None:
    """OFAC's ``alt`` or ``add`` file of the release that ``path`` (its sdn.csv) belongs to, if it is
    there: the name with "sdn" (or the consolidated list's "prim") replaced, in the same case."""
    m = _LIST_PART.search(path.name)
    if not m:
        return None
    word = part.upper() if m.group(1).isupper() else part
    found = path.with_name(path.name[:m.start()] + word + path.name[m.end():])
    return found if found.is_file() and found != path else None


def _cells(path: Path) -> Iterator[tuple[int, list[str]]]:
    """Rows of an OFAC CSV file, '-0-' as empty, the end-of-file Ctrl-Z and blank lines skipped."""
    for line, row in enumerate(csv.reader(_open_text(path)), start=1):
        if not row or (len(row) == 1 and (not row[0].strip() or row[0].startswith("\x1a"))) \
                or row[0].startswith("\x1a"):
            continue
        yield line, [c.strip() if c.strip() != "-0-" else "" for c in row]


def read_alt(path: Path, entries: dict[str, Entry]) -> list[str]:
    """OFAC's alt.csv: ent_num, alt_num, alt_type (aka, fka, nka), alt_name, alt_remarks. Its
    aliases are OFAC's strong ones; one that repeats a weak alias of the remarks replaces it."""
    warnings = []
    for line, cells in _cells(path):
        if len(cells) < 4 or not cells[3]:
            warnings.append(f"{path.name}:{line}: expected ent_num, alt_num, alt_type, alt_name, alt_remarks")
            continue
        entry = entries.get(cells[0])
        if entry is None:
            warnings.append(f"{path.name}:{line}: entry {cells[0]} is not in the list; alias {cells[3]!r} skipped")
            continue
        same = [a for a in entry.aliases if fold(a.name) == fold(cells[3])]
        entry.aliases = [a for a in entry.aliases if a not in same] + [Alias(cells[3], weak=False)]
    return warnings


def read_add(path: Path, entries: dict[str, Entry], aliases: dict[str, str]) -> list[str]:
    """OFAC's add.csv: ent_num, add_num, address, city/state/province/postal code, country,
    add_remarks. The country joins the entry's countries, as the XML's addresses do."""
    warnings = []
    for line, cells in _cells(path):
        if len(cells) < 5:
            warnings.append(f"{path.name}:{line}: expected ent_num, add_num, address, city, country, add_remarks")
            continue
        entry = entries.get(cells[0])
        if entry is None:
            warnings.append(f"{path.name}:{line}: entry {cells[0]} is not in the list; address skipped")
            continue
        text = ", ".join(p for p in cells[2:5] if p)
        if text:
            entry.addresses.append(text)
        if cells[4] and (c := _country(cells[4], aliases)) and c not in entry.countries:
            entry.countries.append(c)
    return warnings


def read_ofac_csv(path: Path, version: str | None = None, alt: Path | None = None,
                  add: Path | None = None) -> ListFile:
    """OFAC's sdn.csv: ent_num, name, type, programs, title, call sign, vessel type, tonnage,
    GRT, vessel flag, vessel owner, remarks; no header; '-0-' means empty. ``alt`` and ``add``
    default to the alt.csv and add.csv found beside it."""
    aliases = country_aliases()
    entries: list[Entry] = []
    problems: list[Problem] = []
    for line, cells in _cells(path):
        if len(cells) < 12:
            problems.append(Problem(path.name, f"expected 12 fields, found {len(cells)}", line=line))
            continue
        entry = Entry(cells[0], cells[1], _KINDS.get(cells[2].lower(), "other"),
                      programs=[p.strip(" []") for p in cells[3].split("] [") if p.strip(" []")])
        parse_remarks(entry, cells[11], aliases)
        entries.append(entry)
    if problems and not entries:
        raise IngestError(problems)
    by_id = {e.entry_id: e for e in entries}
    files, warnings = [path], []
    if alt := alt or sibling(path, "alt"):
        files.append(alt)
        warnings += read_alt(alt, by_id)
    if add := add or sibling(path, "add"):
        files.append(add)
        warnings += read_add(add, by_id, aliases)
    for w in warnings[:20]:
        log.warning("%s", w)
    if len(warnings) > 20:
        log.warning("... and %d more rows of %s skipped", len(warnings) - 20, ", ".join(f.name for f in files[1:]))
    return ListFile("OFAC-SDN", version or _version_from_name(path) or "unknown", "ofac-csv", entries,
                    tuple(files), tuple(warnings))


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _children(el: ET.Element, name: str) -> Iterator[ET.Element]:
    return (c for c in el if _local(c.tag) == name)


def _text(el: ET.Element, name: str) -> str:
    found = next(_children(el, name), None)
    return (found.text or "").strip() if found is not None and found.text else ""


def _person_name(el: ET.Element) -> str:
    last, first = _text(el, "lastName"), _text(el, "firstName")
    return f"{last}, {first}" if first else last


def read_ofac_xml(path: Path, version: str | None = None) -> ListFile:
    """OFAC's sdn.xml (sdnList of sdnEntry elements, with or without a namespace)."""
    aliases = country_aliases()
    try:
        root = ET.parse(_open_text(path)).getroot()
    except ET.ParseError as exc:
        raise IngestError([Problem(path.name, f"not valid XML: {exc}")]) from exc
    published = ""
    for info in _children(root, "publshInformation"):
        published = _text(info, "Publish_Date")
    if published and not version:
        try:
            version = datetime.strptime(published, "%m/%d/%Y").date().isoformat()
        except ValueError:
            version = published
    entries: list[Entry] = []
    for el in _children(root, "sdnEntry"):
        kind = _KINDS.get(_text(el, "sdnType").lower(), "other")
        entry = Entry(_text(el, "uid"), _person_name(el), kind)
        for plist in _children(el, "programList"):
            entry.programs += [(p.text or "").strip() for p in _children(plist, "program") if p.text]
        for alist in _children(el, "akaList"):
            for aka in _children(alist, "aka"):
                entry.aliases.append(Alias(_person_name(aka), weak=_text(aka, "category").lower() == "weak"))
        for ilist in _children(el, "idList"):
            for ident_el in _children(ilist, "id"):
                label = _text(ident_el, "idType")
                scheme = ID_SCHEMES.get(label, re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_") or "id")
                entry.ids.append(f"{scheme}:{normalize_id(_text(ident_el, 'idNumber'))}")
                if (c := _country(_text(ident_el, "idCountry"), aliases)) and c not in entry.countries:
                    entry.countries.append(c)
        for dlist in _children(el, "dateOfBirthList"):
            entry.dobs += [_text(d, "dateOfBirth") for d in _children(dlist, "dateOfBirthItem")]
        for lname, iname, tname in (("nationalityList", "nationality", "country"),
                                    ("citizenshipList", "citizenship", "country"),
                                    ("placeOfBirthList", "placeOfBirthItem", "placeOfBirth")):
            for lst in _children(el, lname):
                for item in _children(lst, iname):
                    if (c := _country(_text(item, tname), aliases)) and c not in entry.countries:
                        entry.countries.append(c)
        for alist in _children(el, "addressList"):
            for addr in _children(alist, "address"):
                parts = [_text(addr, k) for k in ("address1", "city", "stateOrProvince", "postalCode", "country")]
                entry.addresses.append(", ".join(p for p in parts if p))
                if (c := _country(_text(addr, "country"), aliases)) and c not in entry.countries:
                    entry.countries.append(c)
        entry.remarks = _text(el, "remarks")
        entries.append(entry)
    return ListFile("OFAC-SDN", version or _version_from_name(path) or "unknown", "ofac-xml", entries, (path,))


def read_list(path: Path | str, version: str | None = None) -> ListFile:
    """Read a list file, choosing the reader by its content (XML starts with '<')."""
    path = Path(path)
    head = _open_text(path).read(200).lstrip("\ufeff \r\n\t")
    return read_ofac_xml(path, version) if head.startswith("<") else read_ofac_csv(path, version)


_MONTHS = {m: i for i, m in enumerate(("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT",
                                       "NOV", "DEC"), start=1)}


def dob_parts(dob: str) -> tuple[str | None, list[int]]:
    """A listed date of birth as (ISO date if complete, years it allows): '29 Mar 1990' ->
    ('1990-03-29', [1990]); '1960 to 1962' -> (None, [1960, 1961, 1962]); 'circa 1960' ->
    (None, [1959, 1960, 1961])."""
    text = dob.upper().strip()
    m = re.match(r"^(\d{1,2}) ([A-Z]{3}) (\d{4})$", text)
    if m and m.group(2) in _MONTHS:
        try:
            d = datetime(int(m.group(3)), _MONTHS[m.group(2)], int(m.group(1))).date()
            return d.isoformat(), [d.year]
        except ValueError:
            return None, [int(m.group(3))]
    years = [int(y) for y in re.findall(r"\d{4}", text)]
    if " TO " in text and len(years) == 2:
        return None, list(range(years[0], years[1] + 1))
    if "CIRCA" in text and years:
        return None, [years[0] - 1, years[0], years[0] + 1]
    return None, years
