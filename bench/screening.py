"""Screening quality on a held-out set, before and after, with a rapidfuzz baseline; and speed.

    .venv/bin/python bench/screening.py [--before REV] [--seed 2026] [--speed 1000000]

Quality. A held-out set is generated deterministically (``--seed``) from the shipped SDN copy,
as US and Mexican records write names, in the way the weak spots of issue 11 were found:

* positives, each a perturbed name of a listed Mexican person, company or trafficking
  organization, with the entry it should hit: persons in record order with accents, with
  surnames in capitals, without the maternal surname, with a typo; companies with their legal
  form written out or abbreviated another way ("Sociedad Anónima de Capital Variable",
  "S. de R.L.", "S.P.R. de R.I.", "S.R.L. de C.V.", "S.A.P.I. de C.V.", "S.C.", "A.C.", LLC,
  Inc., Corp., L.P., Co., Ltd ...) or dropped, with a typo in a name of one or two words or
  in a longer one; organizations translated between Spanish and English ("Cártel del Golfo"
  for GULF CARTEL, "Cártel de los Beltrán Leyva" for BELTRAN LEYVA ORGANIZATION). Half of
  them carry no nationality, half a date of birth where one is listed;
* negatives, realistic names that are not listed: Mexican and US persons drawn from common
  given names and surnames, relatives of listed persons (the same two surnames, another given
  name), companies made of common business words, companies one word away from listed ones,
  and companies and groups built from the organization words themselves ("Transportes del
  Golfo", "Constructora Nueva Generación"). A generated name whose tokens are those of a
  listed name is dropped (it is a namesake, and any screen should flag it).

A positive counts when its entry scores at or above the threshold; a negative is a false
positive when any entry does. The same queries are scored by the code of ``--before`` (a git
revision, extracted with ``git archive`` and run in a subprocess), by the working tree, and by
a rapidfuzz baseline: ``token_sort_ratio`` of the query against every listed name and alias,
with the threshold at which its false-positive rate is no higher than tenaza's.

Speed. ``--speed N`` screens N generated party names (bench/resolve.py's generator: US and
Mexican persons and companies, with their variation) against the full shipped list plus a
synthetic alt.csv, which gives each entry the strong aliases OFAC's real alt.csv gives it
(about one more name per entry: the shipped copy has no alt.csv), and prints the wall time.
"""

from __future__ import annotations

import argparse
import importlib.util
import io
import json
import os
import random
import re
import subprocess
import sys
import tarfile
import tempfile
import time
import unicodedata
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "src" / "tenaza" / "data" / "designations" / "ofac_sdn_2024-05-03.csv.gz"
BEFORE = "1e3dae7"  # main before issue 11's screening work


@dataclass(frozen=True)
class Query:
    name: str
    kind: str
    dob: str
    country: str
    entry_id: str  # '' for a negative
    variant: str


# ---------------------------------------------------------------------------------------------
# The held-out set. Its own small tables: the generator must not borrow the matcher's data files.

ACCENTS = {"JOSE": "José", "JESUS": "Jesús", "RAMON": "Ramón", "JOAQUIN": "Joaquín", "LOPEZ": "López",
           "GUZMAN": "Guzmán", "RODRIGUEZ": "Rodríguez", "HERNANDEZ": "Hernández", "MARTINEZ": "Martínez",
           "GONZALEZ": "González", "SANCHEZ": "Sánchez", "PEREZ": "Pérez", "FELIX": "Félix", "ANGEL": "Ángel",
           "RAUL": "Raúl", "HECTOR": "Héctor", "GARCIA": "García", "NUNEZ": "Núñez", "MARIA": "María",
           "BELTRAN": "Beltrán", "GOMEZ": "Gómez", "DIAZ": "Díaz", "RAMIREZ": "Ramírez", "JIMENEZ": "Jiménez",
           "VAZQUEZ": "Vázquez", "FERNANDEZ": "Fernández", "MARQUEZ": "Márquez", "CESAR": "César",
           "OSCAR": "Óscar", "ADRIAN": "Adrián", "MARTIN": "Martín", "IVAN": "Iván", "ALVAREZ": "Álvarez",
           "GUTIERREZ": "Gutiérrez", "CASTANEDA": "Castañeda", "AGRICOLA": "Agrícola", "CORPORACION": "Corporación",
           "ASOCIACION": "Asociación", "TURISTICOS": "Turísticos", "ELECTRONICOS": "Electrónicos",
           "ACUATICO": "Acuático", "PACIFICO": "Pacífico", "CONSULTORIA": "Consultoría"}
