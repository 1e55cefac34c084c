"""`tenaza rank` on both engines: the tiny scenario's accounts ranked on DuckDB and on Spark
(local[1]) give the same scores (issue 8).

Both account rankers: the supervised one (LightGBM, labels from the scenario's truth, split by
time) and the unsupervised one (no labels: peers and alerts); and the ranking of firearm
purchasers and dealers (`tenaza rank --pillar weapons`), compared by the alerts it writes. The features are the same SQL through each
engine's dialect; the models and their explanations run in Python on what the features query
returns. So the same account-windows must get the same scores, ranks, reasons and
releasability; a score may differ only by the rounding of sums taken in another order
(SCORE_TOLERANCE).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tenaza.rank import rank_unsupervised
from tenaza.rank.supervised import RankerConfig, load_labels, rank
from tenaza.store import Workspace

from .worlds import copy_of, on_both_engines, tiny_world

pytestmark = pytest.mark.spark
pytest.importorskip("pyspark")

SCORE_TOLERANCE = 1e-4  # the scores are stored rounded to 4 places


def _scores(ws: Workspace) -> dict[str, tuple[float, int, tuple[str, ...], tuple[str, ...], str]]:
    return {str(r[0]): (float(r[1]), int(r[2]), tuple(r[3] or ()), tuple(sorted(r[4] or ())), str(r[5]))
            for r in ws.backend.fetch("scores", "SELECT score_id, score, rank, reasons, releasable_to, split "
                                                "FROM account_scores")}


def _both(folder: Path, how: Any) -> tuple[dict[str, Any], dict[str, Any], Any, Any]:
    found = on_both_engines(folder / "workspace.duckdb", lambda ws: (how(ws, folder), _scores(ws)),
                            copy_name=f"spark-{how.__name__}.duckdb")
    (duck_report, duck), (spark_report, spark) = found["duckdb"], found["spark"]
    return duck, spark, duck_report, spark_report


def _supervised(ws: Workspace, folder: Path) -> Any:
    return rank(ws, load_labels(ws, folder / "world" / "truth.parquet", None), RankerConfig())


def _unsupervised(ws: Workspace, folder: Path) -> Any:
    return rank_unsupervised(ws)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("rank")
    with Workspace.open(tiny_world(folder)) as ws:  # alerts, for the unsupervised ranker's signal
        from tenaza.detect import run, select
        run(ws, [*select(names=["fans", "structuring"]), *select(pillar="weapons")])
    return folder


def _same(duck: dict[str, Any], spark: dict[str, Any]) -> None:
    assert duck, "nothing was ranked on DuckDB: nothing is compared"
    assert spark.keys() == duck.keys()
    worst = max(abs(duck[k][0] - spark[k][0]) for k in duck)
    assert worst <= SCORE_TOLERANCE, worst
    for k, (score, rank_, reasons, rel, split) in duck.items():
        assert spark[k][1:] == (rank_, reasons, rel, split), k


def test_the_supervised_ranker_gives_the_same_scores_on_both_engines(tiny: Path) -> None:
    duck, spark, duck_report, spark_report = _both(tiny, _supervised)
    assert not duck_report.skipped and duck_report.train_positives > 0, duck_report
    assert (spark_report.train_rows, spark_report.train_positives, spark_report.test_rows) == \
        (duck_report.train_rows, duck_report.train_positives, duck_report.test_rows)
    assert spark_report.auc == pytest.approx(duck_report.auc, abs=1e-6)
    _same(duck, spark)


def test_the_unsupervised_ranker_gives_the_same_scores_on_both_engines(tiny: Path) -> None:
    duck, spark, duck_report, spark_report = _both(tiny, _unsupervised)
    assert not duck_report.skipped and duck_report.accounts_with_alerts > 0, duck_report
    assert (spark_report.accounts, spark_report.peer_groups, spark_report.alerts_used) == \
        (duck_report.accounts, duck_report.peer_groups, duck_report.alerts_used)
    _same(duck, spark)


def _weapons(ws: Workspace, folder: Path) -> Any:
    from tenaza.pillars.weapons.ranked import rank_weapons

    return rank_weapons(ws)


def test_the_weapons_ranking_gives_the_same_alerts_on_both_engines(tiny: Path) -> None:
    path = tiny / "workspace.duckdb"
    found = {}
    for engine in ("duckdb", "spark:local[1]"):
        with Workspace.open(copy_of(path, f"weapons-{engine[:5]}.duckdb"), engine=engine) as ws:
            report = _weapons(ws, tiny)
            alerts = {str(a): (round(float(s), 4), tuple(sorted(r or ()))) for a, s, r in ws.backend.fetch(
                "alerts", "SELECT alert_id, score, releasable_to FROM alerts WHERE detector = 'weapons_ranked_risk'")}
            found[engine] = ([(k.kind, k.ranked, k.alerts) for k in report.kinds], alerts)
    (duck_kinds, duck), (spark_kinds, spark) = found["duckdb"], found["spark:local[1]"]
    assert duck, "no weapons_ranked_risk alert on DuckDB: nothing is compared"
    assert spark_kinds == duck_kinds
    assert spark.keys() == duck.keys()
    for alert, (score, rel) in duck.items():
        assert abs(spark[alert][0] - score) <= SCORE_TOLERANCE and spark[alert][1] == rel, alert
