from __future__ import annotations

import duckdb
import pytest

from tenaza.resolve.features import company_core_sql, fold_sql, tokens_sql
from tenaza.resolve.text import company_core, fold, parse_person, tokens


@pytest.mark.parametrize(("raw", "given", "pat", "mat"), [
    ("José Ángel GUZMÁN LÓPEZ", ("JOSE", "ANGEL"), "GUZMAN", "LOPEZ"),
    ("GUZMAN LOPEZ, Jose Angel", ("JOSE", "ANGEL"), "GUZMAN", "LOPEZ"),
    ("Jose Guzman", ("JOSE",), "GUZMAN", None),
    ("Jose de Jesus Amezcua Contreras", ("JOSE", "JESUS"), "AMEZCUA", "CONTRERAS"),
    ("MarÃ­a de la Luz PÃ©rez", ("MARIA",), "LUZ", "PEREZ"),
    ("ZAMBADA", (), "ZAMBADA", None),
])
def test_parse_person_reads_us_and_mexican_styles(raw: str, given: tuple[str, ...], pat: str, mat: str | None) -> None:
    parsed = parse_person(raw)
    assert (parsed.given, parsed.paternal, parsed.maternal) == (given, pat, mat)


def test_structured_parts_win_over_the_full_name() -> None:
    parsed = parse_person("whatever", "Ovidio", "Guzmán", "López")
    assert (parsed.given, parsed.paternal, parsed.maternal) == (("OVIDIO",), "GUZMAN", "LOPEZ")


@pytest.mark.parametrize("raw", [
    "Comercializadora del Norte, S.A. de C.V.", "COMERCIALIZADORA DEL NORTE SA DE CV",
    "Comercializadora Del Norte S. de R.L. de C.V.", "COMERCIALIZADORA DEL NORTE, SAPI DE CV",
    "Comercializadora del Norte LLC", "Comercializadora del Norte, Inc.", "COMERCIALIZADORA DEL NORTE CORP",
])
def test_company_legal_forms_are_removed(raw: str) -> None:
    assert company_core(raw) == "COMERCIALIZADORA NORTE"


SAMPLES = ["José Ángel GUZMÁN LÓPEZ", "GUZMAN LOPEZ, Jose Angel", "  o'Brien-Smith,  J.R. ", "Peña Nieto",
           "MarÃ­a de la Luz", "S. de R.L. de C.V.", "Ñandú Corp.", "JUAN  Y  PEDRO", "El Chapo"]


@pytest.mark.parametrize("raw", SAMPLES)
def test_sql_twins_agree_with_python(raw: str) -> None:
    con = duckdb.connect()
    row = con.execute(f"SELECT {fold_sql('$x')}, {tokens_sql('$x')}, {company_core_sql('$x')}", {"x": raw}).fetchall()[0]
    assert row == (fold(raw), tokens(raw), company_core(raw))
