"""Detectors: registered, configurable, documented algorithms that write alerts.

A detector is a class with a NAME, a PILLAR, a CONFIG (a pydantic model whose fields carry
documented defaults and thresholds) and a docstring saying what it finds and why it matters.
Its ``findings`` method returns SQL written through ``self.dialect`` (tenaza.store.dialect) producing one row per finding with the
columns of ``FINDING_COLUMNS``; the framework turns findings into alerts: stable ids, scores
clipped to [0, 1], and releasability computed from the evidence (the intersection).
"""

from __future__ import annotations

import inspect
from abc import ABC, abstractmethod
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict

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


class Detector(ABC):
    NAME: ClassVar[str]
    PILLAR: ClassVar[str]
    TYPOLOGIES: ClassVar[tuple[str, ...]]
    CONFIG: ClassVar[type[DetectorConfig]] = DetectorConfig
    # Canonical tables the detector reads; it is skipped (with a note) where they are empty.
    NEEDS: ClassVar[tuple[str, ...]] = ()

    # The dialect the SQL is written for; the runner sets the workspace engine's.
    dialect: Dialect = DUCKDB

    def __init__(self, config: DetectorConfig | dict[str, Any] | None = None) -> None:
        if isinstance(config, DetectorConfig):
            self.config = config
        else:
            self.config = self.CONFIG.model_validate(config or {})

    @abstractmethod
    def findings(self, params: dict[str, Any]) -> str:
        """SQL returning FINDING_COLUMNS. Bind values by adding them to ``params`` ($name)."""

    @classmethod
    def describe(cls) -> str:
        own = cls.__dict__.get("__doc__")  # not inherited: every detector explains itself
        return inspect.cleandoc(own) if own else ""


REGISTRY: dict[str, type[Detector]] = {}


def register(cls: type[Detector]) -> type[Detector]:
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
    for name, field in cls.CONFIG.model_fields.items():
        if not field.description:
            problems.append(f"CONFIG field {name!r} needs a description")
    if problems:
        raise DetectorError(f"detector {cls.__name__}: " + "; ".join(problems))
    REGISTRY[cls.NAME] = cls
    return cls
