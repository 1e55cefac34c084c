"""Reference code lists (ISO 3166 countries, ISO 4217 currencies) and the spellings that
US and Mexican records use for them, so ingest can map 'México' or 'MX' to MEX set-wise."""

from __future__ import annotations

import unicodedata

import pycountry


def fold(text: str) -> str:
    """Upper case without accents: the key every alias is looked up by."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).upper().strip()


# Spellings seen in US and Mexican records that pycountry does not carry.
COUNTRY_EXTRA = {
    "ESTADOS UNIDOS": "USA", "ESTADOS UNIDOS DE AMERICA": "USA", "EUA": "USA", "EE.UU.": "USA",
    "EEUU": "USA", "EE. UU.": "USA", "U.S.": "USA", "U.S.A.": "USA", "US": "USA", "UNITED STATES": "USA",
    "MEXICO": "MEX", "ESTADOS UNIDOS MEXICANOS": "MEX", "MEX.": "MEX", "CANADA": "CAN",
    "GUATEMALA": "GTM", "COLOMBIA": "COL", "CHINA": "CHN", "REPUBLICA POPULAR CHINA": "CHN",
    "PANAMA": "PAN", "INDIA": "IND", "HONG KONG": "HKG", "ALEMANIA": "DEU", "ESPANA": "ESP",
    "BRASIL": "BRA", "PERU": "PER", "VENEZUELA": "VEN", "HONDURAS": "HND", "EL SALVADOR": "SLV",
    "ECUADOR": "ECU", "BELICE": "BLZ", "JAPON": "JPN", "COREA DEL SUR": "KOR", "TAIWAN": "TWN",
}
CURRENCY_EXTRA = {
    "US$": "USD", "U$S": "USD", "DLS": "USD", "DOLARES": "USD", "DOLLARS": "USD", "USDOLLAR": "USD",
    "PESOS": "MXN", "PESO": "MXN", "MN": "MXN", "M.N.": "MXN", "MXP": "MXN", "MX$": "MXN",
}


def country_aliases() -> dict[str, str]:
    out: dict[str, str] = {}
    for c in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            if (value := getattr(c, attr, None)) is not None:
                out.setdefault(fold(value), c.alpha_3)
        out[c.alpha_2] = c.alpha_3
        out[c.alpha_3] = c.alpha_3
    out.update(COUNTRY_EXTRA)
    return out


def currency_aliases() -> dict[str, str]:
    out = {c.alpha_3: c.alpha_3 for c in pycountry.currencies}
    out.update(CURRENCY_EXTRA)
    return out


def alpha3_codes() -> frozenset[str]:
    return frozenset(c.alpha_3 for c in pycountry.countries)
