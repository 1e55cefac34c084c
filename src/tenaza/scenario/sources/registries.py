"""The party registries (US bank customers, Mexican UIF registry) and the account files.

One record per holder and country: a Mexican financier who also banks in Texas appears in both
registries, written each country's way, with his identifiers where that country records them.
Identifiers are sometimes missing and sometimes mistyped (the check digit then fails), at the
rates in docs/scenario.md. Per-entity Python here is bounded by the population (a few hundred
thousand at the largest scale).
"""

from __future__ import annotations

import numpy as np

from tenaza.scenario.sources import catalogue as layouts
from tenaza.scenario.sources import variation as var
from tenaza.scenario.sources.records import nullable
from tenaza.scenario.sources.writer import Output
from tenaza.scenario.world import identifiers as ids
from tenaza.scenario.world.accounts import COMPANY, MSB, MX, PERSON, US
from tenaza.scenario.world.population import US_BORN
from tenaza.scenario.world.world import World

ID_RATES = {"ssn_missing": 0.05, "ssn_mistyped": 0.02, "rfc_missing": 0.08, "rfc_mistyped": 0.02,
            "curp_missing": 0.10, "curp_mistyped": 0.01, "ein_missing": 0.04}
PartyIds = dict[tuple[str, int], list[str]]


def _maybe(value: str | None, rng: np.random.Generator, missing: float, mistyped: float) -> str | None:
    if value is None or rng.random() < missing:
        return None
    return ids.mistype(value, rng) if rng.random() < mistyped else value


def write_registries(world: World, out: Output) -> tuple[PartyIds, dict[int, str]]:
    """Write both registries and both account files; return the party ids of every entity and
    the holder party id of every account."""
    rng = world.cfg.rng("registries")
    acc = world.accounts
    names = var.FreeNames(world.persons)
    party_ids: PartyIds = {}
    holder_pid: dict[int, str] = {}
    for country, layout, prefix in (("USA", layouts.US_PARTIES, "USP"), ("MEX", layouts.MX_PARTIES, "MXP")):
        systems = (US, MSB) if country == "USA" else (MX,)
        mask = np.isin(acc.system, systems)
        people = np.unique(acc.holder[mask & (acc.holder_kind == PERSON)])
        firms = np.unique(acc.holder[mask & (acc.holder_kind == COMPANY)])
        block = _people(world, names, people, country, rng)
        recs = [_company(world, int(j), country, rng) for j in firms]
        for k in block:
            block[k] = np.concatenate([block[k], np.array([r.get(k) for r in recs], dtype=block[k].dtype)])
        n_rows = len(people) + len(firms)
        order = rng.permutation(n_rows)  # registry order is not population order
        pid = np.empty(n_rows, dtype=object)
        pid[order] = [f"{prefix}{n + 1:07d}" for n in range(n_rows)]
        block["party_id"] = pid
        data = {k: v[order] for k, v in block.items()}
        out.write(layout, layout.render(data, n_rows))
        pid_of: dict[tuple[int, int], str] = {}
        for i, h in enumerate(people.tolist()):
            pid_of[(PERSON, h)] = pid[i]
            party_ids.setdefault(("person", h), []).append(pid[i])
        for i, h in enumerate(firms.tolist(), start=len(people)):
            pid_of[(COMPANY, h)] = pid[i]
            party_ids.setdefault(("company", h), []).append(pid[i])
        for a in np.flatnonzero(mask).tolist():
            holder_pid[a] = pid_of[(int(acc.holder_kind[a]), int(acc.holder[a]))]
    _write_accounts(world, out, holder_pid)
    return party_ids, holder_pid


def _ids(values: list[str | None], idx: np.ndarray, rng: np.random.Generator, missing: float,
         mistyped: float) -> np.ndarray:
    """Identifiers of the given people, some left out and some mistyped."""
    out = np.array([values[i] for i in idx.tolist()], dtype=object)
    n = len(out)
    out[rng.random(n) < missing] = None
    for i in np.flatnonzero((rng.random(n) < mistyped) & (out != None)):
        out[i] = ids.mistype(out[i], rng)
    return out


