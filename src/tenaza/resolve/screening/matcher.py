"""Screening matcher: party names against a designation list, set-wise, every score explained.

Names are compared as bags of tokens, so order (OFAC's "GUZMAN LOPEZ, Ovidio" against
"Ovidio Guzman Lopez"), a dropped maternal surname and particles do not matter. Tokens are
compared by the Spanish phonetic key of their canonical form (nicknames and English forms
resolved: JOSEPH and PEPE are JOSE), so the match crosses languages and spellings; tokens
that still differ are compared by Jaro-Winkler for typos. Each token weighs by how rare it is
on the list (sharing OVIDIO says more than sharing GARCIA).

The name score is the mean of the two coverages: the weighted share of the party's tokens
found in the entry's name, and of the entry's tokens found in the party's name. Qualifiers
then move it, each by a fixed, documented amount, and each part is kept in ``features``:

* date of birth: the same date (+dob_match), the same year (+dob_year), or every listed year
  more than a year away (dob_conflict);
* country: a country of the party among the entry's (+country_match), or none (country_conflict);
* identifier: the same identifier value under any scheme sets the score to at least
  id_match; the same scheme with a different value subtracts id_conflict;
* kind: a company screened against a person, or the reverse, or any party against a listed
  vessel or aircraft, which is property, not a person or a legal entity (kind_conflict);
* substitution: each name has a token the other lacks and no two of those tokens look like
  one word written two ways, misspelt or abbreviated (name_substitution): "Jose Antonio CABRERA SARABIA" against
  "CABRERA SARABIA, Jose Luis" is a relative, where "Jose CABRERA" would only have dropped
  names; a dropped word is missing evidence, a replaced word is evidence against;
* weak alias: OFAC's weak aliases (nicknames such as 'El Raton') count weak_alias of their score.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from tenaza.resolve.features import _lit, tokens_sql
from tenaza.resolve.screening.legal import LegalForms
from tenaza.schema.specs import ColumnType
from tenaza.store.dialect import DUCKDB, Dialect


def _name_tokens_sql(kind: str, name: str, forms: LegalForms, d: Dialect) -> str:
    """Tokens of a name; a company's without its legal forms (``legal.py``)."""
    return f"CASE WHEN {kind} = 'person' THEN {tokens_sql(name, d)} ELSE {forms.core_tokens_sql(name, d)} END"


