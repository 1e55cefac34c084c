"""Mapping files: how a source layout becomes a canonical table, without code.

A mapping renames source columns, maps values (Spanish channel names to canonical ones, say),
sets constants and says how to parse dates and amounts. See docs/ingest.md for the format.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from tenaza.errors import MappingError, Problem
from tenaza.schema import TableSpec

DateOrder = Literal["dmy", "mdy"]
DecimalMark = Literal[".", ","]


class ColumnMap(BaseModel):
    """How one canonical column is filled."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    from_: list[str] = Field(default_factory=list, alias="from",
                             description="Source column(s); several are joined with `join`.")
    value: str | None = Field(None, description="A constant for every row, instead of a source column.")
    line: bool = Field(False, description="Fill the column with the file's name and the row's physical line "
                                          "(`NAME:LINE`), for layouts without an id: never from the row's content, "
                                          "so that identical rows (a simulator's repeated transfers) all load.")
    values: dict[str, str] = Field(default_factory=dict,
                                   description="Source value -> canonical value, matched without regard to case.")
    format: list[str] = Field(default_factory=list, description="strptime formats for dates and timestamps.")
    dates: DateOrder | None = Field(None, description="Order of slash dates: dmy (Mexico) or mdy (US).")
    decimal: DecimalMark | None = Field(None, description="Decimal mark of amounts.")
    split: str | None = Field(None, description="Separator of a list column.")
    origin: datetime | None = Field(None, description="For a date or time given as a number of `unit`s after "
                                                       "this moment (simulation steps, epoch seconds).")
    unit: Literal["seconds", "minutes", "hours", "days"] = Field("days", description="Unit of a number after `origin`.")
    join: str = Field(" ", description="Separator used when several source columns are joined.")

    @field_validator("from_", "format", mode="before")
    @classmethod
    def _one_or_many(cls, v: Any) -> Any:
        return [v] if isinstance(v, str) else v


class Mapping(BaseModel):
    """A whole mapping file."""

    model_config = ConfigDict(extra="forbid")

    table: str | None = Field(None, description="Canonical table this layout loads into.")
    description: str | None = None
    delimiter: str | None = Field(None, description="CSV delimiter; sniffed when absent.")
    encoding: str | None = Field(None, description="File encoding: utf-8 (default), latin-1 or utf-16.")
    dates: DateOrder | None = Field(None, description="Default order of slash dates for every date column.")
    decimal: DecimalMark | None = Field(None, description="Default decimal mark for every amount column.")
    columns: dict[str, ColumnMap] = Field(default_factory=dict)
    ignore: list[str] = Field(default_factory=list, description="Source columns deliberately not stored.")
    path: str = Field("", exclude=True)

    @field_validator("columns", mode="before")
    @classmethod
    def _shorthand(cls, v: Any) -> Any:
        # `txn_id: Folio` is short for `txn_id: {from: Folio}`
        if isinstance(v, dict):
            return {k: ({"from": c} if isinstance(c, str | list) else c) for k, c in v.items()}
        return v

    def check_against(self, spec: TableSpec) -> None:
        """Every mapped column must be a column a source can fill."""
        known = {c.name for c in spec.source_columns}
        problems = [Problem(self.path or "mapping", f"{name!r} is not a column of {spec.name}; "
                            f"expected one of {', '.join(sorted(known))}", field=f"columns.{name}")
                    for name in self.columns if name not in known]
        for name, cmap in self.columns.items():
            if cmap.value is None and not cmap.from_ and not cmap.line:
                problems.append(Problem(self.path or "mapping", "needs `from` (a source column) or `value` (a constant)",
                                        field=f"columns.{name}"))
        if problems:
            raise MappingError(problems)


def _line_of(root: yaml.Node | None, loc: tuple[int | str, ...]) -> int | None:
    """Line (1-based) of the YAML node at pydantic's error location, to point the user at it."""
    node = root
    line = node.start_mark.line + 1 if node is not None else None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            match = next((v for k, v in node.value if k.value == part), None)
            if match is None:
                match = next((k for k, _ in node.value if k.value == part), None)
            node = match
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
        else:
            break
        if node is None:
            break
        line = node.start_mark.line + 1
    return line


def load_mapping(path: Path | str) -> Mapping:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise MappingError([Problem(str(path), f"cannot read mapping file: {exc.strerror}")]) from exc
    try:
        root = yaml.compose(text)
        doc = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise MappingError([Problem(str(path), f"not valid YAML: {getattr(exc, 'problem', exc)}",
                                    line=mark.line + 1 if mark else None)]) from exc
    if not isinstance(doc, dict):
        raise MappingError([Problem(str(path), "expected a mapping with `columns`")])
    try:
        mapping = Mapping.model_validate(doc)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = tuple(p for p in err["loc"] if p != "from_") or ("(top)",)
            problems.append(Problem(str(path), err["msg"], line=_line_of(root, loc),
                                    field=".".join(str(p) for p in loc)))
        raise MappingError(problems) from exc
    mapping.path = str(path)
    return mapping
