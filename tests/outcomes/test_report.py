from datetime import date
from pathlib import Path

import pandas as pd

from tenaza.outcomes.charts import chart
from tenaza.outcomes.framework import load_framework
from tenaza.outcomes.locale import fmt_date, fmt_number, fmt_p
from tenaza.outcomes.report import build_report
from tenaza.outcomes.series import load_series
from tenaza.outcomes.service import Request, run
from tenaza.store import Workspace


def test_numbers_and_dates_in_each_language() -> None:
    assert fmt_number(12345.6, "en") == "12,346"
    assert fmt_number(1.2345, "es") == "1,23"
    assert fmt_number(123456.0, "es") == "123\u2009456"
    assert fmt_date(date(2024, 3, 5), "es") == "5 de marzo de 2024"
    assert fmt_date(date(2024, 3, 5), "en") == "March 5, 2024"
    assert fmt_p(0.00001, "en") == "< 0.001"


def test_brief_in_both_languages_is_self_contained(tmp_path: Path) -> None:
    rows = ["indicator,geo_level,geo_code,period_start,period_end,value,unit,publisher"]
    for i, m in enumerate(pd.date_range("2016-01-01", periods=60, freq="MS")):
        end = (m + pd.offsets.MonthEnd(0)).date()
        rows.append(f"homicide_rate_inegi,national,MEX,{m.date()},{end},{20 + i % 12 + (5 if i >= 36 else 0)},"
                    "per 100k,INEGI test")
    f = tmp_path / "h.csv"
    f.write_text("\n".join(rows) + "\n")
    fw = load_framework()
    with Workspace.create(tmp_path / "w.duckdb") as ws:
        load_series(ws, [f])
        effects = run(ws, fw, Request("homicide_rate_mx", pd.Timestamp("2019-01-01"), methods=("its",)))
        paths = build_report(ws, fw, tmp_path / "brief", effects={"homicide_rate_mx": (date(2019, 1, 1), effects)},
                             today=date(2026, 12, 2))
    names = sorted(p.name for p in paths)
    assert names == ["brief.en.html", "brief.en.pdf", "brief.es.html", "brief.es.pdf"]
    en = (tmp_path / "brief" / "brief.en.html").read_text()
    es = (tmp_path / "brief" / "brief.es.html").read_text()
    assert "Violence in Mexico" in en and "Violencia en México" in es
    assert "data:image/png;base64," in en
    assert "http://" not in en and "https://" not in en and "<script" not in en  # offline
    assert "2 de diciembre de 2026" in es
    assert "rose by" in en and "aumentó" in es  # the planted rise, in words
    assert "No values in this workspace yet" in en  # series not loaded say so
    # an indicator counted from the workspace's tables asks for rows, not for a series file
    assert any(i.from_workspace for p in fw.pillars for o in p.objectives for i in o.indicators)
    assert "counted from the workspace's own tables" in en and "tablas del propio espacio de trabajo" in es
    pdf = (tmp_path / "brief" / "brief.es.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000


def test_a_yearly_value_stands_inside_the_year_it_covers() -> None:
    v = pd.Series([1.0, 2.0, 3.0], index=pd.to_datetime(["2019-12-31", "2020-12-31", "2021-12-31"]))
    fig = chart(v, title="t", unit="u", source="s", lang="en", intervention=date(2021, 6, 1))
    x = pd.DatetimeIndex(fig.axes[0].lines[0].get_xdata())
    assert list(x.year) == [2019, 2020, 2021] and all(x.month.isin([6, 7]))


def test_every_unit_of_the_shipped_series_and_framework_reads_in_spanish() -> None:
    """A unit the Spanish brief does not know is printed in English: the NSDUH series' unit
    ("..., past year") was missing, and its facts line read half in English."""
    from tenaza.outcomes.locale import UNITS_ES
    from tenaza.outcomes.series import read_file, shipped_files

    units = {str(u) for f in shipped_files() for u in read_file(f)["unit"].dropna().unique()}
    units |= {i.unit for i in load_framework(None).indicators() if i.unit}
    assert units - set(UNITS_ES) == set()
