"""Purchasers and dealers ranked with reasons (tenaza.pillars.weapons.ranked) on a real workspace."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from tenaza.detect.runner import run, select
from tenaza.pillars.weapons.ranked import NAME, rank_weapons
from tenaza.store import Workspace

from .conftest import Guns, sale, trace

HONEST = [f"PERSON {chr(65 + i // 26)}{chr(65 + i % 26)}" for i in range(40)]
STRAW = ["MARIA LOPEZ", "JUAN PEREZ"]


def _world(guns: Guns) -> None:
    sales, traces = [], []
    for i, who in enumerate(HONEST):  # one or two pistols each, over four interior dealers
        for k in range(1 + i % 2):
            sales.append(sale(f"H{i}-{k}", f"2024-{1 + i % 12:02d}-{1 + 9 * k:02d}", f"HON{i:03d}{k}",
                              ffl=f"D{i % 4}", state="OH", purchaser=who))
    n = 0
    for who in STRAW:  # cartel rifles at one border dealer, on several days, most recovered in Mexico months later
        for d in range(4):
            for k in range(2):
                n += 1
                sales.append(sale(f"S{n}", f"2024-0{1 + d}-1{k}", f"STR{n:04d}", "Colt", "M4 Carbine", "5.56mm",
                                  ffl="B1", state="TX", purchaser=who, kind="rifle"))
                if n % 4:
                    traces.append(trace(f"T{n}", f"2024-{6 + d:02d}-15", f"STR{n:04d}", "Colt", "M4 Carbine",
                                        "5.56mm", possessor="EL CHAPO", purchaser=who, ffl="B1",
                                        bought=f"2024-0{1 + d}-1{k}"))
    guns.sales(sales)
    guns.traces(traces)


def test_straw_purchasers_and_their_dealer_rank_first_with_reasons(guns: Guns, ws: Workspace, tmp_path: Path) -> None:
    _world(guns)
    run(ws, select("weapons"))
    straw_sales = [f"sale:S{i}" for i in range(1, 17)]
    truth = tmp_path / "truth.parquet"
    pq.write_table(pa.table({"subject": [*straw_sales, "ffl:B1"], "pillar": ["weapons"] * 17}), truth)
    report = rank_weapons(ws, truth=truth)
    purchasers, dealers = report.kinds
    assert purchasers.ranked == len(HONEST) + len(STRAW) and dealers.ranked == 5
    assert purchasers.positives == 2 and purchasers.ap == 1.0 and purchasers.ap_unsupervised == 1.0
    assert dealers.positives == 1 and dealers.ap == 1.0
    assert purchasers.ap_baseline is not None and purchasers.ap_baseline <= 1.0
    rows = ws.backend.fetch("ranked", "SELECT subjects, explanation, evidence, releasable_to, figures FROM alerts "
                            "WHERE detector = $d ORDER BY score DESC, explanation", {"d": NAME})
    top_subjects = {s for r in rows[:3] for s in r[0]}
    assert set(straw_sales) <= top_subjects and "ffl:B1" in top_subjects
    first = next(r for r in rows if r[0][0].startswith("sale:"))
    assert "alerts:" in first[1] and ("short_time_to_crime" in first[1] or "cartel_caliber" in first[1])
    assert sorted(first[3]) == ["MEX", "USA"] and len(first[2]) >= 8  # its sales and traces are the evidence



def test_nothing_to_rank_says_so(ws: Workspace) -> None:
    report = rank_weapons(ws)
    assert report.skipped is not None and "firearm_sales" in report.skipped
    assert ws.backend.scalar("n", "SELECT count(*) FROM alerts WHERE detector = $d", {"d": NAME}) == 0