class ScreeningConfig(BaseModel):
    """Weights and thresholds of screening. The threshold is tuned on the labelled pairs in
    ``tenaza/data/designations/screening_pairs.csv`` (see ``tuning.py`` and docs/resolve.md)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    threshold: float = Field(0.82, description="Score at or above which a candidate is a hit (tuned: docs/resolve.md).")
    prefilter: float = Field(0.45, description="Name score below which a candidate is not scored further.")
    max_token_df: int = Field(200, description="Pairs of tokens in more list names than this make no candidates.")
    ngram_max_tokens: int = Field(2, description="Companies of at most this many words are also candidates by "
                                                 "character trigrams (0: off), so a typo in a short name finds it.")
    ngram_min_dice: float = Field(0.5, description="Share of trigrams (Dice) two short names must have in common.")
    typo_jaro_winkler: float = Field(0.9, description="Similarity at which two differing tokens count as a typo.")
    typo_credit: float = Field(0.8, description="Credit a typo-matched token gets, against 1 for an exact one.")
    dob_match: float = Field(0.15, description="Added when a listed date of birth equals the party's.")
    dob_year: float = Field(0.05, description="Added when only the year agrees.")
    dob_conflict: float = Field(-0.25, description="Added when every listed year is more than a year away.")
    country_match: float = Field(0.05, description="Added when a country of the party is among the entry's.")
    country_conflict: float = Field(-0.1, description="Added when both have countries and none is shared.")
    id_match: float = Field(0.99, description="Score floor when an identifier value is shared.")
    id_conflict: float = Field(-0.3, description="Added when both carry the same scheme with different values.")
    kind_conflict: float = Field(-0.4, description="Added when a person meets a company or the reverse, or a "
                                 "party (a person or a legal entity) meets a listed vessel or aircraft.")
    name_substitution: float = Field(-0.05, description="Added when each name has a token the other lacks that is "
                                     "not a misspelling of it: a word replaced, not one dropped (docs/resolve.md).")
    substitution_jaro_winkler: float = Field(0.8, description="Two unmatched tokens at least this similar, or one "
                                             "the start of the other (an initial, an abbreviation), are taken for "
                                             "one word written two ways, not a replaced word.")
    weak_alias: float = Field(0.85, description="Factor on the name score of a weak alias.")
    legal_forms_file: str | None = Field(None, description="A CSV of more legal forms (layout of the shipped "
                                                           "legal_forms.csv), added to the shipped ones.")
    org_words_file: str | None = Field(None, description="A CSV of more organization words (layout of the shipped "
                                                         "org_words.csv), added to the shipped ones.")

    def legal_forms(self) -> LegalForms:
        return LegalForms.load(self.legal_forms_file)


def list_names_sql(relation: str, forms: LegalForms, name_param: str = "$list_name", d: Dialect = DUCKDB) -> str:
    """One row per name and alias of a list version: tokens and the qualifiers."""
    empty = d.empty_string_array()
    value = "upper(substr(x, instr(x, ':') + 1))"
    ids = d.array_transform(f"coalesce(n.ids, {empty})", "x", f"lower(trim(split_part(x, ':', 1))) || ':' || "
                            f"{d.regex_replace_all(value, _lit('[^A-Z0-9]'), _lit(''))}")
    weak = f"coalesce({d.json_string_list('n.extras', _lit('$.weak_aliases'))}, {empty})"
    names = d.unnest_indexed(f"(SELECT * FROM {relation} WHERE list_name = {name_param}) AS d", "d.*",
                             d.array_concat(d.array("d.name"), f"coalesce(d.aliases, {empty})"), "name_pos", "name_text")
    return f"""
SELECT n.entry_id, n.kind, n.name AS entry_primary, n.programs, n.releasable_to, {ids} AS ids,
       coalesce(n.countries, {d.json_string_list('n.extras', _lit('$.countries'))}) AS countries, n.dob,
       n.name_text AS entry_name, n.name_pos > 1 AS is_alias, {d.array_contains(weak, 'n.name_text')} AS weak,
       {_name_tokens_sql("n.kind", "n.name_text", forms, d)} AS toks
FROM ({names}) AS n
"""


def subjects_sql(relation: str, forms: LegalForms, d: Dialect = DUCKDB) -> str:
    """One row per name and alias of each party record."""
    def digits(col: str, keep: str, upper: bool = True) -> str:
        return d.regex_replace_all(f"upper({col})" if upper else col, _lit(f"[^{keep}]"), _lit(""))

    ids = d.array_filter(d.array(f"'curp:' || {digits('p.curp', 'A-Z0-9')}", f"'rfc:' || {digits('p.rfc', 'A-Z0-9')}",
                                 f"'ssn:' || {digits('p.ssn', '0-9', False)}",
                                 f"'ein:' || {digits('p.ein', '0-9', False)}"), "x", "x IS NOT NULL")
    names = d.unnest_indexed(f"{relation} AS p", "p.*",
                             d.array_concat(d.array("p.name"), f"coalesce(p.aliases, {d.empty_string_array()})"),
                             "name_pos", "name_text")
    return f"""
SELECT p.record_id, p.kind, p.name AS party_primary, p.dob, p.releasable_to,
       {d.array_filter(d.array("p.country", "p.nationality"), "c", "c IS NOT NULL")} AS countries,
       {ids} AS ids, p.name_text AS party_name,
       {_name_tokens_sql("p.kind", "p.name_text", forms, d)} AS toks
