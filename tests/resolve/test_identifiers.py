from __future__ import annotations

from datetime import date

import pytest

from tenaza.resolve.identifiers import curp_birth_date, phone_e164, rfc_birth_date


def test_curp_date_and_century() -> None:
    assert curp_birth_date("GULO900329HSLZPV09") == date(1990, 3, 29)
    assert curp_birth_date("GULO050329HSLZPVA9") == date(2005, 3, 29)  # a letter in position 17: born 2000 or later
    assert curp_birth_date("GULO901329HSLZPV09") is None  # month 13


def test_rfc_date_of_person_and_company() -> None:
    assert rfc_birth_date("GULO900329AB1") == date(1990, 3, 29)
    assert rfc_birth_date("DIB-771110-HQ1") == date(1977, 11, 10)
    assert rfc_birth_date("GULO050329AB1", today=date(2026, 1, 1)) == date(2005, 3, 29)


@pytest.mark.parametrize(("raw", "country", "e164"), [
    ("(664) 123 4567", "MEX", "+526641234567"),
    ("+52 1 664 123 4567", None, "+526641234567"),
    ("044 664 123 4567", "MEX", "+526641234567"),
    ("(213) 555-0147", "USA", "+12135550147"),
    ("+1 213 867 5309", "MEX", "+12138675309"),
    ("12", "USA", None),
])
def test_phone_numbers_in_any_style(raw: str, country: str | None, e164: str | None) -> None:
    assert phone_e164(raw, country) == e164


def test_the_fast_path_agrees_with_phonenumbers() -> None:
    import random

    from tenaza.resolve.identifiers import phone_e164_fast

    rng = random.Random(1)
    samples = []
    for _ in range(400):
        area = rng.choice(["664", "667", "656", "331", "553", "213", "915", "602", "011", "123"])
        n = f"{area}{rng.randrange(10**6, 10**7)}"
        samples += [(n, "MEX"), (n, "USA"), (f"+52 {n}", None), (f"+1 {n}", "MEX"), (f"({n[:3]}) {n[3:6]}-{n[6:]}", "USA"),
                    (f"044 {n}", "MEX"), (f"52{n}", None), (n[:8], "MEX"), (n, "GTM")]
    assert [phone_e164_fast(p, c) for p, c in samples] == [phone_e164(p, c) for p, c in samples]
