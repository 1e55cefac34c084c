"""Classic synthetic-control data sets shipped for known-answer checks (``data/known_answers``)."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import pandas as pd

from tenaza.outcomes.evaluate import Predictors


@dataclass(frozen=True)
class Classic:
    panel: pd.DataFrame  # outcome: one row per period, one column per unit
    covariates: pd.DataFrame  # long: t, unit, one column per covariate
    treated: str
    intervention: int
    predictors: Predictors
    published_weights: dict[str, float]
    reference: str


SECTORS = ("sec.agriculture", "sec.energy", "sec.industry", "sec.construction", "sec.services.venta",
           "sec.services.nonventa")
SCHOOLING = ("school.illit", "school.prim", "school.med", "school.high", "school.post.high")


def basque() -> Classic:
    """The Basque Country and terrorism (Abadie & Gardeazabal 2003): real GDP per head of the 17
    Spanish regions and Spain, 1955-1997, with the paper's predictors. The published synthetic
    Basque Country is Cataluña 0.8508 and Madrid 0.1492 (their Table 1 note; pysyncon's test
    reproduces it)."""
    raw = pd.read_csv(Path(str(resources.files("tenaza") / "data" / "known_answers" / "basque.csv")))
    raw = raw.rename(columns={"region": "unit", "year": "t"})
    panel = raw.pivot(index="t", columns="unit", values="gdpcap")
    covariates = raw.drop(columns=["gdpcap"])
    predictors = Predictors(
        columns=(*SCHOOLING, "invest"), periods=tuple(range(1964, 1970)),
        special=(("y", tuple(range(1960, 1970))), *((c, tuple(range(1961, 1970, 2))) for c in SECTORS),
                 ("popdens", (1969,))),
        fit_periods=tuple(range(1960, 1970)))
    return Classic(panel, covariates, "Basque Country (Pais Vasco)", 1970, predictors,
                   {"Cataluna": 0.8508, "Madrid (Comunidad De)": 0.1492},
                   "Abadie, A. and Gardeazabal, J. (2003), The Economic Costs of Conflict: A Case Study of the "
                   "Basque Country, American Economic Review 93(1), 113-132")