FORMS_WRITTEN = ["Sociedad Anónima de Capital Variable", "Sociedad de Responsabilidad Limitada de Capital Variable",
                 "Sociedad de Responsabilidad Limitada", "Sociedad de Producción Rural de Responsabilidad Limitada",
                 "Sociedad Civil", "Sociedad Anónima"]
FORMS_ABBREVIATED = ["S. de R.L.", "S.P.R. de R.L.", "S.P.R. de R.I.", "S.R.L. de C.V.", "S.A.P.I. de C.V.",
                     "S.C.", "A.C.", "S. A. de C. V.", "S.A. de C.V.", "SA DE CV", "S. de R.L. de C.V."]
FORMS_US = ["LLC", "Inc.", "Corp.", "L.P.", "LLP", "Co.", "Ltd", "Corporation", "Incorporated", "L.L.C."]
LISTED_FORM = re.compile(r",?\s*(S\.\s?A\.\s?(DE|DE C\.V\.|DE C\. V\.)?|S\.A\.P\.I\. DE C\.V\.|S\. DE R\.\s?L\.( DE C\.V\.)?"
                         r"|S\.P\.R\. DE R\.\s?[LI]\.( DE C\.V\.)?|S\.C\.|A\.C\.|SOCIEDAD CIVIL|LLC|INC\.?|CORP\.?"
                         r"|LTDA?\.?|S\.A\.C\.|A\. EN P\.|CO\.,? LTD\.?|LIMITED|S\.A\.)\s*$")
ES_EN = {"CARTEL": "Cartel", "GOLFO": "Gulf", "NORESTE": "Northeast", "NUEVA": "New", "GENERACION": "Generation",
         "FAMILIA": "Family", "MICHOACANA": "Michoacan", "CABALLEROS": "Knights", "TEMPLARIOS": "Templars",
         "HERMANOS": "Brothers", "JALISCO": "Jalisco"}
EN_ES = {"GULF": "Golfo", "NORTHEAST": "Noreste", "MEXICAN": "Mexicana", "FEDERATION": "Federación",
         "NEW": "Nueva", "GENERATION": "Generación", "BROTHERS": "Hermanos"}
GIVEN = ["José", "Juan", "Luis", "Carlos", "Jorge", "Miguel", "Francisco", "Jesús", "Antonio", "Alejandro",
         "Manuel", "Ricardo", "Fernando", "Roberto", "Eduardo", "Sergio", "Javier", "Raúl", "Arturo", "Pedro",
         "Martín", "Héctor", "Rafael", "Daniel", "Óscar", "Guadalupe", "María", "Ana", "Rosa", "Laura", "Patricia",
         "Alejandra", "Verónica", "Claudia", "Gabriela", "Adriana", "Elena", "Silvia", "Leticia", "Norma",
         "Juan Carlos", "José Luis", "José Antonio", "María Guadalupe", "Luis Alberto", "Ana María", "Víctor Manuel",
         "Jesús Alberto", "Marco Antonio", "Juan Manuel"]
SURNAMES = ["Hernández", "García", "Martínez", "López", "González", "Pérez", "Rodríguez", "Sánchez", "Ramírez",
            "Cruz", "Flores", "Gómez", "Morales", "Vázquez", "Reyes", "Jiménez", "Torres", "Díaz", "Gutiérrez",
            "Ruiz", "Mendoza", "Aguilar", "Ortiz", "Moreno", "Castillo", "Romero", "Álvarez", "Méndez", "Chávez",
            "Rivera", "Juárez", "Ramos", "Domínguez", "Herrera", "Medina", "Castro", "Vargas", "Guzmán",
            "Velázquez", "Muñoz", "Rojas", "Contreras", "Salazar", "Luna", "Ortega", "Guerrero", "Estrada",
            "Bautista", "Cortés", "Soto", "Alvarado", "Espinoza", "Lara", "Ávila", "Ríos", "Cervantes", "Silva",
            "Delgado", "Vega", "Márquez", "Sandoval", "Carrillo", "León", "Mejía", "Solís", "Ibarra", "Navarro",
            "Rosales", "Robles", "Félix", "Zamora", "Quintero", "Beltrán", "Valenzuela", "Gastélum", "Sauceda"]
