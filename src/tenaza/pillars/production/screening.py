"""Precursor screening of trade declarations: which declarations carry a precursor chemical,
named or hidden, and how risky each shipment looks.

A declaration is *identified* as a precursor when its description names a listed chemical (any
of its English or Spanish names, synonyms or trade names, one typo per word tolerated in words
of five letters or more), quotes its CAS number, or uses a tariff subheading that only that
chemical has. It is *vague* when a chemical-chapter code (28, 29, 38) comes with a generic
description ('materia prima para la industria química', 'intermediate'), the usual cover for a
precursor declared under a catch-all code.

Matching is word-wise and set-based: the distinct words of all descriptions (a few thousand,
however many declarations) are matched once against the list's words, exactly or through
shared one-deletion keys confirmed by edit distance, and a term is found where all its words
are. Everything is SQL over ``trade_declarations`` with the list bound as parameters.
"""

from __future__ import annotations

import re
from typing import Any

from tenaza.pillars.production.reference import Chemical, dedicated_codes, terms
from tenaza.store.dialect import DUCKDB, Dialect
from tenaza.store.reference import fold

FOLD_FROM = "ÁÉÍÓÚÜÑÀÈÌÒÙÂÊÎÔÛÇ"
FOLD_TO = "AEIOUUNAEIOUAEIOUC"
MAX_WORD = 40


def fold_sql(expr: str, d: Dialect = DUCKDB) -> str:
    """Upper case, accents folded, anything but letters and digits a single space."""
    folded = f"translate(upper({expr}), '{FOLD_FROM}', '{FOLD_TO}')"
    return "trim(" + d.regex_replace_all(folded, "'[^A-Z0-9]+'", "' '") + ")"


def bind_list(chemicals: list[Chemical], params: dict[str, Any]) -> None:
    t = terms(chemicals)
    params.update(
        t_chem=[x[0] for x in t], t_term=[x[1] for x in t], t_word=[x[2] for x in t], t_n=[x[3] for x in t],
        c_idx=list(range(len(chemicals))), c_name=[c.chemical for c in chemicals],
        c_cas=[c.cas for c in chemicals], c_hs6=[c.hs6 for c in chemicals],
        c_family=[c.drug_family for c in chemicals], c_conf=[c.hs_confidence for c in chemicals],
        c_price=[c.usd_per_kg for c in chemicals])
    dedicated = dedicated_codes(chemicals)
    params.update(h_code=list(dedicated), h_chem=list(dedicated.values()))


