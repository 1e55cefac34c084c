"""The comparisons of the linkage model, each registered with a NAME, a typed CONFIG and a
docstring that says what evidence it weighs and why.

A comparison is a ladder of levels, tried in order; the first whose SQL condition holds for
a pair of records (``_l`` and ``_r`` columns of ``features.features_sql``) sets the pair's
level, and Splink learns, without labels, how much more often each level occurs among
matches than among non-matches: the level's match weight. The weights of every comparison
of a joined pair are kept in ``entity_members.weights`` to explain the join.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field

from tenaza.store.dialect import DUCKDB, Dialect

Level = dict[str, Any]


def _null(cond: str, label: str) -> Level:
    return {"sql_condition": cond, "label_for_charts": label, "is_null_level": True}


def _level(cond: str, label: str, tf: str | None = None, m: float | None = None) -> Level:
    """A level; ``m`` is its prior m probability: the start of EM, and what a workspace too
    small for EM (``LinkageConfig.min_records_for_em``) uses as it is."""
    out: Level = {"sql_condition": cond, "label_for_charts": label}
    if m is not None:
        out["m_probability"] = m
    if tf:
        out |= {"tf_adjustment_column": tf, "tf_adjustment_weight": 1.0}
        if cond == f"{tf}_l = {tf}_r":
            # The level is itself the exact match on its term-frequency column, so its own u is
            # the base of the adjustment. Saying so spares Splink finding that level again by
            # parsing every level's SQL with sqlglot in each EM iteration: about a third of the
            # model's time on a set of a thousand records, for the same weights.
            out["disable_tf_exact_match_detection"] = True
    return out


def _else(m: float | None = None, fixed: bool = False) -> Level:
    out: Level = {"sql_condition": "ELSE", "label_for_charts": "all other"}
    if m is not None:
        out["m_probability"] = m
    if fixed:
        out["fix_m_probability"] = True
    return out


# Share of true matches whose valid identifiers differ (a clerk's typo that still passes the
# check digit). EM cannot learn it: among the pairs it trains on, a conflict of identifiers is
# what tells it that a pair is not a match. Fixing it keeps a conflict strong evidence against.
ID_CONFLICT_M = 0.002


class ComparisonConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Comparison:
    NAME: ClassVar[str]
    CONFIG: ClassVar[type[ComparisonConfig]] = ComparisonConfig

    def __init__(self, config: ComparisonConfig | None = None) -> None:
        self.config = config or self.CONFIG()

    def levels(self, d: Dialect = DUCKDB) -> list[Level]:
        """The levels, their conditions in ``d``'s spelling."""
        raise NotImplementedError

    def spec(self, d: Dialect = DUCKDB) -> dict[str, Any]:
        """The comparison as a Splink settings dictionary."""
        return {"output_column_name": self.NAME, "comparison_description": (self.__doc__ or "").strip().split("\n")[0],
                "comparison_levels": self.levels(d)}


REGISTRY: dict[str, type[Comparison]] = {}


def register(cls: type[Comparison]) -> type[Comparison]:
    REGISTRY[cls.NAME] = cls
    return cls


class GivenNameConfig(ComparisonConfig):
    jaro_winkler: float = Field(0.88, description="Similarity above which two spellings of a given name agree.")


@register
class Kind(Comparison):
    """Person, company or organization. The model has one prior for every pair; companies are
    few, so two companies that share a name are far likelier to be the same than two people
    who share one, and this comparison carries that difference. A person and a company are
    never the same party (m fixed near zero)."""

    NAME = "kind"

    def levels(self, d: Dialect = DUCKDB) -> list[Level]:
        return [
            _level("kind_l = 'person' AND kind_r = 'person'", "both people", m=0.85),
            _level("kind_l <> 'person' AND kind_r <> 'person'", "both companies or organizations", m=0.15),
            _else(ID_CONFLICT_M / 10, fixed=True),
        ]


