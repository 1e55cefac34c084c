"""Scores declared as weighted features: the detector computes each feature, the framework the score.

A detector that declares ``SCORE`` returns, instead of a ``score`` column, one column
``f_<name>`` per feature, each in [0, 1]. The framework turns them into the score with the
declared weights (which ``tenaza detect --config`` may change, under the detector's
``weights`` setting), stores every feature's contribution with the alert (``alerts.score_parts``)
and lists the weights in docs/detectors.md. The nomenklatura pattern, as
``resolve/screening/matcher.py`` already scores names.

Three ways to combine, each bounded in [0, 1]:

- ``sum``: ``base + Σ weight · f``. A contribution is ``weight · f``; the base and the
  contributions add up to the score. For evidence that accumulates (more dealers, more
  unreported guns, more traced guns each add to the suspicion).
- ``product``: ``Π (1 − weight · (1 − f))``. A feature at 1 leaves the score alone; at 0 it
  takes ``weight`` of it away. A contribution is that factor; the factors multiply to the
  score. For conditions that must all hold (many guns *and* a short time to crime).
- ``any`` (noisy-OR): ``1 − Π (1 − weight · f)``. Each feature is a sign that alone makes the
  score ``weight``; signs that hold together raise it as independent evidence does, never past 1.
  A contribution is ``weight · f``, the score that sign alone would give. For signs any one of
  which is enough (a detour, a mirror filed elsewhere, a foreign intermediary).

A sum may also have ``gates``: features whose factor ``1 − weight · (1 − g)``, as in a
product, multiplies the sum (``Π gate · (base + Σ weight · f)``). For a condition the evidence
only counts under (structuring: how clearly the deposits avoid the threshold), while the rest
accumulates. A gate's contribution is its factor; the base and the sum's contributions add up
to the score before the gates.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from tenaza.errors import DetectorError
from tenaza.store.dialect import Dialect


@dataclass(frozen=True)
class Feature:
    """One part of a score: its name (the SQL column ``f_<name>``), weight and meaning."""

    name: str
    weight: float
    description: str

    @property
    def column(self) -> str:
        return f"f_{self.name}"


@dataclass(frozen=True)
class Score:
    """How a detector's features make its score."""

    features: tuple[Feature, ...]
    combine: Literal["sum", "product", "any"] = "sum"
    base: float = 0.0
    gates: tuple[Feature, ...] = ()
    names: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "names", tuple(f.name for f in (*self.gates, *self.features)))
        if len(set(self.names)) != len(self.names):
            raise DetectorError(f"score features repeat a name: {', '.join(self.names)}")
        if self.combine != "sum" and self.base:
            raise DetectorError(f"only a sum score has a base, not this {self.combine} score")
        if self.combine != "sum" and self.gates:
            raise DetectorError(f"only a sum score has gates, not this {self.combine} score")

    @property
    def all_features(self) -> tuple[Feature, ...]:
        """The gates, then the features."""
        return (*self.gates, *self.features)

    def weights(self, override: Mapping[str, float] | None = None) -> dict[str, float]:
        """The declared weights, with ``override`` (a detector's ``weights`` setting) applied."""
        override = dict(override or {})
        unknown = sorted(set(override) - set(self.names))
        if unknown:
            raise DetectorError(f"weights: no feature {', '.join(unknown)}; the features are {', '.join(self.names)}")
        bad = {k: v for k, v in override.items() if not 0 <= v <= 1}
        if bad:
            raise DetectorError(f"weights: {', '.join(f'{k}={v}' for k, v in bad.items())}: a weight is in [0, 1]")
        return {f.name: float(override.get(f.name, f.weight)) for f in self.all_features}

    def parts(self, d: Dialect, override: Mapping[str, float] | None = None) -> list[tuple[str, str]]:
        """Each gate's factor, then each feature's contribution, as SQL over the ``f_`` columns:
        the added amount for a sum, the factor for a product, the sign's own score for ``any``.
        NULL features count as 0."""
        w = self.weights(override)

        def x(f: Feature) -> str:
            return f"coalesce(CAST({f.column} AS DOUBLE), 0.0)"

        def factor(f: Feature) -> str:
            return f"(1.0 - {w[f.name]!r} * (1.0 - {x(f)}))"

        out = [(g.name, factor(g)) for g in self.gates]
        for f in self.features:
            out.append((f.name, factor(f) if self.combine == "product" else f"({w[f.name]!r} * {x(f)})"))
        return out

    def expr(self, d: Dialect, override: Mapping[str, float] | None = None) -> str:
        """The score as SQL over the ``f_`` columns, clipped to [0, 1]."""
        parts = self.parts(d, override)
        gates = [sql for _, sql in parts[:len(self.gates)]]
        terms = [sql for _, sql in parts[len(self.gates):]]
        if self.combine == "product":
            return f"greatest(0.0, least(1.0, {' * '.join(terms or ['1.0'])}))"
        if self.combine == "any":
            misses = " * ".join(f"(1.0 - {t})" for t in terms) or "1.0"
            return f"greatest(0.0, least(1.0, 1.0 - {misses}))"
        raw = f"({' + '.join([repr(self.base), *terms])})"
        return f"greatest(0.0, least(1.0, {' * '.join([*gates, raw])}))"

    def parts_json(self, d: Dialect, override: Mapping[str, float] | None = None) -> str:
        """A JSON object of the contributions (rounded to 4 places), plus the base of a sum."""
        pairs = [(name, f"round({sql}, 4)") for name, sql in self.parts(d, override)]
        if self.combine == "sum":
            pairs.insert(len(self.gates), ("base", repr(self.base)))
        return d.json_object(*pairs)

    def describe(self, override: Mapping[str, float] | None = None) -> list[str]:
        """Markdown lines for docs/detectors.md: the rule and a table of the weights."""
        w = self.weights(override)
        if self.combine == "product":
            head = "Score: Π (1 − weight × (1 − feature)) (each feature in [0, 1])."
        elif self.combine == "any":
            head = "Score: 1 − Π (1 − weight × feature) (each feature in [0, 1]; any one sign is enough)."
        elif self.gates:
            head = (f"Score: Π (1 − weight × (1 − gate)) × ({self.base!r} + Σ weight × feature) "
                    "(each gate and feature in [0, 1]).")
        else:
            head = f"Score: {self.base!r} + Σ weight × feature (each feature in [0, 1])."
        gate_rows = [f"| {g.name} (gate) | {w[g.name]!r} | {g.description} |" for g in self.gates]
        return [head, "", "| feature | weight | meaning |", "|---|---|---|", *gate_rows,
                *(f"| {f.name} | {w[f.name]!r} | {f.description} |" for f in self.features), ""]
