"""Detectors are discovered, never listed: every pillar package registers, and every module that
declares a detector is imported by the runner."""

from __future__ import annotations

import sys
from pathlib import Path

import tenaza.pillars
from tenaza.detect.base import REGISTRY
from tenaza.detect.runner import select


def test_every_pillar_package_registers_a_detector() -> None:
    select()
    packages = tenaza.pillars.packages()
    assert {p.rsplit(".", 1)[1] for p in packages} >= {"cash", "distribution", "production", "weapons"}
    by_package = {p: [d.NAME for d in REGISTRY.values() if d.__module__.startswith(f"{p}.")] for p in packages}
    assert all(by_package.values()), f"packages with no detector: {[p for p, d in by_package.items() if not d]}"


def test_every_module_that_declares_a_detector_is_imported() -> None:
    select()
    root = Path(tenaza.pillars.__file__).parent
    declaring = [p for p in root.rglob("*.py") if "\n@register\n" in p.read_text(encoding="utf-8")]
    assert len(declaring) >= 15
    names = [".".join(("tenaza", "pillars", *p.relative_to(root).with_suffix("").parts)) for p in declaring]
    missing = [n for n in names if n not in sys.modules]
    assert not missing, f"modules that declare a detector but were never imported: {missing}"
    assert {d.__module__ for d in REGISTRY.values()} >= set(names)