@register
class GivenName(Comparison):
    """First given name as written; nicknames and other-language forms are equivalences.

    Levels: same name; equivalent names (a nickname or the English or Spanish form: PEPE,
    JOSEPH and JOSE; SAM and SAMUEL; the name is never rewritten, so an exact spelling
    weighs more than an equivalence); same Spanish phonetic key (GERARDO/JERARDO); similar
    spelling; the first given name of one is among the given names of the other (a record
    that uses a second given name, 'Angel' for 'Jose Angel'); anything else.
    """

    NAME = "given_name"
    CONFIG = GivenNameConfig

    def levels(self, d: Dialect = DUCKDB) -> list[Level]:
        jw = self.config.jaro_winkler if isinstance(self.config, GivenNameConfig) else 0.88
        return [
            _null("given1_l IS NULL OR given1_r IS NULL", "given name missing"),
            _level("given1_l = given1_r", "same given name", tf="given1", m=0.8),
            _level(d.arrays_overlap("given1_eq_l", "given1_eq_r"), "equivalent names (nickname or other language)", m=0.05),
            _level("given1_ph_l = given1_ph_r", "same phonetic key", m=0.04),
            _level(f"{d.jaro_winkler('given1_l', 'given1_r')} >= {jw}", f"jaro-winkler >= {jw}", m=0.05),
            _level(f"{d.array_contains('given_all_r', 'given1_l')} OR {d.array_contains('given_all_l', 'given1_r')}",
                   "first given name among the other's given names", m=0.03),
            _else(0.03),
        ]


class SurnamesConfig(ComparisonConfig):
    jaro_winkler: float = Field(0.92, description="Similarity above which two spellings of the paternal surname agree.")


@register
class Surnames(Comparison):
    """Paternal and maternal surnames, compared so that Spanish naming habits still match.

    US records often drop the maternal surname (GUZMAN for GUZMAN LOPEZ) or swap the two;
    people are sometimes known by their maternal surname. Levels: both surnames agree; the
    paternal agrees and one side has no maternal surname; the two are swapped; the paternal
    agrees but the maternal differs; any surname of one is a surname of the other; the
    paternal surnames are similar; anything else. Agreement is on the Spanish phonetic key,
    and the paternal surname level is adjusted for how common the surname is (a shared
    HERNANDEZ says less than a shared ZAMBADA).
    """

    NAME = "surnames"
    CONFIG = SurnamesConfig

    def levels(self, d: Dialect = DUCKDB) -> list[Level]:
        jw = self.config.jaro_winkler if isinstance(self.config, SurnamesConfig) else 0.92
        return [
            _null("pat_ph_l IS NULL OR pat_ph_r IS NULL", "surname missing"),
            _level("pat_ph_l = pat_ph_r AND mat_ph_l = mat_ph_r", "both surnames agree", tf="pat_ph", m=0.55),
            _level("pat_ph_l = pat_ph_r AND (mat_ph_l IS NULL OR mat_ph_r IS NULL)",
                   "paternal agrees, maternal dropped on one side", tf="pat_ph", m=0.25),
            _level("pat_ph_l = mat_ph_r AND mat_ph_l = pat_ph_r", "surnames swapped", m=0.03),
            _level("pat_ph_l = pat_ph_r", "paternal agrees, maternal differs", m=0.02),
            _level(d.arrays_overlap("surnames_ph_l", "surnames_ph_r"), "a surname of one is a surname of the other", m=0.05),
            _level(f"{d.arrays_overlap('surnames_ph_l', 'given_ph_all_r')} OR {d.arrays_overlap('given_ph_all_l', 'surnames_ph_r')}",
                   "a surname of one is a given name of the other (swapped or one-word names)", m=0.03),
            _level(f"{d.jaro_winkler('pat_l', 'pat_r')} >= {jw}", f"paternal jaro-winkler >= {jw}", m=0.05),
            _else(0.02),
        ]


