"""The Splink model: settings, blocking, unsupervised training, scored pairs.

Training needs no labels (Fellegi–Sunter): the u probabilities (how often each level occurs
among non-matches) come from random pairs; the m probabilities (among matches) from
expectation maximisation on pairs that share a date of birth, then on pairs that share a
name, so that each comparison is trained on pairs that were not chosen by it.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from tenaza.resolve.comparisons import DEFAULT_COMPARISONS, REGISTRY, build
from tenaza.resolve.engine import Scratch

log = logging.getLogger("tenaza")

# Blocking: the pairs scored are those that agree on at least one of these. Each is an
# equi-join, so the cost grows with the size of its blocks, never with N². Together they
# cover dropped maternal surnames (given + paternal + birth year), swapped surnames
# (both swapped; or the paternal of one is the maternal of the other, with the birth year), missing names (date + one surname) and every
# strong identifier. Rules on a place (same name in the same city) were measured and dropped:
# a common name in a big city makes blocks of millions of pairs.
BLOCKING_RULES: tuple[str, ...] = (
    "l.pat_ph = r.pat_ph AND l.mat_ph = r.mat_ph AND l.given1_ph = r.given1_ph",
    "l.pat_ph = r.pat_ph AND l.given1_ph = r.given1_ph AND l.birth_year = r.birth_year",
    "l.pat_ph = r.mat_ph AND l.mat_ph = r.pat_ph AND l.given1_ph = r.given1_ph",
    "l.pat_ph = r.mat_ph AND l.mat_ph = r.pat_ph AND l.dob = r.dob",
    "l.pat_ph = r.mat_ph AND l.given1_ph = r.given1_ph AND l.birth_year = r.birth_year",
    "l.mat_ph = r.pat_ph AND l.given1_ph = r.given1_ph AND l.birth_year = r.birth_year",
    "l.given1_ph = r.given1_ph AND l.dob = r.dob",
    "l.pat_ph = r.pat_ph AND l.dob = r.dob",
    "l.curp = r.curp",
    "l.id_stem = r.id_stem",
    "l.ssn = r.ssn",
    "l.ein = r.ein",
    "l.phone_nat = r.phone_nat",
    "l.email = r.email",
    "l.company = r.company",
    "l.company_key = r.company_key",
)


class LinkageConfig(BaseModel):
    """How the model is trained and which pairs become links."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    comparisons: tuple[str, ...] = Field(DEFAULT_COMPARISONS, description="Registered comparison NAMEs to use.")
    threshold: float = Field(0.9, description="Match probability at or above which a pair is linked.")
    u_pairs: float = Field(3e6, description="Random pairs sampled to estimate u probabilities.")
    em_pairs: float = Field(1e6, description="Pairs sampled from each EM training block.")
    em_iterations: int = Field(10, description="Most EM iterations per training block.")
    seed: int = Field(7, description="Seed of the random sampling, for reproducible models.")
    prior_recall: float = Field(0.6, description="Assumed recall of the exact rules that estimate the prior.")
    min_records_for_em: int = Field(5000, description="Below this many records EM has too few matches to learn "
                                    "from, and the comparisons' documented m priors are used as they are.")

    @field_validator("comparisons")
    @classmethod
    def _known(cls, names: tuple[str, ...]) -> tuple[str, ...]:
        unknown = set(names) - set(REGISTRY)
        if unknown:
            raise ValueError(f"unknown comparisons {sorted(unknown)}; known: {sorted(REGISTRY)}")
        return names


@dataclass(frozen=True)
class Levels:
    """Per comparison: the label of each comparison vector value, to explain a pair."""

    labels: dict[str, dict[int, str]]


def settings(config: LinkageConfig) -> dict[str, Any]:
    return {
        "link_type": "dedupe_only",
        "unique_id_column_name": "unique_id",
        "comparisons": build(config.comparisons),
        "blocking_rules_to_generate_predictions": [{"blocking_rule": r} for r in BLOCKING_RULES],
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


def predict(sx: Scratch, features: str, config: LinkageConfig) -> tuple[str, Levels]:
    """Train the model on ``features`` (a scratch table) and write the scored pairs at or
    above ``config.threshold`` to a scratch table; return its name and the level labels."""
    from splink import DuckDBAPI, Linker
    from splink.internals.blocking_rule_library import CustomRule

    _quiet_splink()
    db = DuckDBAPI(sx.con)
    df = db.register(features)
    linker = Linker(df, settings(config), log_level=None)
    train = linker.training
    t0 = time.perf_counter()
    train.estimate_probability_two_random_records_match(
        [CustomRule("l.curp = r.curp"),
         CustomRule("l.pat_ph = r.pat_ph AND l.mat_ph = r.mat_ph AND l.given1_ph = r.given1_ph AND l.dob = r.dob")],
        recall=config.prior_recall)
    prior = linker._settings_obj._probability_two_random_records_match
    if not 0 < prior < 1:  # no exact matches at all (a small workspace): one match per record, at most
        n = int(sx.execute(f"SELECT count(*) FROM {features}").fetchall()[0][0])
        linker._settings_obj._probability_two_random_records_match = 1 / max(n, 2)
        log.info("prior set to 1/%d: the exact rules found no matches", max(n, 2))
    log.info("prior estimated in %.1fs", time.perf_counter() - t0)
    t0 = time.perf_counter()
    train.estimate_u_using_random_sampling(max_pairs=config.u_pairs, seed=config.seed)
    log.info("u estimated in %.1fs", time.perf_counter() - t0)
    t0 = time.perf_counter()
    n_records = int(sx.execute(f"SELECT count(*) FROM {features}").fetchall()[0][0])
    rules = ("l.dob = r.dob", "l.pat_ph = r.pat_ph AND l.mat_ph = r.mat_ph AND l.given1_ph = r.given1_ph",
             "l.company = r.company") if n_records >= config.min_records_for_em else ()
    for rule in rules:
        t1 = time.perf_counter()
        try:
            train.estimate_parameters_using_expectation_maximisation(
                CustomRule(rule), max_pairs=config.em_pairs)
            log.info("EM on %s: %.1fs", rule, time.perf_counter() - t1)
        except Exception as exc:  # noqa: BLE001 - a block with no pairs (no companies) trains nothing
            log.info("EM on %s skipped: %s", rule, str(exc).splitlines()[0])
    log.info("m estimated in %.1fs", time.perf_counter() - t0)
    t0 = time.perf_counter()
    scored = linker.inference.predict(threshold_match_probability=config.threshold, warning_mode="never")
    sx.run(f"CREATE OR REPLACE TABLE resolve_pairs AS SELECT * FROM {scored.physical_name}")
    log.info("pairs scored in %.1fs", time.perf_counter() - t0)
    labels: dict[str, dict[int, str]] = {}
    for comparison in linker._settings_obj.comparisons:
        labels[comparison.output_column_name] = {
            int(level.comparison_vector_value): str(level.label_for_charts)
            for level in comparison.comparison_levels}
    db.delete_tables_created_by_splink_from_db()  # type: ignore[no-untyped-call]  # splink leaves it untyped
    return "resolve_pairs", Levels(labels)
