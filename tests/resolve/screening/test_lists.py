from __future__ import annotations

from pathlib import Path

import pytest

from tenaza.errors import IngestError
from tenaza.resolve.screening.lists import dob_parts, read_list

CSV = '''13149,"GUZMAN LOPEZ, Ovidio","individual","SDNTK] [ILLICIT-DRUGS-EO14059",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"DOB 29 Mar 1990; POB Culiacan, Sinaloa, Mexico; nationality Mexico; Gender Male; C.U.R.P. GULO900329HSLZPV09 (Mexico); a.k.a. 'El Raton'; a.k.a. 'Raton Nuevo'."
7156,"DISTRIBUIDORA IMPERIAL DE BAJA CALIFORNIA, S.A. DE C.V.",-0- ,"SDNTK",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"R.F.C. DIB-771110-HQ1 (Mexico)."
'''

XML = '''<?xml version="1.0" standalone="yes"?>
<sdnList xmlns="https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/XML">
  <publshInformation><Publish_Date>06/14/2024</Publish_Date><Record_Count>1</Record_Count></publshInformation>
  <sdnEntry>
    <uid>13149</uid><lastName>GUZMAN LOPEZ</lastName><firstName>Ovidio</firstName><sdnType>Individual</sdnType>
    <programList><program>SDNTK</program><program>ILLICIT-DRUGS-EO14059</program></programList>
    <idList><id><uid>1</uid><idType>C.U.R.P.</idType><idNumber>GULO900329HSLZPV09</idNumber><idCountry>Mexico</idCountry></id></idList>
    <akaList>
      <aka><uid>2</uid><type>a.k.a.</type><category>weak</category><lastName>El Raton</lastName></aka>
      <aka><uid>3</uid><type>a.k.a.</type><category>strong</category><lastName>GUZMAN</lastName><firstName>Ovidio</firstName></aka>
    </akaList>
    <nationalityList><nationality><uid>4</uid><country>Mexico</country><mainEntry>true</mainEntry></nationality></nationalityList>
    <dateOfBirthList><dateOfBirthItem><uid>5</uid><dateOfBirth>29 Mar 1990</dateOfBirth><mainEntry>true</mainEntry></dateOfBirthItem></dateOfBirthList>
    <addressList><address><uid>6</uid><city>Culiacan</city><stateOrProvince>Sinaloa</stateOrProvince><country>Mexico</country></address></addressList>
  </sdnEntry>
</sdnList>
'''


def test_csv_layout_gives_aliases_programs_dob_ids_and_countries(tmp_path: Path) -> None:
    path = tmp_path / "sdn_2024-05-03.csv"
    path.write_text(CSV, encoding="utf-8")
    parsed = read_list(path)
    assert (parsed.list_id, parsed.version, parsed.file_format) == ("OFAC-SDN", "2024-05-03", "ofac-csv")
    ovidio, company = parsed.entries
    assert ovidio.kind == "person" and ovidio.programs == ["SDNTK", "ILLICIT-DRUGS-EO14059"]
    assert [a.name for a in ovidio.aliases] == ["El Raton", "Raton Nuevo"] and all(a.weak for a in ovidio.aliases)
    assert ovidio.dobs == ["29 Mar 1990"] and ovidio.ids == ["curp:GULO900329HSLZPV09"]
    assert ovidio.countries == ["MEX"]
    assert company.kind == "company" and company.ids == ["rfc:DIB771110HQ1"]


def test_xml_layout_gives_the_same_entry(tmp_path: Path) -> None:
    path = tmp_path / "sdn.xml"
    path.write_text(XML, encoding="utf-8")
    parsed = read_list(path)
    assert (parsed.version, parsed.file_format) == ("2024-06-14", "ofac-xml")
    (entry,) = parsed.entries
    assert entry.name == "GUZMAN LOPEZ, Ovidio" and entry.kind == "person"
    assert [(a.name, a.weak) for a in entry.aliases] == [("El Raton", True), ("GUZMAN, Ovidio", False)]
    assert entry.ids == ["curp:GULO900329HSLZPV09"] and entry.dobs == ["29 Mar 1990"] and entry.countries == ["MEX"]
    assert entry.addresses == ["Culiacan, Sinaloa, Mexico"]


def test_the_shipped_list_is_complete() -> None:
    from tenaza.resolve.screening.pairs import SDN

    parsed = read_list(SDN)
    assert len(parsed.entries) == 14965
    assert sum(1 for e in parsed.entries if "SDNTK" in e.programs) > 1000


def test_a_broken_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "broken.csv"
    path.write_text("1,2,3\n", encoding="utf-8")
    with pytest.raises(IngestError, match="expected 12 fields"):
        read_list(path)


