"""An excerpt of a counter-narcotics designation list, in OFAC's style.

Some organizations have their leader, a financier and a front company designated (SDNTK or the
2021 illicit-drugs order); the names are written as OFAC writes them (SURNAMES, Given names),
with aliases and the Mexican identifiers OFAC lists. Other entries name people who are not in
the world at all, as most of a real list would be, so screening has something to reject.
"""

from __future__ import annotations

import numpy as np

from tenaza.scenario.activity.context import Context
from tenaza.scenario.sources import variation as var
from tenaza.scenario.world import pools
from tenaza.scenario.world.orgs import Org

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _dob(day: np.datetime64) -> str:
    y, m, d = str(day.astype("datetime64[D]")).split("-")
    return f"{int(d):02d} {_MONTHS[int(m) - 1]} {y}"


def designations(ctx: Context, orgs: list[Org]) -> None:
    w = ctx.world
    rng = w.cfg.rng("designations")
    p, c = w.persons, w.companies
    rows: list[dict[str, object]] = []
    for org in orgs:
        if rng.random() < 0.4:
            continue
        listed = w.cfg.start_day - np.timedelta64(int(rng.integers(30, 2000)), "D")
        program = "SDNTK" if rng.random() < 0.6 else "ILLICIT-DRUGS-EO14059"
        for person in org.people("leader") + org.people("financier")[:1]:
            surnames = " ".join(x for x in (p.paternal[person], p.maternal[person]) if x)
            ids = [f"CURP:{p.curp[person]}"] + ([f"RFC:{p.rfc[person]}"] if p.rfc[person] else [])
            rows.append({"name": var.strip_accents(f"{surnames.upper()}, {p.given[person]}"), "kind": "person",
                         "programs": program, "aliases": ";".join(f"'{a.upper()}'" for a in w.aliases.get(person, [])),
                         "dob": f"DOB {_dob(p.dob[person])}", "ids": ";".join(ids),
                         "addresses": f"{p.city[person]}, {p.state[person]}, Mexico", "listed_on": listed})
        front = org.front("mx_exchange")
        rows.append({"name": var.strip_accents(c.name[front].upper()), "kind": "company", "programs": program,
                     "aliases": None, "dob": None, "ids": f"RFC:{c.rfc[front]}",
                     "addresses": f"{c.city[front]}, {c.state[front]}, Mexico", "listed_on": listed})
    for _ in range(max(10, 2 * len(orgs))):  # people outside the world
        given = str(rng.choice(pools.MX_GIVEN_M))
        pat, mat = rng.choice(pools.MX_SURNAMES, 2)
        rows.append({"name": var.strip_accents(f"{pat.upper()} {mat.upper()}, {given}"), "kind": "person",
                     "programs": "SDNTK", "aliases": f"'{str(rng.choice(pools.ALIASES)).upper()}'",
                     "dob": f"DOB {_dob(np.datetime64('1955-01-01') + np.timedelta64(int(rng.integers(0, 12000)), 'D'))}",
                     "ids": None, "addresses": f"{pools.MX_STATES[int(rng.integers(0, len(pools.MX_STATES)))][0]}, Mexico",
                     "listed_on": w.cfg.start_day - np.timedelta64(int(rng.integers(30, 5000)), "D")})
    n = len(rows)
    cols = {k: np.array([r[k] for r in rows], dtype=object) for k in rows[0]}
    cols["listed_on"] = np.array([r["listed_on"] for r in rows], dtype="datetime64[D]")
    ctx.designations.add(n, entry_id=np.array([str(x) for x in ctx.ids("sdn", n, 90_000) + 10_000], dtype=object),
                         **cols)