US_GIVEN = ["Michael", "James", "John", "Robert", "David", "William", "Mary", "Jennifer", "Linda", "Susan",
            "Christopher", "Daniel", "Matthew", "Anthony", "Mark", "Ashley", "Emily", "Sarah", "Kevin", "Brian"]
US_SURNAMES = ["Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson", "Anderson", "Taylor",
               "Thomas", "Moore", "Jackson", "Martin", "Lee", "Thompson", "White", "Harris", "Clark", "Lewis"]
BUSINESS = ["Comercializadora", "Distribuidora", "Transportes", "Servicios", "Constructora", "Inmobiliaria",
            "Grupo", "Agrícola", "Importadora", "Exportadora", "Operadora", "Consultoría", "Desarrollos",
            "Abarrotes", "Farmacia", "Autotransportes", "Logística", "Materiales", "Maquinaria", "Alimentos"]
PLACES = ["del Norte", "del Pacífico", "de Sinaloa", "de Sonora", "de Jalisco", "del Bajío", "de Occidente",
          "Tijuana", "Culiacán", "Monterrey", "del Valle", "Azteca", "Integral", "Industrial", "Express",
          "San Miguel", "Santa Fe", "La Paz", "Los Mochis", "Hermosillo"]
US_BUSINESS = ["Logistics", "Trading", "Holdings", "Capital", "Imports", "Freight", "Auto Sales", "Construction",
               "Properties", "Consulting"]
ORG_DECOYS = ["Transportes del Golfo", "Servicios del Noreste", "Constructora Nueva Generación", "Grupo del Pacífico",
              "Hermanos {s} Transportes", "Organización Deportiva {s}", "Distribuidora del Golfo",
              "Abarrotes Hermanos {s}", "Farmacias Nueva Generación", "Familia {s} Restaurantes",
              "Asociación de Caballeros {s}", "Noreste Logistics", "Gulf Coast Freight", "New Generation Auto Sales",
              "Cartel Publicidad {s}", "Organización Educativa del Noreste", "Fundación Familia {s}"]


def fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.upper())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", re.sub(r"[^A-Z0-9 ]+", " ", text.replace(".", ""))).strip()


def title(word: str) -> str:
    return ACCENTS.get(word.upper(), word.capitalize())


def typo(rng: random.Random, word: str) -> str:
    """One edit inside a word: a dropped, doubled, swapped or changed letter."""
    if len(word) < 4:
        return word + word[-1]
    i = rng.randrange(1, len(word) - 1)
    kind = rng.choice(["drop", "double", "swap", "change"])
    if kind == "drop":
        return word[:i] + word[i + 1:]
    if kind == "double":
        return word[:i] + word[i] + word[i:]
    if kind == "swap" and i < len(word) - 1:
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    return word[:i] + rng.choice("aeiourlsn".replace(word[i].lower(), "")) + word[i + 1:]


def _listed_dob(dobs: list[str]) -> str:
    months = {m: i for i, m in enumerate(("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT",
                                          "NOV", "DEC"), start=1)}
    for d in dobs:
        m = re.match(r"^(\d{2}) ([A-Za-z]{3}) (\d{4})$", d.strip())
        if m and m.group(2).upper() in months:
            return f"{m.group(3)}-{months[m.group(2).upper()]:02d}-{m.group(1)}"
    return ""


