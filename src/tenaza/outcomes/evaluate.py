"""Did an intervention change a series? Four estimators, each with its uncertainty in plain words.

- ``its``: segmented regression (level and slope change at the intervention) with month-of-year
  dummies and Newey-West (HAC) standard errors, because monthly public series are autocorrelated
  and ordinary errors would overstate certainty.
- ``sarimax``: the same question with the autocorrelation modelled (seasonal ARIMA with a step
  regressor at the intervention).
- ``synth``: synthetic control for one treated state (pysyncon), with in-space placebos (every
  control pretends to be treated) and the permutation p-value of the post/pre RMSPE ratio.
- ``did``: difference-in-differences of treated vs control units, with the pre-period trend
  difference reported as the parallel-trends check.

Every result says "no detectable effect" when its interval covers zero, and gives the minimum
detectable effect (MDE: 2.8 standard errors, 80 % power at the 5 % level) so that "nothing found"
is read together with how large an effect the data could have shown.
"""

from __future__ import annotations

import logging
import math
import warnings
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from tenaza.errors import OutcomesError, Problem

log = logging.getLogger("tenaza")

Z95 = 1.959963984540054
MDE_FACTOR = 2.8  # z(0.975) + z(0.80)


@dataclass
class Effect:
    method: str
    indicator: str
    place: str
    intervention: str
    effect: float  # level change (units of the series)
    ci_low: float
    ci_high: float
    p_value: float
    mde: float
    unit: str
    baseline: float  # mean of the pre-period, for relative sizes
    n_pre: int
    n_post: int
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def detected(self) -> bool:
        return not (self.ci_low <= 0.0 <= self.ci_high)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["detected"] = self.detected
        d["sentence_en"] = self.sentence("en")
        d["sentence_es"] = self.sentence("es")
        return d

    def sentence(self, lang: str = "en") -> str:
        from tenaza.outcomes.locale import fmt_number, fmt_p, fmt_unit

        def n(x: float) -> str:
            return fmt_number(x, lang, digits=3)

        unit = fmt_unit(self.unit, lang)

        rel = f" ({n(100 * self.effect / self.baseline)} %)" if self.baseline else ""
        label = self.details.get(f"label_{lang}", self.indicator)
        when = self.intervention
        if len(when) == 10:
            from datetime import date

            from tenaza.outcomes.locale import fmt_date
            when = fmt_date(date.fromisoformat(when), lang)
        place = f" ({self.place})" if self.place else ""
        method = _METHOD[self.method][lang == "es"]
        if lang == "es":
            if self.detected:
                word = "aumentó" if self.effect > 0 else "disminuyó"
                after = f"tras el {when}" if len(self.intervention) == 10 else f"tras {when}"
                return (f"{method}: {after}, {label}{place} {word} en "
                        f"{n(abs(self.effect))} {unit}{rel}; intervalo de 95 %: {n(self.ci_low)} a "
                        f"{n(self.ci_high)}, p {fmt_p(self.p_value, lang)}.")
            return (f"{method}: sin efecto detectable de la intervención del {when} en {label}{place} "
                    f"(estimación {n(self.effect)} {unit}, intervalo de 95 %: {n(self.ci_low)} a "
                    f"{n(self.ci_high)}, p {fmt_p(self.p_value, lang)}). Con estos datos solo se detectaría un efecto "
                    f"de al menos {n(self.mde)} {unit}.")
        if self.detected:
            word = "rose" if self.effect > 0 else "fell"
            return (f"{method}: after {when}, {label}{place} {word} by "
                    f"{n(abs(self.effect))} {unit}{rel}; 95 % interval {n(self.ci_low)} to {n(self.ci_high)}, "
                    f"p {fmt_p(self.p_value, lang)}.")
        return (f"{method}: no detectable effect of the intervention of {when} on {label}{place} "
                f"(estimate {n(self.effect)} {unit}, 95 % interval {n(self.ci_low)} to {n(self.ci_high)}, "
                f"p {fmt_p(self.p_value, lang)}). These data could only have detected an effect of at least "
                f"{n(self.mde)} {unit}.")


