"""The strategy as data: pillars -> objectives -> indicators, declared in YAML and checked at load.

Every problem of a framework file is reported together, each naming the file and the field path
(``pillars[2].objectives[0].indicators[1].direction``), so that an analyst editing a copy fixes
them in one pass.
"""

from __future__ import annotations

from datetime import date
from importlib import resources
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from tenaza.errors import OutcomesError, Problem

Frequency = Literal["month", "quarter", "year"]
Direction = Literal["up_is_good", "down_is_good"]
GeoLevel = Literal["national", "state", "municipality", "port", "binational"]


class Text(BaseModel):
    model_config = ConfigDict(extra="forbid")
    en: str
    es: str

    def __call__(self, lang: str) -> str:
        return self.es if lang == "es" else self.en


class Target(BaseModel):
    model_config = ConfigDict(extra="forbid")
    date: date
    value: float


class Indicator(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=r"^[a-z0-9_]+$")
    title: Text
    series: str = Field(min_length=1)
    geo_level: GeoLevel
    geo: str = Field(min_length=1)
    frequency: Frequency
    unit: str
    direction: Direction
    source: str
    targets: list[Target] = Field(default_factory=list)

    @property
    def from_workspace(self) -> bool:
        return self.source == "workspace"


class Objective(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    title: Text
    indicators: list[Indicator] = Field(min_length=1)


class Pillar(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    title: Text
    objectives: list[Objective] = Field(min_length=1)


class Framework(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    title: Text
    pillars: list[Pillar] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_ids(self) -> Framework:
        seen: set[str] = set()
        for ind in self.indicators():
            if ind.id in seen:
                raise ValueError(f"indicator id {ind.id!r} is used twice")
            seen.add(ind.id)
        return self

    def indicators(self) -> list[Indicator]:
        return [i for p in self.pillars for o in p.objectives for i in o.indicators]

    def indicator(self, ident: str) -> Indicator:
        for i in self.indicators():
            if i.id == ident:
                return i
        known = ", ".join(i.id for i in self.indicators())
        raise OutcomesError([Problem("framework", f"no indicator {ident!r}; known: {known}", field="indicator")])

    def pillar_of(self, ident: str) -> Pillar:
        return next(p for p in self.pillars for o in p.objectives for i in o.indicators if i.id == ident)


def default_path() -> Path:
    return Path(str(resources.files("tenaza") / "outcomes" / "frameworks" / "us_mx_2017.yaml"))


def _where(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def load_framework(path: Path | str | None = None) -> Framework:
    """Read and check a framework file (the shipped 2017 one by default)."""
    path = Path(path) if path is not None else default_path()
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise OutcomesError([Problem(str(path), f"cannot read: {exc.strerror}")]) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise OutcomesError([Problem(str(path), f"not YAML: {getattr(exc, 'problem', exc)}",
                                     line=mark.line + 1 if mark else None)]) from exc
    try:
        return Framework.model_validate(raw)
    except ValidationError as exc:
        raise OutcomesError([Problem(str(path), e["msg"], field=_where(tuple(e["loc"])) or None)
                             for e in exc.errors()]) from exc