def build(seed: int) -> list[Query]:
    sys.path.insert(0, str(ROOT / "src"))
    from tenaza.resolve.screening.lists import read_list

    rng = random.Random(seed)
    entries = read_list(SHIPPED).entries
    out: list[Query] = []
    listed_tokens = {frozenset(fold(n).split()) for e in entries for n in [e.name, *(a.name for a in e.aliases)]}

    def nat() -> str:
        return "MEX" if rng.random() < 0.5 else ""

    people = [e for e in entries if e.kind == "person" and "MEX" in e.countries and "," in e.name]
    for e in people:
        before, _, after = e.name.partition(",")
        surnames, given = before.split(), after.split()
        if not given or not surnames:
            continue
        dob = _listed_dob(e.dobs) if rng.random() < 0.5 else ""
        g, s = " ".join(title(x) for x in given), [title(x) for x in surnames]
        variant = rng.choice(["record_order", "surnames_caps", "maternal_dropped", "typo"])
        if variant == "maternal_dropped" and len(s) < 2:
            variant = "record_order"
        if variant == "record_order":
            name = f"{g} {' '.join(s)}"
        elif variant == "surnames_caps":
            name = f"{g} {' '.join(x.upper() for x in s)}"
        elif variant == "maternal_dropped":
            name = f"{g} {' '.join(s[:-1])}"
        else:
            toks = [*g.split(), *s]
            i = rng.choice([k for k, t in enumerate(toks) if len(t) >= 4] or [0])
            toks[i] = typo(rng, toks[i])
            name = " ".join(toks)
        country = nat()
        out.append(Query(name, "person", dob, country, e.entry_id, f"person_{variant}" + ("" if country else "+no_nat")))

    companies = [e for e in entries if e.kind == "company" and not {"CARTEL", "ORGANIZATION"} & set(fold(e.name).split())
                 and ("MEX" in e.countries or re.search(r"DE C\.\s?V\.|S\.P\.R\.|S\. DE R\.L\.|S\.C\.$", e.name))]
    for e in companies:
        core = LISTED_FORM.sub("", e.name).strip(" ,")
        words = core.split()
        if not words:
            continue
        variant = rng.choice(["form_written_out", "form_abbreviated", "form_us", "form_dropped", "typo"])
        if variant == "typo":
            i = max(range(len(words)), key=lambda k: len(words[k]))
            words = [*words]
            words[i] = typo(rng, words[i])
            variant = "typo_short" if len(words) <= 2 else "typo_long"
        base = " ".join(title(w) for w in words)
        form = {"form_written_out": rng.choice(FORMS_WRITTEN), "form_abbreviated": rng.choice(FORMS_ABBREVIATED),
                "form_us": rng.choice(FORMS_US), "form_dropped": ""}.get(variant, rng.choice(["", "S.A. de C.V."]))
        sep = rng.choice([" ", ", "]) if form else ""
        country = nat()
        out.append(Query(f"{base}{sep}{form}", "company", "", country, e.entry_id,
                         f"company_{variant}" + ("" if country else "+no_nat")))

    def spanish(name: str) -> list[str]:
        toks = fold(name).split()
        if toks[-1] not in ("CARTEL", "ORGANIZATION") or len(toks) < 2:
            return []
        rest = [t for t in toks[:-1] if t not in ("DRUG", "TRAFFICKING")]
        if not rest:
            return []
        rest_es = " ".join(EN_ES.get(t, title(t)) for t in rest)
        family = len(rest) >= 2 and toks[-1] == "ORGANIZATION"
        place = "del" if rest[0] in EN_ES else "de"
        return [f"Cártel {'de los' if family else place} {rest_es}", f"Cartel {place} {rest_es}",
                f"Organización {rest_es}"]

    def english(name: str) -> list[str]:
        toks = [t for t in fold(name).split() if t not in ("DE", "LA", "LOS", "DEL")]
        if not set(toks) & set(ES_EN):
            return []
        if toks[0] == "CARTEL":
            return [" ".join(ES_EN.get(t, t.title()) for t in toks[1:]) + " Cartel"]
        return ["The " + " ".join(ES_EN.get(t, t.title()) for t in reversed(toks)) if len(toks) == 2
                else " ".join(ES_EN.get(t, t.title()) for t in toks)]

    orgs = [e for e in entries if e.kind == "company" and {"SDNTK", "ILLICIT-DRUGS-EO14059"} & set(e.programs)]
    for e in orgs:
        for n in [e.name, *(a.name for a in e.aliases)]:
            for q in spanish(n) + english(n):
                country = nat()
                out.append(Query(q, "organization", "", country, e.entry_id,
                                 "organization_words" + ("" if country else "+no_nat")))

    # negatives
    n_neg = 3000
    listed_people = [(e.name.split(",")[0].split(), e.name.split(",", 1)[1].split()) for e in people]
    listed_companies = [LISTED_FORM.sub("", e.name).strip(" ,").split() for e in companies]
    negatives: list[Query] = []
    seen: set[str] = set()
    while len(negatives) < n_neg:
        r = rng.random()
        dob = (date(1950, 1, 1) + timedelta(days=rng.randrange(20000))).isoformat() if rng.random() < 0.5 else ""
        if r < 0.55:
            name, kind, v = f"{rng.choice(GIVEN)} {rng.choice(SURNAMES)} {rng.choice(SURNAMES)}", "person", "mx_person"
            if rng.random() < 0.3:
                name = " ".join(name.split()[:-1])
        elif r < 0.65:
            sur, giv = rng.choice(listed_people)
            other = rng.choice([x for x in GIVEN if fold(x).split()[0] not in giv])
            name, kind, v = f"{other} {' '.join(title(x) for x in sur)}", "person", "relative"
        elif r < 0.75:
            name, kind, v = f"{rng.choice(US_GIVEN)} {rng.choice(US_SURNAMES)}", "person", "us_person"
            dob = dob if rng.random() < 0.5 else ""
        elif r < 0.88:
            name = f"{rng.choice(BUSINESS)} {rng.choice(PLACES + [rng.choice(SURNAMES)])}"
            if rng.random() < 0.3:
                name = f"{rng.choice(US_SURNAMES)} {rng.choice(US_BUSINESS)}"
            name += rng.choice(["", " S.A. de C.V.", " S. de R.L. de C.V.", " LLC", " Inc.", ", S.C."])
            kind, v, dob = "company", "company", ""
        elif r < 0.94:
            words = [*rng.choice(listed_companies)]
            if not words:
                continue
            i = max(range(len(words)), key=lambda k: len(words[k]))
            words[i] = rng.choice(["NORTE", "PACIFICO", "GOLFO", "SIERRA", "AZTECA", "HIDALGO", "MORELOS"])
            name, kind, v, dob = " ".join(title(w) for w in words) + " S.A. de C.V.", "company", "company_one_word", ""
        else:
            name = rng.choice(ORG_DECOYS).format(s=rng.choice(SURNAMES))
            kind, v, dob = rng.choice(["company", "organization"]), "org_words_decoy", ""
        key = fold(name)
        if key in seen or frozenset(w for w in key.split() if w not in ("DE", "DEL", "LA", "LOS")) in listed_tokens \
                or frozenset(key.split()) in listed_tokens:
            continue
        seen.add(key)
        negatives.append(Query(name, kind, dob, "MEX" if rng.random() < 0.6 else "", "", v))
    return out + negatives


