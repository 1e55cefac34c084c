"""A phonetic key for Spanish (and Spanish-read English) name tokens.

The well-kept phonetic libraries (Soundex, Metaphone, NYSIIS in jellyfish and others) encode
English pronunciation: they keep B and V apart, read the J of JUAREZ as a J and the G of
GERARDO as a G, and do not know that the H of HERNANDEZ is silent. Those are exactly the
spelling variations of Mexican names in US records (VASQUEZ/BASQUEZ, XIMENA/JIMENA,
GONZALEZ/GONSALES, YBARRA/IBARRA), so tenaza encodes the Spanish sounds itself.

The key keeps vowels (Spanish vowels are stable and carry the name) but merges the letters
that Latin American Spanish pronounces alike:

* B, V, W -> B;  C (before E, I), S, Z, X (before consonant) -> S;  C, K, QU, Q -> K
* G (before E, I), J, X (word-initial or between vowels, as in MEXICO, XAVIER) -> J
* GU (before E, I) -> G;  LL, Y (before a vowel) -> Y;  Y (elsewhere), I -> I
* H is silent except in CH (-> C) and SH (-> C); PH -> F;  Ñ -> N
* doubled letters are collapsed (RR, LL handled above, SS, NN, CC before E/I -> KS)
"""

from __future__ import annotations

from functools import lru_cache

_VOWELS = frozenset("AEIOU")
_FRONT = frozenset("EI")


@lru_cache(maxsize=200_000)
def spanish_key(token: str) -> str:
    """Phonetic key of one folded token (A-Z and digits); digits are kept as they are."""
    w = token.upper()
    out: list[str] = []
    i, n = 0, len(w)
    while i < n:
        c = w[i]
        nxt = w[i + 1] if i + 1 < n else ""
        nxt2 = w[i + 2] if i + 2 < n else ""
        prev = w[i - 1] if i > 0 else ""
        step = 1
        if c in "BVW":
            k = "B"
        elif c == "C":
            if nxt == "H":
                k, step = "C", 2
            elif nxt == "C" and nxt2 in _FRONT:
                k, step = "KS", 2
            elif nxt in _FRONT:
                k = "S"
            else:
                k = "K"
        elif c == "S" and nxt == "H":
            k, step = "C", 2
        elif c in "SZ":
            k = "S"
        elif c == "Q":
            k, step = "K", 2 if nxt == "U" else 1
        elif c == "K":
            k = "K"
        elif c == "G":
            if nxt == "U" and nxt2 in _FRONT:
                k, step = "G", 2
            elif nxt in _FRONT:
                k = "J"
            else:
                k = "G"
        elif c == "J":
            k = "J"
        elif c == "X":
            k = "J" if (i == 0 or (prev in _VOWELS and nxt in _VOWELS)) else "S"
        elif c == "H":
            k = ""
        elif c == "P" and nxt == "H":
            k, step = "F", 2
        elif c == "L" and nxt == "L":
            k, step = "Y", 2
        elif c == "Y":
            k = "Y" if nxt in _VOWELS else "I"
        elif c == "Ñ":
            k = "N"
        else:
            k = c
        if k and not (out and out[-1] == k and k not in _VOWELS):
            out.append(k)
        elif k and k in _VOWELS and out and out[-1] == k:
            pass  # a doubled vowel (AARON) reads as one
        i += step
    return "".join(out)
