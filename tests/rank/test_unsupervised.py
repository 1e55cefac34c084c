"""Ranking without labels: peer anomaly plus alerts, on data of any scale and currency."""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from tenaza.money import load_rates
from tenaza.rank import UnsupervisedConfig, rank_unsupervised
from tenaza.rank.unsupervised import peer_groups, robust_z
from tenaza.store import Workspace
from tests.pillars.cash.trade.trade_helpers import load

np = pytest.importorskip("numpy")
pytest.importorskip("sklearn")
START = datetime(2024, 3, 1)


def _world(scale: float, currency: str, days: int, seed: int = 3) -> tuple[list[dict[str, object]], set[str]]:
    """200 ordinary accounts paying each other; 12 collectors that gather from many senders and
    pass the money on within a day. Amounts are multiplied by ``scale``."""
    rng = random.Random(seed)
    rows: list[dict[str, object]] = []

    def add(src: str, dst: str, amount: float, day: float) -> None:
        rows.append({"txn_id": f"T{len(rows)}", "ts": (START + timedelta(days=day)).isoformat(" ", "seconds"),
                     "from_account": src, "to_account": dst, "amount": round(amount * scale, 2),
                     "currency": currency, "channel": "wire"})

    normal = [f"N{i}" for i in range(200)]
    for a in normal:
        for _ in range(rng.randint(5, 25)):
            add(a, rng.choice(normal), rng.lognormvariate(6, 1), rng.uniform(0, days))
    bad = {f"C{i}" for i in range(12)}
    for c in sorted(bad):
        for _ in range(rng.randint(3, 6)):
            day = rng.uniform(0, days - 1)
            for s in rng.sample(normal, rng.randint(8, 15)):
                add(s, c, rng.uniform(200, 900), day + rng.uniform(0, 0.3))
            add(c, f"OUT{c}", rng.uniform(3000, 9000), day + 0.5)
    return rows, bad


def _ap(ws: Workspace, positives: set[str]) -> float:
    ranked = [r[0] for r in ws.backend.fetch("t", "SELECT account_id FROM account_scores ORDER BY score DESC, account_id")]
    hits, total = 0, 0.0
    for i, a in enumerate(ranked, start=1):
        if a in positives:
            hits += 1
            total += hits / i
    return total / len(positives)


@pytest.mark.parametrize(("scale", "currency", "days"), [(1.0, "USD", 90), (0.01, "EUR", 10), (100.0, "MXN", 365)])
def test_ranks_collectors_on_any_scale_and_currency(ws: Workspace, tmp_path: Path, scale: float, currency: str,
                                                    days: int) -> None:
    rows, bad = _world(scale, currency, days)
    load(ws, tmp_path, "transactions", rows, originator="BANK")
    load_rates(ws)
    report = rank_unsupervised(ws)
    assert report.skipped is None and report.accounts == 200 + 2 * len(bad)
    assert report.rates == "each date's exchange rate"
    ap = _ap(ws, bad)
    base_rate = len(bad) / report.accounts
    assert ap > 0.6 > 5 * base_rate, f"AP {ap:.2f} (base rate {base_rate:.2f})"
    top = ws.backend.fetch("t", "SELECT account_id, reasons, contributions, split, releasable_to FROM account_scores "
                                "ORDER BY score DESC LIMIT 1")[0]
    assert top[3] == "unsupervised" and top[4] == ["MEX", "USA"]
    assert any("robust deviations above its peers" in r for r in top[1]) and top[1][-1].startswith("peers: ")
    detail = json.loads(top[2])
    assert set(detail["features"]) >= {"in_cp", "pass_through"} and 0 <= detail["anomaly"] <= 1


