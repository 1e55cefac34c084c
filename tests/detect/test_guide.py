"""The "add a detector" guide's code runs as written: its detector registers and finds what its
test says, on a real workspace, so the guide cannot drift from the framework."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from tenaza.detect import REGISTRY
from tenaza.detect.docs import render
from tenaza.store import Workspace
from tests.pillars.cash.conftest import Bank

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "design" / "add_a_detector.md"


def test_the_guides_detector_and_test_run_as_written(ws: Workspace, tmp_path: Path) -> None:
    module, test = re.findall(r"```python\n(.*?)```", GUIDE.read_text(encoding="utf-8"), re.DOTALL)
    space: dict[str, Any] = {"__name__": "guide_round_wires"}
    exec(compile(module, "add_a_detector.md (module)", "exec"), space)  # noqa: S102 - our own document
    try:
        assert "cash_round_wires" in REGISTRY
        assert "| wires | 0.6 | Round wires to new counterparties: n / (n + min_wires). |" in render([REGISTRY["cash_round_wires"]])
        exec(compile(test, "add_a_detector.md (test)", "exec"), space)  # noqa: S102
        tests = [v for k, v in space.items() if k.startswith("test_")]
        assert len(tests) == 1
        tests[0](Bank(ws, tmp_path))
        parts = ws.backend.scalar("t", "SELECT score_parts FROM alerts WHERE detector = 'cash_round_wires'")
        assert '"wires"' in parts and '"new"' in parts
    finally:
        REGISTRY.pop("cash_round_wires", None)