# ---------------------------------------------------------------------------------------------
# Scoring. ``score`` runs on whatever tenaza is importable: the working tree, or an older one in a
# subprocess, so it uses only what both have (Workspace, versions.load, engine.scratch, score_all).

def score(queries: list[dict[str, str]]) -> list[dict[str, float]]:
    from tenaza.resolve.engine import scratch
    from tenaza.resolve.screening.matcher import ScreeningConfig
    from tenaza.resolve.screening.screen import score_all
    from tenaza.resolve.screening.versions import load
    from tenaza.store import Workspace

    with tempfile.TemporaryDirectory() as tmp:
        ws = Workspace.create(Path(tmp) / "bench.duckdb")
        b = ws.backend
        now = datetime.now(UTC).replace(tzinfo=None)
        cols = {str(r[0]) for r in b.fetch("cols", "DESCRIBE ingest_log")}
        row: dict[str, Any] = {
            "ingest_id": 1, "target_table": "parties", "source": "q", "path": "q", "content_sha256": "q",
            "file_format": "csv", "rows_read": len(queries), "rows_accepted": len(queries), "rows_quarantined": 0,
            "values_repaired": 0, "ids_flagged": 0, "originator": "TENAZA", "releasable_to": ["MEX", "USA"],
            "started_at": now, "seconds": 0, "content_bytes": 0}
        row = {k: v for k, v in row.items() if k in cols}
        b.execute("log", f"INSERT INTO ingest_log ({', '.join(row)}) VALUES ({', '.join('$' + k for k in row)})", row)
        data: dict[str, list[Any]] = {
            "party_id": [str(i) for i in range(len(queries))], "kind": [q["kind"] for q in queries],
            "name": [q["name"] for q in queries], "dob": [q["dob"] or None for q in queries],
            "country": [q["country"] or None for q in queries], "ingest_id": [1] * len(queries),
            "source_row": list(range(2, len(queries) + 2))}
        b.execute("q", f"INSERT INTO parties_rows ({', '.join(data)}) SELECT "
                  + ", ".join(f"unnest(${c})" for c in data), data)
        version, _ = load(ws, SHIPPED)
        t0 = time.perf_counter()
        with scratch(b) as sx:
            score_all(sx, version.list_name, ScreeningConfig())
            got = sx.execute("SELECT record_id, entry_id, max(score) FROM s_scored GROUP BY ALL").fetchall()
        seconds = time.perf_counter() - t0
        threshold = ScreeningConfig().threshold
        ws.close()
    out: list[dict[str, float]] = [{} for _ in queries]
    for record_id, entry_id, s in got:
        out[int(str(record_id).split(":")[1]) - 2][str(entry_id)] = float(s)
    out.append({"__threshold__": threshold, "__seconds__": seconds})
    return out


