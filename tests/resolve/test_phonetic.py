from __future__ import annotations

import pytest

from tenaza.resolve.nicknames import canonical_given
from tenaza.resolve.phonetic import spanish_key


@pytest.mark.parametrize(("a", "b"), [
    ("VASQUEZ", "BASQUEZ"), ("XIMENA", "JIMENA"), ("GONZALEZ", "GONSALES"), ("YBARRA", "IBARRA"),
    ("HERNANDEZ", "ERNANDEZ"), ("GERARDO", "JERARDO"), ("QUINTERO", "KINTERO"), ("VILLA", "VIYA"),
    ("MEXICO", "MEJICO"), ("ZAMBADA", "SAMBADA"),
])
def test_spanish_spellings_share_a_key(a: str, b: str) -> None:
    assert spanish_key(a) == spanish_key(b)


@pytest.mark.parametrize(("a", "b"), [("HERNANDEZ", "FERNANDEZ"), ("GARCIA", "GARZA"), ("LOPEZ", "LOERA")])
def test_different_names_keep_different_keys(a: str, b: str) -> None:
    assert spanish_key(a) != spanish_key(b)


@pytest.mark.parametrize(("nick", "name"), [("PEPE", "JOSE"), ("JOSEPH", "JOSE"), ("CHUY", "JESUS"),
                                            ("PANCHO", "FRANCISCO"), ("LUPE", "GUADALUPE"), ("ANA", "ANA")])
def test_nicknames_and_english_forms_resolve(nick: str, name: str) -> None:
    assert canonical_given(nick) == name
