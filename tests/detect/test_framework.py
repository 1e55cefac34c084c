"""The detector framework: scores from weighted features, SQL as named steps, bound parameters."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import Field

from tenaza.detect import REGISTRY, Detector, DetectorConfig, DetectorError, register, run
from tenaza.detect.docs import render
from tenaza.detect.params import Params
from tenaza.detect.runner import check_configs
from tenaza.detect.scoring import Feature, Score
from tenaza.detect.steps import Steps
from tenaza.ingest import ingest_file
from tenaza.store import Workspace


class DepositsConfig(DetectorConfig):
    threshold: float = Field(1_000, description="Cash deposits at or above this many dollars.")


class Deposits(Detector[DepositsConfig]):
    """Accounts with several cash deposits (a toy detector for the framework's tests)."""

    NAME = "test_deposits"
    PILLAR = "cash"
    TYPOLOGIES = ("deposits",)
    CONFIG = DepositsConfig
    NEEDS = ("transactions",)
    SCORE = Score(base=0.1, features=(
        Feature("count", 0.5, "deposits: n / (n + 2)"),
        Feature("large", 0.4, "share of deposits of $10,000 or more"),
    ))

    def findings(self, params: dict[str, Any]) -> Steps:
        params["threshold"] = self.config.threshold
        return (Steps()
                .add("cash", "SELECT * FROM transactions WHERE channel = 'cash_deposit'")
                .add("kept", "SELECT * FROM cash WHERE amount_usd >= $threshold")
                .add("g", "SELECT to_account, count(*) AS n, avg(CASE WHEN amount_usd >= 10000 THEN 1.0 ELSE 0.0 END) "
                          "AS big, list(record_id) AS rids, min(ts) AS t0, max(ts) AS t1 FROM kept GROUP BY ALL")
                .select("SELECT 'deposits' AS typology, n / (n + 2.0) AS f_count, big AS f_large, "
                        "['account:' || to_account] AS subjects, rids AS evidence, json_object('n', n) AS figures, "
                        "'deposits' AS explanation, t0 AS period_start, t1 AS period_end FROM g"))


@pytest.fixture
def deposits(ws: Workspace, tmp_path: Path) -> Iterator[type[Deposits]]:
    rows = ["1,2024-01-01,A1,12000,USD,cash_deposit", "2,2024-01-02,A1,2000,USD,cash_deposit",
            "3,2024-01-02,A2,50,USD,cash_deposit"]
    (tmp_path / "t.csv").write_text("txn_id,ts,to_account,amount,currency,channel\n" + "\n".join(rows) + "\n",
                                    encoding="utf-8")
    ingest_file(ws, tmp_path / "t.csv", "transactions", originator="FINCEN", releasable_to=["USA", "MEX"])
    register(Deposits)
    yield Deposits
    REGISTRY.pop(Deposits.NAME)


def test_the_framework_computes_the_score_from_the_weights_and_stores_each_part(ws: Workspace,
                                                                                deposits: type[Deposits]) -> None:
    assert run(ws, [deposits])[0].alerts == 1
    score, parts = ws.backend.fetch("t", "SELECT score, score_parts FROM alerts")[0]
    parts = json.loads(parts)
    # two deposits (2 / 4 = 0.5), one of them large (0.5): 0.1 + 0.5 * 0.5 + 0.4 * 0.5
    assert parts == {"base": 0.1, "count": 0.25, "large": 0.2}
    assert float(score) == pytest.approx(sum(parts.values()))
    run(ws, [deposits], {"test_deposits": {"weights": {"large": 0.0}}})
    assert float(ws.backend.scalar("t", "SELECT score FROM alerts")) == pytest.approx(0.35)


def test_weights_are_checked_before_anything_runs(deposits: type[Deposits]) -> None:
    with pytest.raises(DetectorError, match=r"test_deposits\.weights: .*no feature size; the features are count, large"):
        check_configs({"test_deposits": {"weights": {"size": 0.3}}})
    with pytest.raises(DetectorError, match=r"a weight is in \[0, 1\]"):
        check_configs({"test_deposits": {"weights": {"count": 3}}})


def test_weights_are_documented_with_the_detector(deposits: type[Deposits]) -> None:
    doc = render([deposits])
    assert "Score: 0.1 + Σ weight × feature" in doc
    assert "| count | 0.5 | deposits: n / (n + 2) |" in doc


def test_debug_steps_names_the_step_where_the_rows_vanish(ws: Workspace, deposits: type[Deposits]) -> None:
    done = run(ws, [deposits], {"test_deposits": {"threshold": 1e9}}, debug_steps=True)[0]
    assert done.alerts == 0
    assert [(c.name, c.rows) for c in done.steps] == [("cash", 3), ("kept", 0), ("g", 0), ("findings", 0)]
    assert any("step 'kept' has no rows" in n for n in done.notes)
    quiet = run(ws, [deposits], {"test_deposits": {"threshold": 1e9}})[0]
    assert quiet.steps == [] and any("--debug-steps" in n for n in quiet.notes)


def test_a_product_score_multiplies_factors(ws: Workspace) -> None:
    s = Score(combine="product", features=(Feature("a", 1.0, "a"), Feature("b", 0.6, "b")))
    d = ws.backend.dialect
    sql = f"SELECT {s.expr(d)}, {s.parts_json(d)} FROM (SELECT 0.5 AS f_a, 0.25 AS f_b) AS t"
    score, parts = ws.backend.fetch("t", sql)[0]
    assert float(score) == pytest.approx(0.5 * (1 - 0.6 * 0.75))
    assert json.loads(parts) == {"a": 0.5, "b": 0.55}


def test_an_any_score_is_the_noisy_or_of_its_signs(ws: Workspace) -> None:
    s = Score(combine="any", features=(Feature("a", 0.7, "a"), Feature("b", 0.5, "b"), Feature("c", 0.8, "c")))
    d = ws.backend.dialect
    sql = f"SELECT {s.expr(d)}, {s.parts_json(d)} FROM (SELECT 1.0 AS f_a, 1.0 AS f_b, 0.0 AS f_c) AS t"
    score, parts = ws.backend.fetch("t", sql)[0]
    assert float(score) == pytest.approx(1 - 0.3 * 0.5)  # two signs: 0.85; the third, absent, adds nothing
    assert json.loads(parts) == {"a": 0.7, "b": 0.5, "c": 0.0}
    assert "1 − Π (1 − weight × feature)" in "\n".join(s.describe())
    with pytest.raises(DetectorError, match="only a sum score has a base"):
        Score(combine="any", base=0.1, features=(Feature("a", 0.7, "a"),))


def test_a_gated_sum_multiplies_the_sum_by_its_gates(ws: Workspace) -> None:
    s = Score(base=0.3, gates=(Feature("g", 1.0, "g"),),
              features=(Feature("a", 0.35, "a"), Feature("b", 0.35, "b")))
    d = ws.backend.dialect
    sql = f"SELECT {s.expr(d)}, {s.parts_json(d)} FROM (SELECT 0.8 AS f_g, 0.5 AS f_a, 1.0 AS f_b) AS t"
    score, parts = ws.backend.fetch("t", sql)[0]
    assert float(score) == pytest.approx(0.8 * (0.3 + 0.35 * 0.5 + 0.35))
    assert json.loads(parts) == {"g": 0.8, "base": 0.3, "a": 0.175, "b": 0.35}
    assert s.weights({"g": 0.5})["g"] == 0.5 and "(gate)" in "\n".join(s.describe())
    with pytest.raises(DetectorError, match="only a sum score has gates"):
        Score(combine="product", gates=(Feature("g", 1.0, "g"),), features=())


def test_parameters_cannot_be_rebound_to_another_value_or_take_the_framework_prefix() -> None:
    p = Params()
    p["mexico"] = ["MEX", "MX"]
    p.update(mexico=["MEX", "MX"])  # the same value again is fine
    with pytest.raises(DetectorError, match=r"\$mexico bound twice"):
        p["mexico"] = ["MEX"]
    with pytest.raises(DetectorError, match="tenaza_ prefix"):
        p["tenaza_now"] = 1
    assert p.framework(now=1)["tenaza_now"] == 1


def test_steps_refuse_a_repeated_name_and_render_one_query() -> None:
    s = Steps().add("a", "SELECT 1 AS x").add("b", "SELECT x FROM a")
    with pytest.raises(DetectorError, match="defined twice"):
        s.add("a", "SELECT 2")
    assert str(s.select("SELECT * FROM b")).startswith("WITH a AS (")
    assert s.upto("a").endswith("SELECT * FROM a")
