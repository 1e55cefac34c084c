"""The labelled pairs that screening thresholds are tuned on, built from public list entries.

Run ``python -m tenaza.resolve.screening.pairs`` to rebuild
``tenaza/data/designations/screening_pairs.csv`` from the shipped SDN list (seed 5). Each
row is a query, as a US or Mexican record would write a party, and an SDN entry id:

* label 1: the entry's name in record order with accents ("Ovidio Guzmán López"), with the
  maternal surname dropped, with a typo, as a documented alias with the listed date of birth,
  with a nickname or English given name, by a listed identifier under another spelling of the
  name, a company with its legal form dropped or changed;
* label 0: a namesake (the same name) born at least eight years away from every listed date,
  a relative (the same surnames, another given name), the same given name and paternal
  surname with another maternal surname and another date of birth, a company one word away.
"""

from __future__ import annotations

import csv
import random
import re
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

from tenaza.resolve.screening.lists import Entry, dob_parts, read_list

DATA = Path(__file__).resolve().parents[2] / "data" / "designations"
SDN = DATA / "ofac_sdn_2024-05-03.csv.gz"
PAIRS = DATA / "screening_pairs.csv"
_ACCENTS = {"JOSE": "José", "JESUS": "Jesús", "RAMON": "Ramón", "JOAQUIN": "Joaquín", "LOPEZ": "López",
            "GUZMAN": "Guzmán", "RODRIGUEZ": "Rodríguez", "HERNANDEZ": "Hernández", "MARTINEZ": "Martínez",
            "GONZALEZ": "González", "SANCHEZ": "Sánchez", "PEREZ": "Pérez", "FELIX": "Félix", "ANGEL": "Ángel",
            "RAUL": "Raúl", "HECTOR": "Héctor", "GARCIA": "García", "NUNEZ": "Núñez", "MARIA": "María"}
_NICK = {"JOSE": "Pepe", "JESUS": "Chuy", "FRANCISCO": "Pancho", "EDUARDO": "Lalo", "GUILLERMO": "William",
         "IGNACIO": "Nacho", "ANTONIO": "Tony", "JUAN": "John", "MIGUEL": "Michael", "ENRIQUE": "Henry",
         "RICARDO": "Richard", "JORGE": "George", "ALEJANDRO": "Alex", "SALVADOR": "Chava", "JOAQUIN": "Chapo"}
OTHER_GIVEN = ["Mario", "Luis", "Carlos", "Pedro", "Alberto", "Sergio", "Martha", "Rosa", "Fernando", "Arturo"]
OTHER_SURNAMES = ["Salazar", "Mendoza", "Ortega", "Rivas", "Navarro", "Ibarra", "Delgado", "Campos"]


@dataclass(frozen=True)
class Pair:
    query_name: str
    query_kind: str
    query_dob: str
    query_country: str
    query_id: str
    entry_id: str
    label: int
    variant: str


def _accent(word: str) -> str:
    return _ACCENTS.get(word.upper(), word.title())


def _split(entry: Entry) -> tuple[list[str], list[str]]:
    surnames, _, given = entry.name.partition(",")
    return given.split(), surnames.split()


def _typo(rng: random.Random, word: str) -> str:
    if len(word) < 4:
        return word + word[-1]
    i = rng.randrange(1, len(word) - 1)
    return word[:i] + word[i + 1:]


