"""Candidates by character n-grams: a typo in a company name of one or two words still finds
its entry, although no intact pair of token keys is left to find it by."""

from __future__ import annotations

import pytest

from tenaza.resolve.screening.matcher import ScreeningConfig
from tenaza.store import Workspace

from .conftest import best_scores, hits


@pytest.mark.parametrize(("name", "entry"), [
    ("Forpress S.C.", "7158"),                     # FORPRES, S.C.: one word
    ("Scuadra Fortai SA de CV", "13019"),          # SCUADRA FORTIA, S.A. DE C.V.: two words
    ("Escuadra Fortia", "13019"),
    ("Corporacion Handall", "15169"),              # CORPORACION HANDAL S. DE R.L.
    ("Agricola Ruela SPR de RI", "21577"),         # AGRICOLA RUELAS, S.P.R. DE R.I.
])
def test_a_typo_in_a_short_company_name_still_hits(sdn_workspace: Workspace, name: str, entry: str) -> None:
    (found,) = hits(sdn_workspace, [{"name": name, "kind": "company", "country": "MEX"}])
    assert entry in found


def test_another_short_company_is_not_a_hit(sdn_workspace: Workspace) -> None:
    found = hits(sdn_workspace, [{"name": n, "kind": "company", "country": "MEX"} for n in (
        "Forraje SC", "Fortin SA de CV", "Corporacion Hidalgo", "Agricola Ruiz SPR de RI", "Escuadra Norte")])
    assert found == [set(), set(), set(), set(), set()]


def test_ngram_candidates_can_be_switched_off(sdn_workspace: Workspace) -> None:
    row = [{"name": "Scuadra Fortai SA de CV", "kind": "company"}]
    (on,) = best_scores(sdn_workspace, row)
    (off,) = best_scores(sdn_workspace, row, ScreeningConfig(ngram_max_tokens=0))
    assert "13019" in on and "13019" not in off  # no intact pair of token keys is left
