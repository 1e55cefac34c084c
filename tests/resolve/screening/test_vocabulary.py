"""Organization words across Spanish and English: "Cártel del Golfo" is the GULF CARTEL, and
OFAC's "X ORGANIZATION" is the press's "Cártel X"; users extend the table with a file."""

from __future__ import annotations

from pathlib import Path

import pytest

from tenaza.resolve.screening.matcher import ScreeningConfig
from tenaza.store import Workspace

from .conftest import hits


@pytest.mark.parametrize(("name", "entry"), [
    ("Cártel del Golfo", "10386"),                      # GULF CARTEL
    ("Cartel del Noreste", "11438"),                    # LOS ZETAS, a.k.a. NORTHEAST CARTEL
    ("Cártel de los Beltrán Leyva", "10900"),           # BELTRAN LEYVA ORGANIZATION
    ("Cártel Arellano Félix", "8236"),                  # ARELLANO FELIX ORGANIZATION
    ("Organización Arellano Félix", "8236"),
    ("Jalisco New Generation Cartel", "17671"),         # CARTEL DE JALISCO NUEVA GENERACION
    ("Gulf Cartel", "10386"),
    ("Los Caballeros Templarios", "15838"),
    ("The Knights Templars", "15838"),
])
def test_organization_words_cross_languages(sdn_workspace: Workspace, name: str, entry: str) -> None:
    (found,) = hits(sdn_workspace, [{"name": name, "kind": "organization", "country": "MEX"}])
    assert entry in found


def test_organization_words_alone_make_no_hit(sdn_workspace: Workspace) -> None:
    found = hits(sdn_workspace, [{"name": n, "kind": "company", "country": "MEX"} for n in (
        "Transportes del Golfo SA de CV", "Servicios del Noreste", "Constructora Nueva Generación",
        "Organización Deportiva del Pacífico AC", "Hermanos Gutiérrez Transportes")])
    assert all(not f for f in found), found


def test_users_extend_the_table_with_a_file(sdn_workspace: Workspace, tmp_path: Path) -> None:
    extra = tmp_path / "words.csv"
    extra.write_text("group,word,language\nfoods,alimentos,es\nfoods,foods,en\n", encoding="utf-8")
    row = {"name": "Alimentos Chihuahua SA de CV", "kind": "company", "country": "MEX"}  # CHIHUAHUA FOODS S.A. DE C.V.
    assert "9401" not in hits(sdn_workspace, [row])[0]
    assert "9401" in hits(sdn_workspace, [row], ScreeningConfig(org_words_file=str(extra)))[0]
