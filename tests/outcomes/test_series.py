import gzip
from pathlib import Path

import pytest

from tenaza.errors import OutcomesError
from tenaza.outcomes.series import (
    check_frame,
    load_series,
    read_file,
    read_series,
    shipped_files,
    shipped_not_loaded,
)
from tenaza.store import Workspace

HEADER = "indicator,geo_level,geo_code,period_start,period_end,value,unit,publisher\n"


def write(tmp_path: Path, body: str, name: str = "s.csv") -> Path:
    p = tmp_path / name
    p.write_text(HEADER + body)
    return p


def test_a_month_given_twice_and_an_unknown_state_are_refused_with_their_lines(tmp_path: Path) -> None:
    p = write(tmp_path, "h,state,08,2020-01-01,2020-01-31,10,deaths,x\n"
                        "h,state,08,2020-01-01,2020-01-31,11,deaths,x\n"
                        "h,state,33,2020-01-01,2020-01-31,5,deaths,x\n"
                        "h,state,ZZ,2020-01-01,2020-01-31,5,deaths,x\n")
    ws = Workspace.create(tmp_path / "w.duckdb")
    with ws, pytest.raises(OutcomesError) as err:
        load_series(ws, [p])
    text = err.value.details()
    assert f"{p}:3: period_start: h 08 2020-01-01 given twice" in text
    assert f"{p}:4: geo_code: unknown state code '33'" in text
    assert f"{p}:5: geo_code: unknown state code 'ZZ'" in text
    with Workspace.open(tmp_path / "w.duckdb") as ws2:
        assert ws2.count("indicators") == 0  # nothing stored


def test_a_gap_is_a_warning_naming_the_first_missing_month(tmp_path: Path) -> None:
    p = write(tmp_path, "h,state,08,2020-01-01,2020-01-31,10,deaths,x\n"
                        "h,state,08,2020-02-01,2020-02-29,10,deaths,x\n"
                        "h,state,08,2020-05-01,2020-05-31,10,deaths,x\n")
    check = check_frame(read_file(p), str(p))
    assert not check.problems
    assert check.warnings == [f"{p}: h 08: 2 month(s) missing, the first 2020-03"]


def test_a_bad_date_is_located(tmp_path: Path) -> None:
    p = write(tmp_path, "h,state,TX,2020-13-01,2020-01-31,10,deaths,x\n")
    check = check_frame(read_file(p), str(p))
    assert any(pr.line == 2 and pr.field == "period_start" for pr in check.problems)


def test_values_trace_to_file_and_row_and_a_revision_wins(tmp_path: Path) -> None:
    first = write(tmp_path, "od,state,AZ,2019-02-01,2020-01-31,100,deaths,x\n"
                            "od,state,AZ,2019-03-01,2020-02-29,110,deaths,x\n", "first.csv")
    revised = write(tmp_path, "od,state,AZ,2019-03-01,2020-02-29,115,deaths,x\n", "revised.csv")
    with Workspace.create(tmp_path / "w.duckdb") as ws:
        a, = load_series(ws, [first])
        b, = load_series(ws, [revised])
        s = read_series(ws, "od", "AZ")
        assert list(s.values) == [100.0, 115.0]
        assert s.record_ids == [f"{a.ingest_id}:2", f"{b.ingest_id}:2"]
        rows = ws.backend.fetch("t", "SELECT source, source_row, releasable_to, originator FROM indicators "
                                "WHERE record_id = $r", {"r": s.record_ids[1]})
        assert rows == [("revised.csv", 2, ["MEX", "USA"], "PUBLIC")]
        again, = load_series(ws, [first])
        assert again.already_loaded


def test_shipped_series_pass_their_checks() -> None:
    files = shipped_files()
    assert len(files) >= 13
    assert sum(f.stat().st_size for f in files) < 5_000_000
    for f in files:
        check = check_frame(read_file(f), str(f))
        assert not check.problems, check.problems[:3]


def test_a_shipped_file_loads_through_ingest(tmp_path: Path) -> None:
    poppy = next(f for f in shipped_files() if f.name == "poppy.csv.gz")
    with gzip.open(poppy, "rt") as fh:
        rows = sum(1 for _ in fh) - 1
    with Workspace.create(tmp_path / "w.duckdb") as ws:
        r, = load_series(ws, [poppy])
        assert r.rows == rows == ws.count("indicators")
        s = read_series(ws, "poppy_hectares_ondcp", "MEX")
        assert s.values[s.values.index.year == 2017].iloc[0] == 44100


def test_other_indicators_do_not_hide_missing_public_series(tmp_path: Path) -> None:
    own = write(tmp_path, "h,state,08,2020-01-01,2020-01-31,10,deaths,x\n")
    poppy = next(f for f in shipped_files() if f.name == "poppy.csv.gz")
    with Workspace.create(tmp_path / "w.duckdb") as ws:
        load_series(ws, [own])
        assert shipped_not_loaded(ws) == shipped_files()  # the sample's or a user's rows are not the public series
        load_series(ws, [poppy])
        assert poppy not in shipped_not_loaded(ws) and len(shipped_not_loaded(ws)) == len(shipped_files()) - 1


def test_workspace_counts_by_month_name_the_rows_counted(tmp_path: Path) -> None:
    from tenaza.ingest import ingest_file
    from tenaza.outcomes.series import workspace_series

    f = tmp_path / "crossings.csv"
    f.write_text("crossing_id,ts,port_code,direction,conveyance,inspection\n"
                 "a,2024-01-03T10:00:00,2304,northbound,truck,secondary\n"
                 "b,2024-01-20T11:00:00,2304,northbound,truck,secondary\n"
                 "c,2024-03-02T09:00:00,2304,northbound,truck,secondary\n"
                 "d,2024-03-02T09:30:00,2304,northbound,truck,primary\n")
    with Workspace.create(tmp_path / "w.duckdb") as ws:
        rep = ingest_file(ws, f, "crossings", originator="CBP", releasable_to=["USA"])
        s = workspace_series(ws, "workspace_inspections_secondary")
    i = rep.ingest_id
    assert list(s.values) == [2.0, 0.0, 1.0]  # February had none: a zero, not a gap
    assert s.record_ids == [f"{i}:2,{i}:3", "", f"{i}:4"]  # each month names the crossings it counts


def test_a_total_over_several_years_stays_out_of_a_yearly_series(tmp_path: Path,
                                                                   caplog: pytest.LogCaptureFixture) -> None:
    """ATF's table gives yearly traces and a 2007-2011 total ending on the same day as 2011: the
    series is the years, in one order however the engine returns the tie, and the log says what left."""
    p = write(tmp_path, "t,national,MEX,2010-01-01,2010-12-31,8338,firearms,atf\n"
                        "t,national,MEX,2007-01-01,2011-12-31,99691,firearms,atf\n"
                        "t,national,MEX,2011-01-01,2011-12-31,20335,firearms,atf\n"
                        "t,national,MEX,2012-01-01,2012-12-31,15000,firearms,atf\n")
    with Workspace.create(tmp_path / "w.duckdb") as ws:
        load_series(ws, [p])
        with caplog.at_level("INFO", logger="tenaza"):
            s = read_series(ws, "t", "MEX")
    assert list(s.values) == [8338.0, 20335.0, 15000.0]
    assert [d.year for d in s.values.index] == [2010, 2011, 2012]
    assert "1 value(s) cover another period than the series' 12 month(s) (first: 2007-01-01 to 2011-12-31)" \
        in caplog.text