FROM ({names}) AS p
"""


def _tokens_of(relation: str, id_col: str, keys: str, d: Dialect) -> str:
    """One row per token of each name of ``relation`` (``id_col``, tok), with its key."""
    return (f"(SELECT x.{id_col}, x.t AS tok, k.key FROM (SELECT {id_col}, {d.explode('toks')} AS t FROM {relation}) "
            f"AS x JOIN {keys} k ON k.tok = x.t)")


def _token_ctes(subjects: str, names: str, keys: str, d: Dialect) -> str:
    """Token rows of both sides with their keys, and each key's weight: ln(1 + names / names with it)."""
    return f"""
nt AS (SELECT DISTINCT nid, tok, key FROM {_tokens_of(names, "nid", keys, d)} AS x),
st AS (SELECT DISTINCT sid, tok, key FROM {_tokens_of(subjects, "sid", keys, d)} AS x),
nk AS (SELECT DISTINCT nid, key FROM nt),
sk AS (SELECT DISTINCT sid, key FROM st),
df AS (SELECT key, count(*) AS df FROM nk GROUP BY key),
nn AS (SELECT count(*) AS n FROM {names}),
w AS (SELECT key, ln(1 + (SELECT n FROM nn) / df) AS w FROM df)"""


def _ngrams_sql(relation: str, id_col: str, max_tokens: int, d: Dialect) -> str:
    """Distinct character trigrams of the short non-person names of ``relation`` (padded with spaces)."""
    return f"""
  SELECT DISTINCT y.{id_col}, substr(y.s, y.i, 3) AS g FROM (
    SELECT x.{id_col}, x.s, {d.explode(d.int_range('1', 'length(x.s) - 1'))} AS i
    FROM (SELECT {id_col}, ' ' || {d.array_join('toks', "' '")} || ' ' AS s FROM {relation}
          WHERE kind <> 'person' AND {d.array_length('toks')} BETWEEN 1 AND {int(max_tokens)}) AS x) AS y"""


