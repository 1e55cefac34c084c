"""Criminal assets taken: the rows behind the brief's judicial-cooperation indicator.

Once cases are built, authorities on each side secure some of an organization's assets: the
bank balances, property and vehicles of its leaders, financiers and front companies in Mexico
(FGR, in the Mexican seizures file), and of its money brokers and smurfs in the United States
(HSI, in the US seizures file). They come in the second half of the period, a few per
organization, with an estimated value; they are no typology of their own, so the truth holds no
case for them, and no detector reads them: they are what `workspace_seizures_asset` counts.
"""

from __future__ import annotations

import numpy as np

from tenaza.scenario.activity.context import Context
from tenaza.scenario.sources.records import objects
from tenaza.scenario.world.orgs import Org

# Estimated value of one secured asset, US dollars: the median and the spread of its logarithm.
MEDIAN_USD = 150_000
SPREAD = 1.0


def plant(ctx: Context, org: Org, rng: np.random.Generator) -> None:
    days = ctx.world.cfg.days
    number = int(org.org_id[4:])
    mx = [("person", p) for p in org.people("leader") + org.people("financier")]
    mx += [("company", c) for role in ("mx_chemical", "carrier") for c in org.fronts.get(role, [])]
    us = [("person", p) for p in org.people("money_broker")[:1] + org.people("smurf")]
    for side, holders, k in (("MEX", mx, int(rng.integers(1, 4))), ("USA", us, int(rng.integers(0, 3)))):
        if not holders or k == 0:
            continue
        day = np.sort(rng.integers(days // 2, days, k))
        who = [holders[int(i)] for i in rng.integers(0, len(holders), k)]
        usd = np.round(rng.lognormal(np.log(MEDIAN_USD), SPREAD, k), -2)
        prefix = "FGR-AB" if side == "MEX" else "HSI-AF"
        sid = np.array([f"{prefix}-{number:03d}{i:03d}" for i in range(k)], dtype=object)
        common = {"seizure_id": sid, "date": ctx.days_to_date(day), "port_code": None, "kind": "asset",
                  "substance": None, "quantity": np.ones(k), "unit": "u", "value_usd": usd, "crossing_ref": None,
                  "_refs": objects([[h] for h in who])}
        if side == "MEX":  # secured where the organization lives
            ctx.mx_seizures.add(k, state=org.home_state, agency="FGR", **common)
        else:
            state = np.array(rng.choice(["TX", "AZ", "CA", "NM"], k), dtype=object)
            ctx.cbp_seizures.add(k, state=state, agency="HSI", **common)
