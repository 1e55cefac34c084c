import pytest

from tenaza.scenario.world.config import ScenarioConfig, Sizes, parse_scale


def test_parse_scale() -> None:
    assert parse_scale("tiny") == 20_000
    assert parse_scale("2e6") == 2_000_000
    assert parse_scale("10_000_000") == 10_000_000
    with pytest.raises(ValueError, match="expected tiny"):
        parse_scale("huge")
    with pytest.raises(ValueError, match="at least"):
        parse_scale("100")


def test_sizes_grow_with_scale_and_orgs_more_slowly() -> None:
    small, big = Sizes.for_transactions(20_000), Sizes.for_transactions(10_000_000)
    assert big.persons_us > 100 * small.persons_us / 2
    assert 3 <= small.orgs < big.orgs <= 30


def test_named_streams_are_independent_and_reproducible() -> None:
    cfg = ScenarioConfig(20_000, seed=9)
    a = cfg.rng("persons").integers(0, 10**9, 3)
    assert list(a) == list(ScenarioConfig(20_000, seed=9).rng("persons").integers(0, 10**9, 3))
    assert list(a) != list(cfg.rng("accounts").integers(0, 10**9, 3))
    assert list(a) != list(ScenarioConfig(20_000, seed=10).rng("persons").integers(0, 10**9, 3))