def candidates_sql(subjects: str, names: str, keys: str, config: ScreeningConfig, forced: str | None = None,
                   d: Dialect = DUCKDB) -> str:
    """Name scores of the (subject name, list name) pairs that are candidates.

    Candidates are found three ways, and ``via`` says which:

    * ``tokens``: the names share a *pair* of token keys (GARSIA+LOPES), not a single key: a
      pair is far rarer than either of its tokens, so the join stays small however common the
      surnames, and a true match shares at least two tokens anyway (a one-token name, such as
      the alias 'El Raton', is its own key);
    * ``ngrams``: a company name of at most ``ngram_max_tokens`` words and a listed non-person
      name of one word more at most share character trigrams with a Dice coefficient of at
      least ``ngram_min_dice``, so a typo in a short name (FORPERS / FORPRES) still finds its
      entry, where no intact key pair is left;
    * ``forced``: pairs of the relation ``forced`` (sid, nid), which `screen --explain --entry`
      uses to score an entry that is not a candidate at all.

    ``keys`` maps token -> key (phonetic key of the canonical form, or an organization word's
    group); ``names`` and ``subjects`` come from ``list_names_sql`` and ``subjects_sql`` with a
    row id ``nid``/``sid``. Identifier matches are candidates too (``identifier_candidates_sql``).
    """
    jw, credit = config.typo_jaro_winkler, config.typo_credit
    m = int(config.ngram_max_tokens)
    empty = d.empty_string_array()
    ngram_ctes = f"""
sg AS ({_ngrams_sql(subjects, "sid", m, d)}),
ng AS ({_ngrams_sql(names, "nid", m + 1, d)}),
sgc AS (SELECT sid, count(*) AS c FROM sg GROUP BY sid),
ngc AS (SELECT nid, count(*) AS c FROM ng GROUP BY nid),
nshared AS (SELECT sg.sid, ng.nid, count(*) AS shared FROM sg JOIN ng USING (g) GROUP BY sg.sid, ng.nid),
ngood AS (
  SELECT x.sid, x.nid FROM nshared x JOIN sgc USING (sid) JOIN ngc USING (nid)
  WHERE 2.0 * x.shared >= {float(config.ngram_min_dice)} * (sgc.c + ngc.c)
),""" if m > 0 else "ngood AS (SELECT CAST(NULL AS BIGINT) AS sid, CAST(NULL AS BIGINT) AS nid WHERE false),"
    forced_sql = f"SELECT sid, nid, 'forced' AS via FROM {forced}" if forced else \
        "SELECT CAST(NULL AS BIGINT), CAST(NULL AS BIGINT), '' WHERE false"
    weight = "coalesce(w.w, ln(1 + (SELECT n FROM nn)))"
    return f"""
WITH {_token_ctes(subjects, names, keys, d)},
n1 AS (SELECT nid FROM nk GROUP BY nid HAVING count(*) = 1),
s1 AS (SELECT sid FROM sk GROUP BY sid HAVING count(*) = 1),
np AS (
  SELECT a.nid, a.key AS k1, b.key AS k2 FROM nk a JOIN nk b ON a.nid = b.nid AND a.key < b.key
  UNION ALL SELECT nk.nid, nk.key, '' FROM nk JOIN n1 USING (nid)
),
sp AS (
  SELECT a.sid, a.key AS k1, b.key AS k2 FROM sk a JOIN sk b ON a.sid = b.sid AND a.key < b.key
  UNION ALL SELECT sk.sid, sk.key, '' FROM sk JOIN s1 USING (sid)
),
npc AS (SELECT k1, k2 FROM np GROUP BY k1, k2 HAVING count(*) <= {int(config.max_token_df)}),
tgood AS (SELECT DISTINCT sp.sid, np.nid FROM sp JOIN np USING (k1, k2) JOIN npc USING (k1, k2)),
{ngram_ctes}
good AS (
  SELECT sid, nid, {d.array_sort(d.list_agg("via", distinct=True))} AS via FROM (
    SELECT sid, nid, 'tokens' AS via FROM tgood
    UNION ALL SELECT sid, nid, 'ngrams' FROM ngood
    UNION ALL {forced_sql}
  ) AS paths GROUP BY sid, nid
),
-- best match of each subject token among the entry's tokens: 1 for the same key, a typo credit
pairs AS (
  SELECT g.sid, g.nid, st.key AS skey, any_value(st.tok) AS stok,
         max(CASE WHEN nt.key = st.key THEN 1.0
                  WHEN {d.jaro_winkler("nt.tok", "st.tok")} >= {jw} THEN {credit} ELSE 0 END) AS best
  FROM good g JOIN st ON st.sid = g.sid LEFT JOIN nt ON nt.nid = g.nid
  GROUP BY g.sid, g.nid, st.key
),
-- the entry's tokens that no subject token matched (the substitution qualifier reads them)
eun AS (
  SELECT sid, nid, {d.list_agg("etok", order_by="etok")} AS entry_unmatched FROM (
    SELECT g.sid, g.nid, nt.key, any_value(nt.tok) AS etok,
           max(CASE WHEN nt.key = st.key OR {d.jaro_winkler("nt.tok", "st.tok")} >= {jw} THEN 1 ELSE 0 END) AS hit
    FROM good g JOIN nt ON nt.nid = g.nid LEFT JOIN st ON st.sid = g.sid
    GROUP BY g.sid, g.nid, nt.key) AS e
  WHERE hit = 0 GROUP BY sid, nid
),
-- a word written more often on one side (FELIX FELIX against one FELIX): the extra copies are
-- unmatched too, or a replaced second surname would read as a dropped one
nkc AS (SELECT nid, key, count(*) AS c, min(tok) AS tok FROM {_tokens_of(names, "nid", keys, d)} AS x GROUP BY nid, key),
skc AS (SELECT sid, key, count(*) AS c, min(tok) AS tok FROM {_tokens_of(subjects, "sid", keys, d)} AS x GROUP BY sid, key),
rep AS (
  SELECT g.sid, g.nid, {d.list_agg("a.tok", order_by="a.tok", where="a.c > b.c")} AS entry_extra,
         {d.list_agg("b.tok", order_by="b.tok", where="b.c > a.c")} AS party_extra
  FROM good g JOIN nkc a ON a.nid = g.nid JOIN skc b ON b.sid = g.sid AND b.key = a.key
  WHERE a.c <> b.c GROUP BY g.sid, g.nid
),
ent AS (
  SELECT nk.nid, sum({weight}) AS entry_w
  FROM nk LEFT JOIN w USING (key) GROUP BY nk.nid
)
SELECT p.sid, p.nid,
       sum(p.best * {weight}) AS shared_w,
       sum({weight}) AS subject_w,
       coalesce(any_value(e.entry_w), 0.0) AS entry_w,
       coalesce({d.list_agg("p.skey", order_by="p.skey", where="p.best = 1.0")}, {empty}) AS matched,
       coalesce({d.list_agg("p.skey", order_by="p.skey", where="p.best > 0 AND p.best < 1.0")}, {empty}) AS typos,
       any_value(g.via) AS via,
       {d.array_concat(f'coalesce({d.list_agg("p.stok", order_by="p.stok", where="p.best = 0")}, {empty})',
                       f"coalesce(any_value(r.party_extra), {empty})")} AS party_unmatched,
       {d.array_concat(f"coalesce(any_value(u.entry_unmatched), {empty})",
                       f"coalesce(any_value(r.entry_extra), {empty})")} AS entry_unmatched
FROM pairs p JOIN good g USING (sid, nid) LEFT JOIN w ON w.key = p.skey LEFT JOIN ent e ON e.nid = p.nid
  LEFT JOIN eun u ON u.sid = p.sid AND u.nid = p.nid LEFT JOIN rep r ON r.sid = p.sid AND r.nid = p.nid
GROUP BY p.sid, p.nid
"""


