"""SHAP contributions of the ranker's scores, and the reasons an analyst reads.

Contributions are Tree SHAP values (Lundberg et al., 2018) in log-odds: for each score, every
feature's push up or down from the model's average, adding up to the score's log-odds. They
come from the ``shap`` package's TreeExplainer where it is installed and works, and otherwise
from LightGBM's own implementation of the same algorithm (``pred_contrib=True``); the two give
the same numbers (a test checks it).
"""

from __future__ import annotations

import logging
import math
from typing import TYPE_CHECKING, Any

from tenaza.rank.features import FEATURES

if TYPE_CHECKING:
    import numpy as np

log = logging.getLogger("tenaza")


def contributions(booster: Any, x: np.ndarray) -> tuple[np.ndarray, str]:
    """(n rows x n features) SHAP values in log-odds, and which implementation gave them."""
    import numpy as np

    try:
        import warnings

        import shap

        with warnings.catch_warnings():  # shap notes that binary LightGBM output is a list of arrays
            warnings.simplefilter("ignore", UserWarning)
            values = shap.TreeExplainer(booster).shap_values(x)
        if isinstance(values, list):  # older shap: one array per class
            values = values[-1]
        return np.asarray(values, dtype=float), "shap.TreeExplainer"
    except Exception as exc:  # noqa: BLE001 - any failure of the optional package falls back to LightGBM's
        log.info("shap unavailable (%s); using LightGBM's pred_contrib", exc)
        raw = np.asarray(booster.predict(x, pred_contrib=True), dtype=float)
        return raw[:, :-1], "lightgbm pred_contrib"


def reason(feature: str, value: float, contribution: float) -> str:
    """'12 cash deposits between $8,000 and $10,000 (...) raised the score (+1.35)'."""
    words, fmt = FEATURES[feature]
    shown = "unknown" if value is None or (isinstance(value, float) and math.isnan(value)) else fmt.format(value)
    verb = "raised" if contribution > 0 else "lowered"
    return f"{words}: {shown}, {verb} the score ({contribution:+.2f})"


def reasons(names: list[str], row: np.ndarray, contrib: np.ndarray, top: int) -> list[str]:
    """The ``top`` strongest contributions of one score, strongest first, in words."""
    import numpy as np

    order = np.argsort(-np.abs(contrib))[:top]
    return [reason(names[i], float(row[i]), float(contrib[i])) for i in order if contrib[i] != 0]