def score_at(rev: str, queries: list[dict[str, str]]) -> list[dict[str, float]]:
    """``score`` with the tenaza of git revision ``rev``, in a subprocess."""
    with tempfile.TemporaryDirectory() as tmp:
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev, "src"], check=True, capture_output=True)
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
            tar.extractall(tmp, filter="data")
        qpath, opath = Path(tmp) / "q.json", Path(tmp) / "o.json"
        qpath.write_text(json.dumps(queries), encoding="utf-8")
        code = ("import json, sys, runpy; m = runpy.run_path(sys.argv[1]); import tenaza; "
                "assert tenaza.__file__.startswith(sys.argv[4]), tenaza.__file__; "
                "json.dump(m['score'](json.load(open(sys.argv[2]))), open(sys.argv[3], 'w'))")
        env = {**os.environ, "PYTHONPATH": str(Path(tmp) / "src")}
        subprocess.run([sys.executable, "-c", code, __file__, str(qpath), str(opath), str(Path(tmp) / "src")],
                       check=True, env=env, cwd=tmp)
        return list(json.loads(opath.read_text(encoding="utf-8")))


def rapidfuzz_scores(queries: list[Query]) -> tuple[list[float], list[float]]:
    """token_sort_ratio / 100 of each query against its entry's names (positives) and against
    every listed name (the best, for negatives)."""
    import numpy as np
    from rapidfuzz import fuzz, process, utils

    sys.path.insert(0, str(ROOT / "src"))
    from tenaza.resolve.screening.lists import read_list

    names, owners = [], []
    for e in read_list(SHIPPED).entries:
        for n in [e.name, *(a.name for a in e.aliases)]:
            names.append(n)
            owners.append(e.entry_id)
    owner = np.array(owners)
    m = process.cdist([q.name for q in queries], names, scorer=fuzz.token_sort_ratio, processor=utils.default_process,
                      workers=-1, dtype=np.uint8)
    best_any = m.max(axis=1) / 100.0
    own = [float(m[i, owner == q.entry_id].max()) / 100.0 if q.entry_id else 0.0 for i, q in enumerate(queries)]
    return own, [float(x) for x in best_any]


def rates(queries: list[Query], own: list[float], best_any: list[float], t: float) -> tuple[float, float, int, int]:
    pos = [i for i, q in enumerate(queries) if q.entry_id]
    neg = [i for i, q in enumerate(queries) if not q.entry_id]
    tp = sum(1 for i in pos if own[i] >= t)
    fp = sum(1 for i in neg if best_any[i] >= t)
    return tp / len(pos), fp / len(neg), tp, fp


def summarize(label: str, queries: list[Query], result: list[dict[str, float]]) -> dict[str, Any]:
    meta = result[-1]
    t = meta["__threshold__"]
    own = [r.get(q.entry_id, 0.0) if q.entry_id else 0.0 for q, r in zip(queries, result, strict=False)]
    best_any = [max(r.values(), default=0.0) for r in result[:-1]]
    recall, fpr, tp, fp = rates(queries, own, best_any, t)
    by: dict[str, list[int]] = {}
    for q, s in zip(queries, own, strict=False):
        if q.entry_id:
            for v in {q.variant.split("+")[0], "no_nat" if "+no_nat" in q.variant else "with_nat"}:
                by.setdefault(v, [0, 0])
                by[v][0] += s >= t
                by[v][1] += 1
    fps = sorted({q.name for q, s in zip(queries, best_any, strict=False) if not q.entry_id and s >= t})
    return {"contender": label, "threshold": t, "recall": round(recall, 4), "fpr": round(fpr, 4), "tp": tp, "fp": fp,
            "seconds": round(meta["__seconds__"], 1), "by_variant": {k: f"{a}/{n}" for k, (a, n) in sorted(by.items())},
            "false_positives": fps}


# ---------------------------------------------------------------------------------------------
# Speed.

