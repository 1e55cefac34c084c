from __future__ import annotations

import json
import random
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from tenaza.detect import run, select
from tenaza.errors import TenazaError
from tenaza.pillars.cash.transactions.ranked_risk import RankedRisk
from tenaza.rank.supervised import RankerConfig, auc, load_labels, precision_at, rank
from tenaza.store import Workspace
from tests.pillars.cash.trade.trade_helpers import load

np = pytest.importorskip("numpy")
pytest.importorskip("lightgbm")

START = datetime(2024, 1, 1)


def _world(labelled: bool, seed: int = 7) -> list[dict[str, object]]:
    """120 days of 150 ordinary accounts and 15 smurf-fed collectors that wire to Mexico."""
    rng = random.Random(seed)
    rows: list[dict[str, object]] = []

    def add(src: str | None, dst: str | None, amount: float, channel: str, day: float, bad: bool) -> None:
        row: dict[str, object] = {"txn_id": f"T{len(rows)}", "ts": (START + timedelta(days=day)).isoformat(" "),
                                  "from_account": src, "to_account": dst, "amount": round(amount, 2),
                                  "currency": "USD", "channel": channel}
        if labelled:
            row["Is Laundering"] = int(bad)
        rows.append(row)

    normal = [f"N{i}" for i in range(150)]
    for a in normal:
        for _ in range(rng.randint(8, 30)):
            day = rng.uniform(0, 119)
            kind = rng.random()
            if kind < 0.4:
                add(rng.choice(normal), a, rng.lognormvariate(6.5, 1.2), rng.choice(["ach", "wire", "check"]), day, False)
            elif kind < 0.7:
                add(a, rng.choice(normal), rng.lognormvariate(6.0, 1.0), rng.choice(["ach", "card", "check"]), day,
                    False)
            elif kind < 0.9:
                add(None, a, rng.lognormvariate(6.0, 1.3), "cash_deposit", day, False)
            else:
                add(a, None, rng.lognormvariate(5.5, 1.0), "cash_withdrawal", day, False)
    for i in range(15):
        c, mx = f"L{i}", f"MX{i}"
        active = rng.sample(range(4), 2)  # each collector works two of the four months
        for month in active:
            for _ in range(rng.randint(6, 12)):
                add(None, c, rng.uniform(8_000, 9_900), "cash_deposit", month * 30 + rng.uniform(0, 29), True)
            add(c, mx, rng.uniform(40_000, 80_000), "wire", month * 30 + 29.5, True)
    return rows


def test_ranker_learns_from_the_earlier_period_and_explains_the_later(ws: Workspace, tmp_path: Path) -> None:
    load(ws, tmp_path, "transactions", _world(labelled=True), originator="FINCEN")
    labels = load_labels(ws)
    assert labels.source == "transactions.extras[Is Laundering]" and labels.positives > 100
    report = rank(ws, labels, RankerConfig(window_days=30, train_fraction=0.5, top_k=10, min_positives=3))
    assert report.skipped is None and report.auc is not None
    assert report.auc > 0.95
    assert report.precision_at_k["p@10"] >= 0.8
    assert report.train_rows > 0 and report.test_rows > 0
    split = datetime.fromisoformat(str(report.split_at))
    scored = ws.backend.fetch("t", "SELECT min(window_start), count(*), count(DISTINCT split) FROM account_scores")[0]
    assert scored[0] >= split and scored[1] == report.test_rows and scored[2] == 1  # only the later period
    top = ws.backend.fetch("t", "SELECT account_id, reasons, contributions, releasable_to FROM account_scores "
                                "ORDER BY score DESC LIMIT 1")[0]
    assert top[0].startswith(("L", "MX"))
    assert len(top[1]) == 3 and any("raised the score" in r for r in top[1])
    assert set(json.loads(top[2])) >= {"n_near_ctr", "pass_through"} and top[3] == ["MEX", "USA"]

    runs = run(ws, [RankedRisk], {"cash_ranked_risk": {"latest_only": False}})
    assert runs[0].alerts > 0
    alerts = ws.backend.fetch("t", "SELECT typology, subjects, evidence, explanation FROM alerts ORDER BY score DESC")
    assert {a[0] for a in alerts} == {"ranked_risk"}
    flagged = [a[1][0] for a in alerts]
    assert sum(s.startswith(("account:L", "account:MX")) for s in flagged) / len(flagged) >= 0.8
    assert all(a[2] for a in alerts) and "The ranker scores account" in alerts[0][3]


def test_without_labels_the_ranker_is_skipped_with_a_note_and_no_alerts(ws: Workspace, tmp_path: Path) -> None:
    load(ws, tmp_path, "transactions", _world(labelled=False), originator="FINCEN")
    report = rank(ws, load_labels(ws))
    assert report.skipped is not None and report.skipped.startswith("no usable labels")
    assert ws.count("account_scores") == 0
    assert run(ws, [RankedRisk])[0].skipped == "no rows in account_scores"


