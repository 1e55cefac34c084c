"""Detectors: registered, configurable, documented algorithms that write alerts.

A detector is a class with a NAME, a PILLAR, a CONFIG (a pydantic model whose fields carry
documented defaults and thresholds) and a docstring saying what it finds and why it matters.
Its ``findings`` method returns SQL written through ``self.dialect`` (tenaza.store.dialect),
as one string or as named ``Steps`` (tenaza.detect.steps), producing one row per finding with
the columns of ``FINDING_COLUMNS``; the framework turns findings into alerts: stable ids,
scores clipped to [0, 1], and releasability computed from the evidence (the intersection).

A detector that declares ``SCORE`` (tenaza.detect.scoring) returns its features as ``f_<name>``
columns instead of a score; the framework computes the score from the declared weights and
stores each feature's contribution with the alert. docs/design/add_a_detector.md walks
through writing one.
"""

from __future__ import annotations

import inspect
from abc import ABC, abstractmethod
from typing import Any, ClassVar, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from tenaza.detect.scoring import Score
from tenaza.detect.steps import Steps
from tenaza.errors import DetectorError
from tenaza.store.dialect import DUCKDB, Dialect

PILLARS = ("production", "distribution", "cash", "weapons", "network")

# What a detector's SQL must return, one row per finding.
FINDING_COLUMNS = (
    "typology",  # VARCHAR: structuring, funnel_account, ...
    "score",  # DOUBLE in [0, 1]; clipped by the framework
    "subjects",  # VARCHAR[]: kind:id
    "evidence",  # VARCHAR[]: record_id of every row behind the finding
    "figures",  # JSON or VARCHAR holding a JSON object
    "explanation",  # VARCHAR: one sentence
    "period_start",  # TIMESTAMP
    "period_end",  # TIMESTAMP
)


class DetectorConfig(BaseModel):
    """Base of every detector's configuration: typed, documented, no unknown keys."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    weights: dict[str, float] = Field(default_factory=dict, description=(
        "Weights of the score's features that replace the declared ones (detectors with weighted features; "
        "the features and their weights are listed under the detector)."))


C = TypeVar("C", bound=DetectorConfig)


class Detector(ABC, Generic[C]):
    """Base of every detector; ``Detector[MyConfig]`` types ``self.config`` as ``MyConfig``."""

    NAME: ClassVar[str]
    PILLAR: ClassVar[str]
    TYPOLOGIES: ClassVar[tuple[str, ...]]
    CONFIG: ClassVar[type[DetectorConfig]] = DetectorConfig
    # Canonical tables the detector reads; it is skipped (with a note) where they are empty.
    NEEDS: ClassVar[tuple[str, ...]] = ()
    # Weighted features the framework makes the score from (None: the SQL returns ``score``).
    SCORE: ClassVar[Score | None] = None
    # Config fields holding time windows in days, scaled to the data's pace under the config's
    # time_profile (tenaza.detect.pace; the config is then a TimedConfig).
    TIME_WINDOWS: ClassVar[tuple[str, ...]] = ()
    # Whether TIME_WINDOWS shrink on data faster than they are written for (tenaza.detect.pace);
    # they always stretch on slower data.
    SHRINK_WINDOWS: ClassVar[bool] = True

    # The dialect the SQL is written for; the runner sets the workspace engine's.
    dialect: Dialect = DUCKDB
    config: C

    def __init__(self, config: DetectorConfig | dict[str, Any] | None = None) -> None:
        validated = config if isinstance(config, DetectorConfig) else self.CONFIG.model_validate(config or {})
        if not isinstance(validated, self.CONFIG):
            raise DetectorError(f"detector {self.NAME}: settings of type {type(validated).__name__}, "
                                f"not {self.CONFIG.__name__}")
        if validated.weights:
            if self.SCORE is None:
                raise DetectorError(f"settings: {self.NAME}.weights: this detector has no weighted features")
            self.SCORE.weights(validated.weights)  # names and ranges, checked before any run
        self.config = validated  # type: ignore[assignment]

    @abstractmethod
    def findings(self, params: dict[str, Any]) -> str | Steps:
        """SQL (or named Steps) returning FINDING_COLUMNS, with ``f_<feature>`` columns in place
        of ``score`` where the detector declares SCORE. Bind values by adding them to ``params``
        ($name)."""

    def score_sql(self) -> str:
        """The score as SQL over the ``f_`` columns, for a detector that filters on its own score."""
        if self.SCORE is None:
            raise DetectorError(f"detector {self.NAME} declares no SCORE")
        return self.SCORE.expr(self.dialect, self.config.weights)

    @classmethod
    def describe(cls) -> str:
        own = cls.__dict__.get("__doc__")  # not inherited: every detector explains itself
        return inspect.cleandoc(own) if own else ""


REGISTRY: dict[str, type[Detector[Any]]] = {}


def register(cls: type[Detector[Any]]) -> type[Detector[Any]]:
    """Class decorator: check the declaration and add it to the registry."""
    problems = []
    if not getattr(cls, "NAME", "") or cls.NAME in REGISTRY:
        problems.append(f"NAME {getattr(cls, 'NAME', None)!r} missing or taken")
    if getattr(cls, "PILLAR", None) not in PILLARS:
        problems.append(f"PILLAR must be one of {PILLARS}")
    if not getattr(cls, "TYPOLOGIES", ()):
        problems.append("TYPOLOGIES must name what it finds")
    if not cls.describe():
        problems.append("a docstring saying what it finds and why is required")
    if cls.SCORE is not None:
        for f in cls.SCORE.all_features:
            if not f.description or not 0 <= f.weight <= 1:
                problems.append(f"score feature {f.name!r} needs a description and a weight in [0, 1]")
    for name, field in cls.CONFIG.model_fields.items():
        if not field.description:
            problems.append(f"CONFIG field {name!r} needs a description")
    if problems:
        raise DetectorError(f"detector {cls.__name__}: " + "; ".join(problems))
    REGISTRY[cls.NAME] = cls
    return cls
