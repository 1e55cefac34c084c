from __future__ import annotations

from typing import Any

import pytest

from tenaza.rank.explain import contributions, reason, reasons
from tenaza.rank.features import FEATURES

np = pytest.importorskip("numpy")
lgb = pytest.importorskip("lightgbm")


def _model() -> tuple[Any, Any]:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(400, len(FEATURES)))
    y = (x[:, 6] + 0.5 * x[:, 4] + rng.normal(scale=0.3, size=400) > 0.8).astype(float)
    booster = lgb.train({"objective": "binary", "verbose": -1, "num_threads": 1, "seed": 0},
                        lgb.Dataset(x, label=y, feature_name=list(FEATURES)), num_boost_round=30)
    return booster, x


def test_shap_package_and_lightgbm_give_the_same_contributions() -> None:
    pytest.importorskip("shap")
    booster, x = _model()
    values, how = contributions(booster, x[:50])
    assert how == "shap.TreeExplainer"
    native = booster.predict(x[:50], pred_contrib=True)
    assert values.shape == (50, len(FEATURES))
    assert np.allclose(values, native[:, :-1], atol=1e-6)
    # contributions plus the bias add up to the log-odds of the score
    raw = booster.predict(x[:50], raw_score=True)
    assert np.allclose(values.sum(axis=1) + native[:, -1], raw, atol=1e-6)


def test_reasons_name_the_strongest_features_in_words_with_their_sign() -> None:
    names = list(FEATURES)
    row = np.zeros(len(names))
    row[names.index("n_near_ctr")] = 12
    row[names.index("account_age_days")] = np.nan
    contrib = np.zeros(len(names))
    contrib[names.index("n_near_ctr")] = 1.35
    contrib[names.index("account_age_days")] = -0.4
    contrib[names.index("n_wire")] = 0.1
    got = reasons(names, row, contrib, top=2)
    first = "cash deposits between $8,000 and $10,000 (just under the report threshold): 12, raised the score (+1.35)"
    assert got == [first, "age of the account in days: unknown, lowered the score (-0.40)"]
    assert reason("pass_through", 0.97, 0.5).startswith("share of the money received that went out again: 97%")