@register
class CompanyName(Comparison):
    """Company names with the legal form removed (S.A. de C.V., S. de R.L. de C.V., SAPI, LLC,
    Inc., Corp.): the form is often dropped or abbreviated differently and says nothing about
    which company it is. Levels: same name; very similar; most words shared; anything else."""

    NAME = "company_name"

    def levels(self, d: Dialect = DUCKDB) -> list[Level]:
        wl, wr = d.split("company_l", " "), d.split("company_r", " ")
        inter = d.array_length(d.array_intersect(wl, wr))
        union = d.array_length(d.array_distinct(d.array_concat(wl, wr)))
        return [
            _null("company_l IS NULL OR company_r IS NULL", "not a company"),
            _level("company_l = company_r", "same name without legal form", tf="company", m=0.8),
            _level(f"{d.jaro_winkler('company_l', 'company_r')} >= 0.95", "jaro-winkler >= 0.95", m=0.1),
            _level(f"{inter} / {union} >= 0.6", "most words shared", m=0.05),
            _else(0.05),
        ]


@register
class Aliases(Comparison):
    """Also-known-as names: one record's name, or one of its aliases, is an alias of the other
    (compared as sorted phonetic keys, so word order does not matter)."""

    NAME = "alias"

    def levels(self, d: Dialect = DUCKDB) -> list[Level]:
        return [
            _null(f"{d.array_length('alias_keys_l')} = 0 AND {d.array_length('alias_keys_r')} = 0", "no aliases"),
            _level(f"{d.array_contains('alias_keys_r', 'name_key_l')} OR {d.array_contains('alias_keys_l', 'name_key_r')} "
                   f"OR {d.arrays_overlap('alias_keys_l', 'alias_keys_r')}", "name or alias shared", m=0.5),
            _else(0.5),
        ]


@register
class DateOfBirth(Comparison):
    """Date of birth (or incorporation); where a record has none, the date encoded in its CURP
    or RFC stands in. Beyond exact agreement, a level catches day and month swapped, which US
    (month first) and Mexican (day first) records do to each other's dates."""

    NAME = "dob"

    def levels(self, d: Dialect = DUCKDB) -> list[Level]:
        return [
            _null("dob_l IS NULL OR dob_r IS NULL", "date missing"),
            _level("dob_l = dob_r", "same date", m=0.85),
            _level("year(dob_l) = year(dob_r) AND month(dob_l) = day(dob_r) AND day(dob_l) = month(dob_r)",
                   "day and month swapped", m=0.03),
            _level("year(dob_l) = year(dob_r) AND month(dob_l) = month(dob_r)", "same year and month", m=0.03),
            _level(f"{d.damerau_levenshtein(d.date_digits('dob_l'), d.date_digits('dob_r'))} <= 1",
                   "one digit differs or two swapped", m=0.04),
            _level("abs(year(dob_l) - year(dob_r)) <= 1", "within a year", m=0.02),
            _else(0.03),
        ]


@register
class MexicanIds(Comparison):
    """CURP and RFC, the strongest evidence a Mexican record carries. An identifier whose
    encoded birth date disagrees with the record's own date is not used (see features).
    A person's CURP and RFC begin with the same ten characters (four name letters and the
    birth date), so a record with a CURP meets a record with an RFC. Levels: same CURP; same
    RFC with homoclave; same stem (one record lacks the homoclave, or one has a CURP and the
    other an RFC); both carry one and they differ."""

    NAME = "mx_id"

    def levels(self, d: Dialect = DUCKDB) -> list[Level]:
        return [
            _null("(curp_l IS NULL AND id_stem_l IS NULL) OR (curp_r IS NULL AND id_stem_r IS NULL)",
                  "no CURP or RFC on one side"),
            _level("curp_l = curp_r", "same CURP", m=0.4),
            _level("rfc_l = rfc_r AND length(rfc_l) >= 12", "same RFC", m=0.3),
            _level("id_stem_l = id_stem_r", "same name letters and date in CURP or RFC", m=0.298),
            _else(ID_CONFLICT_M, fixed=True),
        ]


@register
class UsIds(Comparison):
    """SSN for people and EIN for companies. Levels: same SSN; same EIN; they differ."""

    NAME = "us_id"

    def levels(self, d: Dialect = DUCKDB) -> list[Level]:
        return [
            _null("(ssn_l IS NULL OR ssn_r IS NULL) AND (ein_l IS NULL OR ein_r IS NULL)", "no SSN or EIN on both"),
            _level("ssn_l = ssn_r", "same SSN", m=0.55),
            _level("ein_l = ein_r", "same EIN", m=0.448),
            _else(ID_CONFLICT_M, fixed=True),
        ]


