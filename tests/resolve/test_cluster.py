from __future__ import annotations

from tenaza.resolve.cluster import cluster


def test_links_chain_records_into_clusters() -> None:
    result = cluster(5, [(0, 1), (1, 2), (3, 4)])
    assert result.labels[0] == result.labels[1] == result.labels[2]
    assert result.labels[3] == result.labels[4] != result.labels[0]
    assert len(result.unions) == 3


def test_a_split_refuses_the_links_that_would_join_the_split_records() -> None:
    result = cluster(4, [(0, 1), (1, 2), (2, 3)], splits=[(0, 2)])
    assert result.labels[0] == result.labels[1]
    assert result.labels[2] == result.labels[3] != result.labels[0]
    assert result.refused_links == 1


def test_merges_join_what_the_model_did_not_and_lose_to_splits() -> None:
    result = cluster(4, [], merges=[(0, 3), (1, 3)], splits=[(0, 1)])
    assert result.labels[0] == result.labels[3] != result.labels[1]
    assert result.refused_merges == 1
    assert [how for *_, how in result.unions] == ["analyst"]
