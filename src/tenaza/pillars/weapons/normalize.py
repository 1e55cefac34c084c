"""Normal forms of the firearm fields that sales and traces spell differently.

Serial numbers are copied by hand from receivers, forms and trace requests, so the same gun
shows up as ``ABC-000123``, ``abc123`` and ``ABCOO0123``. Makes come as ``S&W``, ``Smith and
Wesson`` and ``SMITH & WESSON INC``; calibers as ``5.56``, ``5.56 NATO`` and ``.223 Rem``.
Each normal form is an SQL expression built from standard string functions (upper, translate)
and the Dialect's regular expressions and arrays, so it runs on DuckDB and on Spark.

The alias tables are constants of this module, rendered as VALUES lists: no user text is ever
pasted into SQL.
"""

from __future__ import annotations

from tenaza.detect.steps import Steps
from tenaza.store.dialect import DUCKDB, Dialect

# Cleaned make (upper case, letters and digits only) -> canonical make.
MAKE_ALIASES: dict[str, str] = {
    "SW": "SMITH & WESSON", "SMITHWESSON": "SMITH & WESSON", "SMITHANDWESSON": "SMITH & WESSON",
    "SMITHWESSONINC": "SMITH & WESSON", "SMITHWESSONCORP": "SMITH & WESSON",
    "SIG": "SIG SAUER", "SIGSAUER": "SIG SAUER", "SIGARMS": "SIG SAUER", "SIGSAUERINC": "SIG SAUER",
    "FN": "FN HERSTAL", "FNH": "FN HERSTAL", "FNHERSTAL": "FN HERSTAL", "FNAMERICA": "FN HERSTAL",
    "FNHUSA": "FN HERSTAL", "FABRIQUENATIONALE": "FN HERSTAL",
    "COLT": "COLT", "COLTS": "COLT", "COLTSMFG": "COLT", "COLTSMANUFACTURING": "COLT", "COLTMFG": "COLT",
    "CENTURY": "CENTURY ARMS", "CENTURYARMS": "CENTURY ARMS", "CAI": "CENTURY ARMS",
    "CENTURYINTERNATIONALARMS": "CENTURY ARMS", "CENTURYARMSINC": "CENTURY ARMS",
    "RUGER": "RUGER", "STURMRUGER": "RUGER", "STURMRUGERCO": "RUGER", "STURMRUGERCOMPANY": "RUGER",
    "GLOCK": "GLOCK", "GLOCKINC": "GLOCK", "GLOCKGMBH": "GLOCK",
    "TAURUS": "TAURUS", "FORJASTAURUS": "TAURUS", "TAURUSINTERNATIONAL": "TAURUS",
    "BARRETT": "BARRETT", "BARRETTFIREARMS": "BARRETT", "BARRETTFIREARMSMFG": "BARRETT",
    "REMINGTON": "REMINGTON", "REMINGTONARMS": "REMINGTON", "REM": "REMINGTON",
    "MOSSBERG": "MOSSBERG", "OFMOSSBERG": "MOSSBERG", "OFMOSSBERGSONS": "MOSSBERG",
    "SAVAGE": "SAVAGE", "SAVAGEARMS": "SAVAGE",
    "BUSHMASTER": "BUSHMASTER", "BUSHMASTERFIREARMS": "BUSHMASTER",
    "DPMS": "DPMS", "DPMSPANTHERARMS": "DPMS", "ROMARM": "ROMARM", "ROMARMCUGIR": "ROMARM",
    "ZASTAVA": "ZASTAVA", "ZASTAVAARMS": "ZASTAVA", "SPRINGFIELD": "SPRINGFIELD ARMORY",
    "SPRINGFIELDARMORY": "SPRINGFIELD ARMORY", "BERETTA": "BERETTA", "BERETTAUSA": "BERETTA",
}

