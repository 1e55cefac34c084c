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


def _name_tokens_sql(kind: str, name: str, forms: LegalForms) -> str:
    """Tokens of a name; a company's without its legal forms (``legal.py``)."""
    return f"CASE WHEN {kind} = 'person' THEN {tokens_sql(name)} ELSE {forms.core_tokens_sql(name)} END"


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


def list_names_sql(relation: str, forms: LegalForms, name_param: str = "$list_name") -> str:
    """One row per name and alias of a list version: tokens and the qualifiers."""
    return f"""
SELECT d.entry_id, d.kind, d.name AS entry_primary, d.programs, d.releasable_to,
       list_transform(coalesce(d.ids, []), lambda x: lower(trim(split_part(x, ':', 1))) || ':'
                      || regexp_replace(upper(substr(x, strpos(x, ':') + 1)), '[^A-Z0-9]', '', 'g')) AS ids,
       coalesce(d.countries, CAST(json_extract(d.extras, '$.countries') AS VARCHAR[])) AS countries, d.dob,
       n.v AS entry_name, n.i > 1 AS is_alias,
       list_contains(coalesce(CAST(json_extract(d.extras, '$.weak_aliases') AS VARCHAR[]), []), n.v) AS weak,
       {_name_tokens_sql("d.kind", "n.v", forms)} AS toks
FROM {relation} AS d,
     unnest(list_transform(list_concat([d.name], coalesce(d.aliases, [])), lambda v, i: struct_pack(v := v, i := i))) AS u(e),
     LATERAL (SELECT u.e.v AS v, u.e.i AS i) AS n
WHERE d.list_name = {name_param}
"""


def subjects_sql(relation: str, forms: LegalForms) -> str:
    """One row per name and alias of each party record."""
    return f"""
SELECT p.record_id, p.kind, p.name AS party_primary, p.dob, p.releasable_to,
       list_filter([p.country, p.nationality], lambda c: c IS NOT NULL) AS countries,
       list_filter(['curp:' || regexp_replace(upper(p.curp), '[^A-Z0-9]', '', 'g'),
                    'rfc:' || regexp_replace(upper(p.rfc), '[^A-Z0-9]', '', 'g'),
                    'ssn:' || regexp_replace(p.ssn, '[^0-9]', '', 'g'),
                    'ein:' || regexp_replace(p.ein, '[^0-9]', '', 'g')], lambda x: x IS NOT NULL) AS ids,
       n.v AS party_name,
       {_name_tokens_sql("p.kind", "n.v", forms)} AS toks
FROM {relation} AS p,
     unnest(list_concat([p.name], coalesce(p.aliases, []))) AS n(v)
"""


def _token_ctes(subjects: str, names: str, keys: str) -> str:
    """Token rows of both sides with their keys, and each key's weight: ln(1 + names / names with it)."""
    return f"""
nt AS (
  SELECT DISTINCT n.nid, u.t AS tok, k.key FROM {names} n, unnest(n.toks) AS u(t) JOIN {keys} k ON k.tok = u.t
),
st AS (
  SELECT DISTINCT s.sid, u.t AS tok, k.key FROM {subjects} s, unnest(s.toks) AS u(t) JOIN {keys} k ON k.tok = u.t
),
nk AS (SELECT DISTINCT nid, key FROM nt),
sk AS (SELECT DISTINCT sid, key FROM st),
df AS (SELECT key, count(*) AS df FROM nk GROUP BY key),
nn AS (SELECT count(*) AS n FROM {names}),
w AS (SELECT key, ln(1 + (SELECT n FROM nn) / df) AS w FROM df)"""


def _ngrams_sql(relation: str, id_col: str, max_tokens: int) -> str:
    """Distinct character trigrams of the short non-person names of ``relation`` (padded with spaces)."""
    return f"""
  SELECT DISTINCT x.{id_col}, substr(x.s, r.i, 3) AS g
  FROM (SELECT {id_col}, ' ' || array_to_string(toks, ' ') || ' ' AS s FROM {relation}
        WHERE kind <> 'person' AND len(toks) BETWEEN 1 AND {int(max_tokens)}) AS x,
       unnest(range(1, length(x.s) - 1)) AS r(i)"""


