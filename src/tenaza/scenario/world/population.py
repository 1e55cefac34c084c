"""The real people and companies of the synthetic world, before any source records them.

Every source file later renders these entities in its own way (with variations), so the
population is the ground truth of identity: ``entity_id`` ties each party record back to it.
Sizes are in the hundreds of thousands at most, so per-entity work here is cheap next to the
per-transaction work, which is vectorised.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tenaza.scenario.sources.records import nullable
from tenaza.scenario.world import identifiers as ids
from tenaza.scenario.world import pools
from tenaza.scenario.world.config import ScenarioConfig

# origin of a person: where born and where living
MX_RESIDENT, MX_BORN_IN_US, US_BORN = 0, 1, 2
US_INDUSTRIES = ("exporter", "retail", "restaurant", "car_dealer", "logistics", "produce", "holding")
US_INDUSTRY_W = (0.30, 0.20, 0.15, 0.08, 0.10, 0.12, 0.05)
MX_INDUSTRIES = ("importer", "carrier", "retail", "restaurant", "exchange", "chemical", "exporter", "holding")
MX_INDUSTRY_W = (0.28, 0.14, 0.16, 0.10, 0.04, 0.05, 0.18, 0.05)


def one_of(rng: np.random.Generator, seq: tuple[str, ...]) -> str:
    """One item; cheaper than Generator.choice on a tuple, which converts it to an array each call."""
    return seq[int(rng.integers(0, len(seq)))]


def zipf(n: int, s: float = 0.9) -> np.ndarray:
    w: np.ndarray = 1.0 / np.arange(1, n + 1) ** s
    out: np.ndarray = w / w.sum()
    return out


@dataclass
class Persons:
    origin: np.ndarray
    female: np.ndarray
    given: list[str]
    paternal: list[str]
    maternal: list[str | None]
    dob: np.ndarray
    country: np.ndarray
    state: list[str]
    city: list[str]
    address: list[str]
    phone: list[str]
    rfc: list[str | None]
    curp: list[str | None]
    ssn: list[str | None]

    def __len__(self) -> int:
        return len(self.origin)

    def full_name(self, i: int) -> str:
        return " ".join(p for p in (self.given[i], self.paternal[i], self.maternal[i]) if p)


@dataclass
class Companies:
    name: list[str]
    country: np.ndarray
    industry: np.ndarray
    state: list[str]
    city: list[str]
    address: list[str]
    founded: np.ndarray
    rfc: list[str | None]
    ein: list[str | None]

    def __len__(self) -> int:
        return len(self.name)


def _place_us(rng: np.random.Generator, border_bias: float = 1.0) -> tuple[str, str]:
    w = np.array([s[2] * (border_bias if s[1] in pools.BORDER_US else 1.0) for s in pools.US_STATES], float)
    st = pools.US_STATES[int(rng.choice(len(w), p=w / w.sum()))]
    return st[1], st[3][int(rng.integers(0, len(st[3])))]


def _place_mx(rng: np.random.Generator) -> tuple[str, str]:
    w = np.array([s[1] for s in pools.MX_STATES], float)
    st = pools.MX_STATES[int(rng.choice(len(w), p=w / w.sum()))]
    return st[0], st[2][int(rng.integers(0, len(st[2])))]


def _pick(rng: np.random.Generator, pool: tuple[str, ...], n: int, s: float = 0.9) -> np.ndarray:
    return np.array(pool, dtype=object)[rng.choice(len(pool), n, p=zipf(len(pool), s))]


def _places(rng: np.random.Generator, n: int, country: str, border_bias: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """States and cities for n residents, with per-person bias towards the border states."""
    table: list[tuple[str, float, tuple[str, ...]]]
    if country == "MEX":
        table = [(s[0], s[1], s[2]) for s in pools.MX_STATES]
        border = np.zeros(len(table), bool)
    else:
        table = [(s[1], s[2], s[3]) for s in pools.US_STATES]
        border = np.array([s[1] in pools.BORDER_US for s in pools.US_STATES])
    w = np.array([t[1] for t in table], float)
    states = np.empty(n, dtype=object)
    cities = np.empty(n, dtype=object)
    for bias in np.unique(border_bias):
        rows = np.flatnonzero(border_bias == bias)
        wb = w * np.where(border, bias, 1.0)
        st = rng.choice(len(table), len(rows), p=wb / wb.sum())
        for k in np.unique(st):
            r = rows[st == k]
            states[r] = table[k][0]
            cities[r] = np.array(table[k][2], dtype=object)[rng.integers(0, len(table[k][2]), len(r))]
    return states, cities


def make_persons(cfg: ScenarioConfig) -> Persons:
    """People drawn column by column; only identifiers with check digits are made one by one."""
    rng = cfg.rng("persons")
    n_us, n_mx = cfg.sizes.persons_us, cfg.sizes.persons_mx
    origin = np.concatenate([np.full(n_mx, MX_RESIDENT), rng.choice([MX_BORN_IN_US, US_BORN], n_us, p=[0.35, 0.65])])
    n = len(origin)
    female = rng.random(n) < 0.5
    spanish = origin != US_BORN
    dob = np.datetime64("1950-01-01") + rng.integers(0, 365 * 52, n).astype("timedelta64[D]")
    given = np.empty(n, dtype=object)
    for sp, fem, pool in ((True, False, pools.MX_GIVEN_M), (True, True, pools.MX_GIVEN_F),
                          (False, False, pools.US_GIVEN_M), (False, True, pools.US_GIVEN_F)):
        rows = np.flatnonzero((spanish == sp) & (female == fem))
        first = _pick(rng, pool, len(rows))
        second = np.array(pool, dtype=object)[rng.integers(0, len(pool), len(rows))]
        compound = sp & (rng.random(len(rows)) < 0.45) & (second != first)
        given[rows] = np.where(compound, first + " " + second, first)
    paternal = np.where(spanish, _pick(rng, pools.MX_SURNAMES, n, 0.7), _pick(rng, pools.US_SURNAMES, n, 0.7))
    maternal = nullable(spanish, _pick(rng, pools.MX_SURNAMES, n, 0.7))
    state = np.empty(n, dtype=object)
    city = np.empty(n, dtype=object)
    mx = origin == MX_RESIDENT
    state[mx], city[mx] = _places(rng, int(mx.sum()), "MEX", np.ones(int(mx.sum())))
    state[~mx], city[~mx] = _places(rng, int((~mx).sum()), "USA", np.where(spanish[~mx], 2.5, 1.0))
    num = rng.integers(1, 9999, n)
    street_mx = np.array(pools.STREETS_MX, dtype=object)[rng.integers(0, len(pools.STREETS_MX), n)]
    street_us = np.array(pools.STREETS_US, dtype=object)[rng.integers(0, len(pools.STREETS_US), n)]
    a, b, c = rng.integers(201, 989, n), rng.integers(200, 999, n), rng.integers(1000, 9999, n)
    address = [f"{sm} {k % 3000}, Col. Centro" if m else f"{k} {su}"
               for sm, su, k, m in zip(street_mx, street_us, num, mx, strict=True)]
    phone = [f"+52 {x} {y} {z}" if m else f"({x}) {y}-{z}" for x, y, z, m in zip(a, b, c, mx, strict=True)]
    ssns = ids.ssn(n, rng)
    has_ssn = (origin == US_BORN) | ((origin == MX_BORN_IN_US) & (rng.random(n) < 0.6))
    has_rfc = mx | (spanish & (rng.random(n) < 0.3))
    birth_state, _ = _places(rng, n, "MEX", np.ones(n))
    birth_state = np.where(mx, state, birth_state)
    curps: list[str | None] = [None] * n
    rfcs: list[str | None] = [None] * n
    iso = dob.astype(str)
    rand = rng.integers(0, 2**31, (n, 2)).tolist()
    for i in np.flatnonzero(spanish).tolist():
        curps[i] = ids.curp(given[i], paternal[i], maternal[i], iso[i], bool(female[i]), birth_state[i], rand[i][0])
        if has_rfc[i]:
            rfcs[i] = ids.rfc_person(given[i], paternal[i], maternal[i], iso[i], rand[i][1])
    return Persons(origin=origin, female=female, given=list(given), paternal=list(paternal), maternal=list(maternal),
                   dob=dob, country=np.where(mx, "MEX", "USA"), state=list(state), city=list(city),
                   address=address, phone=phone, rfc=rfcs, curp=curps,
                   ssn=[str(x) if h else None for x, h in zip(ssns, has_ssn, strict=True)])


def _company_name(rng: np.random.Generator, country: str, industry: str) -> str:
    """A company name; patterns mix place-like words and family names, as real registries do."""
    pattern = int(rng.integers(0, 3))
    if country == "MEX":
        prefix = {"carrier": "Autotransportes", "exchange": "Casa de Cambio", "chemical": "Química",
                  "importer": "Importadora", "exporter": "Exportadora"}.get(industry) or str(one_of(rng, pools.MX_CO_PREFIX))
        sur: tuple[str, ...] = pools.MX_SURNAMES
        core = (str(one_of(rng, pools.MX_CO_CORE)), f"{one_of(rng, sur)} Hermanos",
                f"{one_of(rng, sur)} {one_of(rng, sur)}")[pattern]
        return f"{prefix} {core} {one_of(rng, pools.MX_CO_SUFFIX)}"
    kind = {"logistics": "Freight", "car_dealer": "Auto Sales", "produce": "Produce", "restaurant": "Grill",
            "holding": "Holdings"}.get(industry) or str(one_of(rng, pools.US_CO_KIND))
    sur_us: tuple[str, ...] = pools.US_SURNAMES + pools.MX_SURNAMES[:30]
    core = (str(one_of(rng, pools.US_CO_CORE)), f"{one_of(rng, sur_us)} & Sons",
            f"{one_of(rng, pools.US_CO_CORE)} {one_of(rng, sur_us)}")[pattern]
    return f"{core} {kind} {one_of(rng, pools.US_CO_SUFFIX)}"


def make_companies(cfg: ScenarioConfig) -> Companies:
    rng = cfg.rng("companies")
    n_us, n_mx = cfg.sizes.companies_us, cfg.sizes.companies_mx
    industry = np.concatenate([rng.choice(US_INDUSTRIES, n_us, p=US_INDUSTRY_W),
                               rng.choice(MX_INDUSTRIES, n_mx, p=MX_INDUSTRY_W),
                               np.array(["supplier"] * len(pools.THIRD_CO))])
    country = np.concatenate([np.full(n_us, "USA"), np.full(n_mx, "MEX"), [t[0] for t in pools.THIRD_CO]])
    n = len(country)
    founded = np.datetime64("1975-01-01") + rng.integers(0, 365 * 47, n).astype("timedelta64[D]")
    eins = ids.ein(n, rng)
    out = Companies(name=[], country=country, industry=industry, state=[], city=[], address=[], founded=founded,
                    rfc=[], ein=[])
    seen: set[str] = set()
    for i in range(n):
        if country[i] in ("USA", "MEX"):
            name = _company_name(rng, str(country[i]), str(industry[i]))
            while name in seen:  # a registry holds each company name once
                name = _company_name(rng, str(country[i]), str(industry[i]))
                if name in seen:  # a large world exhausts the patterns: number the branch, as registries do
                    name = name.replace(" S.A.", f" {rng.integers(2, 99)} S.A.").replace(" LLC", f" {rng.integers(2, 99)} LLC")
        else:
            t = pools.THIRD_CO[i - n_us - n_mx]
            name = f"{t[1]} {t[2]}"
        seen.add(name)
        out.name.append(name)
        if country[i] == "MEX":
            state, city = _place_mx(rng)
            out.address.append(f"{one_of(rng, pools.STREETS_MX)} {rng.integers(1, 5000)}, Parque Industrial")
            out.rfc.append(ids.rfc_company(name, str(founded[i]), int(rng.integers(0, 2**31))))
            out.ein.append(None)
        elif country[i] == "USA":
            state, city = _place_us(rng, border_bias=3.0)
            out.address.append(f"{rng.integers(100, 99999)} {one_of(rng, pools.STREETS_US)}")
            out.rfc.append(None)
            out.ein.append(str(eins[i]))
        else:
            state, city = "", ""
            out.address.append("")
            out.rfc.append(None)
            out.ein.append(None)
        out.state.append(state)
        out.city.append(city)
    return out


def add_companies(cos: Companies, cfg: ScenarioConfig, specs: list[tuple[str, str]], tag: str) -> np.ndarray:
    """Append companies (country, industry) founded recently (front companies) and return their indices."""
    rng = cfg.rng("companies-added", len(tag))
    start = len(cos)
    for country, industry in specs:
        taken = set(cos.name)
        name = _company_name(rng, country, industry)
        while name in taken:
            name = _company_name(rng, country, industry)
        founded = cfg.start_day - np.timedelta64(int(rng.integers(60, 900)), "D")
        cos.name.append(name)
        cos.country = np.append(cos.country, country)
        cos.industry = np.append(cos.industry, industry)
        cos.founded = np.append(cos.founded, founded)
        if country == "MEX":
            state, city = _place_mx(rng)
            cos.rfc.append(ids.rfc_company(name, str(founded), int(rng.integers(0, 2**31))))
            cos.ein.append(None)
            cos.address.append(f"{one_of(rng, pools.STREETS_MX)} {rng.integers(1, 5000)}, Int. {rng.integers(1, 30)}")
        else:
            state, city = _place_us(rng, border_bias=6.0)
            cos.rfc.append(None)
            cos.ein.append(str(ids.ein(1, rng)[0]))
            cos.address.append(f"{rng.integers(100, 99999)} {one_of(rng, pools.STREETS_US)} Suite {rng.integers(100, 400)}")
        cos.state.append(state)
        cos.city.append(city)
    return np.arange(start, len(cos))
