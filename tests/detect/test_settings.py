"""Detector settings are checked before anything runs: a misspelt detector or setting, or a value
a setting cannot take, is one error naming it (issue 9: a typo'd name was ignored silently)."""

from __future__ import annotations

from typing import Any

import pytest

from tenaza.detect.runner import check_configs
from tenaza.errors import DetectorError


@pytest.mark.parametrize(("settings", "said"), [
    ({"structurng": {"window_days": 3}}, "no detector named 'structurng' (did you mean structuring?)"),
    ({"structuring": {"window_dayz": 3}}, "structuring.window_dayz: Extra inputs are not permitted; its settings are"),
    ({"structuring": {"window_days": "many"}}, "structuring.window_days: Input should be a valid number"),
    (["structuring"], "expected detector names"),
])
def test_a_wrong_setting_is_named(settings: Any, said: str) -> None:
    with pytest.raises(DetectorError) as info:
        check_configs(settings)
    assert said in str(info.value)


def test_good_settings_pass() -> None:
    check_configs({"structuring": {"window_days": 3}, "funnel_account": None})