# Cleaned caliber (upper case, letters and digits only, 'MM', 'CAL' and 'CALIBER' dropped) -> canonical.
CALIBER_ALIASES: dict[str, str] = {
    "556": "5.56x45", "556NATO": "5.56x45", "556X45": "5.56x45", "223": "5.56x45", "223REM": "5.56x45",
    "223REMINGTON": "5.56x45", "556X45NATO": "5.56x45", "556223": "5.56x45",
    "762X39": "7.62x39", "76239": "7.62x39", "762X39R": "7.62x39",
    "50BMG": ".50 BMG", "50": ".50 BMG", "127X99": ".50 BMG", "50BROWNING": ".50 BMG",
    "9": "9x19", "9X19": "9x19", "9LUGER": "9x19", "9PARABELLUM": "9x19", "9PARA": "9x19",
    "38SUPER": ".38 Super", "38SUPERAUTO": ".38 Super", "57X28": "5.7x28", "57": "5.7x28",
    "22": ".22", "22LR": ".22", "22LONGRIFLE": ".22", "22WMR": ".22", "22MAGNUM": ".22",
    "380": ".380", "380ACP": ".380", "380AUTO": ".380", "357": ".357", "357MAGNUM": ".357", "357MAG": ".357",
    "308": "7.62x51", "308WIN": "7.62x51", "762X51": "7.62x51", "762NATO": "7.62x51",
    "12": "12 gauge", "12GAUGE": "12 gauge", "12GA": "12 gauge", "45": ".45", "45ACP": ".45", "40SW": ".40",
    "40": ".40",
}

# Calibers whose guns Mexico's cartels are known to favour (ATF and GAO-16-223 reporting):
# military-pattern rifles (5.56, 7.62x39), anti-materiel .50 BMG rifles, 5.7x28 pistols that
# defeat body armour, and the .38 Super, a status pistol among traffickers.
CARTEL_CALIBERS = (".50 BMG", "7.62x39", "5.56x45", "5.7x28", ".38 Super")


def _values(mapping: dict[str, str]) -> str:
    rows = ", ".join(f"('{k}', '{v}')" for k, v in sorted(mapping.items()))
    assert "''" not in rows
    return f"VALUES {rows}"


def alias_steps(steps: Steps) -> Steps:
    """Steps ``make_alias`` and ``caliber_alias`` (alias, canonical)."""
    return (steps.add("make_alias", _values(MAKE_ALIASES), ("alias", "canonical"))
            .add("caliber_alias", _values(CALIBER_ALIASES), ("alias", "canonical")))


def alias_ctes() -> str:
    """CTEs ``make_alias`` and ``caliber_alias`` (alias, canonical), as text."""
    return (f"make_alias(alias, canonical) AS ({_values(MAKE_ALIASES)}),\n"
            f"caliber_alias(alias, canonical) AS ({_values(CALIBER_ALIASES)})")


def clean(expr: str, d: Dialect = DUCKDB) -> str:
    """Upper case, letters and digits only."""
    return d.regex_replace_all(f"upper({expr})", "'[^A-Z0-9]'", "''")


def serial_key(expr: str, d: Dialect = DUCKDB) -> str:
    """A serial number's normal form: letters and digits, O read as 0 and I as 1 (the confusions of
    hand copying), and leading zeros of each run of digits dropped (``ABC000123`` = ``ABC123``)."""
    return d.regex_replace_all(f"translate({clean(expr, d)}, 'OI', '01')", "'(^|[A-Z])0+([0-9])'",
                               f"'{d.regex_group(1)}{d.regex_group(2)}'")


def caliber_clean(expr: str, d: Dialect = DUCKDB) -> str:
    return d.regex_replace_all(clean(expr, d), "'(MM|CALIBER|CAL)'", "''")


def name_key(expr: str, d: Dialect = DUCKDB) -> str:
    """A person's name as sorted upper-case words without accents, so 'KING, ROBERT' = 'Robert King'."""
    folded = f"translate(upper({expr}), 'ÁÉÍÓÚÜÑÀÈÌÒÙÇ', 'AEIOUUNAEIOUC')"
    words = d.array_filter(d.split(d.regex_replace_all(folded, "'[^A-Z ]'", "' '"), " "), "w", "w <> ''")
    return f"nullif({d.array_join(d.array_sort(words), chr(39) + ' ' + chr(39))}, '')"


def purchaser_id(key: str, state: str) -> str:
    """One purchaser: the name key at dealers of one state.

    A dealer may sell a handgun only to a resident of its own state (18 U.S.C. 922(b)(3)), and
    a long gun to a non-resident only in person where both states allow it, so a person's
    purchases are made at the dealers of one state; names alone (two JAMES SMITHs) would pool
    strangers into one buyer of many guns at many dealers. A sale of unknown dealer state keeps
    the name alone."""
    return f"({key} || coalesce(' @' || upper({state}), ''))"
