"""Readers of the public data sets in their published layouts, each giving rows of the ``indicators``
table (indicator, geo_level, geo_code, period_start, period_end, value, unit, publisher).

These readers make the compact copies under ``tenaza/data/series`` (``tenaza outcomes derive``);
the copies then go into a workspace through the ordinary ingest path, so every value keeps its
file and row. A reader knows one layout; it does not judge the series (``checks.py`` does).
"""

from __future__ import annotations

import calendar
import gzip
import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from tenaza.errors import OutcomesError, Problem
from tenaza.outcomes.geo import US_BY_NAME, US_STATES

log = logging.getLogger("tenaza")

COLUMNS = ["indicator", "geo_level", "geo_code", "period_start", "period_end", "value", "unit", "publisher"]
MONTHS = {name: i for i, name in enumerate(calendar.month_name) if name}
MON3 = {name.upper(): i for i, name in enumerate(calendar.month_abbr) if name}


def month_bounds(year: pd.Series, month: pd.Series) -> tuple[pd.Series, pd.Series]:
    start = pd.to_datetime(pd.DataFrame({"year": year.astype(int), "month": month.astype(int), "day": 1}))
    end = start + pd.offsets.MonthEnd(0)
    return start.dt.date, end.dt.date


def _frame(df: pd.DataFrame, *, unit: str, publisher: str) -> pd.DataFrame:
    df = df.assign(unit=unit, publisher=publisher)
    return df[COLUMNS].reset_index(drop=True)


def _national(df: pd.DataFrame, code: str) -> pd.DataFrame:
    """Sum of the states per indicator and period, as one national row each."""
    keys = ["indicator", "period_start", "period_end", "unit", "publisher"]
    nat = df.groupby(keys, as_index=False)["value"].sum()
    return nat.assign(geo_level="national", geo_code=code)[COLUMNS]


BTS_MEASURES = {"Trucks": "crossings_trucks", "Personal Vehicles": "crossings_personal_vehicles",
                "Pedestrians": "crossings_pedestrians", "Truck Containers Loaded": "crossings_containers_loaded",
                "Buses": "crossings_buses"}
BTS = "US Bureau of Transportation Statistics, Border Crossing Entry Data (public domain)"


def bts_crossings(path: Path, since: int = 2000) -> pd.DataFrame:
    raw = pd.read_csv(path, dtype={"Port Code": str})
    raw = raw[raw["Measure"].isin(list(BTS_MEASURES))]
    before = len(raw)
    raw = raw.drop_duplicates(subset=["Port Code", "Date", "Measure", "Value"])  # the file repeats a few rows
    if len(raw) < before:
        log.info("BTS: %d row(s) repeated word for word, kept once", before - len(raw))
    when = pd.to_datetime(raw["Date"], format="%b %Y")
    raw = raw[when.dt.year >= since]
    when = when[when.dt.year >= since]
    start, end = month_bounds(when.dt.year, when.dt.month)
    df = pd.DataFrame({"indicator": raw["Measure"].map(BTS_MEASURES), "geo_level": "port",
                       "geo_code": raw["Port Code"].str.zfill(4), "period_start": start, "period_end": end,
                       "value": raw["Value"].astype(float)})
    df = _frame(df, unit="inbound crossings", publisher=BTS)
    return pd.concat([df, _national(df, "USA")], ignore_index=True)


CBP = "US Customs and Border Protection, nationwide drug seizures (public domain)"
CBP_DRUGS = {"Fentanyl": "fentanyl", "Methamphetamine": "methamphetamine", "Cocaine": "cocaine",
             "Heroin": "heroin", "Marijuana": "marijuana"}
CBP_COMPONENT = {"Office of Field Operations": "ports", "U.S. Border Patrol": "between_ports"}