def _people(world: World, names: var.FreeNames, idx: np.ndarray, country: str, rng: np.random.Generator) -> dict[
        str, np.ndarray]:
    """Registry rows of people, column by column."""
    p = world.persons
    n = len(idx)
    origin = p.origin[idx]
    lives_in = p.country[idx]
    col = {k: np.array([getattr(p, k)[i] for i in idx.tolist()], dtype=object) for k in ("address", "city", "state",
                                                                                       "phone")}
    alias = np.array([";".join(world.aliases[i]) if i in world.aliases else None for i in idx.tolist()], dtype=object)
    alias[rng.random(n) >= 0.6] = None
    since = world.cfg.start_day - rng.integers(30, 5000, n).astype("timedelta64[D]")
    if country == "USA":
        garbled = rng.random(n) < var.RATES["mojibake"]  # the record went through a Latin-1 pipeline
        given, last = names.us_parts(idx, rng, keep_accents=garbled)
        upper = rng.random(n) < 0.5
        given = np.where(upper, var.upper(given), given)
        last = np.where(upper, var.upper(last), last)
        given, last = var.typos(given, rng), var.typos(last, rng)
        for i in np.flatnonzero(garbled):
            given[i], last[i] = var.mojibake(given[i]), var.mojibake(last[i])
        mexican = origin != US_BORN
        other = np.full(n, None, dtype=object)
        pick = np.flatnonzero(mexican & (rng.random(n) < 0.3))
        num = rng.integers(10**7, 10**9, len(pick))
        other[pick] = [f"matricula_consular:{x}" if x % 5 < 3 else f"passport:G{x % 10**8:08d}" for x in num.tolist()]
        email = np.full(n, None, dtype=object)
        pick = np.flatnonzero(rng.random(n) < 0.5)
        domains = np.array(["gmail.com", "yahoo.com", "outlook.com"], dtype=object)[rng.integers(0, 3, len(pick))]
        email[pick] = [f"{var.strip_accents(g.split()[0])}.{var.strip_accents(s).replace(' ', '')}{k}@{d}".lower()
                       for g, s, k, d in zip(names.given[idx[pick]], names.paternal[idx[pick]],
                                             rng.integers(1, 99, len(pick)).tolist(), domains, strict=True)]
        return {"kind": np.full(n, "person", dtype=object), "name": given + " " + last, "given_names": given,
                "paternal_surname": last, "maternal_surname": np.full(n, None, dtype=object), "aliases": alias,
                "dob": p.dob[idx], "nationality": np.where(mexican, "MEXICO", "US").astype(object),
                "ssn": _ids(p.ssn, idx, rng, ID_RATES["ssn_missing"], ID_RATES["ssn_mistyped"]),
                "ein": np.full(n, None, dtype=object), "rfc": np.full(n, None, dtype=object),
                "curp": np.full(n, None, dtype=object), "other_ids": other, "address": col["address"],
                "city": col["city"], "state": col["state"], "country": np.where(lives_in == "USA", "US", "MX").astype(
                    object), "phone": col["phone"], "email": email, "CUSTOMER SINCE": since}
    given, pat, mat = names.mx_parts(idx, rng)
    given, pat, mat = var.typos(var.upper(given), rng), var.typos(var.upper(pat), rng), var.upper(mat)
    full = given + " " + pat + np.where(mat == "", "", " " + mat)
    mat = nullable(mat != "", mat)
    return {"kind": np.full(n, "person", dtype=object), "name": full, "given_names": given, "paternal_surname": pat,
            "maternal_surname": mat, "aliases": alias, "dob": p.dob[idx],
            "nationality": np.where(origin != US_BORN, "MEX", "USA").astype(object),
            "ssn": np.full(n, None, dtype=object), "ein": np.full(n, None, dtype=object),
            "rfc": _ids(p.rfc, idx, rng, ID_RATES["rfc_missing"], ID_RATES["rfc_mistyped"]),
            "curp": _ids(p.curp, idx, rng, ID_RATES["curp_missing"], ID_RATES["curp_mistyped"]),
            "other_ids": np.full(n, None, dtype=object), "address": var.upper(col["address"]),
            "city": var.upper(col["city"]), "state": var.upper(col["state"]),
            "country": np.where(lives_in == "MEX", "MEX", "USA").astype(object), "phone": col["phone"],
            "email": np.full(n, None, dtype=object), "CUSTOMER SINCE": since}


def _company(world: World, j: int, country: str, rng: np.random.Generator) -> dict[str, object]:
    c = world.companies
    name = var.company(c, j, rng, spanish_source=country == "MEX")
    home = str(c.country[j])
    rec: dict[str, object] = {"kind": "company", "name": name, "dob": c.founded[j], "address": c.address[j] or None,
                              "city": c.city[j] or None, "state": c.state[j] or None}
    if country == "USA":
        rec.update({"country": {"USA": "US", "MEX": "MX"}.get(home, home), "nationality": None,
                    "ein": _maybe(c.ein[j], rng, ID_RATES["ein_missing"], 0.0), "ssn": None,
                    "other_ids": f"rfc:{c.rfc[j]}" if c.rfc[j] else None,
                    "CUSTOMER SINCE": world.cfg.start_day - np.timedelta64(int(rng.integers(30, 5000)), "D")})
    else:
        rec.update({"country": home, "nationality": home,
                    "rfc": _maybe(c.rfc[j], rng, ID_RATES["rfc_missing"], ID_RATES["rfc_mistyped"]),
                    "city": (c.city[j] or "").upper() or None, "state": (c.state[j] or "").upper() or None})
    return rec


def _write_accounts(world: World, out: Output, holder_pid: dict[int, str]) -> None:
    from tenaza.scenario.world import pools

    acc = world.accounts
    pl = world.places
    for layout, systems in ((layouts.US_ACCOUNTS, (US, MSB)), (layouts.MX_ACCOUNTS, (MX,))):
        rows = np.flatnonzero(np.isin(acc.system, systems))
        inst = [pools.MSB_NAME if acc.system[a] == MSB else pools.US_BANKS[acc.bank[a]][0] if acc.system[a] == US
                else pools.MX_BANKS[acc.bank[a]][0] for a in rows]
        data = {
            "account_id": [acc.account_id[a] for a in rows], "institution": inst,
            "institution_country": ["USA" if acc.system[a] != MX else "MEX" for a in rows],
            "holder_party_id": [holder_pid[int(a)] for a in rows], "kind": [str(acc.kind[a]) for a in rows],
            "opened": acc.opened[rows].astype("datetime64[D]"),
            "branch_state": [pl.state[acc.place[a]] for a in rows], "branch_city": [pl.city[acc.place[a]] for a in rows],
        }
        out.write(layout, layout.render(data, len(rows)))


__all__ = ["COMPANY", "PERSON", "write_registries"]
