import numpy as np
from stdnum.mx import curp, rfc
from stdnum.us import ein, rtn, ssn

from tenaza.scenario.world import identifiers as ids


def test_person_ids_have_valid_check_digits_and_name_keys() -> None:
    c = ids.curp("José Luis", "Núñez", "Bautista", "1951-06-01", False, "Nuevo León", 7)
    r = ids.rfc_person("José Luis", "Núñez", "Bautista", "1951-06-01", 123)
    assert curp.is_valid(c) and c.startswith("NUBL510601HNL")  # José is skipped for the key
    assert rfc.is_valid(r, validate_check_digits=True) and r.startswith("NUBL510601")


def test_company_rfc_and_missing_maternal_surname() -> None:
    assert rfc.is_valid(ids.rfc_company("Comercializadora Río Bravo S.A. de C.V.", "2019-03-04", 5),
                        validate_check_digits=True)
    assert ids.curp("Ana", "Smith", None, "2001-02-03", True, "Sonora", 3)[2] == "X"


def test_us_numbers_are_valid() -> None:
    rng = np.random.default_rng(1)
    assert all(ssn.is_valid(x) for x in ids.ssn(500, rng))
    assert all(ein.is_valid(x) for x in ids.ein(500, rng))
    assert rtn.is_valid(ids.routing_number("11490017"))


def test_clabe_check_digit() -> None:
    out = ids.clabe(np.array([2, 72]), np.array([10, 580]), np.array([7777777777, 1234567890]))
    assert out[0] == "002010077777777771"  # the example Banxico publishes
    for value in out:  # weights 3, 7, 1 over the first 17 digits; check makes the sum 0 mod 10
        digits = [int(c) for c in value]
        assert (sum(d * w % 10 for d, w in zip(digits[:17], [3, 7, 1] * 6)) + digits[17]) % 10 == 0


def test_vins_vectorised_and_single_agree_on_validity() -> None:
    rng = np.random.default_rng(2)
    assert all(ids.vin_is_valid(v) for v in ids.vins(rng, 300))
    one = ids.vin(rng)
    assert ids.vin_is_valid(one)
    wrong = one[:8] + ("1" if one[8] != "1" else "2") + one[9:]
    assert not ids.vin_is_valid(wrong)


def test_mistype_breaks_the_check_digit() -> None:
    rng = np.random.default_rng(3)
    good = ids.curp("María", "García", "López", "1980-05-05", True, "Jalisco", 1)
    broken = [ids.mistype(good, rng) for _ in range(50)]
    assert all(b != good for b in broken)
    assert sum(not curp.is_valid(b) for b in broken) >= 45