def cbp_seizures(paths: list[Path]) -> pd.DataFrame:
    """Southwest-border seizures by drug, at ports of entry (OFO) and between them (Border Patrol).
    The fiscal year starts in October: OCT-DEC of FY N are months of calendar year N-1."""
    raw = pd.concat([pd.read_csv(p) for p in paths], ignore_index=True)
    raw = raw[(raw["Region"] == "Southwest Border") & raw["Drug Type"].isin(list(CBP_DRUGS))
              & raw["Component"].isin(list(CBP_COMPONENT))]
    month = raw["Month (abbv)"].str.upper().map(MON3)
    year = raw["FY"].astype(str).str.slice(0, 4).astype(int) - (month >= 10).astype(int)  # "2026 (FYTD)"
    start, end = month_bounds(year, month)
    base = pd.DataFrame({"drug": raw["Drug Type"].map(CBP_DRUGS), "where": raw["Component"].map(CBP_COMPONENT),
                         "period_start": start, "period_end": end, "lbs": raw["Sum Qty (lbs)"].astype(float),
                         "events": raw["Count of Event"].astype(float)})
    agg = base.groupby(["drug", "where", "period_start", "period_end"], as_index=False)[["lbs", "events"]].sum()
    out = []
    for col, unit in (("lbs", "pounds"), ("events", "seizure events")):
        df = pd.DataFrame({"indicator": "seizures_" + col + "_" + agg["where"] + "_" + agg["drug"],
                           "geo_level": "national", "geo_code": "USA", "period_start": agg["period_start"],
                           "period_end": agg["period_end"], "value": agg[col]})
        out.append(_frame(df, unit=unit, publisher=CBP + "; Southwest Border region"))
    return pd.concat(out, ignore_index=True)


INEGI = "INEGI death certificates, compiled by Gargiulo (OSF doi:10.17605/OSF.IO/U8DC3), CC-BY 4.0"


def per_100k_year(count: pd.Series, population: pd.Series) -> pd.Series:
    """A monthly count as a yearly rate per 100,000 (x 12), comparable with the usual annual rates."""
    return count * 12 * 100_000 / population


def inegi_homicides(path: Path) -> pd.DataFrame:
    raw = pd.read_csv(path, sep="|", dtype={"cve_ent": str})
    start, end = month_bounds(raw["year"], raw["month"])
    geo = raw["cve_ent"].str.zfill(2)
    counts = pd.DataFrame({"indicator": "homicides_inegi", "geo_level": "state", "geo_code": geo,
                           "period_start": start, "period_end": end, "value": raw["homicides"].astype(float)})
    counts = _frame(counts, unit="deaths", publisher=INEGI)
    pop = pd.DataFrame({"geo_code": geo, "period_start": start, "period_end": end,
                        "pop": raw["pop_est"].astype(float), "value": raw["homicides"].astype(float)})
    nat_pop = pop.groupby(["period_start", "period_end"], as_index=False)[["pop", "value"]].sum()
    rates = pd.DataFrame({"indicator": "homicide_rate_inegi", "geo_level": "state", "geo_code": geo,
                          "period_start": start, "period_end": end,
                          "value": per_100k_year(pop["value"], pop["pop"]).round(3)})
    nat_rates = pd.DataFrame({"indicator": "homicide_rate_inegi", "geo_level": "national", "geo_code": "MEX",
                              "period_start": nat_pop["period_start"], "period_end": nat_pop["period_end"],
                              "value": per_100k_year(nat_pop["value"], nat_pop["pop"]).round(3)})
    unit = "per 100,000 per year"
    return pd.concat([counts, _national(counts, "MEX"), _frame(rates, unit=unit, publisher=INEGI),
                      _frame(nat_rates, unit=unit, publisher=INEGI)], ignore_index=True)


SESNSP = "SESNSP victim reports, Mexican open government data (Libre Uso MX)"


def sesnsp_homicides(path: Path, population: pd.DataFrame | None = None) -> pd.DataFrame:
    """Victims of intentional homicide plus feminicide by state and month. Rates use INEGI's
    population estimate of the same state and year, the last year's carried forward (INEGI's
    compilation ends in 2022) -- a stated approximation."""
    raw = pd.read_csv(path, dtype={"cve_ent": str, "n_month": str})
    raw = raw[raw["subtipo_de_delito"].isin(["Homicidio doloso", "Feminicidio"])]
    agg = raw.groupby(["cve_ent", "n_year", "n_month"], as_index=False)["n_victimas"].sum()
    start, end = month_bounds(agg["n_year"], agg["n_month"])
    geo = agg["cve_ent"].str.zfill(2)
    counts = _frame(pd.DataFrame({"indicator": "homicide_victims_sesnsp", "geo_level": "state", "geo_code": geo,
                                  "period_start": start, "period_end": end,
                                  "value": agg["n_victimas"].astype(float)}), unit="victims", publisher=SESNSP)
    out = [counts, _national(counts, "MEX")]
    if population is not None:
        pop = population.sort_values("year")
        years = agg["n_year"].astype(int).clip(upper=int(pop["year"].max()))
        key = pd.DataFrame({"geo_code": geo, "year": years})
        p = key.merge(pop, on=["geo_code", "year"], how="left")["pop"]
        rates = pd.DataFrame({"indicator": "homicide_rate_sesnsp", "geo_level": "state", "geo_code": geo,
                              "period_start": start, "period_end": end,
                              "value": per_100k_year(agg["n_victimas"].astype(float), p.to_numpy()).round(3)})
        out.append(_frame(rates, unit="per 100,000 per year", publisher=SESNSP + "; population: " + INEGI))
    return pd.concat(out, ignore_index=True)