def candidates_sql(subjects: str, names: str, keys: str, config: ScreeningConfig, forced: str | None = None) -> str:
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
    row id ``nid``/``sid``.
    """
    jw, credit = config.typo_jaro_winkler, config.typo_credit
    m = int(config.ngram_max_tokens)
    ngram_ctes = f"""
sg AS ({_ngrams_sql(subjects, "sid", m)}),
ng AS ({_ngrams_sql(names, "nid", m + 1)}),
sgc AS (SELECT sid, count(*) AS c FROM sg GROUP BY sid),
ngc AS (SELECT nid, count(*) AS c FROM ng GROUP BY nid),
nshared AS (SELECT sg.sid, ng.nid, count(*) AS shared FROM sg JOIN ng USING (g) GROUP BY sg.sid, ng.nid),
ngood AS (
  SELECT x.sid, x.nid FROM nshared x JOIN sgc USING (sid) JOIN ngc USING (nid)
  WHERE 2.0 * x.shared >= {float(config.ngram_min_dice)} * (sgc.c + ngc.c)
),""" if m > 0 else "ngood AS (SELECT CAST(NULL AS BIGINT) AS sid, CAST(NULL AS BIGINT) AS nid WHERE false),"
    forced_sql = f"SELECT sid, nid, 'forced' AS via FROM {forced}" if forced else \
        "SELECT CAST(NULL AS BIGINT), CAST(NULL AS BIGINT), '' WHERE false"
    return f"""
WITH {_token_ctes(subjects, names, keys)},
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
  SELECT sid, nid, list_sort(list(DISTINCT via)) AS via FROM (
    SELECT sid, nid, 'tokens' AS via FROM tgood
    UNION ALL SELECT sid, nid, 'ngrams' FROM ngood
    UNION ALL {forced_sql}
  ) GROUP BY sid, nid
),
-- best match of each subject token among the entry's tokens: 1 for the same key, a typo credit
pairs AS (
  SELECT g.sid, g.nid, st.key AS skey, any_value(st.tok) AS stok,
         max(CASE WHEN nt.key = st.key THEN 1.0
                  WHEN jaro_winkler_similarity(nt.tok, st.tok) >= {jw} THEN {credit} ELSE 0 END) AS best
  FROM good g JOIN st ON st.sid = g.sid LEFT JOIN nt ON nt.nid = g.nid
  GROUP BY g.sid, g.nid, st.key
),
-- the entry's tokens that no subject token matched (the substitution qualifier reads them)
eun AS (
  SELECT sid, nid, list(etok ORDER BY etok) AS entry_unmatched FROM (
    SELECT g.sid, g.nid, nt.key, any_value(nt.tok) AS etok,
           max(CASE WHEN nt.key = st.key OR jaro_winkler_similarity(nt.tok, st.tok) >= {jw} THEN 1 ELSE 0 END) AS hit
    FROM good g JOIN nt ON nt.nid = g.nid LEFT JOIN st ON st.sid = g.sid
    GROUP BY g.sid, g.nid, nt.key)
  WHERE hit = 0 GROUP BY sid, nid
),
-- a word written more often on one side (FELIX FELIX against one FELIX): the extra copies are
-- unmatched too, or a replaced second surname would read as a dropped one
nkc AS (SELECT n.nid, k.key, count(*) AS c, min(u.t) AS tok
        FROM {names} n, unnest(n.toks) AS u(t) JOIN {keys} k ON k.tok = u.t GROUP BY n.nid, k.key),
skc AS (SELECT s.sid, k.key, count(*) AS c, min(u.t) AS tok
        FROM {subjects} s, unnest(s.toks) AS u(t) JOIN {keys} k ON k.tok = u.t GROUP BY s.sid, k.key),
