"""The Splink model: settings chosen from the data, unsupervised training, scored pairs, and
a model report that says what was learned, what fell back to a documented prior, and why.

Training needs no labels (Fellegi–Sunter): the u probabilities (how often each level occurs
among non-matches) come from random pairs; the m probabilities (among matches) from
expectation maximisation on blocks of pairs that share one piece of evidence (a date, a
name, a postcode ...), so that each comparison is trained on pairs that were not chosen by
it. Which blocks, which blocking rules and which exact rules estimate the prior are chosen by
profiling the records: a rule on a column nobody filled in is reported and left out, never
silently run.

Nothing fails silently. A training step that finds no pairs, or fails inside Splink, leaves
the comparisons it would have trained at their documented m priors (``comparisons.py``) and
adds a warning; a level whose u was never seen among the random pairs gets ``1 / u_pairs``;
a prior that no exact rule could estimate is ``1 / records``. A model that has lost a name
comparison is refused (``ModelRefused``), not used.
"""

from __future__ import annotations

import copy
import logging
import math
import time
from dataclasses import asdict, dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from tenaza.errors import ModelRefused
from tenaza.resolve.comparisons import DEFAULT_COMPARISONS, NAME_COMPARISONS, REGISTRY, build
from tenaza.resolve.engine import Scratch
from tenaza.store.dialect import DUCKDB, Dialect

log = logging.getLogger("tenaza")


@dataclass(frozen=True)
class Rule:
    """An equi-join rule: pairs whose ``l.a = r.b`` for every (a, b) in ``keys``."""

    keys: tuple[tuple[str, str], ...]

    @property
    def sql(self) -> str:
        return " AND ".join(f"l.{a} = r.{b}" for a, b in self.keys)

    @property
    def columns(self) -> set[str]:
        return {c for ab in self.keys for c in ab}

    @property
    def symmetric(self) -> bool:
        return all(a == b for a, b in self.keys)


def rule(*cols: str | tuple[str, str]) -> Rule:
    return Rule(tuple((c, c) if isinstance(c, str) else c for c in cols))


# Blocking: the pairs scored are those that agree on at least one of these. Each is an
# equi-join, so the cost grows with the size of its blocks, never with N². A rule whose
# columns are empty is left out; one whose blocks would make more than
# ``LinkageConfig.max_pairs_per_rule`` pairs is left out and reported (a common name in a big
# city). Together they cover dropped maternal surnames, swapped surnames, missing dates
# (name keys with a postcode, a city, or alone), missing names (date with one name or a
# place), typos in both names (prefix keys) and every strong identifier.
CANDIDATE_BLOCKING: tuple[Rule, ...] = (
    rule("pat_ph", "mat_ph", "given1_ph"),
    rule("pat_ph", "given1_ph", "birth_year"),
    rule(("pat_ph", "mat_ph"), ("mat_ph", "pat_ph"), "given1_ph"),
    rule(("pat_ph", "mat_ph"), ("mat_ph", "pat_ph"), "dob"),
    rule(("pat_ph", "mat_ph"), "given1_ph", "birth_year"),
    rule(("mat_ph", "pat_ph"), "given1_ph", "birth_year"),
    rule(("pat_ph", "given1_ph"), ("given1_ph", "pat_ph")),  # given name and surname swapped
    rule("given1_ph", "dob"),
    rule("pat_ph", "dob"),
    rule("given_c", "pat_ph"),  # nickname or other-language form, no date needed
    rule("given1_ph", "pat_ph"),  # name keys alone: records without a date
    rule("given1_p2", "pat_p2", "birth_year"),  # prefix keys: a typo in both names
    rule("given1_p2", "pat_p2", "postcode"),
    rule("given1_ph", "postcode"),
    rule("pat_ph", "postcode"),
    rule("given1_ph", "city"),
    rule("pat_ph", "city"),
    rule("dob", "postcode"),
    rule("dob", "city"),
    rule("curp"),
    rule("id_stem"),
    rule("ssn"),
    rule("ein"),
    rule("other_id"),
    rule("phone_nat"),
    rule("email"),
    rule("company"),
    rule("company_key"),
)

