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
