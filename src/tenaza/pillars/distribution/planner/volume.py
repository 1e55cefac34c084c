"""Arrivals of a port: monthly volume from BTS, spread over the hours by a profile.

BTS Border Crossing Entry Data counts inbound trucks and personal vehicles per port and month
(``bts_ports_2024.csv``); it has no hourly figures. The hourly shares come from
``port_hourly_profile.csv``, a documented assumption (commercial traffic between early morning
and evening, personal vehicles with a morning and an afternoon peak), the same shape for every
port, normalised to sum to one. A user with measured hourly counts passes their own profile.
"""

from __future__ import annotations

import calendar
import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

from tenaza.errors import PlanError

CONVEYANCES = ("truck", "personal_vehicle")
YEAR = 2024  # the year of the BTS copy; month lengths follow it


@dataclass(frozen=True)
class Port:
    code: str
    name: str
    state: str
    trucks: tuple[int, ...]  # per month, January first
    personal_vehicles: tuple[int, ...]

    def volume(self, conveyance: str, month: int) -> int:
        series = self.trucks if conveyance == "truck" else self.personal_vehicles
        return series[month - 1]

    def default_conveyance(self) -> str:
        """Trucks where the port takes commercial traffic, else personal vehicles: San Ysidro,
        Calexico, Andrade and Sasabe had no truck in 2024."""
        return "truck" if sum(self.trucks) else "personal_vehicle"


def _reference(name: str) -> str:
    return (resources.files("tenaza") / "data" / "reference" / name).read_text(encoding="utf-8")


@cache
def ports() -> dict[str, Port]:
    """Every US-Mexico port in the BTS copy, by code."""
    rows: dict[str, dict[str, object]] = {}
    for r in csv.DictReader(_reference("bts_ports_2024.csv").splitlines()):
        p = rows.setdefault(r["port_code"], {"name": r["port_name"], "state": r["state"], "t": [0] * 12, "p": [0] * 12})
        m = int(r["month"]) - 1
        p["t"][m] = int(r["trucks"] or 0)  # type: ignore[index]  # the lists built just above
        p["p"][m] = int(r["personal_vehicles"] or 0)  # type: ignore[index]  # idem
    return {code: Port(code, str(p["name"]), str(p["state"]), tuple(p["t"]), tuple(p["p"]))  # type: ignore[arg-type]
            for code, p in rows.items()}  # the lists built just above


def find_port(name_or_code: str) -> Port:
    """A port by its CBP code or its name (case-insensitive)."""
    known = ports()
    key = name_or_code.strip()
    if key in known:
        return known[key]
    by_name = {p.name.lower(): p for p in known.values()}
    if key.lower() in by_name:
        return by_name[key.lower()]
    raise PlanError(f"unknown port {name_or_code!r}; known: {', '.join(sorted(by_name[n].name for n in by_name))}")


@cache
def profile(conveyance: str) -> tuple[float, ...]:
    """Share of a day's arrivals in each hour 0..23, summing to one."""
    if conveyance not in CONVEYANCES:
        raise PlanError(f"conveyance must be one of {', '.join(CONVEYANCES)}, not {conveyance!r}")
    shares = [0.0] * 24
    for r in csv.DictReader(_reference("port_hourly_profile.csv").splitlines()):
        if r["conveyance"] == conveyance:
            shares[int(r["hour"])] = float(r["share"])
    total = sum(shares)
    return tuple(s / total for s in shares)


def days_in_month(month: int) -> int:
    return calendar.monthrange(YEAR, month)[1]


def busiest_month(port: Port, conveyance: str) -> int:
    series = port.trucks if conveyance == "truck" else port.personal_vehicles
    return max(range(1, 13), key=lambda m: series[m - 1] / days_in_month(m))