_METHOD = {"its": ("Interrupted time series", "Serie de tiempo interrumpida"),
           "sarimax": ("SARIMAX with intervention", "SARIMAX con intervención"),
           "synth": ("Synthetic control", "Control sintético"),
           "did": ("Difference in differences", "Diferencia en diferencias")}


def _split(y: pd.Series, when: pd.Timestamp, min_pre: int, min_post: int) -> tuple[pd.Series, np.ndarray]:
    y = y.sort_index().astype(float)
    post = (y.index >= when).astype(float)
    n_pre, n_post = int((post == 0).sum()), int(post.sum())
    if n_pre < min_pre or n_post < min_post:
        raise OutcomesError([Problem("evaluate", f"{n_pre} periods before and {n_post} after {when.date()}; "
                                                 f"need at least {min_pre} before and {min_post} after",
                                     field="intervention")])
    return y, np.asarray(post)


def _check_gaps(y: pd.Series, monthly: bool) -> None:
    if not monthly:
        return
    idx = pd.DatetimeIndex(y.index).to_period("M")
    full = pd.period_range(idx.min(), idx.max(), freq="M")
    missing = full.difference(idx)
    if len(missing):
        raise OutcomesError([Problem("evaluate", f"{y.name}: {len(missing)} month(s) missing, the first "
                                                 f"{missing[0]}; a gap would bend the fit", field="series")])


def its(y: pd.Series, when: pd.Timestamp, *, unit: str = "", place: str = "", label: str | None = None,
        seasonal: bool = True) -> Effect:
    """Segmented regression: y = a + b t + c post + d (t - t0) post [+ month dummies], HAC errors."""
    import statsmodels.api as sm

    _check_gaps(y, seasonal)
    y, post = _split(y, when, 6, 3)
    t = np.arange(len(y), dtype=float)
    t0 = float(np.argmax(post > 0))
    cols = {"const": np.ones(len(y)), "trend": t, "level": post, "slope": (t - t0) * post}
    if seasonal:
        months = pd.DatetimeIndex(y.index).month
        for m in range(2, 13):
            cols[f"m{m}"] = (months == m).astype(float)
    X = pd.DataFrame(cols, index=y.index)
    X = X.loc[:, X.std() > 0].assign(const=1.0) if seasonal else X
    maxlags = 12 if seasonal else max(1, int(4 * (len(y) / 100) ** (2 / 9)))
    fit = sm.OLS(y.to_numpy(), X).fit(cov_type="HAC", cov_kwds={"maxlags": maxlags})
    est, se = float(fit.params["level"]), float(fit.bse["level"])
    return Effect("its", label or str(y.name), place, str(when.date()), est, est - Z95 * se, est + Z95 * se,
                  float(fit.pvalues["level"]), MDE_FACTOR * se, unit, float(y[post == 0].mean()),
                  int((post == 0).sum()), int(post.sum()),
                  {"slope_change": float(fit.params["slope"]), "slope_change_se": float(fit.bse["slope"]),
                   "hac_maxlags": maxlags, "r2": float(fit.rsquared)})


def sarimax(y: pd.Series, when: pd.Timestamp, *, unit: str = "", place: str = "", label: str | None = None,
            seasonal: bool = True) -> Effect:
    """Seasonal ARIMA(1,1,1)(0,1,1)12 (or ARIMA(1,1,1) without seasons) with a step at the intervention."""
    from statsmodels.tsa.statespace.sarimax import SARIMAX

    _check_gaps(y, seasonal)
    y, post = _split(y, when, 24 if seasonal else 8, 3)
    freq = "ME" if seasonal else None
    endog = pd.Series(y.to_numpy(), index=pd.DatetimeIndex(y.index, freq=freq) if freq else None)
    exog = pd.DataFrame({"step": post}, index=endog.index)
    model = SARIMAX(endog, exog=exog, order=(1, 1, 1), seasonal_order=(0, 1, 1, 12) if seasonal else (0, 0, 0, 0))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence chatter; the standard error says how sure the fit is
        fit = model.fit(disp=False)
    est, se = float(fit.params["step"]), float(fit.bse["step"])
    if not math.isfinite(se):
        raise OutcomesError([Problem("evaluate", "SARIMAX found no standard error for the intervention",
                                     field="method")])
    return Effect("sarimax", label or str(y.name), place, str(when.date()), est, est - Z95 * se, est + Z95 * se,
                  float(fit.pvalues["step"]), MDE_FACTOR * se, unit, float(y[post == 0].mean()),
                  int((post == 0).sum()), int(post.sum()), {"aic": float(fit.aic)})


