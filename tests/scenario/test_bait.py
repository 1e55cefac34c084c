
from tenaza.scenario.activity import bait
from tenaza.scenario.activity.frame import CH, concat
from tenaza.scenario.world.config import ScenarioConfig
from tenaza.scenario.world.world import World


def test_honest_look_alikes_are_planted_without_truth() -> None:
    world = World.build(ScenarioConfig(200_000, seed=4))
    bait.plant(world)
    ev = concat(world.events)
    assert (ev["truth"] == -1).all()
    wires = ev["channel"] == CH["wire"]
    edges = set(zip(ev["from_acc"][wires].tolist(), ev["to_acc"][wires].tolist(), strict=True))
    # cash pooling: some A -> B -> C -> A among the wires
    assert any((b, c) in edges and (c, a) in edges for a, b in edges for (x, c) in edges if x == b and c != a)
    # students: cash deposited away from the account's own branch, small amounts
    dep = ev["channel"] == CH["cash_deposit"]
    away = ev["place"][dep] != world.accounts.place[ev["to_acc"][dep]]
    assert away.any() and (ev["amount_usd"][dep][away] <= 1_500).all()
    # daily depositors: some honest deposits between $8,000 and $10,000
    amounts = ev["amount_usd"][dep]
    assert ((amounts >= 8_000) & (amounts < 10_000)).any()
