"""Real figures the world is calibrated to, read from the compact copies in tenaza/data/reference.

- Ports: trucks and personal vehicles per port and month of 2024 (BTS Border Crossing Entry
  Data) set where and when crossings happen and where trade declarations clear.
- Seizures: FY2024 Southwest-border drug seizure events and pounds by component (OFO at ports,
  Border Patrol between them) and drug (CBP) set the share at versus between ports, the drug mix
  and the load sizes.
- Firearms: NICS handgun, long-gun and multiple checks by state set where dealers are and how
  common multiple sales are; ATF/GAO trace figures set the US-sourced share of guns recovered in
  Mexico.
- Precursors: the HS6 codes of fentanyl and methamphetamine precursors (UN 1988 tables, DEA).

Trade by HS chapter is not in the shared data; PRODUCTS below carries approximate shares and is
marked as an assumption in docs/scenario.md.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

REFERENCE = Path(__file__).resolve().parents[2] / "data" / "reference"
# CBP port code -> (Mexican aduana code and section, as pedimentos write it; Mexican city)
ADUANA = {
    "2304": ("240", "Nuevo Laredo"), "2506": ("400", "Tijuana"), "2305": ("300", "Reynosa"),
    "2401": ("070", "Ciudad Juárez"), "2507": ("190", "Mexicali"), "2604": ("230", "Nogales"),
    "2301": ("170", "Matamoros"), "2303": ("270", "Piedras Negras"), "2408": ("070", "Ciudad Juárez"),
    "2402": ("070", "Ciudad Juárez"), "2302": ("440", "Ciudad Acuña"), "2505": ("390", "Tecate"),
    "2309": ("300", "Reynosa"), "2310": ("340", "Ciudad Miguel Alemán"), "2608": ("330", "San Luis Río Colorado"),
    "2307": ("820", "Ciudad Camargo"), "2601": ("020", "Agua Prieta"), "2404": ("070", "Ciudad Juárez"),
    "2406": ("260", "Puerto Palomas"), "2403": ("250", "Ojinaga"), "2603": ("220", "Naco"), "2602": ("500", "Sonoyta"),
    "2504": ("400", "Tijuana"), "2503": ("190", "Mexicali"),
}
US_STATE_CODE = {"Texas": "TX", "Arizona": "AZ", "California": "CA", "New Mexico": "NM"}
PACIFIC_PORTS = (("160", "Manzanillo", "Colima"), ("510", "Lázaro Cárdenas", "Michoacán"))
GULF_PORTS = (("430", "Veracruz", "Veracruz"), ("810", "Altamira", "Tamaulipas"))
MX_BORDER_STATE = {"240": "Tamaulipas", "400": "Baja California", "300": "Tamaulipas", "070": "Chihuahua",
                   "190": "Baja California", "230": "Sonora", "170": "Tamaulipas", "270": "Coahuila",
                   "440": "Coahuila", "390": "Baja California", "340": "Tamaulipas", "330": "Sonora",
                   "820": "Tamaulipas", "020": "Sonora", "260": "Chihuahua", "250": "Chihuahua", "220": "Sonora",
                   "500": "Sonora"}

# (HS6, English description, Spanish description, unit, USD per unit, approximate share of US
# exports to Mexico) -- an assumption: shares rounded from published US-Mexico trade profiles.
PRODUCTS = (
    ("854231", "Processors and controllers, integrated circuits", "Circuitos integrados procesadores", "u", 38.0, .08),
    ("854442", "Insulated electric conductors with connectors", "Conductores eléctricos aislados", "kg", 21.0, .07),
    ("847330", "Parts and accessories of computers", "Partes de máquinas de procesamiento de datos", "u", 55.0, .07),
    ("840999", "Parts for diesel engines", "Partes de motores diésel", "kg", 18.0, .07),
    ("271019", "Diesel and gas oils", "Gasóleo (diésel)", "l", 0.85, .13),
    ("870899", "Parts and accessories of motor vehicles", "Partes y accesorios de vehículos", "kg", 9.5, .08),
    ("390110", "Polyethylene, specific gravity under 0.94", "Polietileno de densidad inferior a 0,94", "kg", 1.3, .07),
    ("721049", "Flat-rolled iron or steel, zinc coated", "Productos laminados de hierro cincados", "kg", 1.1, .05),
    ("100590", "Maize (corn), other than seed", "Maíz, excepto para siembra", "kg", 0.23, .03),
    ("020714", "Chicken cuts and offal, frozen", "Trozos y despojos de gallo o gallina congelados", "kg", 2.1, .02),
    ("120190", "Soya beans, other than seed", "Habas de soya, excepto para siembra", "kg", 0.52, .02),
    ("481910", "Cartons and boxes of corrugated paper", "Cajas de papel o cartón corrugado", "kg", 1.4, .02),
    ("901890", "Medical instruments and appliances", "Instrumentos y aparatos de medicina", "u", 120.0, .03),
    ("300490", "Medicaments in measured doses", "Medicamentos dosificados", "kg", 85.0, .015),
    ("401110", "New pneumatic tyres for cars", "Neumáticos nuevos para automóviles", "u", 65.0, .015),
    ("382499", "Chemical products and preparations", "Productos y preparaciones químicas", "kg", 3.2, .02),
    ("290511", "Methanol", "Metanol", "l", 0.45, .02),
    ("293399", "Heterocyclic compounds with nitrogen", "Compuestos heterocíclicos con nitrógeno", "kg", 48.0, .01),
    ("940360", "Wooden furniture", "Muebles de madera", "u", 140.0, .01),
    ("843149", "Parts of cranes and earth-moving machinery", "Partes de grúas y maquinaria", "kg", 8.0, .02),
)
PRODUCE = (("070200", "Tomatoes, fresh", "Jitomate fresco", "kg", 1.1), ("070960", "Peppers, fresh",
           "Chiles frescos", "kg", 1.6), ("080440", "Avocados, fresh", "Aguacate fresco", "kg", 2.4),
           ("080719", "Melons, fresh", "Melón fresco", "kg", 0.7), ("081010", "Strawberries, fresh", "Fresa fresca",
           "kg", 3.0), ("070993", "Squash, fresh", "Calabaza fresca", "kg", 0.9))
ASIA_ORIGIN = ("CHN", "IND", "KOR", "JPN", "TWN", "VNM")


@dataclass(frozen=True)
class PortMonth:
    code: np.ndarray
    name: np.ndarray
    state: np.ndarray
    month: np.ndarray
    trucks: np.ndarray
    vehicles: np.ndarray


def _rows(name: str) -> list[dict[str, str]]:
    text = (REFERENCE / name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


@cache
def ports() -> PortMonth:
    rows = [r for r in _rows("bts_ports_2024.csv") if r["port_code"] in ADUANA]
    return PortMonth(np.array([r["port_code"] for r in rows]), np.array([r["port_name"] for r in rows]),
                     np.array([r["state"] for r in rows]), np.array([int(r["month"]) for r in rows]),
                     np.array([float(r["trucks"]) for r in rows]), np.array([float(r["personal_vehicles"]) for r in rows]))


@cache
def seizures() -> list[tuple[str, str, int, float]]:
    """(component, drug, events, lbs) of FY2024 on the Southwest border, drugs with at least 50 events."""
    return [(r["component"], r["drug"], int(r["events"]), float(r["lbs"])) for r in _rows("cbp_swb_seizures_fy2024.csv")
            if int(r["events"]) >= 50]


@cache
def nics() -> dict[str, tuple[int, int, int]]:
    return {r["state"]: (int(r["handgun"]), int(r["long_gun"]), int(r["multiple"]))
            for r in _rows("nics_state_2022_10_2023_09.csv")}


@cache
def traces_us_share() -> float:
    """Share of traced Mexican crime guns that were US-sourced (ATF/GAO, 2009-2014 aggregate)."""
    for r in _rows("atf_mexico_firearm_traces.csv"):
        if r["period_start"] == "2009" and r["period_end"] == "2014":
            return float(r["us_sourced_share"])
    raise LookupError("atf_mexico_firearm_traces.csv lacks the 2009-2014 row")


@cache
def precursors() -> list[dict[str, str]]:
    return [r for r in _rows("drug_precursors.csv") if r["drug_family"] in ("fentanyl", "methamphetamine")]


def port_names(codes: np.ndarray) -> np.ndarray:
    """BTS names of CBP port codes (Laredo, Otay Mesa ...)."""
    pm = ports()
    names = dict(zip(pm.code.tolist(), pm.name.tolist(), strict=True))
    return np.array([names.get(str(c), "") for c in codes], dtype=object)
