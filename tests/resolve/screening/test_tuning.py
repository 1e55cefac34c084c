"""The shipped threshold holds its measured quality on the labelled pairs (a quality guard)."""

from __future__ import annotations

from tenaza.resolve.screening.matcher import ScreeningConfig
from tenaza.resolve.screening.pairs import PAIRS, SDN, build, read
from tenaza.resolve.screening.tuning import choose, measure, pair_scores


def test_labelled_pairs_are_reproducible_and_refer_to_listed_entries() -> None:
    shipped = read(PAIRS)
    assert [(p.query_name, p.entry_id, p.label) for p in build()] == [(p.query_name, p.entry_id, p.label) for p in shipped]
    assert {p.label for p in shipped} == {0, 1} and len(shipped) >= 500
    assert SDN.is_file()


def test_default_threshold_keeps_recall_and_false_positives() -> None:
    pairs = read(PAIRS)
    points = measure(pairs, pair_scores(pairs), grid=(ScreeningConfig().threshold,))
    (at_default,) = points
    assert at_default.recall >= 0.95
    assert at_default.false_positive_rate <= 0.02
    assert choose(points).threshold == ScreeningConfig().threshold