def inegi_population(path: Path) -> pd.DataFrame:
    raw = pd.read_csv(path, sep="|", dtype={"cve_ent": str})
    pop = raw.groupby(["cve_ent", "year"], as_index=False)["pop_est"].mean()
    return pd.DataFrame({"geo_code": pop["cve_ent"].str.zfill(2), "year": pop["year"].astype(int),
                         "pop": pop["pop_est"].astype(float)})


CDC_GUARDIAN = "CDC NCHS VSRR provisional counts, as compiled by The Guardian (mattkiefer/us-overdoses, MIT)"


def cdc_overdose_month(path: Path) -> pd.DataFrame:
    """12-month-ending overdose deaths per state; the national series is the sum of the 51 jurisdictions."""
    data: dict[str, dict[str, dict[str, Any]]] = json.loads(Path(path).read_text())
    rows = []
    for fips, months in data.items():
        postal = US_STATES.get(fips.zfill(2), (fips, ""))[0]
        for key, v in months.items():
            year, month = key.split("-", 1)
            if v.get("mort") is None:
                continue
            rows.append((postal, int(year), MONTHS[month], float(v["mort"]), v.get("mort_100k")))
    raw = pd.DataFrame(rows, columns=["geo_code", "year", "month", "deaths", "rate"])
    _, end = month_bounds(raw["year"], raw["month"])
    # a 12-month-ending value covers the year that ends with its month
    first = (pd.to_datetime(end) - pd.offsets.MonthBegin(12)).dt.date
    counts = _frame(pd.DataFrame({"indicator": "overdose_deaths_12m", "geo_level": "state",
                                  "geo_code": raw["geo_code"], "period_start": first, "period_end": end,
                                  "value": raw["deaths"]}), unit="deaths in 12 months", publisher=CDC_GUARDIAN)
    rates = raw[raw["rate"].notna()]
    rate_rows = _frame(pd.DataFrame({"indicator": "overdose_rate_12m", "geo_level": "state",
                                     "geo_code": rates["geo_code"], "period_start": first[rates.index],
                                     "period_end": end[rates.index], "value": rates["rate"].astype(float)}),
                       unit="per 100,000 in 12 months", publisher=CDC_GUARDIAN)
    return pd.concat([counts, _national(counts, "USA"), rate_rows], ignore_index=True)


VSRR = "CDC NCHS Vital Statistics Rapid Release, provisional drug overdose death counts (public domain)"


def vsrr_overdose(path: Path) -> pd.DataFrame:
    """The VSRR file in its original layout: the 12-month-ending count of drug overdose deaths.
    It overlaps the compiled series; loaded later, it stands as a revision (the latest load wins)."""
    raw = pd.read_csv(path, encoding="utf-8-sig", dtype=str)
    raw = raw[(raw["Indicator"] == "Number of Drug Overdose Deaths") & (raw["Period"] == "12 month-ending")
              & raw["Data Value"].notna()]
    raw = raw[raw["State"] != "YC"]  # New York City is also inside NY
    _, end = month_bounds(raw["Year"].astype(int), raw["Month"].map(MONTHS))
    first = (pd.to_datetime(end) - pd.offsets.MonthBegin(12)).dt.date
    national = raw["State"] == "US"
    df = pd.DataFrame({"indicator": "overdose_deaths_12m_vsrr", "geo_level": national.map({True: "national",
                                                                                         False: "state"}),
                       "geo_code": raw["State"].where(~national, "USA"), "period_start": first, "period_end": end,
                       "value": raw["Data Value"].str.replace(",", "").astype(float)})
    return _frame(df, unit="deaths in 12 months", publisher=VSRR)


NCHS = "NCHS data briefs 329, 491, 522 (public domain)"