def identifier_candidates_sql(subjects: str, names: str, cands: str, d: Dialect = DUCKDB) -> str:
    """The candidates of ``cands`` and, whatever the names say, the pairs that share an identifier
    value and are not among them (``via`` 'identifier', no name evidence)."""
    empty, none = d.empty_string_array(), f"CAST(NULL AS {d.engine_type(ColumnType.STRING_LIST)})"
    return f"""
SELECT sid, nid, shared_w, subject_w, entry_w, matched, typos, via, party_unmatched, entry_unmatched FROM {cands}
UNION ALL
SELECT s.sid, n.nid, CAST(0 AS DOUBLE), CAST(1 AS DOUBLE), CAST(1 AS DOUBLE), {empty}, {empty},
       {d.array("'identifier'")}, {none}, {none}
FROM (SELECT sid, {d.explode("ids")} AS id FROM {subjects}) AS s
  JOIN (SELECT nid, {d.explode("ids")} AS id FROM {names}) AS n ON n.id = s.id
WHERE NOT EXISTS (SELECT 1 FROM {cands} c WHERE c.sid = s.sid AND c.nid = n.nid)
"""


def token_detail_sql(pairs: str, subjects: str, names: str, keys: str, config: ScreeningConfig,
                     d: Dialect = DUCKDB) -> str:
    """For the (sid, nid) pairs of ``pairs``: every token of both names, its key, its weight and
    what it matched on the other side, as `screen --explain` shows them."""
    jw, credit = config.typo_jaro_winkler, config.typo_credit
    sim = d.jaro_winkler("nt.tok", "st.tok")
    return f"""
WITH {_token_ctes(subjects, names, keys, d)},
sx AS (
  SELECT p.sid, p.nid, st.tok, st.key, nt.tok AS other, nt.key AS okey,
         CASE WHEN nt.key = st.key THEN 1.0 WHEN {sim} >= {jw} THEN {credit} ELSE 0 END AS credit,
         {sim} AS jw
  FROM {pairs} p JOIN st ON st.sid = p.sid LEFT JOIN nt ON nt.nid = p.nid
),
ex AS (
  SELECT p.sid, p.nid, nt.tok, nt.key, st.tok AS other, st.key = nt.key OR {sim} >= {jw} AS alike,
         CASE WHEN st.key = nt.key THEN 1.0 WHEN {sim} >= {jw} THEN {credit} ELSE 0 END AS credit, {sim} AS jw
  FROM {pairs} p JOIN nt ON nt.nid = p.nid LEFT JOIN st ON st.sid = p.sid
)
SELECT sid, nid, 'party' AS side, tok, key, coalesce(any_value(w.w), ln(1 + (SELECT n FROM nn))) AS weight,
       {d.arg_max("CASE WHEN credit > 0 THEN other END", d.struct(("c", "credit"), ("j", "jw")))} AS matched,
       max(credit) AS credit
FROM sx LEFT JOIN w USING (key) GROUP BY sid, nid, tok, key
UNION ALL
SELECT sid, nid, 'entry', tok, key, coalesce(any_value(w.w), ln(1 + (SELECT n FROM nn))),
       {d.arg_max("CASE WHEN alike THEN other END", "jw")}, coalesce(max(credit), 0.0)
FROM ex LEFT JOIN w USING (key)
GROUP BY sid, nid, tok, key
"""