def test_too_few_training_positives_skips_rather_than_fits_noise(ws: Workspace, tmp_path: Path) -> None:
    load(ws, tmp_path, "transactions", _world(labelled=True), originator="FINCEN")
    report = rank(ws, load_labels(ws), RankerConfig(min_positives=10_000))
    assert report.skipped is not None and "training needs 10000" in report.skipped


def test_auc_and_precision_at_k() -> None:
    y = np.array([0, 0, 1, 1, 0, 1])
    assert auc(y, np.array([0.1, 0.2, 0.8, 0.9, 0.3, 0.7])) == 1.0
    assert auc(y, np.full(6, 0.5)) == 0.5
    assert auc(y, np.array([0.9, 0.8, 0.1, 0.2, 0.7, 0.3])) == 0.0
    assert auc(np.zeros(3), np.array([0.1, 0.2, 0.3])) is None
    assert precision_at(y, np.array([0.1, 0.2, 0.8, 0.9, 0.3, 0.7]), 2) == 1.0
    assert precision_at(y, np.array([0.9, 0.2, 0.8, 0.1, 0.3, 0.7]), 2) == 0.5


def _accounts(rows: list[dict[str, object]]) -> list[str]:
    return sorted({str(a) for r in rows for a in (r["from_account"], r["to_account"]) if a})


def _bad(account: str) -> bool:
    return account.startswith(("L", "MX"))


def test_labels_on_the_accounts_file_train_with_a_split_by_account(ws: Workspace, tmp_path: Path) -> None:
    world = _world(labelled=False)
    load(ws, tmp_path, "transactions", world, originator="FINCEN")
    load(ws, tmp_path, "accounts", [{"account_id": a, "institution": "Bank", "isFraud": int(_bad(a))}
                                    for a in _accounts(world)], originator="UIF", releasable_to=("MEX",))
    labels = load_labels(ws, spec="accounts:isFraud")
    assert labels.level == "accounts" and labels.positives == sum(_bad(a) for a in _accounts(world))
    report = rank(ws, labels, RankerConfig(split="account", train_fraction=0.6, top_k=10, min_positives=3))
    assert report.skipped is None and report.auc is not None and report.auc > 0.9
    assert report.split_at is not None and "accounts held out" in report.split_at
    scored = {r[0] for r in ws.backend.fetch("t", "SELECT DISTINCT account_id FROM account_scores")}
    trained_on = len(_accounts(world)) - len(scored)
    assert scored and trained_on > 0  # the held-out accounts only are scored
    # the label came from a file releasable to Mexico only: so is every score built on it
    rel = {tuple(r[0]) for r in ws.backend.fetch("t", "SELECT DISTINCT releasable_to FROM account_scores")}
    assert rel == {("MEX",)}


def test_a_truth_file_of_accounts_and_a_bad_one(ws: Workspace, tmp_path: Path) -> None:
    world = _world(labelled=False)
    load(ws, tmp_path, "transactions", world, originator="FINCEN")
    truth = tmp_path / "truth.csv"
    truth.write_text("account_id,label\n" + "".join(f"{a},{int(_bad(a))}\n" for a in _accounts(world)),
                     encoding="utf-8")
    labels = load_labels(ws, spec=f"truth:{truth}")
    assert labels.level == "accounts" and labels.positives > 0 and labels.labelled == len(_accounts(world))
    truth.write_text("account_id,label\nL1,maybe\n", encoding="utf-8")
    with pytest.raises(TenazaError, match=r"truth.csv:2: label"):
        load_labels(ws, spec=f"truth:{truth}")
    with pytest.raises(TenazaError, match="expected transactions:COLUMN"):
        load_labels(ws, spec="nowhere:x")


def test_dispositions_label_the_accounts_of_confirmed_alerts(ws: Workspace, tmp_path: Path) -> None:
    world = _world(labelled=False)
    load(ws, tmp_path, "transactions", world, originator="FINCEN")
    run(ws, select("cash"))
    alerts = ws.backend.fetch("t", "SELECT alert_id, subjects FROM alerts ORDER BY alert_id")
    assert alerts
    verdict = {a: ("confirmed" if any(_bad(s.split(":", 1)[1]) for s in subjects) else "dismissed")
               for a, subjects in alerts}
    path = tmp_path / "dispositions.csv"
    path.write_text("alert_id,disposition\n" + "".join(f"{a},{v}\n" for a, v in verdict.items()), encoding="utf-8")
    labels = load_labels(ws, spec=f"dispositions:{path}")
    assert labels.level == "accounts" and labels.positives > 0
    assert labels.positives == len({s for a, subjects in alerts if verdict[a] == "confirmed" for s in subjects})
