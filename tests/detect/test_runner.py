from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import Field

from tenaza.detect import REGISTRY, Detector, DetectorConfig, DetectorError, register, run
from tenaza.detect.docs import render
from tenaza.ingest import ingest_file
from tenaza.store import Workspace


class BigCashConfig(DetectorConfig):
    threshold: float = Field(10_000, description="Cash deposits at or above this many dollars.")


class BigCash(Detector):
    """Cash deposits at or above a threshold (a toy detector for the framework's tests)."""

    NAME = "test_big_cash"
    PILLAR = "cash"
    TYPOLOGIES = ("big_cash",)
    CONFIG = BigCashConfig
    NEEDS = ("transactions",)

    def findings(self, params: dict[str, Any]) -> str:
        assert isinstance(self.config, BigCashConfig)
        params["threshold"] = self.config.threshold
        return """
            SELECT 'big_cash' AS typology, amount_usd / 20000 AS score, ['account:' || to_account] AS subjects,
                   list(record_id) AS evidence, json_object('total', sum(amount_usd)) AS figures,
                   'Cash deposits of ' || sum(amount_usd) || ' USD into ' || to_account AS explanation,
                   min(ts) AS period_start, max(ts) AS period_end
            FROM transactions WHERE channel = 'cash_deposit' AND amount_usd >= $threshold
            GROUP BY to_account, amount_usd"""


@pytest.fixture
def big_cash() -> Iterator[type[Detector]]:
    register(BigCash)
    yield BigCash
    REGISTRY.pop(BigCash.NAME)


def test_alerts_carry_evidence_and_the_intersection_of_releasability(ws: Workspace, tmp_path: Path,
                                                                     big_cash: type[Detector]) -> None:
    header = "txn_id,ts,to_account,amount,currency,channel\n"
    (tmp_path / "us.csv").write_text(header + "1,2024-01-01,A1,15000,USD,cash_deposit\n", encoding="utf-8")
    (tmp_path / "mx.csv").write_text(header + "2,2024-01-02,A1,15000,USD,cash_deposit\n3,2024-01-02,A2,50,USD,cash_deposit\n",
                                     encoding="utf-8")
    ingest_file(ws, tmp_path / "us.csv", "transactions", originator="FINCEN", releasable_to=["USA", "MEX"])
    ingest_file(ws, tmp_path / "mx.csv", "transactions", originator="UIF", releasable_to=["MEX"])
    runs = run(ws, [big_cash])
    assert runs[0].alerts == 1
    alert = ws.backend.fetch("t", "SELECT alert_id, subjects, evidence, releasable_to, score, explanation FROM alerts")[0]
    assert alert[1:4] == (["account:A1"], ["1:2", "2:2"], ["MEX"])
    assert alert[4] == pytest.approx(0.75)
    assert alert[0].startswith("test_big_cash:")
    again = run(ws, [big_cash])  # a re-run replaces, and keeps the id
    assert again[0].alerts == 1
    assert ws.backend.scalar("t", "SELECT alert_id FROM alerts") == alert[0]


def test_config_is_typed_and_documented(ws: Workspace, big_cash: type[Detector]) -> None:
    with pytest.raises(Exception, match="threshold"):
        big_cash({"threshold": "lots"})
    with pytest.raises(Exception, match="Extra inputs"):
        big_cash({"treshold": 5})
    assert "| threshold | 10000 | Cash deposits at or above this many dollars. |" in render([big_cash])
    skipped = run(ws, [big_cash])
    assert skipped[0].skipped == "no rows in transactions"


def test_registration_refuses_undocumented_detectors() -> None:
    class Bad(Detector):
        NAME = "bad"
        PILLAR = "finance"
        TYPOLOGIES = ()

        def findings(self, params: dict[str, Any]) -> str:
            return ""

    with pytest.raises(DetectorError, match="PILLAR must be one of.*TYPOLOGIES.*docstring"):
        register(Bad)