rep AS (
  SELECT g.sid, g.nid, list(a.tok) FILTER (WHERE a.c > b.c) AS entry_extra,
         list(b.tok) FILTER (WHERE b.c > a.c) AS party_extra
  FROM good g JOIN nkc a ON a.nid = g.nid JOIN skc b ON b.sid = g.sid AND b.key = a.key
  WHERE a.c <> b.c GROUP BY g.sid, g.nid
),
ent AS (
  SELECT nk.nid, sum(coalesce(w.w, ln(1 + (SELECT n FROM nn)))) AS entry_w
  FROM nk LEFT JOIN w USING (key) GROUP BY nk.nid
)
SELECT p.sid, p.nid,
       sum(p.best * coalesce(w.w, ln(1 + (SELECT n FROM nn)))) AS shared_w,
       sum(coalesce(w.w, ln(1 + (SELECT n FROM nn)))) AS subject_w,
       coalesce(any_value(e.entry_w), 0.0) AS entry_w,
       coalesce(list(p.skey ORDER BY p.skey) FILTER (WHERE p.best = 1.0), []) AS matched,
       coalesce(list(p.skey ORDER BY p.skey) FILTER (WHERE p.best > 0 AND p.best < 1.0), []) AS typos,
       any_value(g.via) AS via,
       list_concat(coalesce(list(p.stok ORDER BY p.stok) FILTER (WHERE p.best = 0), []),
                   coalesce(any_value(r.party_extra), [])) AS party_unmatched,
       list_concat(coalesce(any_value(u.entry_unmatched), []), coalesce(any_value(r.entry_extra), [])) AS entry_unmatched
FROM pairs p JOIN good g USING (sid, nid) LEFT JOIN w ON w.key = p.skey LEFT JOIN ent e ON e.nid = p.nid
  LEFT JOIN eun u ON u.sid = p.sid AND u.nid = p.nid LEFT JOIN rep r ON r.sid = p.sid AND r.nid = p.nid
GROUP BY p.sid, p.nid
"""


def token_detail_sql(pairs: str, subjects: str, names: str, keys: str, config: ScreeningConfig) -> str:
    """For the (sid, nid) pairs of ``pairs``: every token of both names, its key, its weight and
    what it matched on the other side, as `screen --explain` shows them."""
    jw, credit = config.typo_jaro_winkler, config.typo_credit
    return f"""
WITH {_token_ctes(subjects, names, keys)},
sx AS (
  SELECT p.sid, p.nid, st.tok, st.key, nt.tok AS other, nt.key AS okey,
         CASE WHEN nt.key = st.key THEN 1.0
              WHEN jaro_winkler_similarity(nt.tok, st.tok) >= {jw} THEN {credit} ELSE 0 END AS credit,
         jaro_winkler_similarity(nt.tok, st.tok) AS jw
  FROM {pairs} p JOIN st ON st.sid = p.sid LEFT JOIN nt ON nt.nid = p.nid
)
SELECT sid, nid, 'party' AS side, tok, key, coalesce(w.w, ln(1 + (SELECT n FROM nn))) AS weight,
       arg_max(CASE WHEN credit > 0 THEN other END, (credit, jw)) AS matched, max(credit) AS credit
FROM sx LEFT JOIN w USING (key) GROUP BY ALL
UNION ALL
SELECT p.sid, p.nid, 'entry', nt.tok, nt.key, coalesce(any_value(w.w), ln(1 + (SELECT n FROM nn))),
       arg_max(st.tok, jaro_winkler_similarity(nt.tok, st.tok)) FILTER (WHERE st.key = nt.key
                                                                    OR jaro_winkler_similarity(nt.tok, st.tok) >= {jw}),
       coalesce(max(CASE WHEN st.key = nt.key THEN 1.0
                         WHEN jaro_winkler_similarity(nt.tok, st.tok) >= {jw} THEN {credit} ELSE 0 END), 0.0)
