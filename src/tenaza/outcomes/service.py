"""What the commands do, apart from printing: resolve an indicator, run the evaluations asked for."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from tenaza.errors import OutcomesError, Problem
from tenaza.outcomes import evaluate as ev
from tenaza.outcomes.framework import Framework, Indicator
from tenaza.outcomes.geo import state_codes
from tenaza.outcomes.series import Series, read_panel, read_series, workspace_series
from tenaza.store import Workspace

METHODS = ("its", "sarimax", "synth", "did")


@dataclass
class Request:
    indicator: str  # a framework indicator id, or a series name
    at: pd.Timestamp
    geo: str | None = None
    methods: tuple[str, ...] = ("its", "sarimax")
    controls: tuple[str, ...] = ()
    since: pd.Timestamp | None = None


def resolve(fw: Framework, name: str, geo: str | None) -> tuple[str, str, str, str]:
    """(series, geo_code, geo_level, title) of a framework id or a series name."""
    for ind in fw.indicators():
        if ind.id == name:
            return ind.series, geo or ind.geo, "state" if geo else ind.geo_level, ind.title.en
    if geo is None:
        raise OutcomesError([Problem("evaluate", f"{name!r} is not an indicator of the framework; give --geo to use "
                                                 "it as a series name", field="indicator")])
    level = "state" if geo in state_codes("USA") | state_codes("MEX") else "national"
    return name, geo, level, name


def series_of(ws: Workspace, ind: Indicator) -> Series:
    return workspace_series(ws, ind.series) if ind.from_workspace else read_series(ws, ind.series, ind.geo)


def _yearly(panel: pd.DataFrame) -> pd.DataFrame:
    """Monthly panels are averaged by year for synthetic control: fewer, steadier periods."""
    by_year = panel.groupby(panel.index.year).mean()
    counts = panel.groupby(panel.index.year).count().min(axis=1)
    return by_year[counts >= 12] if len(counts) and counts.max() >= 12 else by_year


SYNTH_DONORS = 10


def _nearest(panel: pd.DataFrame, treated: str, before: int, k: int) -> pd.DataFrame:
    """The treated unit and the k units whose pre-period mean is closest: a donor pool of places
    like it (and placebos that finish in seconds rather than minutes)."""
    pre = panel[panel.index < before].mean()
    if treated not in pre.index:
        return panel
    distance = (pre.drop(treated) - pre[treated]).abs().sort_values()
    return panel[[treated, *distance.index[:k]]]


def run(ws: Workspace, fw: Framework, req: Request) -> list[ev.Effect]:
    unknown = [m for m in req.methods if m not in METHODS]
    if unknown:
        raise OutcomesError([Problem("--method", f"unknown method {unknown[0]!r}; expected {', '.join(METHODS)}")])
    series, geo, level, title = resolve(fw, req.indicator, req.geo)
    labels = {"label_en": title, "label_es": title}
    for ind in fw.indicators():
        if ind.id == req.indicator:
            labels = {"label_en": ind.title.en, "label_es": ind.title.es}
    results: list[ev.Effect] = []
    s = read_series(ws, series, geo)
    for method in req.methods:
        if method in ("its", "sarimax"):
            y = s.values if req.since is None else s.values[s.values.index >= req.since]
            y = y.rename(title)
            fn = ev.its if method == "its" else ev.sarimax
            results.append(fn(y, req.at, unit=s.unit, place=geo, label=title, seasonal=s.monthly))
            continue
        if level != "state":
            raise OutcomesError([Problem("--method", f"{method} compares states; {geo} is not a state",
                                         field="geo")])
        panel = read_panel(ws, series, "state")
        country = "MEX" if geo in state_codes("MEX") else "USA"
        keep = [c for c in panel.columns if c in state_codes(country)]
        if req.controls:
            keep = [c for c in keep if c == geo or c in req.controls]
        panel = panel[keep]
        if req.since is not None:
            panel = panel[panel.index >= req.since]
        if method == "synth":
            yearly = _yearly(panel)
            if not req.controls:
                yearly = _nearest(yearly, geo, req.at.year, SYNTH_DONORS)
            results.append(ev.synth(yearly, geo, req.at.year, unit=s.unit, label=title))
        else:
            results.append(ev.did(panel, [geo], req.at, unit=s.unit, label=title))
    for e in results:
        e.details.update(labels)
    return results