def test_alerts_raise_the_score_and_are_named(ws: Workspace, tmp_path: Path) -> None:
    rows, _ = _world(1.0, "USD", 60)
    load(ws, tmp_path, "transactions", rows, originator="BANK")
    ws.backend.execute("t", """INSERT INTO alerts (alert_id, detector, pillar, typology, score, subjects, evidence,
        explanation, created_at, releasable_to) VALUES ('a1', 'cash_fan', 'cash', 'fan_in', 0.9, ['account:N7'],
        ['1:2'], 'x', now(), ['USA'])""")
    rank_unsupervised(ws)
    score, reasons, rel = ws.backend.fetch("t", "SELECT score, reasons, releasable_to FROM account_scores "
                                                "WHERE account_id = 'N7'")[0]
    assert float(score) >= 0.9 and reasons[0] == "alerts: fan_in (0.9)"
    assert rel == ["USA"]  # the alert's markings narrow the score's
    others = ws.backend.scalar("t", "SELECT max(score) FROM account_scores WHERE account_id <> 'N7'")
    assert float(others) <= UnsupervisedConfig().anomaly_weight + 1e-9


def test_score_is_releasable_only_where_every_transaction_is(ws: Workspace, tmp_path: Path) -> None:
    load(ws, tmp_path, "transactions", [{"txn_id": "1", "ts": "2024-01-01 10:00:00", "from_account": "A",
                                         "to_account": "B", "amount": 10, "currency": "USD", "channel": "wire"}],
         originator="FINCEN", releasable_to=("USA", "MEX"))
    load(ws, tmp_path, "transactions", [{"txn_id": "2", "ts": "2024-01-02 10:00:00", "from_account": "B",
                                         "to_account": "C", "amount": 10, "currency": "USD", "channel": "wire"}],
         originator="UIF", releasable_to=("MEX",))
    rank_unsupervised(ws)
    rel = dict(ws.backend.fetch("t", "SELECT account_id, releasable_to FROM account_scores"))
    assert rel == {"A": ["MEX", "USA"], "B": ["MEX"], "C": ["MEX"]}


def test_empty_workspace_says_so(ws: Workspace) -> None:
    report = rank_unsupervised(ws)
    assert report.skipped == "no transactions with an account to rank"


def test_robust_z_and_small_groups_fall_back() -> None:
    x = np.array([[1.0], [1.0], [1.0], [1.0], [10.0]])
    z, med = robust_z(x, np.array(["g"] * 5))
    assert med[0, 0] == 1.0 and z[4, 0] > 3 and z[0, 0] == 0  # MAD 0: mean deviation stands in
    groups, words, fallbacks = peer_groups(["checking"] * 40 + ["msb"] * 3, np.arange(43, dtype=float),
                                           UnsupervisedConfig(min_peers=10, volume_bands=4))
    assert fallbacks == 3 and words[-1] == "all 43 accounts"
    assert len(set(groups[:40].tolist())) == 4


def test_cli_rank_without_labels_writes_a_ranking(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from tenaza.cli import app

    path = tmp_path / "w.duckdb"
    with Workspace.create(path) as ws:
        rows, _ = _world(0.01, "GBP", 10)
        load(ws, tmp_path, "transactions", rows, originator="BANK")
    result = CliRunner().invoke(app, ["rank", str(path)])
    assert result.exit_code == 0, result.output
    assert "supervised ranker skipped" in result.output and "ranked 224 accounts without labels" in result.output
    assert "amounts at amount_usd only (no rates loaded)" in result.output
    with Workspace.open(path, read_only=True) as ws:
        assert ws.count("account_scores") == 224


def test_features_are_rounded_so_that_the_order_of_a_sum_does_not_reach_the_model() -> None:
    import numpy as np

    from tenaza.rank.supervised import reproducible

    values = [0.1 * k + 1e-3 / k for k in range(1, 2_000)]
    forward, backward = sum(values), sum(reversed(values))
    assert forward != backward  # the engines' case: the same sum in another order
    x = reproducible(np.array([[forward, np.nan, 0.0], [backward, 1e-12, -3.25]]))
    assert x[0, 0] == x[1, 0] == pytest.approx(forward, rel=1e-9)
    assert np.isnan(x[0, 1]) and x[1, 1] == 1e-12 and x[0, 2] == 0.0 and x[1, 2] == -3.25
