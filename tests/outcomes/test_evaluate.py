import numpy as np
import pandas as pd
import pytest

from tenaza.errors import OutcomesError
from tenaza.outcomes.evaluate import did, its, sarimax, synth

AT = pd.Timestamp("2020-01-01")


def monthly(effect: float, seed: int = 1, n: int = 96) -> pd.Series:
    rng = np.random.default_rng(seed)
    idx = pd.date_range("2015-01-31", periods=n, freq="ME")
    t = np.arange(n)
    y = 100 + 0.3 * t + 5 * np.sin(t * 2 * np.pi / 12) + rng.normal(0, 2, n)
    y[idx >= AT] += effect
    return pd.Series(y, index=idx, name="y")


def test_its_recovers_a_planted_level_change_within_its_interval() -> None:
    e = its(monthly(-10.0), AT, unit="deaths")
    assert e.ci_low <= -10.0 <= e.ci_high
    assert e.detected and e.p_value < 0.01
    assert "fell by" in e.sentence("en") and "disminuyó" in e.sentence("es")
    assert "deaths" in e.sentence("en") and "muertes" in e.sentence("es") and "deaths" not in e.sentence("es")


def test_its_says_no_detectable_effect_and_gives_the_mde() -> None:
    e = its(monthly(0.0, seed=3), AT, unit="deaths")
    assert not e.detected
    assert e.mde > 0
    assert "no detectable effect" in e.sentence("en")
    assert "at least" in e.sentence("en") and "al menos" in e.sentence("es")


def test_sarimax_recovers_a_planted_step() -> None:
    e = sarimax(monthly(-10.0), AT)
    assert e.ci_low <= -10.0 <= e.ci_high and e.detected


def test_a_gap_in_a_monthly_series_is_refused() -> None:
    y = monthly(0.0).drop(pd.Timestamp("2018-05-31"))
    with pytest.raises(OutcomesError, match="1 month"):
        its(y, AT)


def test_too_short_a_pre_period_is_refused() -> None:
    with pytest.raises(OutcomesError, match="before"):
        its(monthly(0.0)[-10:], AT)


def panel(effect: float) -> pd.DataFrame:
    rng = np.random.default_rng(7)
    years = list(range(2000, 2020))
    p = pd.DataFrame({f"u{i}": rng.normal(0, 1, 20).cumsum() + 50 + i for i in range(7)}, index=years)
    p["T"] = 0.6 * p.u1 + 0.4 * p.u2 + rng.normal(0, 0.05, 20)
    p.loc[2015:, "T"] += effect
    return p


def test_synthetic_control_finds_the_donors_and_the_effect() -> None:
    e = synth(panel(5.0), "T", 2015, unit="x")
    w = e.details["weights"]
    assert w.get("u1", 0) == pytest.approx(0.6, abs=0.1) and w.get("u2", 0) == pytest.approx(0.4, abs=0.1)
    assert e.effect == pytest.approx(5.0, abs=0.5)
    assert e.details["placebos"] == 7
    assert e.p_value == pytest.approx(1 / 8)  # the treated unit has the largest post/pre ratio of all 8


def test_did_with_parallel_trends_check() -> None:
    e = did(panel(5.0), ["T"], 2015)
    assert e.ci_low <= 5.0 <= e.ci_high
    assert "parallel_trends" in e.details and "pre_trend_p" in e.details