# Training blocks for EM, in order; each trains every comparison that does not read its
# columns, so names are trained on dates and places, dates on names.
CANDIDATE_EM: tuple[Rule, ...] = (
    rule("dob"),
    rule("pat_ph", "given1_ph"),
    rule("company"),
    rule("postcode"),
    rule("email"),
)

# Exact rules whose pairs are almost surely matches; their count estimates the prior.
CANDIDATE_PRIOR: tuple[Rule, ...] = (
    rule("curp"),
    rule("ssn"),
    rule("pat_ph", "given1_ph", "dob"),
    rule("company", "dob"),
)

# Columns the profile reports (populated share, distinct values), as the comparisons read them.
PROFILED: tuple[str, ...] = (
    "given1", "pat", "mat", "company", "alias", "dob", "birth_year", "postcode", "city", "state", "address",
    "email", "phone", "curp", "rfc", "ssn", "ein", "other_id",
)
# The profiled columns each comparison reads; one whose columns no record fills weighs
# nothing and is left out (reported). Name comparisons are never left out.
READS: dict[str, tuple[str, ...]] = {
    "alias": ("alias",), "dob": ("dob",), "mx_id": ("curp", "rfc"), "us_id": ("ssn", "ein"), "phone": ("phone",),
    "email": ("email",), "other_id": ("other_id",), "location": ("address", "city", "state", "postcode"),
    "company_name": ("company",),
}


class LinkageConfig(BaseModel):
    """How the model is trained and which pairs become links."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    comparisons: tuple[str, ...] = Field(DEFAULT_COMPARISONS, description="Registered comparison NAMEs to use.")
    threshold: float = Field(0.9, description="Match probability at or above which a pair is linked.")
    u_pairs: float = Field(2e5, description="Random pairs sampled to estimate u probabilities (Splink's u step "
                           "grew from 1.6 s to 24 s between 1e5 and 1e6 pairs on FEBRL 3).")
    em_pairs: float = Field(2.5e5, description="Pairs sampled from each EM training block (1e6 cost 48 s a block "
                            "at 1 M records for the same F1 on the dev sets: docs/benchmarks.md).")
    em_iterations: int = Field(10, description="Most EM iterations per training block.")
    seed: int = Field(7, description="Seed of the random sampling, for reproducible models.")
    prior_recall: float = Field(0.6, description="Assumed recall of the exact rules that estimate the prior.")
    min_records_for_em: int = Field(500, description="Below this many records EM has too few matches to learn "
                                    "from, and the comparisons' documented m priors are used as they are.")
    max_pairs_per_rule: float = Field(2e7, description="A blocking rule whose blocks would make more pairs than "
                                      "this is left out (and reported).")
    min_populated: float = Field(0.001, description="Share of records a column must fill for rules on it to run.")

    @field_validator("comparisons")
    @classmethod
    def _known(cls, names: tuple[str, ...]) -> tuple[str, ...]:
        unknown = set(names) - set(REGISTRY)
        if unknown:
            raise ValueError(f"unknown comparisons {sorted(unknown)}; known: {sorted(REGISTRY)}")
        if not set(names) & set(NAME_COMPARISONS):
            raise ValueError(f"a model needs a name comparison ({', '.join(NAME_COMPARISONS)})")
        return names


@dataclass(frozen=True)
class Levels:
    """Per comparison: the label of each comparison vector value, to explain a pair; and the
    prior (probability that two random records match) every pair's weight starts from."""

    labels: dict[str, dict[int, str]]
    prior: float | None = None

    @property
    def prior_weight(self) -> float | None:
        """log2 of the prior odds: the match weight of a pair before any comparison."""
        if self.prior is None or not 0 < self.prior < 1:
            return None
        return math.log2(self.prior / (1 - self.prior))