def screen_ctes(chemicals: list[Chemical], params: dict[str, Any], *, vague: tuple[str, ...],
                where: str = "TRUE", d: Dialect = DUCKDB) -> str:
    """CTEs ending in ``screened``: one row per declaration of ``trade_declarations`` (restricted
    by the trusted SQL ``where``) with chem (index, NULL if none), how (name|cas|hs|NULL),
    term_words, vague (bool), hs6 and the folded description ``dnorm``."""
    bind_list(chemicals, params)
    params["vague_phrases"] = [fold_phrase(p) for p in vague]
    pos = ", ".join(f"({i})" for i in range(1, MAX_WORD + 1))
    return f"""pos(i) AS (VALUES {pos}),
chem AS ({d.rows_from_arrays({"chem": "$c_idx", "name": "$c_name", "cas": "$c_cas", "hs6": "$c_hs6",
                                "family": "$c_family", "hs_confidence": "$c_conf", "usd_per_kg": "$c_price"})}),
term AS ({d.rows_from_arrays({"chem": "$t_chem", "term": "$t_term", "word": "$t_word", "n_words": "$t_n"})}),
dedicated AS ({d.rows_from_arrays({"hs6": "$h_code", "chem": "$h_chem"})}),
d AS (
  SELECT *, {fold_sql('description', d)} AS dnorm, substr({d.regex_replace_all('hs_code', "'[^0-9]'", "''")}, 1, 6) AS hs6
  FROM trade_declarations WHERE {where}
),
dw AS (SELECT DISTINCT decl_id, w FROM (SELECT decl_id, {d.explode(d.split('dnorm', ' '))} AS w FROM d WHERE dnorm <> '') AS x),
vocab AS (SELECT DISTINCT w FROM dw WHERE w <> '' AND length(w) <= {MAX_WORD}),
tw AS (SELECT DISTINCT word FROM term),
near_keys AS (
  SELECT v.w, substr(v.w, 1, p.i - 1) || substr(v.w, p.i + 1) AS k FROM vocab AS v JOIN pos AS p
    ON p.i <= length(v.w) WHERE length(v.w) >= 5 AND v.w NOT IN (SELECT word FROM tw)
  UNION ALL SELECT w, w FROM vocab WHERE length(w) >= 5 AND w NOT IN (SELECT word FROM tw)
),
term_keys AS (
  SELECT t.word, substr(t.word, 1, p.i - 1) || substr(t.word, p.i + 1) AS k FROM tw AS t JOIN pos AS p
    ON p.i <= length(t.word) WHERE length(t.word) >= 5
  UNION ALL SELECT word, word FROM tw WHERE length(word) >= 5
),
wordmap AS (
  SELECT w, word FROM vocab JOIN tw ON tw.word = vocab.w
  UNION
  SELECT DISTINCT n.w, t.word FROM near_keys AS n JOIN term_keys AS t ON t.k = n.k
  WHERE levenshtein(n.w, t.word) <= CASE WHEN length(t.word) >= 8 THEN 2 ELSE 1 END
),
named AS (
  SELECT decl_id, chem, n_words FROM (
    SELECT dw.decl_id, term.chem, term.term, max(term.n_words) AS n_words, count(DISTINCT term.word) AS found
    FROM dw JOIN wordmap AS m ON m.w = dw.w JOIN term ON term.word = m.word
    GROUP BY dw.decl_id, term.chem, term.term
  ) WHERE found = n_words
),
best_name AS (
  SELECT decl_id, chem, n_words FROM (
    SELECT *, row_number() OVER (PARTITION BY decl_id ORDER BY n_words DESC, chem) AS rk FROM named) WHERE rk = 1
),
cas_hit AS (
  SELECT x.decl_id, min(chem.chem) AS chem FROM (
    SELECT decl_id, {d.explode(d.regex_extract_all('description', "'[0-9]{2,7}-[0-9]{2}-[0-9]'"))} AS cas FROM d) AS x
  JOIN chem ON chem.cas = x.cas GROUP BY x.decl_id
),
screened AS (
  SELECT d.*, coalesce(b.chem, c.chem, h.chem) AS chem,
         CASE WHEN b.chem IS NOT NULL THEN 'name' WHEN c.chem IS NOT NULL THEN 'cas'
              WHEN h.chem IS NOT NULL THEN 'hs' END AS how,
         b.n_words AS term_words,
         (substr(d.hs6, 1, 2) IN ('28', '29', '38')
          AND {d.array_length(d.array_filter('$vague_phrases', 'p', "instr(' ' || d.dnorm || ' ', ' ' || p || ' ') > 0"))} > 0)
           AS vague
  FROM d LEFT JOIN best_name AS b USING (decl_id) LEFT JOIN cas_hit AS c USING (decl_id)
  LEFT JOIN dedicated AS h ON h.hs6 = d.hs6
)"""


def fold_phrase(text: str) -> str:
    """A phrase folded as ``fold_sql`` folds descriptions."""
    return re.sub(r"[^A-Z0-9]+", " ", fold(text)).strip()


def screen_sql(chemicals: list[Chemical], params: dict[str, Any], vague: tuple[str, ...] = (),
               d: Dialect = DUCKDB) -> str:
    """The screening alone (for ``bench/precursors.py`` and analysts): decl_id, chem, how, vague."""
    return f"WITH {screen_ctes(chemicals, params, vague=vague, d=d)} SELECT decl_id, chem, how, term_words, vague FROM screened"