def synthetic_alt(path: Path, seed: int = 7) -> int:
    """An alt.csv for the shipped list: per entry, about one strong alias of the kinds OFAC lists
    (another order or spelling of the name, a name without one of its parts)."""
    sys.path.insert(0, str(ROOT / "src"))
    from tenaza.resolve.screening.lists import read_list

    rng = random.Random(seed)
    rows = []
    for e in read_list(SHIPPED).entries:
        toks = fold(e.name).split()
        for k in range(rng.choice((0, 1, 1, 2))):
            alias = toks[:]
            if len(alias) > 2 and k == 0:
                del alias[rng.randrange(len(alias))]
            else:
                i = rng.randrange(len(alias))
                alias[i] = typo(rng, alias[i])
            rows.append(f'{e.entry_id},{len(rows) + 1},"aka","{" ".join(alias)}",-0- ')
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return len(rows)


def speed(n: int) -> None:
    from tenaza.resolve.screening.screen import screen
    from tenaza.resolve.screening.versions import load
    from tenaza.store import Workspace

    spec = importlib.util.spec_from_file_location("bench_resolve", ROOT / "bench" / "resolve.py")
    assert spec and spec.loader
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        rows, truth = gen.make_entities(n)
        ws = Workspace.create(Path(tmp) / "speed.duckdb")
        gen.load(ws, rows, truth)
        del rows
        release = Path(tmp) / "release"
        release.mkdir()
        sdn = release / "sdn_2024-05-03.csv"
        import gzip

        sdn.write_bytes(gzip.decompress(SHIPPED.read_bytes()))
        n_alt = synthetic_alt(release / "alt_2024-05-03.csv")
        version, _ = load(ws, sdn)
        names = int(ws.backend.scalar("n", "SELECT count(*) FROM parties"))
        print(f"generated and loaded {names:,} party records in {time.perf_counter() - t0:.1f}s; list "
              f"{version.entries:,} entries, {version.names:,} names ({n_alt:,} from the synthetic alt.csv)")
        t0, c0 = time.perf_counter(), time.process_time()
        report = screen(ws, version)
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        ws.close()
    print(f"tenaza screen: {report.names_screened:,} names x {version.names:,} listed names in {wall:.1f}s wall, "
          f"{cpu:.1f}s CPU, load {os.getloadavg()[0]:.1f}; {report.candidates:,} candidates, {len(report.hits):,} hits")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--before", default=BEFORE, help="git revision to measure as 'before' ('' to skip)")
    ap.add_argument("--speed", type=int, default=0, help="also time N party names against the full list")
    ap.add_argument("--dump", default=None, help="write the held-out queries and the summaries to this JSON file")
    a = ap.parse_args()
    queries = build(a.seed)
    pos = sum(1 for q in queries if q.entry_id)
    print(f"held-out set (seed {a.seed}): {pos:,} positives, {len(queries) - pos:,} negatives")
    plain = [asdict(q) for q in queries]
    results = []
    if a.before:
        results.append(summarize(f"tenaza at {a.before}", queries, score_at(a.before, plain)))
    results.append(summarize("tenaza (working tree)", queries, score(plain)))
    own, best_any = rapidfuzz_scores(queries)
    fpr_budget = results[-1]["fpr"]
    grid = [t / 100 for t in range(50, 101)]
    ok = [t for t in grid if rates(queries, own, best_any, t)[1] <= fpr_budget] or [1.0]
    t_rf = min(ok)
    recall, fpr, tp, fp = rates(queries, own, best_any, t_rf)
    results.append({"contender": "rapidfuzz token_sort_ratio", "threshold": t_rf, "recall": round(recall, 4),
                    "fpr": round(fpr, 4), "tp": tp, "fp": fp})
    for r in results:
        print(f"{r['contender']:32} threshold {r['threshold']:.2f}  recall {r['recall']:.4f} ({r['tp']}/{pos})  "
              f"false-positive rate {r['fpr']:.4f} ({r['fp']}/{len(queries) - pos})"
              + (f"  {r['seconds']}s" if "seconds" in r else ""))
        if "by_variant" in r:
            print("    " + "  ".join(f"{k} {v}" for k, v in r["by_variant"].items()))
            if r["false_positives"]:
                print("    false positives: " + "; ".join(r["false_positives"][:12]))
    if a.dump:
        Path(a.dump).write_text(json.dumps({"queries": plain, "results": results}, ensure_ascii=False, indent=1),
                                encoding="utf-8")
    if a.speed:
        speed(a.speed)


if __name__ == "__main__":
    main()
