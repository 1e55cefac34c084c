"""docs/detectors.md, generated from the registered detectors' docstrings and configs."""

from __future__ import annotations

from typing import Any

from tenaza.detect.base import PILLARS, Detector


def render(detectors: list[type[Detector[Any]]]) -> str:
    parts = ["# Detectors", "",
             "Generated from the registered detectors by `tenaza detectors -o docs/detectors.md`; do not edit by hand.",
             "Each detector's thresholds can be changed with `tenaza detect --config FILE.yaml`, a mapping of",
             "detector name to settings.", ""]
    for pillar in PILLARS:
        chosen = [d for d in detectors if d.PILLAR == pillar]
        if not chosen:
            continue
        parts += [f"## {pillar}", ""]
        for d in sorted(chosen, key=lambda d: d.NAME):
            parts += [f"### {d.NAME}", "", f"Typologies: {', '.join(d.TYPOLOGIES)}.", "", d.describe(), ""]
            if d.SCORE is not None:
                parts += d.SCORE.describe()
            fields = {k: v for k, v in d.CONFIG.model_fields.items() if k != "weights" or d.SCORE is not None}
            if fields:
                parts += ["| setting | default | meaning |", "|---|---|---|"]
                for name, f in fields.items():
                    parts.append(f"| {name} | {f.default!r} | {f.description} |")
                parts.append("")
    return "\n".join(parts)
