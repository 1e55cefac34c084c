"""Python-level repairs, applied only to the values a set-wise check has picked out.

- Mojibake: UTF-8 text that was decoded as Latin-1, Windows-1252 (fixed by ftfy) or GBK
  (which ftfy does not handle; re-encoded here when the round trip gives clean Latin text).
- Identifiers: RFC, CURP, EIN and SSN of the right shape are verified with python-stdnum. A
  wrong check digit keeps the value and flags it (real RFCs carry wrong check digits); a value
  that stdnum rejects for another reason (an impossible date, a reserved number) is malformed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable

import ftfy
from ftfy.badness import badness
from stdnum import exceptions as stdnum_errors
from stdnum.mx import curp as mx_curp
from stdnum.mx import rfc as mx_rfc
from stdnum.us import ein as us_ein
from stdnum.us import ssn as us_ssn

from tenaza.schema.specs import ColumnType

# Cheap set-wise pick: a Latin-1/cp1252 reading of UTF-8 leaves Ã or Â before a continuation
# character, or â€ for punctuation; a GBK reading leaves CJK ideographs.
MOJIBAKE_PATTERN = r"[ÃÂ][\x{80}-\x{BF}€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ]|â€|[\x{4E00}-\x{9FFF}]"
_CJK = re.compile(r"[\u4e00-\u9fff]")
_FOREIGN = re.compile(r"[^\u0000-\u024F\u2000-\u206F\u20AC]")  # beyond Latin scripts and punctuation
_LATIN_LETTER = re.compile(r"[A-Za-zÀ-ÿ]")


def _sloppy_1252(b: int) -> str:
    try:
        return bytes([b]).decode("cp1252")
    except UnicodeDecodeError:  # the five bytes Windows-1252 leaves undefined read as Latin-1
        return chr(b)


# The commonest mojibake by far: UTF-8 bytes read as Windows-1252 ("JOSÃ‰" for "JOSÉ"). Its
# inverse is a byte table; ftfy calls the same reading "sloppy-windows-1252".
_UNSLOPPY = {_sloppy_1252(b): b for b in range(256)}


def _utf8_read_as_1252(value: str) -> str | None:
    """The text whose UTF-8 bytes read as Windows-1252 give ``value``, where there is one."""
    try:
        raw = bytes(_UNSLOPPY[ch] for ch in value)
        return raw.decode("utf-8")
    except (KeyError, UnicodeDecodeError):
        return None


def fix_text(value: str) -> str:
    """The repaired text, or the value itself when nothing can be repaired safely.

    The fast path first: text that is exactly UTF-8 read as Windows-1252 and becomes Latin text
    no less plausible by ftfy's measure is repaired by the byte table, a thousand times faster
    than ftfy's search; everything else goes to ftfy.

    ftfy first; where its answer leaves Latin script (it can read a short, all-accented
    string as mis-decoded Asian text), the plain round trips through Windows-1252 and Latin-1
    are tried; text read as GBK gets the GBK round trip, which ftfy does not know."""
    quick = _utf8_read_as_1252(value)
    if (quick is not None and quick != value and _script(quick) == "latin" and not _FOREIGN.search(quick)
            and not re.search(r"[ÃÂ][\x80-\xbf€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ]|â€", quick)
            and badness(quick) <= badness(value)):
        return unicodedata.normalize("NFC", quick)
    fixed = ftfy.fix_text(value, normalization="NFC")
    if _FOREIGN.search(fixed) and not _FOREIGN.search(value):
        fixed = next((c for c in (_round_trip(value, "cp1252"), _round_trip(value, "latin-1"))
                      if c is not None and not _FOREIGN.search(c)), value)
    if _CJK.search(fixed) and _LATIN_LETTER.search(fixed):
        # Only a value that mixes Latin letters with ideographs ("JOS茅") is taken for GBK
        # mojibake: text written in one script ("毛泽东", "梅") is never turned into another.
        candidate = _round_trip(fixed, "gbk")
        if candidate is not None and not _CJK.search(candidate) and _LATIN_LETTER.search(candidate):
            return candidate
    if fixed == value:
        return value
    before, after = _script(value), _script(fixed)
    if before in ("latin", "cjk", "other") and after != before:
        return value  # never across scripts: a value written in one script stays in it
    if badness(fixed) > badness(value):
        return value  # ftfy's own measure: the repair must be at least as plausible
    return fixed


def _script(text: str) -> str:
    """The script of a value's letters: latin, cjk, other or mixed."""
    kinds = set()
    for ch in text:
        if not ch.isalpha():
            continue
        if _CJK.match(ch):
            kinds.add("cjk")
        elif ord(ch) <= 0x024F:
            kinds.add("latin")
        else:
            kinds.add("other")
    return kinds.pop() if len(kinds) == 1 else "mixed" if kinds else "none"


def _round_trip(value: str, encoding: str) -> str | None:
    """``value`` re-encoded in the codec it was wrongly decoded with, then read as UTF-8."""
    try:
        return unicodedata.normalize("NFC", value.encode(encoding).decode("utf-8"))
    except (UnicodeEncodeError, UnicodeDecodeError):
        return None


def fixes(values: Iterable[str]) -> dict[str, str]:
    """Map of bad value -> repaired value, for the values that change."""
    out: dict[str, str] = {}
    for v in values:
        fixed = fix_text(v)
        if fixed != v:
            out[v] = fixed
    return out


def _rfc(value: str) -> object:
    return mx_rfc.validate(value, validate_check_digits=True)


_VALIDATORS: dict[ColumnType, Callable[[str], object]] = {
    ColumnType.RFC: _rfc,
    ColumnType.CURP: mx_curp.validate,
    ColumnType.EIN: us_ein.validate,
    ColumnType.SSN: us_ssn.validate,
}


def check_identifier(kind: ColumnType, value: str) -> str:
    """valid, bad_check_digit or malformed."""
    try:
        _VALIDATORS[kind](value)
    except stdnum_errors.InvalidChecksum:
        return "bad_check_digit"
    except stdnum_errors.ValidationError:
        return "malformed"
    return "valid"


def failed_identifiers(kind: ColumnType, values: Iterable[str]) -> dict[str, str]:
    """value -> status, for the values that are not valid."""
    out: dict[str, str] = {}
    for v in values:
        status = check_identifier(kind, v)
        if status != "valid":
            out[v] = status
    return out