FROM {pairs} p JOIN nt ON nt.nid = p.nid LEFT JOIN st ON st.sid = p.sid LEFT JOIN w ON w.key = nt.key
GROUP BY p.sid, p.nid, nt.tok, nt.key
"""


def score_sql(cands: str, subjects: str, names: str, config: ScreeningConfig) -> str:
    """Scores with qualifiers, and the ``features`` JSON that explains each part."""
    c = config
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
), q AS (
  SELECT *,
    CASE WHEN party_dob IS NULL OR entry_dob IS NULL THEN 0
         WHEN {" OR ".join(f"contains(upper(entry_dob), upper(strftime(party_dob, '{f}')))"
                           for f in ("%-d %b %Y", "%d %b %Y", "%Y-%m-%d", "%d/%m/%Y", "%m/%d/%Y"))}
           THEN {c.dob_match}
         WHEN contains(entry_dob, CAST(year(party_dob) AS VARCHAR)) THEN {c.dob_year}
         WHEN list_bool_or(list_transform(regexp_extract_all(entry_dob, '[0-9]{{4}}'),
                                          lambda y: abs(CAST(y AS INTEGER) - year(party_dob)) <= 1)) THEN 0
         ELSE {c.dob_conflict} END AS dob_effect,
    CASE WHEN len(party_countries) = 0 OR len(coalesce(entry_countries, [])) = 0 THEN 0
         WHEN list_has_any(party_countries, entry_countries) THEN {c.country_match}
         ELSE {c.country_conflict} END AS country_effect,
    list_intersect(party_ids, list_transform(entry_ids, lambda x: x)) AS ids_shared,
    list_has_any(list_transform(party_ids, lambda x: split_part(x, ':', 1)),
                 list_transform(entry_ids, lambda x: split_part(x, ':', 1))) AS same_scheme,
    CASE WHEN party_kind = 'person' AND entry_kind IN ('company', 'vessel', 'aircraft') THEN {c.kind_conflict}
         WHEN party_kind <> 'person' AND entry_kind IN ('person', 'vessel', 'aircraft') THEN {c.kind_conflict}
         ELSE 0 END AS kind_effect,
    CASE WHEN len(coalesce(party_unmatched, [])) > 0 AND len(coalesce(entry_unmatched, [])) > 0
              AND NOT coalesce(list_bool_or(flatten(list_transform(party_unmatched, lambda a: list_transform(
                    entry_unmatched, lambda b: jaro_winkler_similarity(a, b) >= {c.substitution_jaro_winkler}
                                               OR starts_with(a, b) OR starts_with(b, a))))), false)
         THEN {c.name_substitution} ELSE 0 END AS substitution_effect
  FROM base WHERE name_score >= {c.prefilter} OR list_has_any(party_ids, entry_ids) OR list_contains(via, 'forced')
), s AS (
  SELECT *,
    CASE WHEN len(ids_shared) = 0 AND same_scheme THEN {c.id_conflict} ELSE 0 END AS id_effect
  FROM q
)
SELECT sid, nid, via, record_id, entry_id, entry_name, is_alias, programs, party_name, party_rel, entry_rel, name_score,
  CASE WHEN len(ids_shared) > 0 THEN greatest({c.id_match},
            least(1.0, name_score + substitution_effect + dob_effect + country_effect + kind_effect))
       ELSE greatest(0.0, least(1.0, name_score + substitution_effect + dob_effect + country_effect + id_effect
                                     + kind_effect)) END AS score,
  json_object(
    'name', json_object('score', round(name_score, 3), 'party', party_name, 'entry', entry_name,
                        'party_coverage', round(party_coverage, 3), 'entry_coverage', round(entry_coverage, 3),
                        'matched_tokens', matched, 'typo_tokens', typos, 'weak_alias', weak,
                        'unmatched_party', party_unmatched, 'unmatched_entry', entry_unmatched,
                        'substitution_effect', substitution_effect),
    'candidate', via,
    'dob', json_object('party', CAST(party_dob AS VARCHAR), 'entry', entry_dob, 'effect', dob_effect),
    'country', json_object('party', party_countries, 'entry', entry_countries, 'effect', country_effect),
    'identifier', json_object('shared', ids_shared, 'effect',
                              CASE WHEN len(ids_shared) > 0 THEN {_lit('floor ' + str(c.id_match))} ELSE CAST(id_effect AS VARCHAR) END),
    'kind', json_object('party', party_kind, 'entry', entry_kind, 'effect', kind_effect)) AS features
FROM s
"""
