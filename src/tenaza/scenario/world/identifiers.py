"""Identifiers with valid structure and check digits: RFC, CURP, SSN, EIN, CLABE, ABA, VIN, FFL.

Check digits of RFC, CURP and ABA routing numbers come from python-stdnum, so the generator
and the ingest validator agree on what "valid" means. Calls are per party or per vehicle
(thousands to a few hundred thousand), never per transaction; CLABE and the free-form numbers
are built with numpy.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

import numpy as np
from stdnum.mx import curp as std_curp
from stdnum.mx import rfc as std_rfc
from stdnum.us import rtn as std_rtn

# Two-letter state codes that a CURP carries (RENAPO), for the states the world uses.
CURP_STATE = {
    "Ciudad de México": "DF", "Jalisco": "JC", "Nuevo León": "NL", "Estado de México": "MC", "Baja California": "BC",
    "Chihuahua": "CH", "Sonora": "SR", "Tamaulipas": "TS", "Sinaloa": "SL", "Coahuila": "CL", "Michoacán": "MN",
    "Guanajuato": "GT", "Colima": "CM", "Durango": "DG", "Puebla": "PL", "Veracruz": "VZ", "Guerrero": "GR",
    "Zacatecas": "ZS", "Querétaro": "QT",
}
EIN_PREFIXES = ("20", "26", "27", "45", "46", "47", "81", "82", "83", "84", "30", "32", "35", "36", "74", "75", "76",
                "85", "86", "87", "88", "91", "92", "93", "98", "99", "60", "67", "94", "95")
_VOWELS = "AEIOU"
_HOMO_1 = "123456789ABCDEFGHIJKLMNPQRSTUV"  # SAT's first homoclave character
_HOMO_2 = "123456789ABCDEFGHIJKLMNPQRSTUVWXYZ"


@lru_cache(maxsize=65_536)
def ascii_upper(text: str) -> str:
    """Upper case without accents, as RFC and CURP are written (Ñ becomes X in the key letters)."""
    folded = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return folded.upper()


@lru_cache(maxsize=65_536)
def _letters(word: str) -> str:
    # Compound surnames (De la Cruz) key on the last word, as RENAPO does.
    parts = [p for p in ascii_upper(word).replace("Ñ", "X").split() if p not in ("DE", "LA", "DEL", "LOS", "LAS", "Y")]
    return parts[-1] if parts else "X"


@lru_cache(maxsize=65_536)
def _first_inner(word: str, pick_vowel: bool) -> str:
    for c in word[1:]:
        if (c in _VOWELS) == pick_vowel and c.isalpha():
            return c
    return "X"


@lru_cache(maxsize=65_536)
def person_key(given: str, paternal: str, maternal: str | None) -> tuple[str, str, str, str]:
    p = _letters(paternal)
    m = _letters(maternal) if maternal else "X"
    g = _letters(given.split()[0] if given.split()[0] not in ("María", "José") or len(given.split()) == 1
                 else given.split()[1])
    return p, m, g, p[0] + _first_inner(p, True) + m[0] + g[0]


def rfc_person(given: str, paternal: str, maternal: str | None, dob: str, rand: int) -> str:
    """RFC of a person born on ``dob`` (ISO date); ``rand`` picks the homoclave."""
    key = _decent(person_key(given, paternal, maternal)[3])
    base = key + _yymmdd(dob) + _homoclave(rand)
    return base + std_rfc.calc_check_digit(base)


def rfc_company(name: str, founded: str, rand: int) -> str:
    words = [w for w in ascii_upper(name).replace(",", " ").replace(".", " ").split()
             if w not in ("DE", "DEL", "LA", "LAS", "EL", "LOS", "Y", "S", "A", "C", "V", "R", "L", "P", "I")]
    letters = "".join(w[0] for w in words[:3]).ljust(3, "X")
    base = letters + _yymmdd(founded) + _homoclave(rand)
    return base + std_rfc.calc_check_digit(base)


def curp(given: str, paternal: str, maternal: str | None, dob: str, female: bool, state: str, rand: int) -> str:
    """CURP of a person born on ``dob`` (ISO date) in ``state``; ``rand`` picks the differentiator."""
    p, m, g, key = person_key(given, paternal, maternal)
    key = _decent(key)
    diff = str(rand % 10) if dob < "2000" else "ABCDEFGH"[rand % 8]
    base = (key + _yymmdd(dob) + ("M" if female else "H") + CURP_STATE.get(state, "NE")
            + _first_inner(p, False) + _first_inner(m, False) + _first_inner(g, False) + diff)
    return base + std_curp.calc_check_digit(base + "0")


def _homoclave(rand: int) -> str:
    return _HOMO_1[rand % len(_HOMO_1)] + _HOMO_2[(rand // len(_HOMO_1)) % len(_HOMO_2)]


_BLACKLIST: frozenset[str] = frozenset(getattr(std_curp, "_name_blacklist", set())
                                       | getattr(std_rfc, "_name_blacklist", set()))


def _decent(key: str) -> str:
    """Keys that spell an inconvenient word get an X as second letter, as RENAPO and SAT do."""
    return key[0] + "X" + key[2:] if key in _BLACKLIST else key


def _yymmdd(iso: str) -> str:
    return iso[2:4] + iso[5:7] + iso[8:10]


def ssn(n: int, rng: np.random.Generator) -> np.ndarray:
    """SSNs as ddd-dd-dddd with areas, groups and serials that the SSA assigns (no 000, 666, 9xx)."""
    area = rng.integers(1, 900, n)
    area = np.where(area == 666, 667, area)
    group = rng.integers(1, 100, n)
    serial = rng.integers(1, 10000, n)
    return np.char.add(np.char.add(np.char.add(np.char.zfill(area.astype(str), 3), "-"),
                                   np.char.add(np.char.zfill(group.astype(str), 2), "-")),
                       np.char.zfill(serial.astype(str), 4))


def ein(n: int, rng: np.random.Generator) -> np.ndarray:
    """EINs as dd-ddddddd with prefixes the IRS assigns."""
    prefix = np.array(EIN_PREFIXES)[rng.integers(0, len(EIN_PREFIXES), n)]
    return np.char.add(np.char.add(prefix, "-"), np.char.zfill(rng.integers(0, 10_000_000, n).astype(str), 7))


def routing_number(first8: str) -> str:
    return first8 + std_rtn.calc_check_digit(first8)


def clabe(bank: np.ndarray, plaza: np.ndarray, account: np.ndarray) -> np.ndarray:
    """18-digit CLABE: bank (3), plaza (3), account (11), check digit (weights 3, 7, 1 modulo 10)."""
    digits = np.zeros((len(bank), 17), dtype=np.int64)
    for arr, width, start in ((bank, 3, 0), (plaza, 3, 3), (account, 11, 6)):
        v = np.asarray(arr, dtype=np.int64).copy()
        for k in range(width - 1, -1, -1):
            digits[:, start + k] = v % 10
            v //= 10
    weights = np.tile(np.array([3, 7, 1]), 6)[:17]
    check = (10 - ((digits * weights) % 10).sum(axis=1) % 10) % 10
    full = np.concatenate([digits, check[:, None]], axis=1)
    return _digits_to_str(full)


def _digits_to_str(digits: np.ndarray) -> np.ndarray:
    as_bytes = (digits.astype(np.uint8) + ord("0")).tobytes()
    return np.frombuffer(as_bytes, dtype=f"S{digits.shape[1]}").astype(str)


_VIN_VALUES = {**{str(d): d for d in range(10)}, **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
               **dict(zip("JKLMN", range(1, 6), strict=True)), "P": 7, "R": 9,
               **dict(zip("STUVWXYZ", range(2, 10), strict=True))}
_VIN_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
_VIN_CHARS = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
_VIN_WMI = ("1FU", "1XK", "1XP", "2HS", "3AK", "3HS", "1M1", "4V4", "3WK", "1FV")  # heavy-truck makers


def vin(rng: np.random.Generator, wmi: tuple[str, ...] = _VIN_WMI) -> str:
    """A 17-character VIN whose ninth character is the North American check digit."""
    body = list(str(rng.choice(wmi))) + list(rng.choice(list(_VIN_CHARS), 14))
    body[8] = "0"
    body[9] = str(rng.choice(list("LMNPRS")))  # model year 2020-2025
    total = sum(_VIN_VALUES[c] * w for c, w in zip(body, _VIN_WEIGHTS, strict=True))
    body[8] = "X" if total % 11 == 10 else str(total % 11)
    return "".join(body)


_VIN_LUT = np.zeros(128, np.int64)
for _c, _v in _VIN_VALUES.items():
    _VIN_LUT[ord(_c)] = _v


def vins(rng: np.random.Generator, n: int, wmi: tuple[str, ...] = _VIN_WMI) -> np.ndarray:
    """n VINs at once, with valid check digits (vectorised ``vin``)."""
    chars = np.frombuffer(_VIN_CHARS.encode(), np.uint8)[rng.integers(0, len(_VIN_CHARS), (n, 17))]
    makers = np.frombuffer("".join(wmi).encode(), np.uint8).reshape(-1, 3)
    chars[:, :3] = makers[rng.integers(0, len(makers), n)]
    chars[:, 9] = np.frombuffer(b"LMNPRS", np.uint8)[rng.integers(0, 6, n)]
    chars[:, 8] = ord("0")
    total = (_VIN_LUT[chars] * np.array(_VIN_WEIGHTS)).sum(axis=1) % 11
    chars[:, 8] = np.where(total == 10, ord("X"), ord("0") + total)
    return np.frombuffer(chars.tobytes(), dtype="S17").astype(str).astype(object)


def vin_is_valid(value: str) -> bool:
    if len(value) != 17 or any(c not in _VIN_VALUES for c in value):
        return False
    total = sum(_VIN_VALUES[c] * w for c, w in zip(value, _VIN_WEIGHTS, strict=True))
    return value[8] == ("X" if total % 11 == 10 else str(total % 11))


def mistype(value: str, rng: np.random.Generator) -> str:
    """One keying error: a changed character or two adjacent ones swapped. The check fails."""
    if len(value) < 4:
        return value
    chars = list(value)
    positions = [i for i, c in enumerate(chars) if c.isalnum()]
    i = int(rng.choice(positions[:-1]))
    if rng.random() < 0.5 and i + 1 < len(chars) and chars[i + 1].isalnum() and chars[i] != chars[i + 1]:
        chars[i], chars[i + 1] = chars[i + 1], chars[i]
    else:
        pool = "0123456789" if chars[i].isdigit() else "ABCDEFGHJKLMNPRSTUVWXYZ"
        chars[i] = str(rng.choice([c for c in pool if c != chars[i]]))
    return "".join(chars)