def nchs_national(path: Path) -> pd.DataFrame:
    raw = pd.read_csv(path)
    out = []
    for col, ind, unit in (("deaths", "overdose_deaths_year", "deaths"),
                           ("age_adjusted_rate_per_100k", "overdose_rate_year", "per 100,000, age-adjusted"),
                           ("synthetic_opioid_deaths", "synthetic_opioid_deaths_year", "deaths")):
        sub = raw[raw[col].notna()]
        df = pd.DataFrame({"indicator": ind, "geo_level": "national", "geo_code": "USA",
                           "period_start": pd.to_datetime(sub["year"].astype(str) + "-01-01").dt.date,
                           "period_end": pd.to_datetime(sub["year"].astype(str) + "-12-31").dt.date,
                           "value": sub[col].astype(float)})
        out.append(_frame(df, unit=unit, publisher=NCHS))
    return pd.concat(out, ignore_index=True)


DISPENSING = "CDC dispensing rate maps, as compiled in mattkiefer/us-overdoses (MIT)"


def cdc_dispensing(path: Path, indicator: str) -> pd.DataFrame:
    raw = pd.read_csv(path, encoding="utf-8-sig", dtype={"STATE_FIPS": str})
    col = next(c for c in raw.columns if c.endswith("_dispensing_rate"))
    raw = raw[raw[col].notna()]
    df = pd.DataFrame({"indicator": indicator, "geo_level": "state", "geo_code": raw["STATE_ABBREV"],
                       "period_start": pd.to_datetime(raw["YEAR"].astype(str) + "-01-01").dt.date,
                       "period_end": pd.to_datetime(raw["YEAR"].astype(str) + "-12-31").dt.date,
                       "value": raw[col].astype(float)})
    return _frame(df, unit="prescriptions per 100 persons", publisher=DISPENSING)


NSDUH = "SAMHSA NSDUH state estimates, as compiled in mattkiefer/us-overdoses (MIT)"


def nsduh_oud(path: Path) -> pd.DataFrame:
    raw = pd.read_csv(path)
    first = raw["year_pair"].str.slice(0, 4)
    last = first.astype(int) + 1
    df = pd.DataFrame({"indicator": "opioid_use_disorder", "geo_level": "state",
                       "geo_code": raw["state"].map(US_BY_NAME).fillna(raw["state"]),
                       "period_start": pd.to_datetime(first + "-01-01").dt.date,
                       "period_end": pd.to_datetime(last.astype(str) + "-12-31").dt.date,
                       "value": (raw["estimate"].astype(float) * 100).round(3)})
    df.loc[raw["state"].isin(["National", "United States", "Total U.S."]), ["geo_level", "geo_code"]] = \
        ["national", "USA"]
    return _frame(df, unit="percent of people aged 12+, past year", publisher=NSDUH)


NICS = "FBI NICS firearm background checks, compiled by BuzzFeed News (MIT); checks are not sales"


def nics_checks(path: Path, since: int = 2010) -> pd.DataFrame:
    raw = pd.read_csv(path)
    when = pd.to_datetime(raw["month"], format="%Y-%m")
    keep = when.dt.year >= since
    raw, when = raw[keep], when[keep]
    start, end = month_bounds(when.dt.year, when.dt.month)
    geo = raw["state"].map(US_BY_NAME).fillna(raw["state"])
    out = []
    for col, ind in (("totals", "nics_checks"), ("multiple", "nics_checks_multiple")):
        df = pd.DataFrame({"indicator": ind, "geo_level": "state", "geo_code": geo, "period_start": start,
                           "period_end": end, "value": raw[col].astype(float)})
        df = _frame(df, unit="background checks", publisher=NICS)
        out += [df, _national(df, "USA")]
    return pd.concat(out, ignore_index=True)


ATF = "ATF releases; GAO-09-709, GAO-16-223, GAO-21-322"


def atf_traces(path: Path) -> pd.DataFrame:
    raw = pd.read_csv(path)
    out = []
    for col, ind, unit, scale in (("traced_total", "firearms_traced_mexico", "firearms", 1.0),
                                  ("us_sourced", "firearms_traced_mexico_us_sourced", "firearms", 1.0),
                                  ("us_sourced_share", "firearms_traced_mexico_us_share", "percent", 100.0)):
        sub = raw[raw[col].notna()]
        df = pd.DataFrame({"indicator": ind, "geo_level": "national", "geo_code": "MEX",
                           "period_start": pd.to_datetime(sub["period_start"].astype(str) + "-01-01").dt.date,
                           "period_end": pd.to_datetime(sub["period_end"].astype(str) + "-12-31").dt.date,
                           "value": sub[col].astype(float) * scale})
        df = df.assign(unit=unit, publisher=ATF + " (" + sub["source"].astype(str) + ")")
        out.append(df[COLUMNS])
    return pd.concat(out, ignore_index=True)


