"""The contract of every detector: its SQL runs on DuckDB and on Spark (local[1]) over the same
workspace and gives the same alerts (ids; scores within SCORE_TOLERANCE).

A detector not yet written through the Dialect is listed in NOT_PORTED (tenaza.store.ported,
which ``tenaza analyze`` on Spark reads too) with the reason, as a strict xfail: it is reported
as failing on Spark (and the test fails once it passes, so the list shrinks). A new detector
that is not listed must pass.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tenaza.detect import run, select
from tenaza.store import Workspace
from tenaza.store.ported import DUCKDB_ONLY_DETECTORS

from .worlds import copy_of, tiny_world

pytestmark = pytest.mark.spark
pytest.importorskip("pyspark")  # the spark CI step installs tenaza[spark]; without it nothing here can run

SCORE_TOLERANCE = 1e-6
NOT_PORTED = DUCKDB_ONLY_DETECTORS  # the one list, in the library: tenaza analyze reads it too


def _restricted_list(path: Path, folder: Path) -> Path:
    """A restricted-institution list naming one Mexican institution of the scenario by its first two
    words (an alias matched as the start of the name), the order taking effect mid-period: the
    scenario plants no restricted counterparty, and a detector with no alert compares nothing."""
    with Workspace.open(path, engine="duckdb") as ws:
        (inst,), = ws.backend.fetch("pick", "SELECT min(institution) FROM accounts WHERE institution_country = 'MEX'")
        (mid,), = ws.backend.fetch("mid", "SELECT CAST(CAST(min(ts) AS DATE) + CAST((CAST(max(ts) AS DATE) - "
                                          "CAST(min(ts) AS DATE)) / 2 AS INTEGER) AS VARCHAR) FROM transactions")
    out = folder / "restricted.csv"
    alias = " ".join(str(inst).split()[:2])
    out.write_text("institution,aliases,country,authority,order_date,effective_date,sar_key\n"
                   f'"{inst}, S.A.",{alias},MEX,contract test order,{mid},{mid},TEST-KEY\n', encoding="utf-8")
    return out


def _target(ws: Workspace) -> dict[str, float]:
    """`tenaza target` on this engine (the crossings read and the scores written through its
    backend, LightGBM on the driver): the queue the inspection detector reads. Returns the
    selected items and their scores."""
    from tenaza.pillars.distribution.targeting import pipeline
    from tenaza.pillars.distribution.targeting import workspace as tws

    tws.write(ws, pipeline.run(tws.load(ws)), 0.05, 0.5)
    rows = ws.backend.fetch("read queue", "SELECT item_id, score FROM inspection_scores WHERE selected")
    return {str(i): float(s) for i, s in rows}


# steps a detector reads the output of that run on each engine before it (their own engine work)
PREPARE = {"distribution_inspection_target": _target}


# the scenario plants no peel chain, and at the defaults the tiny world has no layering path: looser
# hops (a month's wait, a third to three times the previous amount) give about a hundred paths,
# many from a transfer that starts several equally long ones, so the choice among them is compared too
LAYERING_PATHS = {"max_gap_days": 30, "min_hop_ratio": 0.3, "max_hop_ratio": 3}


def _alerts(ws: Workspace, name: str) -> dict[str, float]:
    rows = ws.backend.fetch("read alerts", "SELECT alert_id, score FROM alerts WHERE detector = $d", {"d": name})
    return {str(a): float(s) for a, s in rows}


@pytest.fixture(scope="module")
def engines(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A tiny scenario workspace; every detector's DuckDB alerts; the same data opened on Spark."""
    folder = tmp_path_factory.mktemp("contract")
    path = tiny_world(folder)
    configs = {"restricted_counterparty": {"list_path": str(_restricted_list(path, folder))},
               "layering_paths": LAYERING_PATHS}
    duck: dict[str, dict[str, float]] = {}
    skipped: dict[str, str | None] = {}
    prepared: dict[str, dict[str, float]] = {}
    with Workspace.open(path, engine="duckdb") as ws:
        # The ranker (`tenaza rank`, LightGBM on features read through DuckDB) runs on DuckDB only:
        # its scores, written before the copy, are what cash_ranked_risk reads on both engines.
        from tenaza.rank.supervised import RankerConfig, load_labels, rank

        ranked = rank(ws, load_labels(ws, folder / "world" / "truth.parquet", None), RankerConfig())
        assert not ranked.skipped and ranked.scores_written, ranked
        # the others first: the targeting reads their alerts (a party linked to other pillars)
        for cls in sorted(select(), key=lambda c: c.NAME in PREPARE):
            if cls.NAME in PREPARE:
                prepared[cls.NAME] = PREPARE[cls.NAME](ws)
            r = run(ws, [cls], configs)[0]
            skipped[cls.NAME] = r.skipped
            duck[cls.NAME] = _alerts(ws, cls.NAME)
    # the queue: Spark makes its own, none of DuckDB's carried over
    spark_copy = copy_of(path, "spark-copy.duckdb", cleared=["inspection_scores"])
    return {"duck": duck, "skipped": skipped, "configs": configs, "prepared": prepared,
            "spark": Workspace.open(spark_copy, engine="spark:local[1]")}