@dataclass
class ModelReport:
    """What the model was trained on and what it learned; ``tenaza resolve`` prints it."""

    records: int = 0
    prior: float | None = None
    prior_source: str = ""
    profile: dict[str, dict[str, float]] = field(default_factory=dict)
    blocking: list[dict[str, Any]] = field(default_factory=list)
    em_blocks: list[dict[str, Any]] = field(default_factory=list)
    comparisons: list[dict[str, Any]] = field(default_factory=list)
    left_out: dict[str, str] = field(default_factory=dict)  # comparison -> why it is not in the model
    warnings: list[str] = field(default_factory=list)

    def warn(self, text: str) -> None:
        log.warning(text)
        self.warnings.append(text)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def choose_comparisons(config: LinkageConfig, prof: dict[str, dict[str, float]], report: ModelReport) -> LinkageConfig:
    """The configured comparisons less those whose columns no record fills."""
    kept, left = [], []
    for name in config.comparisons:
        cols = READS.get(name, ())
        if cols and all(prof.get(c, {}).get("share", 1.0) < config.min_populated for c in cols):
            left.append(name)
        else:
            kept.append(name)
    if not set(kept) & set(NAME_COMPARISONS):  # only companies' names were configured, and none exist
        kept += [n for n in left if n in NAME_COMPARISONS]
        left = [n for n in left if n not in NAME_COMPARISONS]
    report.left_out = {n: f"{', '.join(READS[n])} filled in fewer than {config.min_populated:.1%} of records"
                       for n in left}
    return config.model_copy(update={"comparisons": tuple(kept)})


def settings(config: LinkageConfig, blocking: list[Rule] | None = None, d: Dialect = DUCKDB) -> dict[str, Any]:
    rules = CANDIDATE_BLOCKING if blocking is None else blocking
    return {
        "link_type": "dedupe_only",
        "unique_id_column_name": "unique_id",
        "comparisons": build(config.comparisons, d),
        "blocking_rules_to_generate_predictions": [{"blocking_rule": r.sql} for r in rules],
        "retain_intermediate_calculation_columns": True,
        "retain_matching_columns": True,  # gamma_ columns: the level of each comparison
        "additional_columns_to_retain": [],
        # EM starts from the documented m priors, close to the answer: ten iterations were
        # measured to give the same pairwise F1 on the bench as Splink's default 25.
        "max_iterations": config.em_iterations,
    }


def _quiet_splink() -> None:
    for name in ("splink", "splink.internals"):
        logging.getLogger(name).setLevel(logging.ERROR)


def profile(sx: Scratch, features: str) -> dict[str, dict[str, float]]:
    """Per profiled column: how many records fill it, the share, and its distinct values."""
    cols = list(PROFILED)
    d = sx.d
    expr = {"alias": f"CASE WHEN {d.array_length('alias_keys')} > 0 THEN {d.array_get('alias_keys', 1)} END"}
    parts = ", ".join(f"count({expr.get(c, c)}) AS n_{c}, approx_count_distinct({expr.get(c, c)}) AS d_{c}"
                      for c in cols)
    row = sx.fetch(f"SELECT count(*), {parts} FROM {features}")[0]
    n = int(row[0])
    out: dict[str, dict[str, float]] = {}
    for i, c in enumerate(cols):
        filled, distinct = int(row[1 + 2 * i]), int(row[2 + 2 * i])
        out[c] = {"filled": filled, "share": round(filled / n, 4) if n else 0.0,
                  "distinct": distinct, "distinctness": round(distinct / filled, 4) if filled else 0.0}
    return out


