"""Derive the compact reference copies under ``tenaza/data/reference`` from the public files.

Run once by hand when the public data changes (``python -m tenaza.scenario.world.derive
/path/to/shared/data``); the generator, the tests and the demo read only the derived copies,
never the originals. Each output is a few kilobytes of CSV, described in SOURCES.md beside it.
"""

from __future__ import annotations

import csv
import gzip
import logging
import sys
from collections import defaultdict
from pathlib import Path

log = logging.getLogger("tenaza")

REFERENCE = Path(__file__).resolve().parents[2] / "data" / "reference"
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
FY_MONTHS = ("OCT", "NOV", "DEC", "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP")
CALIBRATION_YEAR = "2024"


def _write(name: str, header: list[str], rows: list[list[object]]) -> None:
    with (REFERENCE / name).open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    log.info("wrote %s (%d rows)", name, len(rows))


def derive_ports(shared: Path) -> None:
    """Trucks and personal vehicles per port and month of the calibration year (BTS)."""
    vals: dict[tuple[str, int], dict[str, int]] = defaultdict(lambda: {"Trucks": 0, "Personal Vehicles": 0})
    info: dict[str, tuple[str, str, str, str]] = {}
    with gzip.open(shared / "bts_border_crossings_us_mexico.csv.gz", "rt", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            mon, _, year = row["Date"].partition(" ")
            if year != CALIBRATION_YEAR or row["Measure"] not in ("Trucks", "Personal Vehicles"):
                continue
            code = row["Port Code"]
            info[code] = (row["Port Name"], row["State"], row["Latitude"], row["Longitude"])
            vals[(code, MONTHS.index(mon) + 1)][row["Measure"]] += int(row["Value"])
    rows: list[list[object]] = []
    for (code, month), v in sorted(vals.items()):
        name, state, lat, lon = info[code]
        rows.append([code, name, state, lat, lon, month, v["Trucks"], v["Personal Vehicles"]])
    _write("bts_ports_2024.csv", ["port_code", "port_name", "state", "lat", "lon", "month", "trucks",
                                  "personal_vehicles"], rows)


def derive_seizures(shared: Path) -> None:
    """Southwest-border drug seizure events and pounds by component and drug, FY2024 (CBP)."""
    agg: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0.0, 0.0])
    with (shared / "cbp_drug_seizures_fy23_fy26.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["FY"] != CALIBRATION_YEAR or row["Region"] != "Southwest Border":
                continue
            key = (row["Component"], row["Drug Type"].rstrip("*"))
            agg[key][0] += float(row["Count of Event"])
            agg[key][1] += float(row["Sum Qty (lbs)"])
    rows: list[list[object]] = [[c, d, int(e), round(lbs, 1)] for (c, d), (e, lbs) in sorted(agg.items())]
    _write("cbp_swb_seizures_fy2024.csv", ["component", "drug", "events", "lbs"], rows)


def derive_nics(shared: Path) -> None:
    """Handgun, long-gun and multiple checks per state over the last twelve months (FBI NICS)."""
    agg: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    with (shared / "nics_firearm_background_checks_1998_2023.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if not ("2022-10" <= row["month"] <= "2023-09"):
                continue
            for i, col in enumerate(("handgun", "long_gun", "multiple")):
                agg[row["state"]][i] += int(float(row[col] or 0))
    rows: list[list[object]] = [[s, *v] for s, v in sorted(agg.items())]
    _write("nics_state_2022_10_2023_09.csv", ["state", "handgun", "long_gun", "multiple"], rows)


def derive_copies(shared: Path) -> None:
    for name in ("atf_mexico_firearm_traces.csv", "drug_precursors.csv"):
        (REFERENCE / name).write_text((shared / name).read_text(encoding="utf-8"), encoding="utf-8")
        log.info("copied %s", name)


def main(argv: list[str]) -> None:
    shared = Path(argv[1] if len(argv) > 1 else "../shared/data")
    REFERENCE.mkdir(parents=True, exist_ok=True)
    derive_ports(shared)
    derive_seizures(shared)
    derive_nics(shared)
    derive_copies(shared)


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    main(sys.argv)