def _params() -> list[Any]:
    out = []
    for cls in select():
        marks = [pytest.mark.xfail(strict=True, reason=NOT_PORTED[cls.NAME])] if cls.NAME in NOT_PORTED else []
        out.append(pytest.param(cls.NAME, marks=marks, id=cls.NAME))
    return out


@pytest.mark.parametrize("name", _params())
def test_detector_gives_the_same_alerts_on_duckdb_and_spark(engines: dict[str, Any], name: str) -> None:
    ws: Workspace = engines["spark"]
    if name in PREPARE:
        queue = PREPARE[name](ws)
        duck_queue = engines["prepared"][name]
        assert duck_queue, f"{name}: its preparing step gave nothing on the scenario: nothing is compared"
        assert sorted(queue) == sorted(duck_queue)
        for item, score in duck_queue.items():
            assert queue[item] == pytest.approx(score, abs=SCORE_TOLERANCE), item
    r = run(ws, select(None, [name]), engines["configs"], try_unported=True)[0]
    assert r.skipped == engines["skipped"][name]
    if r.skipped:
        pytest.skip(f"{name} has nothing to run on the scenario on either engine: {r.skipped}")
    spark = _alerts(ws, name)
    duck = engines["duck"][name]
    assert duck or engines["skipped"][name], f"{name} raised no alert on the scenario: nothing is compared"
    assert sorted(spark) == sorted(duck)
    for alert_id, score in duck.items():
        assert spark[alert_id] == pytest.approx(score, abs=SCORE_TOLERANCE), alert_id


def test_every_registered_detector_is_in_the_contract() -> None:
    assert set(NOT_PORTED) <= {d.NAME for d in select()}, "NOT_PORTED names a detector that no longer exists"


def test_a_spark_workspace_lives_in_parquet_beside_the_duckdb_file(engines: dict[str, Any]) -> None:
    ws: Workspace = engines["spark"]
    tables = Path(str(ws.path) + ".spark") / "tables"
    assert (tables / "alerts").is_dir() and any((tables / "alerts").glob("*.parquet"))
    assert ws.count("transactions") > 0


def test_spark_refuses_a_detector_still_duckdb_only_and_runs_the_rest(engines: dict[str, Any]) -> None:
    """Without try_unported, a DuckDB-only detector is not attempted on Spark: alone it is a one-line
    refusal naming it (exit 2 in the CLI); beside a ported one it is reported as not run."""
    if not NOT_PORTED:
        pytest.skip("every detector runs on Spark: nothing is refused")
    from tenaza.errors import EXIT_CODES, UnsupportedCapability

    ws: Workspace = engines["spark"]
    name = min(NOT_PORTED)
    with pytest.raises(UnsupportedCapability, match=name) as caught:
        run(ws, select(None, [name]), engines["configs"])
    assert "\n" not in str(caught.value) and EXIT_CODES[UnsupportedCapability] == 2
    ported = next(d.NAME for d in select() if d.NAME not in NOT_PORTED and d.NAME != "restricted_counterparty")
    runs = {r.detector: r for r in run(ws, select(None, [name, ported]), engines["configs"])}
    assert runs[name].skipped and "not ported" in runs[name].skipped
    assert runs[ported].skipped == engines["skipped"][ported]