@dataclass(frozen=True)
class Predictors:
    """What the synthetic unit must resemble before the intervention (Abadie & Gardeazabal's X):
    the mean of each of ``columns`` over ``periods``, and the mean of each ``special`` column over
    its own periods; the outcome's fit is judged over ``fit_periods`` (pysyncon's
    ``time_optimize_ssr``). Left empty, the predictors are the outcome's pre-period mean plus its
    level at six pre-period dates, and the fit runs over the whole pre-period: with no covariates,
    matching the path itself is what the method asks for."""

    columns: tuple[str, ...] = ()
    periods: tuple[Any, ...] = ()
    special: tuple[tuple[str, tuple[Any, ...]], ...] = ()
    fit_periods: tuple[Any, ...] = ()


def _synth_fit(panel: pd.DataFrame, treated: str, controls: list[str], pre: list[Any],
               covariates: pd.DataFrame | None = None,
               predictors: Predictors | None = None) -> tuple[pd.Series, pd.Series]:
    """Weights and gaps (treated minus synthetic, every period) for one treated unit.

    Nelder-Mead from equal predictor weights is pysyncon's default and reproduces the published
    Basque weights; BFGS gives the same answer many times slower, and an OLS start can stop at a
    corner (one donor with all the weight) on that panel."""
    from pysyncon import Dataprep, Synth

    long = panel.stack().rename("y").reset_index()
    long.columns = ["t", "unit", "y"]
    if covariates is not None:
        long = long.merge(covariates, on=["t", "unit"], how="left")
    p = predictors or Predictors(("y",), tuple(pre), tuple(("y", (t,)) for t in pre[:: max(1, len(pre) // 6)]))
    dp = Dataprep(foo=long, predictors=list(p.columns), predictors_op="mean", dependent="y", unit_variable="unit",
                  time_variable="t", treatment_identifier=treated, controls_identifier=controls,
                  time_predictors_prior=list(p.periods or pre), time_optimize_ssr=list(p.fit_periods or pre),
                  special_predictors=[(c, list(ts), "mean") for c, ts in p.special])
    s = Synth()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        s.fit(dataprep=dp, optim_method="Nelder-Mead", optim_initial="equal")
    w = s.weights(round=6)
    synthetic = panel[controls].to_numpy() @ w.reindex(controls).fillna(0).to_numpy()
    return w, pd.Series(panel[treated].to_numpy() - synthetic, index=panel.index)


def synth(panel: pd.DataFrame, treated: str, when: Any, *, unit: str = "", label: str = "",
          placebos: bool = True, covariates: pd.DataFrame | None = None,
          predictors: Predictors | None = None) -> Effect:
    """``panel``: one column per unit, one row per period. The effect is the mean post-period gap;
    its p-value is the rank of the treated unit's post/pre RMSPE ratio among all units (in-space
    placebos), and its interval the spread of placebo mean gaps around the estimate.

    ``covariates`` (long: columns ``t``, ``unit`` and one per covariate) and ``predictors`` give
    the predictors of a published specification; without them the outcome's own path is matched."""
    panel = panel.sort_index().dropna(axis=1, how="any")
    if treated not in panel.columns:
        raise OutcomesError([Problem("evaluate", f"{treated!r} has no complete series in the panel", field="unit")])
    controls = [c for c in panel.columns if c != treated]
    if len(controls) < 3:
        raise OutcomesError([Problem("evaluate", "synthetic control needs at least 3 control units",
                                     field="controls")])
    pre = [t for t in panel.index if t < when]
    post = [t for t in panel.index if t >= when]
    if len(pre) < 4 or not post:
        raise OutcomesError([Problem("evaluate", "synthetic control needs 4 periods before and 1 after",
                                     field="intervention")])
    weights, gaps = _synth_fit(panel, treated, controls, pre, covariates, predictors)

    def ratio(g: pd.Series) -> float:
        pre_rmspe = math.sqrt(float((g.loc[pre] ** 2).mean()))
        return math.sqrt(float((g.loc[post] ** 2).mean())) / max(pre_rmspe, 1e-12)

    effect = float(gaps.loc[post].mean())
    ratios = {treated: ratio(gaps)}
    placebo_effects: list[float] = []
    if placebos:
        for c in controls:
            others = [u for u in controls if u != c]
            _, g = _synth_fit(panel, c, others, pre, covariates, predictors)
            ratios[c] = ratio(g)
            placebo_effects.append(float(g.loc[post].mean()))
    rank = sum(1 for r in ratios.values() if r >= ratios[treated])
    p = rank / len(ratios)
    spread = float(np.std(placebo_effects, ddof=1)) if len(placebo_effects) > 1 else float("nan")
    lo, hi = effect - Z95 * spread, effect + Z95 * spread
    return Effect("synth", label, treated, str(pd.Timestamp(when).date()) if not isinstance(when, int | float)
                  else str(when), effect, lo, hi, p, MDE_FACTOR * spread, unit,
                  float(panel.loc[pre, treated].mean()), len(pre), len(post),
                  {"weights": {k: float(v) for k, v in weights.items() if v > 0.001},
                   "pre_rmspe": math.sqrt(float((gaps.loc[pre] ** 2).mean())),
                   "rmspe_ratio": ratios, "placebos": len(placebo_effects),
                   "gaps": {str(k): float(v) for k, v in gaps.items()}})


def did(panel: pd.DataFrame, treated: list[str], when: Any, *, unit: str = "", label: str = "") -> Effect:
    """Two-way fixed effects DiD with errors clustered by unit; the parallel-trends check is the
    difference of pre-period linear trends between treated and control units (with its p-value)."""
    import statsmodels.formula.api as smf

    panel = panel.sort_index().dropna(axis=1, how="any")
    missing = [u for u in treated if u not in panel.columns]
    controls = [c for c in panel.columns if c not in treated]
    if missing or not controls:
        raise OutcomesError([Problem("evaluate", f"treated units without complete series: {missing}" if missing
                                     else "no control units", field="unit")])
    long = panel.stack().rename("y").reset_index()
    long.columns = ["t", "unit", "y"]
    order = {t: i for i, t in enumerate(panel.index)}
    long["k"] = long["t"].map(order).astype(float)
    long["treated"] = long["unit"].isin(treated).astype(float)
    long["post"] = (long["t"] >= when).astype(float)
    long["tp"] = long["treated"] * long["post"]
    groups = long["unit"].astype("category").cat.codes
    fit = smf.ols("y ~ tp + C(unit) + C(t)", data=long).fit(cov_type="cluster", cov_kwds={"groups": groups})
    est, se = float(fit.params["tp"]), float(fit.bse["tp"])
    pre = long[long["post"] == 0]
    trend = smf.ols("y ~ C(unit) + k + k:treated", data=pre).fit(
        cov_type="cluster", cov_kwds={"groups": pre["unit"].astype("category").cat.codes})
    return Effect("did", label, ", ".join(treated), str(pd.Timestamp(when).date()) if not isinstance(when, int | float)
                  else str(when), est, est - Z95 * se, est + Z95 * se, float(fit.pvalues["tp"]), MDE_FACTOR * se,
                  unit, float(pre[pre["treated"] == 1]["y"].mean()), int((panel.index < when).sum()),
                  int((panel.index >= when).sum()),
                  {"pre_trend_difference": float(trend.params["k:treated"]),
                   "pre_trend_p": float(trend.pvalues["k:treated"]),
                   "parallel_trends": bool(trend.pvalues["k:treated"] >= 0.05), "controls": controls})