@pytest.mark.parametrize(("text", "iso", "years"), [
    ("29 Mar 1990", "1990-03-29", [1990]), ("1962", None, [1962]), ("1960 to 1962", None, [1960, 1961, 1962]),
    ("circa 1960", None, [1959, 1960, 1961])])
def test_listed_dates_of_birth(text: str, iso: str | None, years: list[int]) -> None:
    assert dob_parts(text) == (iso, years)


# OFAC's CSV release: sdn.csv, and beside it alt.csv (ent_num, alt_num, alt_type, alt_name, alt_remarks) and
# add.csv (ent_num, add_num, address, city/state/province/postal code, country, add_remarks); no header,
# '-0-' for empty, a Ctrl-Z at the end.
ALT = '''13149,46411,"aka","GUZMAN, Ovidio",-0- 
13149,46412,"aka","GUZMAN LOPEZ, Ovidio Raton",-0- 
7156,5902,"fka","DISTRIBUIDORA IMPERIAL DE BAJA CALIFORNIA DEL NORTE, S.A. DE C.V.",-0- 
55555,1,"aka","NOBODY LISTED",-0- 
\x1a
'''
ADD = '''13149,20001,-0- ,"Culiacan, Sinaloa","Mexico",-0- 
7156,5901,"Calle Ignacio Zaragoza 1050","Tijuana, Baja California 22000","Mexico",-0- 
7156,5903,"2500 Otay Center Dr.","San Diego, CA 92154","United States","Branch office"
\x1a
'''


def _release(folder: Path, names: tuple[str, str, str] = ("sdn.csv", "alt.csv", "add.csv")) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in zip(names, (CSV, ALT, ADD), strict=True):
        (folder / name).write_text(text, encoding="utf-8")
    return folder / names[0]


def test_alt_and_add_beside_sdn_give_strong_aliases_and_addresses(tmp_path: Path) -> None:
    parsed = read_list(_release(tmp_path))
    ovidio, company = parsed.entries
    assert [(a.name, a.weak) for a in ovidio.aliases] == [
        ("El Raton", True), ("Raton Nuevo", True), ("GUZMAN, Ovidio", False), ("GUZMAN LOPEZ, Ovidio Raton", False)]
    assert [(a.name, a.weak) for a in company.aliases] == [
        ("DISTRIBUIDORA IMPERIAL DE BAJA CALIFORNIA DEL NORTE, S.A. DE C.V.", False)]
    assert ovidio.addresses == ["Culiacan, Sinaloa, Mexico"]
    assert company.addresses == ["Calle Ignacio Zaragoza 1050, Tijuana, Baja California 22000, Mexico",
                                 "2500 Otay Center Dr., San Diego, CA 92154, United States"]
    assert company.countries == ["MEX", "USA"]
    assert [p.name for p in parsed.files] == ["sdn.csv", "alt.csv", "add.csv"]
    assert any("55555" in w and "alt.csv" in w for w in parsed.warnings)


def test_the_release_is_found_under_sls_and_dated_names_and_gzipped(tmp_path: Path) -> None:
    upper = read_list(_release(tmp_path / "sls", ("SDN.CSV", "ALT.CSV", "ADD.CSV")))
    assert len(upper.entries[0].aliases) == 4 and upper.entries[1].addresses
    dated = _release(tmp_path / "dated", ("ofac_sdn_2024-05-03.csv", "ofac_alt_2024-05-03.csv",
                                          "ofac_add_2024-05-03.csv"))
    import gzip

    for p in sorted(dated.parent.iterdir()):
        Path(str(p) + ".gz").write_bytes(gzip.compress(p.read_bytes()))
        p.unlink()
    parsed = read_list(dated.parent / "ofac_sdn_2024-05-03.csv.gz")
    assert parsed.version == "2024-05-03" and len(parsed.entries[0].aliases) == 4


def test_a_strong_alias_from_alt_csv_is_screened_at_full_strength(tmp_path: Path) -> None:
    from tenaza.resolve.screening.screen import screen
    from tenaza.resolve.screening.versions import load
    from tenaza.store import Workspace

    from ..conftest import add_parties

    with Workspace.create(tmp_path / "ws.duckdb") as ws:
        (rid,) = add_parties(ws, [{"name": "Distribuidora Imperial de Baja California del Norte", "kind": "company",
                                   "country": "MEX"}])
        version, _ = load(ws, _release(tmp_path / "release"))
        report = screen(ws, version)
    (hit,) = [h for h in report.hits if h.record_id == rid]
    assert hit.entry_id == "7156" and hit.score >= 0.99 and not hit.features["name"]["weak_alias"]
    assert hit.entry_name.endswith("DEL NORTE, S.A. DE C.V.")


def test_a_missing_list_file_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="no such file"):
        read_list(tmp_path / "nope.csv")