def count_pairs(sx: Scratch, features: str, r: Rule) -> int:
    """Pairs the rule makes (before Splink removes those an earlier rule made)."""
    left = ", ".join(a for a, _ in r.keys)
    not_null_l = " AND ".join(f"{a} IS NOT NULL" for a, _ in r.keys)
    not_null_r = " AND ".join(f"{b} IS NOT NULL" for _, b in r.keys)
    if r.symmetric:
        sql = (f"SELECT coalesce(sum(c * (c - 1) / 2), 0) FROM (SELECT count(*) AS c FROM {features} "
               f"WHERE {not_null_l} GROUP BY {left}) AS b")
    else:
        on = " AND ".join(f"l.k{i} = r.k{i}" for i in range(len(r.keys)))
        kl = ", ".join(f"{a} AS k{i}" for i, (a, _) in enumerate(r.keys))
        kr = ", ".join(f"{b} AS k{i}" for i, (_, b) in enumerate(r.keys))
        sql = (f"SELECT coalesce(sum(l.c * r.c), 0) FROM "
               f"(SELECT {kl}, count(*) AS c FROM {features} WHERE {not_null_l} GROUP BY ALL) l JOIN "
               f"(SELECT {kr}, count(*) AS c FROM {features} WHERE {not_null_r} GROUP BY ALL) r ON {on}")
    return int(sx.fetch(sql)[0][0])


def _usable(r: Rule, prof: dict[str, dict[str, float]], config: LinkageConfig) -> str | None:
    """Why a rule cannot run on these records, or None."""
    empty = sorted(c for c in r.columns if c in prof and prof[c]["share"] < config.min_populated)
    return f"{', '.join(empty)} filled in fewer than {config.min_populated:.1%} of records" if empty else None


def choose_blocking(sx: Scratch, features: str, config: LinkageConfig, prof: dict[str, dict[str, float]],
                    report: ModelReport) -> list[Rule]:
    kept: list[Rule] = []
    for r in CANDIDATE_BLOCKING:
        why = _usable(r, prof, config)
        pairs = 0 if why else count_pairs(sx, features, r)
        entry: dict[str, Any] = {"rule": r.sql, "pairs": pairs, "used": False, "why": why or ""}
        if not why and pairs > config.max_pairs_per_rule:
            entry["why"] = (f"{pairs:,} pairs > max_pairs_per_rule {config.max_pairs_per_rule:,.0f} "
                            "(raise LinkageConfig.max_pairs_per_rule to keep it)")
        elif not why and pairs == 0:
            entry["why"] = "no two records agree on it"
        elif not why:
            entry["used"] = True
            kept.append(r)
        report.blocking.append(entry)
    dropped = [e for e in report.blocking if not e["used"] and "max_pairs_per_rule" in e["why"]]
    for e in dropped:
        report.warn(f"blocking rule {e['rule']} left out: {e['why']}")
    if not kept:
        report.warn("no blocking rule makes any pair: nothing can be linked (check that names, dates or "
                    "identifiers were mapped to parties columns)")
    return kept


def _prior(sx: Scratch, features: str, train: Any, linker: Any, config: LinkageConfig, n: int,
           prof: dict[str, dict[str, float]], report: ModelReport) -> None:
    from splink.internals.blocking_rule_library import CustomRule

    rules = [r for r in CANDIDATE_PRIOR if not _usable(r, prof, config)]
    rules = [r for r in rules if count_pairs(sx, features, r) > 0]
    prior = None
    if rules:
        try:
            train.estimate_probability_two_random_records_match([CustomRule(r.sql) for r in rules],
                                                                recall=config.prior_recall)
            prior = float(linker._settings_obj._probability_two_random_records_match)
        except Exception as exc:  # noqa: BLE001 - reported below, with the fallback used
            report.warn(f"prior estimation failed ({str(exc).splitlines()[0]}); prior set to 1/{max(n, 2)}")
    if prior is not None and 0 < prior < 1:
        report.prior_source = (f"exact rules {'; '.join(r.sql for r in rules)} at assumed recall "
                               f"{config.prior_recall}")
    else:
        prior = 1 / max(n, 2)
        linker._settings_obj._probability_two_random_records_match = prior
        report.prior_source = f"1/{max(n, 2)} (one match per record at most): no exact rule found matches"
        if n >= config.min_records_for_em:
            report.warn(f"no exact rule ({', '.join(r.sql for r in CANDIDATE_PRIOR)}) found a pair; "
                        f"prior set to 1/{max(n, 2)}")
    report.prior = prior


