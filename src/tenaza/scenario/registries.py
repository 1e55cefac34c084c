"""The party registries (US bank customers, Mexican UIF registry) and the account files.

One record per holder and country: a Mexican financier who also banks in Texas appears in both
registries, written each country's way, with his identifiers where that country records them.
Identifiers are sometimes missing and sometimes mistyped (the check digit then fails), at the
rates in docs/scenario.md. Per-entity Python here is bounded by the population (a few hundred
thousand at the largest scale).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from tenaza.scenario import identifiers as ids
from tenaza.scenario import layouts
from tenaza.scenario import variation as var
from tenaza.scenario.accounts import COMPANY, MSB, MX, PERSON, US
from tenaza.scenario.population import MX_RESIDENT
from tenaza.scenario.world import World
from tenaza.scenario.writer import Output

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
    party_ids: PartyIds = {}
    holder_pid: dict[int, str] = {}
    for country, layout, prefix in (("USA", layouts.US_PARTIES, "USP"), ("MEX", layouts.MX_PARTIES, "MXP")):
        systems = (US, MSB) if country == "USA" else (MX,)
        mask = np.isin(acc.system, systems)
        holders = sorted({(int(k), int(h)) for k, h in zip(acc.holder_kind[mask], acc.holder[mask], strict=True)})
        order = rng.permutation(len(holders))  # registry order is not population order
        cols: dict[str, list[object]] = {c.canonical or c.header: [] for c in layout.columns}
        pid_of: dict[tuple[int, int], str] = {}
        for n, o in enumerate(order):
            kind, h = holders[o]
            pid = f"{prefix}{n + 1:07d}"
            pid_of[(kind, h)] = pid
            party_ids.setdefault(("person" if kind == PERSON else "company", h), []).append(pid)
            rec = (_person(world, h, country, rng) if kind == PERSON else _company(world, h, country, rng))
            rec["party_id"] = pid
            for k, values in cols.items():
                values.append(rec.get(k))
        n_rows = len(order)
        data: dict[str, Any] = {k: v for k, v in cols.items() if k not in ("dob", "CUSTOMER SINCE")}
        data["dob"] = np.array(cols["dob"], dtype="datetime64[D]")
        if "CUSTOMER SINCE" in cols:
            data["CUSTOMER SINCE"] = np.array(cols["CUSTOMER SINCE"], dtype="datetime64[D]")
        out.write(layout, layout.render(data, n_rows))
        for a in np.flatnonzero(mask):
            holder_pid[int(a)] = pid_of[(int(acc.holder_kind[a]), int(acc.holder[a]))]
    _write_accounts(world, out, holder_pid)
    return party_ids, holder_pid


def _person(world: World, i: int, country: str, rng: np.random.Generator) -> dict[str, object]:
    p = world.persons
    alias = world.aliases.get(i, [])
    aka = ";".join(alias) if alias and rng.random() < 0.6 else None
    if country == "USA":
        r = var.person_us(p, i, rng)
        other = None
        if p.origin[i] != 2 and rng.random() < 0.3:
            other = f"matricula_consular:{rng.integers(10**8, 10**9)}" if rng.random() < 0.6 else (
                f"passport:G{rng.integers(10**7, 10**8)}")
        email = None
        if rng.random() < 0.5:
            email = (var.strip_accents(p.given[i].split()[0]) + "." + var.strip_accents(p.paternal[i]).replace(" ", "")
                     + str(rng.integers(1, 99)) + "@" + ("gmail.com", "yahoo.com", "outlook.com")[int(rng.integers(0, 3))])
            email = email.lower()
        return {"kind": "person", "name": r["full"], "given_names": r["given"], "paternal_surname": r["last"],
                "aliases": aka, "dob": p.dob[i], "nationality": "MEXICO" if p.origin[i] != 2 else "US",
                "ssn": _maybe(p.ssn[i], rng, ID_RATES["ssn_missing"], ID_RATES["ssn_mistyped"]), "ein": None,
                "other_ids": other, "address": p.address[i], "city": p.city[i], "state": p.state[i],
                "country": "US" if p.country[i] == "USA" else "MX", "phone": p.phone[i],
                "email": email, "CUSTOMER SINCE": world.cfg.start_day - np.timedelta64(int(rng.integers(30, 5000)), "D")}
    m = var.person_mx(p, i, rng)
    resident = p.origin[i] == MX_RESIDENT
    return {"kind": "person", "name": m["full"], "given_names": m["given"], "paternal_surname": m["paternal"],
            "maternal_surname": m["maternal"], "aliases": aka, "dob": p.dob[i],
            "rfc": _maybe(p.rfc[i], rng, ID_RATES["rfc_missing"], ID_RATES["rfc_mistyped"]),
            "curp": _maybe(p.curp[i], rng, ID_RATES["curp_missing"], ID_RATES["curp_mistyped"]),
            "nationality": "MEX" if p.origin[i] != 2 else "USA", "country": "MEX" if resident else "USA",
            "state": p.state[i].upper(), "city": p.city[i].upper(),
            "address": p.address[i].upper(), "phone": p.phone[i], "email": None}


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
    from tenaza.scenario import pools

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