def build(seed: int = 5, per_kind: int = 140) -> list[Pair]:
    rng = random.Random(seed)
    entries = read_list(SDN).entries
    drug = [e for e in entries if {"SDNTK", "ILLICIT-DRUGS-EO14059"} & set(e.programs)]
    people = [e for e in drug if e.kind == "person" and "," in e.name and len(_split(e)[1]) == 2 and _split(e)[0]]
    companies = [e for e in drug if e.kind == "company" and len(e.name.split()) >= 3]
    rng.shuffle(people)
    rng.shuffle(companies)
    out: list[Pair] = []
    for e in people[:per_kind]:
        given, (pat, mat) = _split(e)
        full_dob = next((d for d, _ in map(dob_parts, e.dobs) if d), "")
        years = sorted({y for _, ys in map(dob_parts, e.dobs) for y in ys})
        country = "MEX" if "MEX" in e.countries else (e.countries[0] if e.countries else "")
        g = " ".join(_accent(x) for x in given)
        variant = rng.choice(["record_order", "maternal_dropped", "typo", "nickname", "alias", "identifier"])
        if variant == "alias" and not e.aliases:
            variant = "record_order"
        if variant == "nickname" and given[0].upper() not in _NICK:
            variant = "maternal_dropped"
        if variant == "identifier" and not e.ids:
            variant = "typo"
        dob = full_dob if rng.random() < 0.6 else ""
        name = {"record_order": f"{g} {_accent(pat)} {_accent(mat)}",
                "maternal_dropped": f"{g} {_accent(pat)}",
                "typo": f"{g} {_typo(rng, pat.title())} {mat.title()}",
                "nickname": f"{_NICK.get(given[0].upper(), given[0])} {pat.title()} {mat.title()}",
                "alias": e.aliases[0].name if e.aliases else "",
                "identifier": f"{given[0].title()} {pat.title()}"}[variant]
        ident = e.ids[0] if variant == "identifier" else ""
        if variant == "alias":
            dob = full_dob
        out.append(Pair(name, "person", dob, country, ident, e.entry_id, 1, variant))
        # negatives about the same entry
        if years:
            far = years[0] - rng.randrange(8, 25)
            out.append(Pair(f"{g} {pat.title()} {mat.title()}", "person", f"{far}-0{rng.randrange(1, 9)}-1{rng.randrange(0, 9)}",
                            country, "", e.entry_id, 0, "namesake_other_dob"))
        other = rng.choice([x for x in OTHER_GIVEN if x.upper() not in {w.upper() for w in given}])
        out.append(Pair(f"{other} {pat.title()} {mat.title()}", "person", "", country, "", e.entry_id, 0, "relative"))
        out.append(Pair(f"{g} {pat.title()} {rng.choice(OTHER_SURNAMES)}", "person",
                        f"{(years[0] + 15) if years else 1999}-05-05", country, "", e.entry_id, 0, "other_maternal"))
    for e in companies[: per_kind // 2]:
        core = re.sub(r",?\s*(S\.A\. DE C\.V\.|S\. DE R\.L\. DE C\.V\.|S\.A\.|LLC|INC\.|LTDA\.)$", "", e.name).strip()
        form = rng.choice(["", " SA DE CV", ", S.A.P.I. de C.V.", " LLC"])
        out.append(Pair(f"{core.title()}{form}", "company", "", "MEX", "", e.entry_id, 1, "legal_form"))
        words = core.split()
        i = max(range(len(words)), key=lambda k: len(words[k]))
        words[i] = rng.choice(["NORTE", "PACIFICO", "GOLFO", "SIERRA", "AZTECA"])
        out.append(Pair(" ".join(words).title() + form, "company", "", "MEX", "", e.entry_id, 0, "company_one_word"))
    return out


def write(path: Path = PAIRS, seed: int = 5) -> int:
    pairs = build(seed)
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(asdict(pairs[0])))
        writer.writeheader()
        writer.writerows(asdict(p) for p in pairs)
    return len(pairs)


def read(path: Path = PAIRS) -> list[Pair]:
    with path.open(encoding="utf-8", newline="") as fh:
        return [Pair(r["query_name"], r["query_kind"], r["query_dob"], r["query_country"], r["query_id"],
                     r["entry_id"], int(r["label"]), r["variant"]) for r in csv.DictReader(fh)]


if __name__ == "__main__":
    sys.stdout.write(f"{write()} pairs written to {PAIRS}\n")
