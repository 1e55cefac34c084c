"""Known answer: tenaza's synthetic control reproduces Abadie & Gardeazabal's (2003) synthetic
Basque Country from the shipped panel (data/known_answers/basque.csv)."""

import pytest

from tenaza.outcomes.classics import basque
from tenaza.outcomes.evaluate import synth

TOLERANCE = 0.025  # absolute, on each weight: pysyncon's own test of the same result uses it


@pytest.mark.slow  # one Nelder-Mead fit over 14 predictors: 45 s of CPU, 2 min on two shared cores
def test_synthetic_control_reproduces_the_published_basque_weights() -> None:
    c = basque()
    e = synth(c.panel, c.treated, c.intervention, covariates=c.covariates, predictors=c.predictors,
              placebos=False, unit="thousand 1986 USD per head")
    weights = e.details["weights"]
    for region, published in c.published_weights.items():
        assert weights.get(region, 0.0) == pytest.approx(published, abs=TOLERANCE)
    others = sum(w for r, w in weights.items() if r not in c.published_weights)
    assert others < TOLERANCE
    # the paper's finding: after terrorism began, Basque GDP per head fell behind its synthetic twin
    assert e.effect < 0
    assert e.n_pre == 15 and e.n_post == 28


def test_the_shipped_panel_is_whole() -> None:
    c = basque()
    assert c.panel.shape == (43, 18)  # 1955-1997, 17 regions and Spain
    assert not c.panel.isna().any().any()
    assert c.treated in c.panel.columns and all(r in c.panel.columns for r in c.published_weights)
    predictors = (set(c.predictors.columns) | {col for col, _ in c.predictors.special}) - {"y"}
    at = c.covariates.set_index(["t", "unit"])
    for col in predictors:
        periods = c.predictors.periods if col in c.predictors.columns else dict(c.predictors.special)[col]
        assert at.loc[list(periods), col].notna().all(), col