def score_sql(cands: str, subjects: str, names: str, config: ScreeningConfig, d: Dialect = DUCKDB) -> str:
    """Scores with qualifiers, and the ``features`` JSON that explains each part."""
    c = config
    n = d.array_length
    empty = d.empty_string_array()
    dob_same = " OR ".join(f"contains(upper(entry_dob), upper({d.date_format('party_dob', f)}))"
                           for f in ("%-d %b %Y", "%d %b %Y", "%Y-%m-%d", "%d/%m/%Y", "%m/%d/%Y"))
    near_year = d.array_exists(d.regex_extract_all("entry_dob", _lit("[0-9]{4}")), "y",
                               "abs(CAST(y AS INTEGER) - year(party_dob)) <= 1")

    def scheme(ids: str) -> str:
        return d.array_transform(ids, "x", "split_part(x, ':', 1)")

    ids_shared = d.array_sort(d.array_intersect("party_ids", d.array_transform("entry_ids", "x", "x")))
    r = d.json_record
    id_effect = (f"CASE WHEN {n('ids_shared')} > 0 THEN {_lit('floor ' + str(c.id_match))} "
                 "ELSE CAST(id_effect AS STRING) END")
    features = d.json_text(r(
        ("name", r(("score", "round(name_score, 3)"), ("party", "party_name"), ("entry", "entry_name"),
                   ("party_coverage", "round(party_coverage, 3)"), ("entry_coverage", "round(entry_coverage, 3)"),
                   ("matched_tokens", "matched"), ("typo_tokens", "typos"), ("weak_alias", "weak"),
                   ("unmatched_party", "party_unmatched"), ("unmatched_entry", "entry_unmatched"),
                   ("substitution_effect", "substitution_effect"))),
        ("candidate", "via"),
        ("dob", r(("party", "CAST(party_dob AS STRING)"), ("entry", "entry_dob"), ("effect", "dob_effect"))),
        ("country", r(("party", "party_countries"), ("entry", "entry_countries"), ("effect", "country_effect"))),
        ("identifier", r(("shared", "ids_shared"), ("effect", id_effect))),
        ("kind", r(("party", "party_kind"), ("entry", "entry_kind"), ("effect", "kind_effect")))))
    # read twice (the unmatched tokens, the qualifiers): computed once
    kept = d.cte("kept", f"""  SELECT * FROM base
  WHERE name_score >= {c.prefilter} OR {d.arrays_overlap("party_ids", "entry_ids")} OR {d.array_contains("via", "'forced'")}""",
                 materialized=True)
    return f"""
WITH base AS (
  SELECT c.*, s.record_id, s.kind AS party_kind, s.party_name, s.dob AS party_dob, s.countries AS party_countries,
         s.ids AS party_ids, s.releasable_to AS party_rel,
         n.entry_id, n.kind AS entry_kind, n.entry_name, n.is_alias, n.programs, n.countries AS entry_countries,
         n.ids AS entry_ids, n.dob AS entry_dob, n.weak, n.releasable_to AS entry_rel,
         coalesce(c.shared_w / nullif(c.subject_w, 0), 0) AS party_coverage,
         coalesce(c.shared_w / nullif(c.entry_w, 0), 0) AS entry_coverage,
         least(1.0, 0.5 * coalesce(c.shared_w / nullif(c.subject_w, 0), 0)
                    + 0.5 * coalesce(c.shared_w / nullif(c.entry_w, 0), 0))
           * CASE WHEN n.weak THEN {c.weak_alias} ELSE 1 END AS name_score
  FROM {cands} c JOIN {subjects} s ON s.sid = c.sid JOIN {names} n ON n.nid = c.nid
), {kept}, unmatched AS (
  SELECT sid, nid, {d.explode("party_unmatched")} AS a, entry_unmatched FROM kept
  WHERE {n(f"coalesce(party_unmatched, {empty})")} > 0 AND {n(f"coalesce(entry_unmatched, {empty})")} > 0
), alike AS (
  -- a pair of unmatched tokens that is one word written two ways (misspelt, an initial, abbreviated)
  SELECT u.sid, u.nid, bool_or({d.jaro_winkler("u.a", "u.b")} >= {c.substitution_jaro_winkler}
                                 OR {d.starts_with("u.a", "u.b")} OR {d.starts_with("u.b", "u.a")}) AS alike
  FROM (SELECT sid, nid, a, {d.explode("entry_unmatched")} AS b FROM unmatched) AS u GROUP BY u.sid, u.nid
), q AS (
  SELECT k.*,
    CASE WHEN party_dob IS NULL OR entry_dob IS NULL THEN 0
         WHEN {dob_same} THEN {c.dob_match}
         WHEN contains(entry_dob, CAST(year(party_dob) AS STRING)) THEN {c.dob_year}
         WHEN {near_year} THEN 0
         ELSE {c.dob_conflict} END AS dob_effect,
    CASE WHEN {n("party_countries")} = 0 OR {n(f"coalesce(entry_countries, {empty})")} = 0 THEN 0
         WHEN {d.arrays_overlap("party_countries", "entry_countries")} THEN {c.country_match}
         ELSE {c.country_conflict} END AS country_effect,
    {ids_shared} AS ids_shared,
    {d.arrays_overlap(scheme("party_ids"), scheme("entry_ids"))} AS same_scheme,
    CASE WHEN party_kind = 'person' AND entry_kind IN ('company', 'vessel', 'aircraft') THEN {c.kind_conflict}
         WHEN party_kind <> 'person' AND entry_kind IN ('person', 'vessel', 'aircraft') THEN {c.kind_conflict}
         ELSE 0 END AS kind_effect,
    CASE WHEN {n(f"coalesce(party_unmatched, {empty})")} > 0 AND {n(f"coalesce(entry_unmatched, {empty})")} > 0
              AND NOT coalesce(a.alike, false)
         THEN {c.name_substitution} ELSE 0 END AS substitution_effect
  FROM kept k LEFT JOIN alike a ON a.sid = k.sid AND a.nid = k.nid
), s AS (
  SELECT *,
    CASE WHEN {n("ids_shared")} = 0 AND same_scheme THEN {c.id_conflict} ELSE 0 END AS id_effect
  FROM q
)
SELECT sid, nid, via, record_id, entry_id, entry_name, is_alias, programs, party_name, party_rel, entry_rel, name_score,
  CASE WHEN {n("ids_shared")} > 0 THEN greatest({c.id_match},
            least(1.0, name_score + substitution_effect + dob_effect + country_effect + kind_effect))
       ELSE greatest(0.0, least(1.0, name_score + substitution_effect + dob_effect + country_effect + id_effect
                                     + kind_effect)) END AS score,
  {features} AS features
FROM s
"""
