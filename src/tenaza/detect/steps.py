"""A detector's SQL as named steps (a small CTE pipeline) instead of one string.

``Steps`` collects ``name AS (sql)`` pairs in order and ends with a final SELECT; ``str()``
renders the one query the engine runs (``WITH a AS (...), b AS (...) SELECT ...``), so a
detector that returns ``Steps`` runs exactly as one that returns a string. What it adds is
that every step has a name and can be looked at on its own: ``count_rows`` runs each step
in turn and returns its row count, which is how ``tenaza detect --debug-steps`` shows the step
where a detector's rows vanish (a threshold that excludes everything, a join on a column the
data does not fill) instead of a bare "0 alerts".

Steps may be shared: a helper that returns ``list[tuple[str, str]]`` (a few named steps, such
as the canonical transactions with their dollar amounts) is added with ``extend``.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tenaza.errors import DetectorError

if TYPE_CHECKING:
    from tenaza.store.backend import Backend

_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")


@dataclass
class Steps:
    """Named SQL steps in order, each reading the tables and the earlier steps."""

    steps: list[tuple[str, str]] = field(default_factory=list)
    final: str = ""
    columns: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def add(self, name: str, sql: str, columns: tuple[str, ...] = ()) -> Steps:
        """Step ``name`` is ``sql``; ``columns`` names its columns (for a VALUES list)."""
        if not _NAME.match(name) or not all(_NAME.match(c) for c in columns):
            raise DetectorError(f"step name {name!r}: lower-case letters, digits and _ only")
        if any(n == name for n, _ in self.steps):
            raise DetectorError(f"step {name!r} is defined twice")
        self.steps.append((name, sql.strip()))
        if columns:
            self.columns[name] = columns
        return self

    def extend(self, steps: Iterable[tuple[str, str]]) -> Steps:
        for name, sql in steps:
            self.add(name, sql)
        return self

    def select(self, sql: str) -> Steps:
        """The final SELECT, over the steps."""
        self.final = sql.strip()
        return self

    def names(self) -> list[str]:
        return [n for n, _ in self.steps]

    def upto(self, name: str) -> str:
        """The query of step ``name`` alone (with the steps before it)."""
        i = self.names().index(name)
        return self._render(self.steps[: i + 1], f"SELECT * FROM {name}")

    def __str__(self) -> str:
        if not self.final:
            raise DetectorError("steps without a final SELECT")
        return self._render(self.steps, self.final)

    def _render(self, steps: list[tuple[str, str]], final: str) -> str:
        if not steps:
            return final
        heads = {n: f"{n}({', '.join(c)})" for n, c in self.columns.items()}
        body = ",\n".join(f"{heads.get(name, name)} AS (\n{sql}\n)" for name, sql in steps)
        return f"WITH {body}\n{final}"


@dataclass(frozen=True)
class StepCount:
    name: str
    rows: int
    seconds: float


def count_rows(backend: Backend, label: str, steps: Steps, params: dict[str, Any]) -> list[StepCount]:
    """Each step's row count, and the final SELECT's (named ``findings``), in order.

    Each count re-runs the steps before it, so this is for looking, not for production runs."""
    out = []
    queries = [(n, steps.upto(n)) for n in steps.names()] + [("findings", str(steps))]
    for name, sql in queries:
        started = time.perf_counter()
        n = int(backend.scalar(f"{label} step {name}", f"SELECT count(*) FROM ({sql}) AS _step", params))
        out.append(StepCount(name, n, time.perf_counter() - started))
    return out


def first_empty(counts: list[StepCount]) -> str | None:
    """The first step with no rows (where the findings vanished), if any."""
    return next((c.name for c in counts if c.rows == 0), None)
