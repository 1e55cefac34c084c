"""Legal forms: every Mexican and US form, written out or abbreviated, is stripped before names
are compared, so a company is found however its form is written."""

from __future__ import annotations

from pathlib import Path

import pytest

from tenaza.store import Workspace

from .conftest import hits

# (as a record writes it, the listed entry); the list writes the form one way, the record another.
WRITTEN = [
    ("Scuadra Fortia Sociedad Anónima de Capital Variable", "13019"),     # SCUADRA FORTIA, S.A. DE C.V.
    ("Scuadra Fortia, S. A. de C. V.", "13019"),
    ("SCUADRA FORTIA SA CV", "13019"),
    ("Corporación Handal, Sociedad de Responsabilidad Limitada", "15169"),  # CORPORACION HANDAL S. DE R.L.
    ("Corporacion Handal S. de R.L. de C.V.", "15169"),
    ("Agrícola Ruelas", "21577"),                                           # AGRICOLA RUELAS, S.P.R. DE R.I.
    ("Agrícola Ruelas Sociedad de Producción Rural de Responsabilidad Ilimitada", "21577"),
    ("Corrales San Ignacio S. de R.L. de C.V.", "9402"),                   # ... S.P.R. DE R.L. DE C.V.
    ("Corrales San Ignacio", "9402"),
    ("Grupo Producsil S.R.L. de C.V.", "21098"),                           # GRUPO PRODUCSIL, S.P.R. DE R.L. DE C.V.
    ("Grupo Producsil, S.A.P.I. de C.V.", "21098"),
    ("Forpres Asociación Civil", "7158"),                                   # FORPRES, S.C.
    ("IAC International Incorporated", "8247"),                             # IAC INTERNATIONAL INC.
    ("IAC International, L.L.C.", "8247"),
    ("IAC International Limited Liability Company", "8247"),
    ("Cargo Aircraft Leasing Corporation", "8255"),                         # CARGO AIRCRAFT LEASING CORP.
    ("Cargo Aircraft Leasing, L. P.", "8255"),
]


@pytest.mark.parametrize(("name", "entry"), WRITTEN)
def test_a_company_is_found_whatever_its_legal_form(sdn_workspace: Workspace, name: str, entry: str) -> None:
    (found,) = hits(sdn_workspace, [{"name": name, "kind": "company", "country": "MEX"}])
    assert entry in found


@pytest.mark.parametrize(("name", "core"), [
    ("Comercializadora del Norte, Sociedad Anónima de Capital Variable", "COMERCIALIZADORA NORTE"),
    ("Comercializadora del Norte S. de R.L.", "COMERCIALIZADORA NORTE"),
    ("Rancho Alegre S.P.R. de R.L.", "RANCHO ALEGRE"),
    ("Rancho Alegre S.P.R. de R.I.", "RANCHO ALEGRE"),
    ("GENETICA GANADERA RANCHO ALEJANDRA S.P.R. DE R. L. DE C.V.", "GENETICA GANADERA RANCHO ALEJANDRA"),
    ("Servicios Beta S.R.L. de C.V.", "SERVICIOS BETA"),
    ("Servicios Beta, S.A.P.I. de C.V.", "SERVICIOS BETA"),
    ("ACCESOS ELECTRONICOS S.A.DE C.V.", "ACCESOS ELECTRONICOS"),
    ("Financiera Gamma, S.A. de C.V., SOFOM, E.N.R.", "FINANCIERA GAMMA"),
    ("Despacho Delta S.C.", "DESPACHO DELTA"), ("Fundación Épsilon A.C.", "FUNDACION EPSILON"),
    ("Acme Holdings LLC", "ACME HOLDINGS"), ("Acme Holdings, Inc.", "ACME HOLDINGS"),
    ("Acme Corp.", "ACME"), ("Acme Partners L.P.", "ACME PARTNERS"), ("Acme & Smith LLP", "ACME SMITH"),
    ("Acme Trading Co.", "ACME TRADING"), ("Acme Trading Co., Ltd.", "ACME TRADING"),
    ("Limited Liability Company Fortiana Invest", "FORTIANA INVEST"),
    ("La Compañía", "COMPANIA"),  # nothing but a form and a particle: the name is kept whole
])
def test_the_legal_form_is_stripped_in_python_and_in_sql(name: str, core: str) -> None:
    import duckdb

    from tenaza.resolve.screening.legal import LegalForms

    forms = LegalForms.shipped()
    assert forms.core(name) == core
    sql = duckdb.sql(f"SELECT array_to_string({forms.core_tokens_sql('$n')}, ' ')", params={"n": name}).fetchall()
    assert sql[0][0] == core


def test_the_shipped_table_has_every_named_form() -> None:
    from tenaza.resolve.screening.legal import LegalForms

    forms = {f.folded for f in LegalForms.shipped().forms}
    for named in ("SOCIEDAD ANONIMA DE CAPITAL VARIABLE", "S DE RL", "SPR DE RL", "SPR DE RI", "SRL DE CV",
                  "SAPI DE CV", "SC", "AC", "LLC", "INC", "CORP", "LP", "LLP", "CO", "LTD"):
        assert named in forms


def test_a_user_file_extends_the_table(tmp_path: Path) -> None:
    from tenaza.resolve.screening.legal import LegalForms

    extra = tmp_path / "forms.csv"
    extra.write_text("form,position,jurisdiction,stands_for\nS.A.A.,suffix,PER,Sociedad Anónima Abierta\n",
                     encoding="utf-8")
    assert LegalForms.shipped().core("Minera Sur S.A.A.") == "MINERA SUR SAA"
    assert LegalForms.load(extra).core("Minera Sur S.A.A.") == "MINERA SUR"


def test_python_and_sql_agree_on_every_listed_company() -> None:
    import duckdb

    from tenaza.resolve.screening.legal import LegalForms
    from tenaza.resolve.screening.lists import read_list
    from tenaza.resolve.screening.pairs import SDN

    forms = LegalForms.shipped()
    names = sorted({n for e in read_list(SDN).entries if e.kind != "person" for n in [e.name, *(a.name for a in e.aliases)]})
    sql = duckdb.sql(f"SELECT n, array_to_string({forms.core_tokens_sql('n')}, ' ') FROM unnest($names) AS t(n)",
                     params={"names": names}).fetchall()
    assert len(sql) == len(names) > 8000
    assert [(n, c) for n, c in sql if forms.core(n) != c] == []
