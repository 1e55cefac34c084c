"""Identifiers as evidence: the birth date inside RFC and CURP, and phone numbers.

A CURP (18 characters) and a person's RFC (13) encode the date of birth as YYMMDD after the
four name letters; a company's RFC (12) encodes its date of incorporation after three. The
CURP's 17th character says the century (a digit before 2000, a letter from 2000). When an
identifier's date disagrees with the record's own date of birth, one of the two is wrong,
and the identifier is not used as strong evidence (``features.py`` keeps it aside).
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

import phonenumbers

_CURP = re.compile(r"^[A-Z]{4}(\d{2})(\d{2})(\d{2})[HMX][A-Z]{5}([0-9A-Z])\d$")
_RFC = re.compile(r"^([A-Z&Ñ]{3,4})(\d{2})(\d{2})(\d{2})[A-Z0-9]{0,3}$")


def _date(yy: int, century: int, mm: int, dd: int) -> date | None:
    try:
        return date(century + yy, mm, dd)
    except ValueError:
        return None


def curp_birth_date(curp: str) -> date | None:
    m = _CURP.match(curp.upper().strip())
    if not m:
        return None
    yy, mm, dd, diff = int(m.group(1)), int(m.group(2)), int(m.group(3)), m.group(4)
    return _date(yy, 1900 if diff.isdigit() else 2000, mm, dd)


def rfc_birth_date(rfc: str, today: date | None = None) -> date | None:
    """The RFC's date. Its century is not encoded: a year after this year's two digits is
    read as 19YY, the rest as 20YY (nobody in a record was born in the future)."""
    m = _RFC.match(rfc.upper().replace("-", "").replace(" ", "").strip())
    if not m:
        return None
    yy, mm, dd = int(m.group(2)), int(m.group(3)), int(m.group(4))
    this_year = (today or date.today()).year % 100
    return _date(yy, 1900 if yy > this_year else 2000, mm, dd)


# Country of a record -> the region phonenumbers reads a national number in.
REGIONS = {"MEX": "MX", "USA": "US", "CAN": "CA", "GTM": "GT", "COL": "CO"}


def phone_e164(raw: str, country: str | None) -> str | None:
    """E.164 form of a phone number written in any national or international style, or None
    when phonenumbers finds no valid number in it. Mexico's old mobile prefix (044/045, +521)
    is dropped, as the numbering plan of 2019 did."""
    region = REGIONS.get(country or "", "MX" if raw.strip().startswith("0") else "US")
    digits = re.sub(r"\D", "", raw)
    if digits.startswith(("044", "045")) and len(digits) == 13:
        digits, region = digits[3:], "MX"
    if digits.startswith("521") and len(digits) == 13:
        digits = "52" + digits[3:]
    international = raw.strip().startswith("+") or (digits.startswith("52") and len(digits) == 12)
    text = "+" + digits if international else digits
    # A Mexican number written by a US source without its country code (and the reverse) is
    # common across the border: when the number is not valid where the record is, try the
    # other side of the border.
    for reg in (region, *(("US", "MX") if region == "MX" else ("MX", "US"))):
        try:
            number = phonenumbers.parse(text, reg)
        except phonenumbers.NumberParseException:
            return None
        if phonenumbers.is_valid_number(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        if international:
            break
    return None


@lru_cache(maxsize=100_000)
def _valid_national(cc: int, prefix: str, length: int, sample: str) -> bool:
    """Whether numbers of country code ``cc`` starting with ``prefix`` (area code and
    exchange) and of ``length`` digits are valid. In the Mexican and North American plans
    validity depends on those leading digits only, so one phonenumbers check per prefix
    stands for every number under it (``sample`` is the first number seen)."""
    return bool(phonenumbers.is_valid_number(phonenumbers.PhoneNumber(country_code=cc, national_number=int(sample))))


def phone_e164_fast(raw: str, country: str | None) -> str | None:
    """``phone_e164`` for the Mexican and US shapes (10 national digits, with or without +52,
    +521, 044/045, +1), checked once per area code and exchange; any other shape goes through
    ``phone_e164``. A test keeps the two in agreement."""
    text = raw.strip()
    digits = re.sub(r"\D", "", text)
    n = len(digits)
    options: list[tuple[int, str]]
    if text.startswith("+"):
        if n == 12 and digits.startswith("52"):
            options = [(52, digits[2:])]
        elif n == 13 and digits.startswith("521"):
            options = [(52, digits[3:])]
        elif n == 11 and digits.startswith("1"):
            options = [(1, digits[1:])]
        else:
            return phone_e164(raw, country)
    elif n == 10 and not text.startswith("0"):
        home = 52 if REGIONS.get(country or "", "US") == "MX" else 1
        if REGIONS.get(country or "", "US") not in ("MX", "US"):
            return phone_e164(raw, country)
        options = [(home, digits), (1 if home == 52 else 52, digits)]
    elif n == 13 and digits.startswith(("044", "045")):
        options = [(52, digits[3:]), (1, digits[3:])]
    elif n == 12 and digits.startswith("52"):
        options = [(52, digits[2:])]
    else:
        return phone_e164(raw, country)
    for cc, national in options:
        if _valid_national(cc, national[:6], len(national), national):
            return f"+{cc}{national}"
    return None
