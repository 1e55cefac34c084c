"""Every exception tenaza raises on purpose.

Each carries what a user needs to act: the file, the line, the column and what was expected.
The CLI prints ``str(error)``, which is one line.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


class TenazaError(Exception):
    """Base of all tenaza errors."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, located as precisely as the input allows."""

    file: str
    message: str
    line: int | None = None
    field: str | None = None

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
        if self.field:
            where += f": {self.field}"
        return f"{where}: {self.message}"


class ProblemsError(TenazaError):
    """An error made of one or more located problems, reported together."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        first = str(self.problems[0]) if self.problems else "unknown problem"
        more = len(self.problems) - 1
        super().__init__(first + (f" (and {more} more problem{'s' * (more > 1)})" if more else ""))

    def details(self) -> str:
        return "\n".join(str(p) for p in self.problems)


class InvalidSchema(ProblemsError):
    """A table declaration under schema/tables is broken."""


class MappingError(ProblemsError):
    """A mapping file is broken or does not fit the source file."""


class RatesError(ProblemsError):
    """An exchange-rates file or setting is wrong; the rates table is unchanged."""


class IngestError(ProblemsError):
    """A source file cannot be read at all; nothing of it was stored."""


class ManifestError(TenazaError):
    """A file of a manifest failed: says which files were committed before it, which were
    skipped as loaded already, and which were not attempted."""

    def __init__(self, cause: TenazaError, manifest: str, committed: Sequence[str], skipped: Sequence[str],
                 not_attempted: Sequence[str]) -> None:
        self.cause = cause
        parts = [f"{label}: {', '.join(names)}" for label, names in (
            ("committed", committed), ("skipped (already loaded)", skipped), ("not attempted", not_attempted))
            if names]
        super().__init__(f"{cause}; manifest {manifest} stopped there"
                         + (f" ({'; '.join(parts)})" if parts else ""))


class OutcomesError(ProblemsError):
    """A strategy framework, a series or an evaluation request is wrong; nothing was stored."""


class WorkspaceError(TenazaError):
    """A workspace is missing, not a tenaza workspace, or of another schema version."""


class EngineError(TenazaError):
    """The engine rejected a statement. Carries the logical step and the failing SQL."""

    def __init__(self, step: str, sql: str, cause: BaseException) -> None:
        self.step = step
        self.sql = sql
        self.cause = cause
        first_line = str(cause).strip().splitlines()[0] if str(cause).strip() else type(cause).__name__
        super().__init__(f"step {step!r} failed: {first_line}")

    def details(self) -> str:
        return f"{self}\n--- SQL of step {self.step!r} ---\n{self.sql}\n--- engine said ---\n{self.cause}"


class ListError(TenazaError):
    """A list version cannot be loaded or found."""


class JudgementError(TenazaError):
    """A judgement names a record or entity the workspace does not have."""


class DetectorError(TenazaError):
    """A detector is declared wrongly, or its settings or SQL cannot run."""


class PrecursorListError(TenazaError):
    """The precursor reference file is malformed (the message names the file, line and field)."""


class PlanError(TenazaError):
    """A planner input the simulation cannot use (unknown port, impossible configuration)."""


class ModelRefused(TenazaError):
    """The trained linkage model is unusable (it lost its name comparisons); nothing was linked."""


class TargetingError(TenazaError):
    """A targeting frame, mapping or split cannot be used (the message names the item, field or file)."""


class UnsupportedCapability(TenazaError):
    """The chosen engine lacks a capability a step needs: it fails loudly instead of running other SQL."""

    def __init__(self, engine: str, capability: str) -> None:
        self.engine = engine
        self.capability = capability
        super().__init__(f"the {engine} engine cannot {capability}")


# Exit statuses of the ``tenaza`` command, one table (docs/cli.md prints it; a test checks both).
# An error tenaza raises on purpose means the input or the request was wrong: 2, like a usage
# error, with one line naming the file, line and field. Anything else escaping is a bug (1).
EXIT_OK = 0
EXIT_BUG = 1
EXIT_INTERRUPTED = 130
EXIT_CODES: dict[type[TenazaError], int] = {
    TenazaError: 2,
    ProblemsError: 2,
    InvalidSchema: 2,
    MappingError: 2,
    RatesError: 2,
    IngestError: 2,
    ManifestError: 2,
    OutcomesError: 2,
    WorkspaceError: 2,
    EngineError: 2,
    ListError: 2,
    JudgementError: 2,
    DetectorError: 2,
    PrecursorListError: 2,
    PlanError: 2,
    ModelRefused: 2,
    TargetingError: 2,
    UnsupportedCapability: 2,
}


def exit_code(exc: BaseException) -> int:
    """The exit status for ``exc``: its nearest class in :data:`EXIT_CODES`, 1 for anything else."""
    for cls in type(exc).__mro__:
        if cls in EXIT_CODES:
            return EXIT_CODES[cls]
    return EXIT_BUG
