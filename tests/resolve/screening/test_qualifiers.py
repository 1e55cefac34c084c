"""A record without a nationality is not penalized against one whose nationality matches,
beyond the documented country_match (measured in docs/benchmarks.md)."""

from __future__ import annotations

from pathlib import Path

from tenaza.resolve.screening.matcher import ScreeningConfig
from tenaza.store import Workspace

from .conftest import best_scores, hits


def test_a_missing_nationality_costs_no_more_than_documented(sdn_workspace: Workspace) -> None:
    config = ScreeningConfig()
    rows = [{"name": "Ovidio Guzmán", "country": "MEX"}, {"name": "Ovidio Guzmán"},
            {"name": "Ovidio Guzmán", "country": "COL"}]
    with_mex, without, other = (s["13149"] for s in best_scores(sdn_workspace, rows))
    assert with_mex - without <= config.country_match + 1e-9
    docs = (Path(__file__).parents[3] / "docs" / "resolve.md").read_text(encoding="utf-8")
    assert f"country +{config.country_match:.2f}" in docs  # the documented bonus is the one applied
    assert other < without  # a conflicting nationality still counts against
    assert [("13149" in f) for f in hits(sdn_workspace, rows)] == [True, True, False]
