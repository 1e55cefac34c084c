"""Targeting on small frames: past-only histories, price against the HS code, rules, capacity,
the two objectives, drift, and declarations of another shape than the scenario's."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tenaza.errors import ProblemsError, TargetingError
from tenaza.pillars.distribution.targeting import drift, evaluate, features, matrix, pipeline
from tenaza.pillars.distribution.targeting.frame import prepare
from tenaza.pillars.distribution.targeting.mapping import load_file
from tenaza.pillars.distribution.targeting.model import TargetingConfig, fit, select


def tiny(rows: list[dict[str, object]]) -> pd.DataFrame:
    return prepare(pd.DataFrame(rows))


def test_history_counts_only_earlier_days_and_smooths_new_parties() -> None:
    df = tiny([
        {"item_id": "a", "date": "2024-01-01", "importer": "X", "label_any": 1},
        {"item_id": "b", "date": "2024-01-01", "importer": "X", "label_any": 0},  # same day: not yet known
        {"item_id": "c", "date": "2024-01-02", "importer": "X", "label_any": 1},
        {"item_id": "d", "date": "2024-01-03", "importer": "X"},  # not inspected: seen, no outcome
        {"item_id": "e", "date": "2024-01-04", "importer": "X", "label_any": 0},
        {"item_id": "f", "date": "2024-01-04", "importer": "Y", "label_any": 0},
    ])
    h, totals = features.history(df, "importer", prior_any=0.1, prior_rare=0.0, smoothing=2.0)
    m = 2.0 * 0.1
    assert h[0, 2] == pytest.approx(m / 2) and h[1, 2] == pytest.approx(m / 2)  # nothing earlier than day 1
    assert h[2, 2] == pytest.approx((1 + m) / (2 + 2))  # day 1: two inspections, one violation
    assert h[4, 2] == pytest.approx((2 + m) / (3 + 2))  # the uninspected item adds no outcome
    assert np.expm1(h[4, 0]) == pytest.approx(4)  # but it was seen
    assert h[5, 2] == pytest.approx(0.1)  # a new party gets the prior
    pos = totals.keys.get_loc("X")
    assert totals.sums[pos].tolist() == [5, 4, 2, 0]


def test_history_never_crosses_releasability() -> None:
    df = tiny([
        {"item_id": "a", "date": "2024-01-01", "driver": "D", "label_any": 1, "releasable_to": ["USA"]},
        {"item_id": "b", "date": "2024-01-02", "driver": "D", "label_any": 0, "releasable_to": ["MEX", "USA"]},
        {"item_id": "c", "date": "2024-01-03", "driver": "D", "label_any": 0, "releasable_to": ["USA"]},
    ])
    h, _ = features.history(df, "driver", 0.0, 0.0, 1.0)
    assert np.expm1(h[1, 1]) == pytest.approx(0)  # the binational row does not see the US-only outcome
    assert h[2, 2] == pytest.approx(1 / 2)  # the US-only row sees the earlier US-only one


def test_unit_price_is_judged_against_its_own_hs_code() -> None:
    rng = np.random.default_rng(0)
    rows = [{"item_id": f"i{i}", "date": "2024-01-01", "hs_code": hs, "value_usd": float(p * 10), "quantity": 10}
            for i, (hs, p) in enumerate([("080440", x) for x in rng.lognormal(0, 0.1, 40)]
                                        + [("847130", x) for x in rng.lognormal(6, 0.1, 40)])]
    rows.append({"item_id": "cheap", "date": "2024-01-01", "hs_code": "847130", "value_usd": 1.0 * 10, "quantity": 10})
    df = tiny(rows)
    z = features.price_z(df, features.fit_prices(df))
    assert z[-1] < -10  # a laptop at an avocado's price
    assert np.nanmax(np.abs(z[:-1])) < 5  # each code's own items are ordinary, though the codes differ 400-fold


def test_capacity_is_k_of_each_ports_items_day_by_day() -> None:
    df = tiny([{"item_id": f"{p}{d}{i}", "date": f"2024-01-0{d}", "port": p} for p in "AB" for d in (1, 2)
               for i in range(30)])
    score = np.random.default_rng(1).random(len(df))
    rank, chosen = select(df, score, 0.05)
    assert set(rank[chosen].tolist()) <= {1, 2}  # the best of each port-day
    per = pd.DataFrame({"port": df["port"], "day": df["day"], "c": chosen}).groupby(["port", "day"])["c"].sum()
    # 1.5 items due a day: 2 on the first (rounded), 1 on the second (3 in all), at each port
    assert per.tolist() == [2, 1, 2, 1]
    assert all(score[chosen & (df["port"] == p).to_numpy() & (df["day"] == d).to_numpy()].min()
               > score[~chosen & (df["port"] == p).to_numpy() & (df["day"] == d).to_numpy()].max()
               for p in "AB" for d in df["day"].unique())
    # a quiet port with one crossing a day inspects one every twenty days at 5 %, not every crossing
    quiet = tiny([{"item_id": f"q{d}", "date": str(np.datetime64("2024-01-01") + d), "port": "Q"} for d in range(40)])
    _, q = select(quiet, np.ones(40), 0.05)
    assert int(q.sum()) == 2


def world(n: int, seed: int, *, shape: str = "eu") -> pd.DataFrame:
    """Declarations of another shape than the scenario's: EU-style columns, euros, CN8 codes,
    no driver or plate; fraud (undervaluation by some declarants) and a rare critical class
    (goods from a few consignors), inspected at random."""
    rng = np.random.default_rng(seed)
    cn = np.array([f"{c:08d}" for c in np.random.default_rng(99).integers(1_000_000, 97_000_000, 60)])
    level = np.random.default_rng(98).normal(2, 1.2, len(cn))
    n_decl, n_cons = 80, 150
    bad_decl = np.random.default_rng(97).random(n_decl) < 0.1
    bad_cons = np.random.default_rng(96).random(n_cons) < 0.04
    code = rng.integers(0, len(cn), n)
    decl = rng.integers(0, n_decl, n)
    cons = rng.integers(0, n_cons, n)
    mass = np.round(rng.lognormal(4, 1, n), 1)
    under = bad_decl[decl] & (rng.random(n) < 0.6)
    price = np.exp(level[code] + rng.normal(0, 0.3, n) - 1.3 * under)
    critical = rng.random(n) < (0.001 + 0.2 * bad_cons[cons])
    checked = rng.random(n) < 0.5
    day = np.sort(rng.integers(0, 120, n))
    out = pd.DataFrame({
        "MRN": [f"24DE{i:010d}" for i in range(n)],
        "Acceptance Date": (np.datetime64("2024-02-01") + day).astype(str),
        "Customs Office": rng.choice(["DE004201", "DE004202", "NL000396"], n),
        "CN8": cn[code], "Country of Origin": rng.choice(["CN", "TR", "IN", "US"], n),
        "Statistical Value": np.round(price * mass, 2), "Currency": "EUR", "Net Mass (kg)": mass,
        "Declarant": [f"DEC{d}" for d in decl], "Consignor": [f"CONS{c}" for c in cons]})
    if shape == "eu":
        out["Fraud"] = np.where(checked, (under | critical).astype(int).astype(str), "")
        out["Critical"] = np.where(checked, critical.astype(int).astype(str), "")
    else:  # one outcome text column, Spanish values
        out["Resultado"] = np.where(~checked, "", np.where(critical, "DROGA", np.where(under, "SUBVALUACION",
                                                                                     "SIN INCIDENCIA")))
    return out


def test_other_shape_loads_by_the_generic_mapping_and_the_model_finds_both_classes(tmp_path: Path) -> None:
    path = tmp_path / "eu_declarations.csv"
    world(12_000, 3).to_csv(path, index=False)
    frame = load_file(path)
    assert {"driver", "plate", "carrier"}.isdisjoint(frame.columns)  # absent fields stay absent
    result = pipeline.run(frame, TargetingConfig(rounds=60, min_positives=10))
    assert set(result.fitted.boosters) == {"any", "rare"}
    lab = result.frame["inspected"].to_numpy()
    base_any = result.frame.loc[lab, "label_any"].mean()
    at5 = evaluate.point(result.frame, result.score, 0.05)
    assert at5.precision_any > 3 * base_any  # far better than inspecting at random
    assert at5.recall_rare is not None and at5.recall_rare > 0.2  # random selection would find ~5 %
    assert all(result.reasons[i] for i in np.flatnonzero(result.selected)[:20])
    ports = evaluate.per_port(result.frame, result.score)
    assert {r["port"] for r in ports} == {"DE004201", "DE004202", "NL000396"}
    assert all("rare_recall@5%" in r for r in ports)


def test_rare_weight_moves_the_queue_towards_the_rare_class(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    world(12_000, 4).to_csv(path, index=False)
    frame = load_file(path)
    common = pipeline.run(frame, TargetingConfig(rounds=60, min_positives=10, rare_weight=0.0))
    rare = pipeline.run(frame, TargetingConfig(rounds=60, min_positives=10, rare_weight=1.0))
    r0 = evaluate.point(common.frame, common.score, 0.05)
    r1 = evaluate.point(rare.frame, rare.score, 0.05)
    assert (r1.recall_rare or 0) > (r0.recall_rare or 0)
    assert r0.precision_any > r1.precision_any


def test_outcome_text_column_in_spanish(tmp_path: Path) -> None:
    path = tmp_path / "pedimentos.csv"
    world(3_000, 5, shape="mx").to_csv(path, index=False)
    frame = load_file(path)
    assert frame["label_rare"].sum() > 0 and frame["label_any"].sum() > frame["label_rare"].sum()
    assert frame["label_any"].isna().sum() > 0  # not inspected: no outcome


def test_bad_input_names_file_line_and_field(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("MRN,Acceptance Date,Fraud\nA1,2024-01-02,1\nA2,yesterday,0\nA3,2024-01-03,maybe\n",
                    encoding="utf-8")
    with pytest.raises(ProblemsError) as info:
        load_file(path)
    text = [str(p) for p in info.value.problems]
    assert any("bad.csv:3" in t and "date" in t and "yesterday" in t for t in text)
    assert any("bad.csv:4" in t and "label_any" in t and "MAYBE" in t for t in text)
    nodate = tmp_path / "nodate.csv"
    nodate.write_text("MRN,Value\nA1,3\n", encoding="utf-8")
    with pytest.raises(ProblemsError, match="required field date"):
        load_file(nodate)


def test_cold_start_ranks_by_the_rules() -> None:
    rng = np.random.default_rng(2)
    rows = [{"item_id": f"i{i}", "date": f"2024-03-{1 + i % 5:02d}", "port": "2304", "hs_code": "070200",
             "value_usd": float(rng.lognormal(0, 0.1) * 100), "quantity": 100, "origin_country": "MX"}
            for i in range(200)]
    rows.append({"item_id": "odd", "date": "2024-03-05", "port": "2304", "hs_code": "070200", "value_usd": 2.0,
                 "quantity": 100, "origin_country": "MX"})
    result = pipeline.run(pd.DataFrame(rows))
    assert result.fitted.cold_start and result.mode.startswith("rules")
    top = int(np.argmax(result.score))
    assert result.frame["item_id"].iloc[top] == "odd"
    assert result.selected[top] and "unit price outlier" in result.reasons[top][0]


def test_one_day_with_outcomes_cannot_be_split() -> None:
    with pytest.raises(TargetingError, match="two or more days"):
        pipeline.run(pd.DataFrame([{"item_id": "a", "date": "2024-01-01", "label_any": 1},
                                   {"item_id": "b", "date": "2024-01-01", "label_any": 0}]))


def test_drift_is_flagged_only_when_the_traffic_moves(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    a = rng.normal(0, 1, 20_000)
    assert drift.psi(a, rng.normal(0, 1, 20_000)) < drift.WATCH
    assert drift.psi(a, rng.normal(1.5, 1, 20_000)) > drift.RETRAIN
    path = tmp_path / "d.csv"
    world(6_000, 6).to_csv(path, index=False)
    frame = prepare(load_file(path))
    train = frame["day"].to_numpy() < frame["day"].quantile(0.7)
    fitted, x, _ = fit(frame, train, TargetingConfig(rounds=30, min_positives=5))
    later = x[~train].copy()
    later[:, fitted.names.index("unit_price_z")] -= 3  # every price drops: a new valuation practice
    shifts = {s.feature: s for s in drift.compare(fitted, later, np.zeros(len(later)))}
    assert shifts["unit_price_z"].verdict == "retrain"
    assert shifts["log_quantity"].verdict == "stable"
    assert drift.summary(list(shifts.values())).startswith("retrain")


def test_raw_baseline_matrix_has_no_history_or_price_reference() -> None:
    df = tiny([{"item_id": "a", "date": "2024-01-01", "port": "X", "value_usd": 5, "quantity": 1}])
    enc = matrix.fit_encoding(df, 1.0)
    _, names = matrix.build_raw(df, enc)
    assert not any(n.endswith("_rate_any") or n == "unit_price_z" for n in names)
