"""Criminal organizations: their members, roles and front companies.

Members are drawn from the ordinary population, so they also live ordinary financial lives
(payroll, card purchases) and the illicit activity is a minority of their records, as it is in
real data. Each organization gets leaders and financiers in Mexico, money brokers on both sides,
cash couriers ("smurfs") and straw purchasers in the United States, drivers in Mexican border
states, and new front companies in both countries.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from tenaza.scenario.world import pools
from tenaza.scenario.world.accounts import COMPANY, MX, PERSON, US
from tenaza.scenario.world.population import MX_BORN_IN_US, MX_RESIDENT, US_BORN, add_companies
from tenaza.scenario.world.world import World

_ORG_A = ("Cártel de", "Organización", "Los", "Cártel del")
_ORG_B = ("la Sierra Alta", "Valle Seco", "las Dunas", "Puerto Viejo", "Tres Picos", "Costa Azul", "Río Seco",
          "los Altos Cerros", "Piedra Negra", "Arroyo Hondo", "Cerro Prieto", "la Laguna")
HOME_STATES = ("Sinaloa", "Jalisco", "Michoacán", "Tamaulipas", "Chihuahua", "Sonora", "Baja California", "Guerrero",
               "Durango", "Zacatecas")
BORDER_MX = ("Tamaulipas", "Chihuahua", "Baja California", "Sonora", "Coahuila", "Nuevo León")


@dataclass
class Org:
    org_id: str
    name: str
    home_state: str
    roles: dict[str, list[int]] = field(default_factory=dict)  # role -> person indices
    fronts: dict[str, list[int]] = field(default_factory=dict)  # role -> company indices

    def people(self, role: str) -> list[int]:
        return self.roles.get(role, [])

    def front(self, role: str) -> int:
        return self.fronts[role][0]


def _take(rng: np.random.Generator, candidates: np.ndarray, used: set[int], k: int) -> list[int]:
    free = candidates[~np.isin(candidates, np.fromiter(used, dtype=np.int64, count=len(used)))]
    if len(free) < k:
        raise ValueError("population too small for the organizations; raise the scale")
    pick = [int(x) for x in rng.choice(free, k, replace=False)]
    used.update(pick)
    return pick


def make_orgs(world: World) -> list[Org]:
    cfg = world.cfg
    rng = cfg.rng("orgs")
    p = world.persons
    used: set[int] = set()
    mx_any = world.people(MX_RESIDENT)
    mx_border = world.people(MX_RESIDENT, BORDER_MX)
    us_mx = world.people(MX_BORN_IN_US)
    us_any = np.concatenate([us_mx, world.people(US_BORN)])
    us_border = np.flatnonzero((p.origin != MX_RESIDENT) & np.isin(np.array(p.state), pools.BORDER_US))
    orgs = []
    existing_carriers = np.flatnonzero((world.companies.industry == "carrier") & (world.companies.country == "MEX"))
    for k in range(cfg.sizes.orgs):
        org = Org(f"ORG-{k + 1:02d}", f"{_ORG_A[k % len(_ORG_A)]} {_ORG_B[(k * 5) % len(_ORG_B)]}",
                  HOME_STATES[k % len(HOME_STATES)])
        org.roles["leader"] = _take(rng, mx_any, used, 1)
        org.roles["financier"] = _take(rng, mx_any, used, int(rng.integers(1, 3)))
        org.roles["money_broker"] = _take(rng, us_mx, used, 1) + _take(rng, mx_border, used, 1)
        org.roles["smurf"] = _take(rng, us_any, used, int(rng.integers(4, 10)))
        org.roles["straw_purchaser"] = _take(rng, us_border, used, int(rng.integers(2, 6)))
        org.roles["driver"] = _take(rng, mx_border, used, int(rng.integers(3, 8)))
        specs = [("USA", "exporter"), ("USA", "produce"), ("USA", "holding"), ("MEX", "importer"),
                 ("MEX", "exchange"), ("MEX", "chemical"), ("MEX", "exporter"), ("MEX", "holding")]
        made = add_companies(world.companies, cfg, specs, org.org_id)
        for (_, role), j in zip(specs, made, strict=True):
            org.fronts.setdefault({"exporter": "us_exporter", "produce": "consignee", "holding": "shell"}[role]
                                  if _ == "USA" else f"mx_{role}", []).append(int(j))
        # Half the organizations run their own carrier; the others use a legitimate one they have corrupted.
        if rng.random() < 0.5 or len(existing_carriers) == 0:
            org.fronts["carrier"] = [int(add_companies(world.companies, cfg, [("MEX", "carrier")],
                                                       org.org_id + "c")[0])]
        else:
            org.fronts["carrier"] = [int(rng.choice(existing_carriers))]
        third = [i for i, c in enumerate(world.companies.country) if c in ("PAN", "HKG", "COL", "GTM")]
        org.fronts["third_country"] = [int(rng.choice(third))]
        for role, companies in org.fronts.items():  # every front banks in its own country
            for j in companies:
                country = str(world.companies.country[j])
                if country in ("USA", "MEX") and role != "carrier":
                    world.account(COMPANY, j, US if country == "USA" else MX)
        for person in org.people("leader") + org.people("financier") + org.people("money_broker"):
            world.aliases[person] = [str(rng.choice(pools.ALIASES))]
        for person in org.people("driver"):
            if rng.random() < 0.4:
                world.aliases[person] = [str(rng.choice(pools.ALIASES))]
        orgs.append(org)
    return orgs


def mark(world: World, case: int, role: str, persons: Sequence[int] = (), companies: Sequence[int] = ()) -> None:
    """Record that these people and companies took part in a case, in the given role."""
    for i in persons:
        world.truth.entity("person", int(i), case, role)
    for j in companies:
        world.truth.entity("company", int(j), case, role)


__all__ = ["COMPANY", "PERSON", "Org", "make_orgs", "mark"]