POPPY = {"US-ONDCP": ("poppy_hectares_ondcp", "US ONDCP releases (public domain)"),
         "UNODC-MX": ("poppy_hectares_unodc", "UNODC-Mexico monitoring")}


def poppy(path: Path) -> pd.DataFrame:
    raw = pd.read_csv(path, dtype={"period": str})
    out = []
    for src, (ind, pub) in POPPY.items():
        sub = raw[raw["source"] == src]
        end_year = sub["year_end"].astype(int)
        if src == "UNODC-MX":  # July-June cycle
            start = pd.to_datetime((end_year - 1).astype(str) + "-07-01").dt.date
            end = pd.to_datetime(end_year.astype(str) + "-06-30").dt.date
        else:
            start = pd.to_datetime(end_year.astype(str) + "-01-01").dt.date
            end = pd.to_datetime(end_year.astype(str) + "-12-31").dt.date
        df = pd.DataFrame({"indicator": ind, "geo_level": "national", "geo_code": "MEX", "period_start": start,
                           "period_end": end, "value": sub["hectares"].astype(float)})
        out.append(_frame(df, unit="hectares", publisher=pub))
    return pd.concat(out, ignore_index=True)


def _sources(raw: Path) -> dict[str, Callable[[], pd.DataFrame]]:
    pop = inegi_population(raw / "mx_homicides_state_month_2000_2022.psv")
    return {
        "bts_crossings": lambda: bts_crossings(raw / "bts_border_crossings_us_mexico.csv.gz"),
        "cbp_seizures": lambda: cbp_seizures([raw / "cbp_drug_seizures_fy19_fy22.csv",
                                              raw / "cbp_drug_seizures_fy23_fy26.csv"]),
        "inegi_homicides": lambda: inegi_homicides(raw / "mx_homicides_state_month_2000_2022.psv"),
        "sesnsp_homicides": lambda: sesnsp_homicides(raw / "sesnsp_homicide_victims_state_month_2015_2025.csv.gz",
                                                     pop),
        "cdc_overdose": lambda: cdc_overdose_month(raw / "overdose_deaths_state_month_2015_2025.json"),
        "vsrr_overdose": lambda: vsrr_overdose(raw / "vsrr_provisional_overdose_2015_2018.csv"),
        "nchs_overdose_national": lambda: nchs_national(raw / "us_overdose_deaths_national.csv"),
        "buprenorphine": lambda: cdc_dispensing(raw / "cdc_buprenorphine_dispensing_state_2019_2023.csv",
                                                "buprenorphine_dispensing"),
        "naloxone": lambda: cdc_dispensing(raw / "cdc_naloxone_dispensing_state_2019_2023.csv",
                                           "naloxone_dispensing"),
        "nsduh_oud": lambda: nsduh_oud(raw / "nsduh_opioid_use_disorder_state_2022_2023.csv"),
        "nics_checks": lambda: nics_checks(raw / "nics_firearm_background_checks_1998_2023.csv"),
        "atf_traces": lambda: atf_traces(raw / "atf_mexico_firearm_traces.csv"),
        "poppy": lambda: poppy(raw / "mx_opium_poppy_cultivation.csv"),
    }


def derive(raw: Path, out: Path) -> dict[str, int]:
    """Write one compact ``NAME.csv.gz`` per data set (canonical indicator columns) into ``out``."""
    try:
        sources = _sources(Path(raw))
    except FileNotFoundError as exc:
        raise OutcomesError([Problem(str(exc.filename), "not found: derive needs the published files in RAW_DIR "
                                     "(SOURCES.md lists them)", field="RAW_DIR")]) from exc
    frames, missing = {}, []
    for name, make in sources.items():
        try:
            frames[name] = make()
        except FileNotFoundError as exc:
            missing.append(Problem(str(exc.filename), f"not found: needed for {name}", field="RAW_DIR"))
    if missing:
        raise OutcomesError(missing)
    out.mkdir(parents=True, exist_ok=True)
    counts = {}
    for name, frame in frames.items():
        df = frame.sort_values(["indicator", "geo_level", "geo_code", "period_start"])
        text = df.to_csv(index=False, float_format="%.10g", lineterminator="\n")
        with gzip.GzipFile(out / f"{name}.csv.gz", "wb", mtime=0) as fh:  # same bytes for the same data
            fh.write(text.encode("utf-8"))
        counts[name] = len(df)
        log.info("derived %s: %d rows", name, len(df))
    return counts
