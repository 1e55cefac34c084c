"""Numbers and dates as readers of each language write them (no locale database needed).

English: 12,345.6 and "March 2024". Spanish follows the Real Academia's rule, which both
countries' statistical offices print: a thin space groups thousands and a comma marks decimals
(12 345,6); months are lower case ("marzo de 2024").
"""

from __future__ import annotations

import math
from datetime import date

MONTHS_EN = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
             "November", "December"]
MONTHS_ES = ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
             "noviembre", "diciembre"]


def fmt_number(x: float, lang: str, digits: int = 3) -> str:
    """``digits`` significant digits for small numbers; whole numbers grouped by thousands."""
    if x is None or not math.isfinite(x):
        return "–"
    if abs(x) >= 10 ** digits or x == int(x):
        text = f"{x:,.0f}"
    else:
        decimals = max(0, digits - 1 - math.floor(math.log10(abs(x)))) if x else 0
        text = f"{x:,.{decimals}f}"
    if lang == "es":
        return text.replace(",", "\u2009").replace(".", ",")
    return text


def fmt_month(d: date, lang: str) -> str:
    if lang == "es":
        return f"{MONTHS_ES[d.month - 1]} de {d.year}"
    return f"{MONTHS_EN[d.month - 1]} {d.year}"


def fmt_date(d: date, lang: str) -> str:
    if lang == "es":
        return f"{d.day} de {MONTHS_ES[d.month - 1]} de {d.year}"
    return f"{MONTHS_EN[d.month - 1]} {d.day}, {d.year}"


def fmt_p(p: float, lang: str) -> str:
    """'= 0.03' or '< 0.001' (the comparison included)."""
    if p < 0.001:
        return "< " + fmt_number(0.001, lang, digits=1)
    return "= " + fmt_number(p, lang, digits=2)


# The units of the shipped series and the default framework; any other unit reads as given.
UNITS_ES = {
    "per 100,000 per year": "por 100 000 al año", "deaths": "muertes", "deaths in 12 months": "muertes en 12 meses",
    "victims": "víctimas", "background checks": "verificaciones de antecedentes", "firearms": "armas de fuego",
    "hectares": "hectáreas", "inbound crossings": "cruces de entrada", "pounds": "libras",
    "seizure events": "eventos de decomiso", "seizures": "decomisos", "alerts": "alertas", "percent": "por ciento",
    "inspections": "inspecciones",
    "prescriptions per 100 persons": "recetas por 100 personas",
    "percent of people aged 12+": "por ciento de las personas de 12 años o más",
    "percent of people aged 12+, past year": "por ciento de las personas de 12 años o más, último año",
    "unit": "unidad", "per 100,000 in 12 months": "por 100 000 en 12 meses",
    "per 100,000, age-adjusted": "por 100 000, ajustada por edad",
}


def fmt_unit(unit: str, lang: str) -> str:
    return UNITS_ES.get(unit, unit) if lang == "es" else unit
