"""Benchmark: hold-out forecast accuracy of the outcome models on real series.

For each series, fit on the data up to a cut-off and forecast the next 12 months; report the
mean absolute percentage error (MAPE) of SARIMAX(1,1,1)(0,1,1)12 -- the model behind
``tenaza outcomes evaluate --method sarimax`` -- beside the seasonal-naive baseline (each month
forecast by the same month a year earlier), measured in the same run on the same hold-out.
A model that does not beat seasonal-naive gives counterfactuals no better than last year's
values, and its evaluations should be read with that in mind.

The series are the shipped compact copies (tenaza/data/series), read as the workspace reads them.

    .venv/bin/python bench/outcomes.py [--json]
"""

from __future__ import annotations

import argparse
import json
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from statsmodels.tsa.statespace.sarimax import SARIMAX

from tenaza.outcomes.series import read_file, shipped_files

CASES = [  # (file, indicator, geo_code, last month fitted)
    ("inegi_homicides", "homicides_inegi", "MEX", "2021-12"),
    ("sesnsp_homicides", "homicide_victims_sesnsp", "MEX", "2024-06"),
    ("cdc_overdose", "overdose_deaths_12m", "USA", "2024-04"),
    ("cdc_overdose", "overdose_deaths_12m", "USA", "2022-12"),
]


def series(name: str, indicator: str, geo: str) -> pd.Series:
    path = next(p for p in shipped_files() if p.name == f"{name}.csv.gz")
    df = read_file(Path(path))
    df = df[(df.indicator == indicator) & (df.geo_code == geo)]
    idx = pd.DatetimeIndex(pd.to_datetime(df.period_end), freq=None)
    s = pd.Series(df.value.astype(float).to_numpy(), index=idx).sort_index()
    return s.asfreq("ME")


def mape(actual: np.ndarray, forecast: np.ndarray) -> float:
    return float(np.mean(np.abs(forecast - actual) / np.abs(actual)) * 100)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    results = []
    for name, indicator, geo, cut in CASES:
        s = series(name, indicator, geo)
        cut_ts = pd.Period(cut, "M").to_timestamp("M")
        train, test = s[s.index <= cut_ts], s[s.index > cut_ts][:12]
        started = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fit = SARIMAX(train, order=(1, 1, 1), seasonal_order=(0, 1, 1, 12)).fit(disp=False)
        model = fit.forecast(len(test)).to_numpy()
        seconds = time.perf_counter() - started
        naive = train.iloc[-12:].to_numpy()[: len(test)]
        results.append({"series": f"{indicator} {geo}", "fitted_through": cut, "train_months": len(train),
                        "horizon": len(test), "sarimax_mape": round(mape(test.to_numpy(), model), 2),
                        "seasonal_naive_mape": round(mape(test.to_numpy(), naive), 2),
                        "fit_seconds": round(seconds, 2)})
    if args.json:
        print(json.dumps(results, indent=2))
        return
    print(f"{'series':34} {'fitted through':>14} {'n':>4} {'SARIMAX MAPE':>13} {'seasonal-naive':>15} {'fit s':>6}")
    for r in results:
        print(f"{r['series']:34} {r['fitted_through']:>14} {r['train_months']:>4} {r['sarimax_mape']:>12.2f}% "
              f"{r['seasonal_naive_mape']:>14.2f}% {r['fit_seconds']:>6.2f}")


if __name__ == "__main__":
    main()
