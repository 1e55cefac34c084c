from pathlib import Path

import pytest

from tenaza.errors import OutcomesError
from tenaza.outcomes import loaders


def test_inegi_rates_per_100k_and_national_sum(tmp_path: Path) -> None:
    p = tmp_path / "h.psv"
    p.write_text("cve_ent|year|month|homicides|pop_est|homicide_rate\n1|2020|1|10|1200000|0\n"
                 "2|2020|1|30|2400000|0\n")
    df = loaders.inegi_homicides(p)
    rate = df[(df.indicator == "homicide_rate_inegi") & (df.geo_code == "01")].value.iloc[0]
    assert rate == 10.0  # 10 a month x 12 / 1.2 M x 100,000
    nat = df[(df.indicator == "homicides_inegi") & (df.geo_code == "MEX")].value.iloc[0]
    assert nat == 40
    nat_rate = df[(df.indicator == "homicide_rate_inegi") & (df.geo_code == "MEX")].value.iloc[0]
    assert abs(nat_rate - 40 * 12 / 3.6e6 * 1e5) < 1e-3


def test_cbp_fiscal_months_become_calendar_months(tmp_path: Path) -> None:
    p = tmp_path / "c.csv"
    p.write_text("FY,Month (abbv),Component,Region,Land Filter,Area of Responsibility,Drug Type,Count of Event,"
                 "Sum Qty (lbs)\n2024,OCT,Office of Field Operations,Southwest Border,x,SAN DIEGO,Fentanyl,3,10\n"
                 "2024,OCT,Office of Field Operations,Southwest Border,x,TUCSON,Fentanyl,1,5\n"
                 "2025 (FYTD),JAN,U.S. Border Patrol,Southwest Border,x,X,Fentanyl,1,2\n"
                 "2024,OCT,Office of Field Operations,Coastal/Interior,x,X,Fentanyl,9,99\n")
    df = loaders.cbp_seizures([p])
    lbs = df[df.indicator == "seizures_lbs_ports_fentanyl"]
    assert str(lbs.period_start.iloc[0]) == "2023-10-01" and lbs.value.iloc[0] == 15
    bp = df[df.indicator == "seizures_lbs_between_ports_fentanyl"]
    assert str(bp.period_start.iloc[0]) == "2025-01-01"


def test_overdose_12_month_ending_covers_the_year_to_its_month(tmp_path: Path) -> None:
    p = tmp_path / "o.json"
    p.write_text('{"04": {"2020-March": {"mort": 100, "mort_100k": 1.5}}, "06": {"2020-March": {"mort": 50, '
                 '"mort_100k": null}}}')
    df = loaders.cdc_overdose_month(p)
    az = df[(df.indicator == "overdose_deaths_12m") & (df.geo_code == "AZ")].iloc[0]
    assert (str(az.period_start), str(az.period_end)) == ("2019-04-01", "2020-03-31")
    assert df[(df.indicator == "overdose_deaths_12m") & (df.geo_code == "USA")].value.iloc[0] == 150
    assert len(df[df.indicator == "overdose_rate_12m"]) == 1


def test_nics_state_names_become_postal_codes(tmp_path: Path) -> None:
    p = tmp_path / "n.csv"
    p.write_text("month,state,totals,multiple\n2020-01,Texas,100,7\n2020-01,Guam,1,0\n2009-01,Texas,5,5\n")
    df = loaders.nics_checks(p)
    assert set(df.geo_code) == {"TX", "GU", "USA"}
    assert df[(df.indicator == "nics_checks_multiple") & (df.geo_code == "TX")].value.tolist() == [7]


def test_derive_names_every_missing_published_file(tmp_path: Path) -> None:
    with pytest.raises(OutcomesError, match="mx_homicides_state_month_2000_2022.psv"):
        loaders.derive(tmp_path, tmp_path / "out")
    assert not (tmp_path / "out").exists()  # nothing half-written
