"""From a source's columns and a mapping to the plan of every canonical column."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import PurePath

from tenaza.errors import IngestError, MappingError, Problem
from tenaza.ingest.mapping import Mapping
from tenaza.ingest.normalize import LINE_COL, UNIT_SECONDS, Binds, ColumnPlan
from tenaza.ingest.readers import echo
from tenaza.schema.specs import ColumnType, TableSpec


def _norm_name(name: str) -> str:
    plain = "".join(ch for ch in unicodedata.normalize("NFKD", name) if not unicodedata.combining(ch))
    return re.sub(r"[^a-z0-9]+", "_", plain.lower()).strip("_")


@dataclass
class ResolvedPlan:
    columns: list[ColumnPlan]
    extras: list[int]


def resolve(spec: TableSpec, mapping: Mapping | None, source_columns: list[str], source_exprs: list[str],
            bind: Binds, file: str, *, dates: str | None, decimal: str | None) -> ResolvedPlan:
    """Match canonical columns to source columns, report what is missing, keep what is extra."""
    mapping = mapping or Mapping.model_validate({})
    exact = {c: i for i, c in enumerate(source_columns)}
    folded: dict[str, int] = {}
    for i, c in enumerate(source_columns):
        folded.setdefault(_norm_name(c), i)

    def find(name: str) -> int | None:
        return exact.get(name, folded.get(_norm_name(name)))

    problems: list[Problem] = []
    plans: list[ColumnPlan] = []
    used: set[int] = set()
    for col in spec.source_columns:
        cmap = mapping.columns.get(col.name)
        raw: str | None = None
        if cmap is not None and cmap.line:
            # the id of a row is where it is, not what it says: exact repeats stay separate rows
            raw = f"concat({bind(PurePath(file).name + ':')}, CAST({LINE_COL} AS STRING))"
        elif cmap is not None and cmap.value is not None:
            raw = bind(cmap.value.strip())
        elif cmap is not None:
            idx: list[int] = []
            for src in cmap.from_:
                found = find(src)
                if found is None:
                    problems.append(Problem(mapping.path or file, f"source column {src!r} is not in {file}; "
                                            f"it has: {echo(', '.join(source_columns))}", field=f"columns.{col.name}.from"))
                else:
                    idx.append(found)
            used.update(idx)
            if len(idx) == 1:
                raw = source_exprs[idx[0]]
            elif idx:
                raw = f"concat_ws({bind(cmap.join)}, " + ", ".join(f"nullif(trim({source_exprs[i]}), '')" for i in idx) + ")"
        else:
            same = find(col.name)
            if same is not None:
                used.add(same)
                raw = source_exprs[same]
        value_map = {k.strip().upper(): v for k, v in cmap.values.items()} if raw is not None and cmap else {}
        plans.append(ColumnPlan(
            spec=col, raw=raw,
            formats=list(cmap.format) if cmap else [],
            dates=(cmap.dates if cmap and cmap.dates else None) or mapping.dates or dates,
            decimal=(cmap.decimal if cmap and cmap.decimal else None) or mapping.decimal or decimal or "",
            split=cmap.split if cmap else None,
            value_map=value_map,
            origin=cmap.origin.isoformat(sep=" ") if cmap and cmap.origin else None,
            unit_seconds=UNIT_SECONDS[cmap.unit] if cmap else UNIT_SECONDS["days"],
        ))
    if problems:
        raise MappingError(problems)
    missing = [p.spec.name for p in plans if p.spec.required and p.raw is None]
    if missing:
        hint = ""
        if len(source_columns) == 1 and re.search(r"[;,|\t]", source_columns[0]):
            hint = " The header was read as one column: is the delimiter right (--delimiter)?"
        raise IngestError([Problem(file, f"missing required column{'s' * (len(missing) > 1)} for {spec.name}: "
                                   f"{', '.join(missing)}; the file has: {echo(', '.join(source_columns))}. "
                                   f"Name them in a mapping file (--mapping).{hint}", line=1)])
    ignore = {_norm_name(c) for c in mapping.ignore}
    extras = [i for i, c in enumerate(source_columns) if i not in used and _norm_name(c) not in ignore]
    return ResolvedPlan(plans, extras)


def needs_date_order(plan: ColumnPlan) -> bool:
    return plan.spec.type in (ColumnType.DATE, ColumnType.TIMESTAMP) and plan.raw is not None \
        and not plan.formats and plan.dates is None and plan.origin is None


def needs_decimal_mark(plan: ColumnPlan) -> bool:
    return plan.spec.type is ColumnType.DECIMAL and plan.raw is not None and not plan.decimal
