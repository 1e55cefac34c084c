import numpy as np

from tenaza.scenario.activity.frame import CH
from tenaza.scenario.activity.legit_cash import LegitPools, legit_batch
from tenaza.scenario.world import calendar
from tenaza.scenario.world.accounts import MX
from tenaza.scenario.world.config import ScenarioConfig
from tenaza.scenario.world.world import World


def test_background_batch_is_consistent() -> None:
    cfg = ScenarioConfig(20_000, seed=5)
    world = World.build(cfg)
    rng = np.random.default_rng(0)
    n = 60_000
    day = rng.integers(0, cfg.days, n)
    b = legit_batch(LegitPools(world.accounts, world.msb_recipient), world.accounts, world.memos, n, day,
                    calendar.epoch_seconds(cfg, day, rng), world.fx[day], rng)
    ch = b["channel"]
    assert (b["from_acc"][ch == CH["cash_deposit"]] == -1).all() and (b["to_acc"][ch == CH["cash_deposit"]] >= 0).all()
    assert (b["to_acc"][ch == CH["cash_withdrawal"]] == -1).all()
    assert (b["amount"] > 0).all() and (b["truth"] == -1).all()
    mx = world.accounts.system[np.where(b["from_acc"] >= 0, b["from_acc"], b["to_acc"])] == MX
    assert (b["currency"][mx] == 1).all() and (b["currency"][~mx] == 0).all()
    big = mx & (b["amount_usd"] > 50)  # cents rounding moves the ratio of tiny amounts
    ratio = b["amount"][big] / b["amount_usd"][big]
    assert 16 < ratio.min() and ratio.max() < 21.5  # the 2024 peso
    # Honest cash deposits reach the reporting threshold region too, so amounts alone prove nothing.
    cash = b["amount_usd"][(ch == CH["cash_deposit"]) & ~mx]
    assert ((cash >= 8_000) & (cash < 10_000)).sum() > 10 and (cash >= 10_000).sum() > 10


def test_sunday_is_quiet() -> None:
    w = calendar.day_weights(ScenarioConfig(20_000))
    assert w[6] < 0.6 * w[1]  # 2024-01-07 was a Sunday, 2024-01-02 a Tuesday
