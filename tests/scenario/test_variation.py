import numpy as np

from tenaza.scenario.sources import variation as var
from tenaza.scenario.world.population import Persons


def _people() -> Persons:
    n = 3
    return Persons(origin=np.array([1, 1, 2]), female=np.array([False, True, False]),
                   given=["José Luis", "María Guadalupe", "John"], paternal=["Núñez", "García", "Smith"],
                   maternal=["Bautista", "López", None], dob=np.array(["1970-01-01"] * n, dtype="datetime64[D]"),
                   country=np.array(["USA"] * n), state=["TX"] * n, city=["Laredo"] * n, address=[""] * n,
                   phone=[""] * n, rfc=[None] * n, curp=[None] * n, ssn=[None] * n)


def test_mojibake_is_utf8_read_as_cp1252() -> None:
    assert var.mojibake("García") == "GarcÃ­a"
    assert var.strip_accents("Núñez") == "Nunez"


def test_typo_changes_one_thing() -> None:
    rng = np.random.default_rng(0)
    for _ in range(30):
        t = var.typo("Hernandez", rng)
        assert t != "Hernandez" and abs(len(t) - 9) <= 1


def test_us_records_drop_or_merge_spanish_surnames() -> None:
    rng = np.random.default_rng(4)
    _, last = var.FreeNames(_people()).us_parts(np.zeros(400, int), rng)
    folded = {var.strip_accents(x).upper() for x in last}
    assert {"NUNEZ", "NUNEZ BAUTISTA", "NUNEZ-BAUTISTA", "BAUTISTA", "BAUTISTA NUNEZ"} <= folded


def test_garbled_records_keep_their_accents_for_the_mojibake() -> None:
    rng = np.random.default_rng(7)
    _, last = var.FreeNames(_people()).us_parts(np.zeros(200, int), rng, keep_accents=np.ones(200, bool))
    with_nunez = [x for x in last if "NUNEZ" in var.strip_accents(x).upper()]
    assert with_nunez and all("Ú" in x.upper() for x in with_nunez)


def test_us_born_keep_their_single_surname() -> None:
    rng = np.random.default_rng(5)
    names = var.FreeNames(_people()).render(np.full(300, 2), rng, spanish_source=False)
    assert sum("SMITH" in n for n in names) >= 285  # all but the odd typo
    assert {"JOHN SMITH", "SMITH, JOHN"} <= set(names)


def test_free_names_vary_per_record_and_stay_readable() -> None:
    rng = np.random.default_rng(6)
    names = var.FreeNames(_people()).render(np.zeros(400, int), rng, spanish_source=True)
    assert {"JOSÉ LUIS NÚÑEZ BAUTISTA", "JOSE LUIS NUNEZ BAUTISTA"} <= set(names)
    assert all(n.isupper() for n in names)
    assert sum("NUNEZ" in var.strip_accents(n) for n in names) > 380  # a typo in a few at most