@register
class Phone(Comparison):
    """Phone numbers in E.164 form (phonenumbers reads national and international styles, and
    Mexico's dropped mobile prefixes). Levels: same number; same ten national digits under
    another country code (a US record of a Mexican number without +52 reads as a US number,
    and the reverse); same last seven digits (an area code written differently); different."""

    NAME = "phone"

    def levels(self, d: Dialect = DUCKDB) -> list[Level]:
        return [
            _null("phone_l IS NULL OR phone_r IS NULL", "phone missing"),
            _level("phone_l = phone_r", "same phone", tf="phone", m=0.7),
            _level("phone_nat_l = phone_nat_r", "same national number, other country code", m=0.1),
            _level("right(phone_l, 7) = right(phone_r, 7)", "same last seven digits", m=0.05),
            _else(0.15),
        ]


@register
class Email(Comparison):
    """E-mail address, lower-cased. Levels: same; similar (a typo, a digit more or less);
    different."""

    NAME = "email"

    def levels(self, d: Dialect = DUCKDB) -> list[Level]:
        return [
            _null("email_l IS NULL OR email_r IS NULL", "email missing"),
            _level("email_l = email_r", "same email", tf="email", m=0.6),
            _level(f"{d.jaro_winkler('email_l', 'email_r')} >= 0.9", "similar email", m=0.2),
            _else(0.2),
        ]


@register
class OtherIds(Comparison):
    """Other identifiers (``other_ids``, scheme:value: passports, voter cards, a source's own
    person number). Levels: an identifier shared; the first identifiers of the same scheme
    differ by one character (a typo); both carry one and they differ."""

    NAME = "other_id"

    def levels(self, d: Dialect = DUCKDB) -> list[Level]:
        def scheme(x: str) -> str:
            return d.regex_extract(x, "'^([^:]*):'", 1)

        return [
            _null(f"{d.array_length('other_ids_l')} = 0 OR {d.array_length('other_ids_r')} = 0",
                  "no other identifier on one side"),
            _level(d.arrays_overlap("other_ids_l", "other_ids_r"), "identifier shared", m=0.7),
            _level(f"{scheme('other_id_l')} = {scheme('other_id_r')} "
                   f"AND {d.damerau_levenshtein('other_id_l', 'other_id_r')} <= 1", "one character differs", m=0.15),
            _else(0.15),
        ]


@register
class Location(Comparison):
    """Where the party lives or is registered: address, postcode, city and state, folded.
    Levels: similar street address; same postcode and city; same postcode; same city and
    state; same city (city alone is evidence: many sources give no state); same state;
    anything else. Same city and same postcode are adjusted for how common the place is."""

    NAME = "location"

    def levels(self, d: Dialect = DUCKDB) -> list[Level]:
        return [
            _null("(address_l IS NULL OR address_r IS NULL) AND (city_l IS NULL OR city_r IS NULL) "
                  "AND (state_l IS NULL OR state_r IS NULL) AND (postcode_l IS NULL OR postcode_r IS NULL)",
                  "location missing"),
            _level(f"{d.jaro_winkler('address_l', 'address_r')} >= 0.92", "similar address", m=0.3),
            _level("postcode_l = postcode_r AND city_l = city_r", "same postcode and city", m=0.2),
            _level("postcode_l = postcode_r", "same postcode", tf="postcode", m=0.1),
            _level("city_l = city_r AND state_l = state_r", "same city and state", m=0.15),
            _level("city_l = city_r", "same city", tf="city", m=0.08),
            _level("state_l = state_r", "same state", m=0.07),
            _else(0.1),
        ]


DEFAULT_COMPARISONS: tuple[str, ...] = tuple(REGISTRY)
# The comparisons that weigh a name: a model without any of them is refused (linkage.py).
NAME_COMPARISONS: tuple[str, ...] = ("given_name", "surnames", "company_name")


def build(names: tuple[str, ...] = DEFAULT_COMPARISONS, d: Dialect = DUCKDB) -> list[dict[str, Any]]:
    """The comparisons as Splink settings, their conditions in ``d``'s spelling."""
    return [REGISTRY[n]().spec(d) for n in names]
