"""A replaced word is evidence against a match, a dropped, misspelt or abbreviated one is not;
a listed vessel or aircraft is never a person or a legal entity."""

from __future__ import annotations

from pathlib import Path

import pytest

from tenaza.resolve.screening.matcher import ScreeningConfig
from tenaza.store import Workspace

from .conftest import best_scores, hits

FITCH_ELMER = "10994"  # FITCH PARENTE, Jose Elmer
SIERRA_VESSEL = "29487"  # SIERRA, a tanker


def test_a_replaced_given_name_costs_the_documented_amount_and_nothing_else_does(sdn_workspace: Workspace) -> None:
    rows = [{"name": "José Manuel Fitch Parente"},  # a relative: ELMER replaced by MANUEL
            {"name": "José Fitch Parente"},  # ELMER dropped
            {"name": "José Elmar Fitch Parente"},  # ELMER misspelt
            {"name": "José E. Fitch Parente"}]  # ELMER as an initial
    default = ScreeningConfig()
    off = ScreeningConfig(name_substitution=0.0)
    with_it = [s.get(FITCH_ELMER, 0.0) for s in best_scores(sdn_workspace, rows, default)]
    without = [s.get(FITCH_ELMER, 0.0) for s in best_scores(sdn_workspace, rows, off)]
    assert all(s > 0 for s in without)
    assert abs((without[0] - with_it[0]) + default.name_substitution) < 1e-9
    assert with_it[1:] == pytest.approx(without[1:], abs=1e-9)
    assert with_it[0] < with_it[1]  # a replaced word counts against more than a dropped one


def test_a_company_is_not_a_listed_vessel(sdn_workspace: Workspace) -> None:
    rows = [{"name": "Sierra S.A. de C.V.", "kind": "company"}, {"name": "Sierra", "kind": "organization"}]
    config = ScreeningConfig()
    for best, hit in zip(best_scores(sdn_workspace, rows, config), hits(sdn_workspace, rows, config), strict=True):
        assert SIERRA_VESSEL not in hit
        assert best.get(SIERRA_VESSEL, 0.0) <= 1.0 + config.kind_conflict + 1e-9


def test_explain_shows_the_replaced_word_and_its_parts_add_up(tmp_path: Path) -> None:
    from tenaza.resolve.screening.explain import Query, explain_name

    with Workspace.create(tmp_path / "ws.duckdb") as ws:
        (found,) = explain_name(ws, Query(name="José Manuel Fitch Parente"), entries=[FITCH_ELMER])
    fitch = next(c for c in found.candidates if c.entry_id == FITCH_ELMER)
    assert fitch.contributions["replaced word"] == ScreeningConfig().name_substitution
    assert fitch.features["name"]["unmatched_party"] == ["MANUEL"]
    assert fitch.features["name"]["unmatched_entry"] == ["ELMER"]
    assert abs(sum(fitch.contributions.values()) - fitch.score) < 1e-3  # the name score is shown to 3 places


def test_a_word_written_twice_on_one_side_counts_twice(sdn_workspace: Workspace) -> None:
    felix = "15016"  # FELIX FELIX, Victor Manuel
    rows = [{"name": "Víctor Manuel López Félix"},  # the second FELIX replaced by LOPEZ
            {"name": "Víctor Manuel Félix"}]  # the second FELIX dropped
    on = [s.get(felix, 0.0) for s in best_scores(sdn_workspace, rows)]
    off = [s.get(felix, 0.0) for s in best_scores(sdn_workspace, rows, ScreeningConfig(name_substitution=0.0))]
    assert on[0] == pytest.approx(off[0] + ScreeningConfig().name_substitution, abs=1e-9)
    assert on[1] == pytest.approx(off[1], abs=1e-9) and on[1] > 0