def _levels_by_name(comparisons: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    return {c["output_column_name"]: c["comparison_levels"] for c in comparisons}


def _check(linker: Any, config: LinkageConfig, report: ModelReport, trained_by: dict[str, list[str]]) -> None:
    """Repair what training left unusable (back to documented priors, each repair a warning)
    and refuse a model without its name comparisons."""
    specs = _levels_by_name(build(config.comparisons))
    present = {c.output_column_name: c for c in linker._settings_obj.comparisons}
    lost = [n for n in config.comparisons if n not in present]
    if lost:
        names_lost = [n for n in lost if n in NAME_COMPARISONS]
        if names_lost or not set(present) & set(NAME_COMPARISONS):
            raise ModelRefused(f"the trained model lost its name comparisons ({', '.join(lost)}); "
                               "refusing to link with it")
        report.warn(f"comparisons lost in training: {', '.join(lost)}")
    floor_u = 1 / max(config.u_pairs, 1)
    for name in config.comparisons:
        if name not in present:
            continue
        levels_out = []
        spec_levels = [lv for lv in specs[name] if not lv.get("is_null_level")]
        real = [lv for lv in present[name].comparison_levels if not lv.is_null_level]
        for lv, spec in zip(real, spec_levels, strict=True):
            m, u = lv.m_probability, lv.u_probability
            m_prior = spec.get("m_probability")
            if m is None or not math.isfinite(m) or not 0 < m <= 1:
                if m_prior is None:
                    raise ModelRefused(f"{name}: level {lv.label_for_charts!r} has no usable m and no prior")
                report.warn(f"{name}: level {lv.label_for_charts!r} m was {m}; set to its prior {m_prior}")
                lv.m_probability = m = m_prior
            if u is None or not math.isfinite(u) or not 0 < u <= 1:
                report.warn(f"{name}: level {lv.label_for_charts!r} never seen among random pairs; u set to "
                            f"1/u_pairs = {floor_u:.2g}")
                lv.u_probability = u = floor_u
            levels_out.append({"level": str(lv.label_for_charts), "m": float(f"{m:.6g}"), "u": float(f"{u:.6g}"),
                               "m_prior": m_prior, "weight": round(math.log2(m / u), 2)})
        report.comparisons.append({"name": name, "m_from": trained_by.get(name) or ["documented prior"],
                                   "levels": levels_out})


def predict(sx: Scratch, features: str, config: LinkageConfig,
            report: ModelReport | None = None) -> tuple[str, Levels]:
    """Train the model on ``features`` (a scratch table) and write the scored pairs at or
    above ``config.threshold`` to a scratch table; return its name and the level labels.
    ``report`` (a ModelReport) is filled with what was trained and every fallback."""
    from splink import Linker
    from splink.internals.blocking_rule_library import CustomRule

    _quiet_splink()
    report = report if report is not None else ModelReport()
    n = int(sx.fetch(f"SELECT count(*) FROM {features}")[0][0])
    report.records = n
    t0 = time.perf_counter()
    prof = profile(sx, features)
    report.profile = prof
    blocking = choose_blocking(sx, features, config, prof, report)
    config = choose_comparisons(config, prof, report)
    log.info("profile and blocking in %.1fs", time.perf_counter() - t0)
    db = sx.splink_api()
    df = db.register(features)
    linker = Linker(df, settings(config, blocking, sx.d), log_level=None)
    train = linker.training
    t0 = time.perf_counter()
    _prior(sx, features, train, linker, config, n, prof, report)
    log.info("prior estimated in %.1fs", time.perf_counter() - t0)
    t0 = time.perf_counter()
    try:
        # One chunk: Splink's default probes and then splits u_pairs into ten queries, stopping
        # once every level has 100 random pairs; rare levels (identifier conflicts) never do, so
        # all the queries ran, about a second on any data set. u_pairs random pairs fit in memory.
        train.estimate_u_using_random_sampling(max_pairs=config.u_pairs, seed=config.seed, num_chunks=1)
    except Exception as exc:  # noqa: BLE001 - the u check below repairs and reports every level
        report.warn(f"u estimation failed ({str(exc).splitlines()[0]}); unseen levels get 1/u_pairs")
    log.info("u estimated in %.1fs", time.perf_counter() - t0)
    trained_by: dict[str, list[str]] = {}
    if n < config.min_records_for_em:
        report.em_blocks.append({"rule": "", "pairs": 0, "status": f"skipped: {n:,} records < min_records_for_em "
                                 f"{config.min_records_for_em:,}; documented m priors used", "trained": []})
    else:
        for r in CANDIDATE_EM:
            why = _usable(r, prof, config)
            pairs = 0 if why else count_pairs(sx, features, r)
            entry: dict[str, Any] = {"rule": r.sql, "pairs": pairs, "status": "", "trained": []}
            report.em_blocks.append(entry)
            if why or pairs == 0:
                entry["status"] = f"skipped: {why or 'no pairs'}"
                continue
            saved = copy.deepcopy(linker._settings_obj)
            before = {c.output_column_name for c in linker._settings_obj.comparisons}
            t1 = time.perf_counter()
            try:
                session = train.estimate_parameters_using_expectation_maximisation(
                    CustomRule(r.sql), max_pairs=config.em_pairs)
                cannot = {c.output_column_name for c in session._comparisons_that_cannot_be_estimated}
                trained = [c for c in config.comparisons if c in before and c not in cannot]
            except Exception as exc:  # noqa: BLE001 - the model is restored and the failure reported
                linker._settings_obj = saved
                entry["status"] = f"failed, model restored: {str(exc).splitlines()[0]}"
                report.warn(f"EM on {r.sql} failed ({str(exc).splitlines()[0]}); the comparisons it would "
                            "train keep their other estimates or documented priors")
                continue
            after = {c.output_column_name for c in linker._settings_obj.comparisons}
            if after != before:
                linker._settings_obj = saved
                entry["status"] = f"dropped comparisons {sorted(before - after)}; model restored"
                report.warn(f"EM on {r.sql} dropped {sorted(before - after)}; model restored")
                continue
            entry["status"] = f"trained in {time.perf_counter() - t1:.1f}s"
            entry["trained"] = trained
            for c in trained:
                trained_by.setdefault(c, []).append(f"EM on {r.sql}")
        if not trained_by:
            report.warn("no EM block could train (see em_blocks); documented m priors used")
    _check(linker, config, report, trained_by)
    t0 = time.perf_counter()
    if not blocking:
        sx.create("resolve_pairs", "SELECT CAST(NULL AS BIGINT) AS unique_id_l, CAST(NULL AS BIGINT) AS unique_id_r, "
                  "CAST(NULL AS DOUBLE) AS match_weight, CAST(NULL AS DOUBLE) AS match_probability WHERE false")
    else:
        scored = linker.inference.predict(threshold_match_probability=config.threshold, warning_mode="never")
        sx.adopt(scored.physical_name, "resolve_pairs")
    log.info("pairs scored in %.1fs", time.perf_counter() - t0)
    labels: dict[str, dict[int, str]] = {}
    for comparison in linker._settings_obj.comparisons:
        labels[comparison.output_column_name] = {
            int(level.comparison_vector_value): str(level.label_for_charts)
            for level in comparison.comparison_levels}
    db.delete_tables_created_by_splink_from_db()
    return "resolve_pairs", Levels(labels, report.prior)
