from __future__ import annotations

import pytest

from tenaza.errors import JudgementError
from tenaza.resolve.judgements import current, judge
from tenaza.store import Workspace

from .conftest import add_parties


def test_judgements_name_existing_records(workspace: Workspace) -> None:
    a, b = add_parties(workspace, [{"name": "Ana Ruiz"}, {"name": "Ana Ruiz Soto"}])
    with pytest.raises(JudgementError, match="no party record '9:9'"):
        judge(workspace, "merge", a, "9:9", analyst="ana")
    with pytest.raises(JudgementError, match="no entity"):
        judge(workspace, "split", "E-000000000000", b, analyst="ana")
    with pytest.raises(JudgementError, match="itself"):
        judge(workspace, "split", a, a, analyst="ana")
    made = judge(workspace, "merge", b, a, analyst="ana", reason="same CURP on paper")
    assert [(j.decision, j.record_a, j.record_b) for j in made] == [("merge", min(a, b), max(a, b))]
    assert [j.reason for j in current(workspace)] == ["same CURP on paper"]
