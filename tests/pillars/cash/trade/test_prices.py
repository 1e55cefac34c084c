from __future__ import annotations

import json
from pathlib import Path

import pytest

from tenaza.detect import run
from tenaza.pillars.cash.trade.prices import TradePrices
from tenaza.store import Workspace

from .trade_helpers import alerts, export, load


def _market(n: int = 30) -> list[dict[str, object]]:
    """Steel exports at 0.80-1.00 USD/kg, from many exporters."""
    return [export(f"E{i}", f"2024-03-{1 + i % 28:02d}", f"Exporter {i} LLC", f"Importador {i} SA de CV",
                   "7208.39.0030", 10_000 + 100 * i, round((10_000 + 100 * i) * (0.80 + 0.2 * (i % 7) / 6), 2))
            for i in range(n)]


def test_over_and_under_priced_exports_are_flagged_with_the_value_moved(ws: Workspace, tmp_path: Path) -> None:
    planted = [export("OVER", "2024-03-10", "Aceros Fantasma LLC", "Importadora Norte SA de CV", "720839", 20_000,
                      60_000.0),
               export("UNDER", "2024-03-11", "Cheap Steel Inc", "Importadora Sur SA de CV", "720839", 40_000, 8_000.0)]
    load(ws, tmp_path, "trade_declarations", _market() + planted)
    run(ws, [TradePrices])
    found = {json.loads(f[4])["value_usd"]: f for f in alerts(ws, "cash_trade_prices")}
    assert sorted(f[0] for f in found.values()) == ["over_invoicing", "under_invoicing"]
    over = found[60_000.0]
    assert "decl:OVER" in over[2] and "party:Aceros Fantasma LLC" in over[2]
    figures = json.loads(over[4])
    # against the median (arm's length); Zdanowicz's conservative figure against the upper quartile
    assert figures["value_moved_usd"] == pytest.approx(60_000 - 20_000 * figures["group_median_usd"], abs=1)
    assert figures["value_moved_lower_bound_usd"] == pytest.approx(60_000 - 20_000 * figures["group_q3_usd"], abs=1)
    assert figures["value_moved_usd"] > figures["value_moved_lower_bound_usd"] > 35_000
    assert "times the median" in over[5] and 0.5 <= over[1] <= 1.0


def test_prices_within_the_fences_and_small_groups_stay_quiet(ws: Workspace, tmp_path: Path) -> None:
    near_miss = [export("HIGHISH", "2024-03-10", "Fair Steel LLC", "Importadora SA", "720839", 20_000, 23_000.0),
                 # far off, but its group (another HS heading) has too few declarations to be a norm
                 export("ALONE", "2024-03-10", "Other LLC", "Otro SA", "850440", 10, 90_000.0),
                 export("ALONE2", "2024-03-11", "Other LLC", "Otro SA", "850440", 10, 900.0)]
    load(ws, tmp_path, "trade_declarations", _market() + near_miss)
    run(ws, [TradePrices])
    assert alerts(ws, "cash_trade_prices") == []


def test_materiality_threshold_suppresses_small_shipments(ws: Workspace, tmp_path: Path) -> None:
    small = [export("SMALL", "2024-03-10", "Tiny LLC", "Chico SA", "720839", 100, 400.0)]  # 4 USD/kg, 300 USD moved
    load(ws, tmp_path, "trade_declarations", _market() + small)
    run(ws, [TradePrices])
    assert alerts(ws, "cash_trade_prices") == []
    run(ws, [TradePrices], {"cash_trade_prices": {"min_value_moved_usd": 100}})
    assert [a[0] for a in alerts(ws, "cash_trade_prices")] == ["over_invoicing"]


def test_a_group_a_third_misdeclared_still_shows_every_inflated_price(ws: Workspace, tmp_path: Path) -> None:
    """Quartiles move once a quarter of a group is misdeclared; the median and MAD do not."""
    inflated = [export(f"INF{i}", f"2024-04-{1 + i:02d}", "Front LLC", "Fachada SA", "720839", 10_000 + 500 * i,
                       round((10_000 + 500 * i) * 4.0, 2)) for i in range(12)]
    load(ws, tmp_path, "trade_declarations", _market() + inflated)
    run(ws, [TradePrices])
    found = alerts(ws, "cash_trade_prices")
    assert sorted(a[2][0] for a in found) == sorted(f"decl:INF{i}" for i in range(12))
    assert {a[0] for a in found} == {"over_invoicing"}


def _relationship(prefix: str, exporter: str, importer: str, prices: list[float]) -> list[dict[str, object]]:
    return [export(f"{prefix}{i}", f"2024-05-{1 + i:02d}", exporter, importer, "720839", 10_000, round(10_000 * p, 2))
            for i, p in enumerate(prices)]


def test_a_premium_lot_in_an_established_relationship_is_not_alerted_but_a_repeated_one_is(
        ws: Workspace, tmp_path: Path) -> None:
    """One lot at three times the market among six at market price is a product-mix change; four in a row is not."""
    steady = _relationship("STEADY", "Steady Steel LLC", "Compradora Fiel SA", [0.9] * 6 + [2.7])
    front = _relationship("FRONT", "Aceros Caros LLC", "Fachada Norte SA", [2.7] * 4)
    load(ws, tmp_path, "trade_declarations", _market() + steady + front)
    run(ws, [TradePrices])
    found = alerts(ws, "cash_trade_prices")
    assert sorted(a[2][0] for a in found) == [f"decl:FRONT{i}" for i in range(4)]
    figures = json.loads(found[0][4])
    assert figures["relationship_off_market"] == 4 and figures["chance_of_repeat"] < 0.01
    assert "4 of the 4 declarations between these parties" in found[0][5]
    # the same premium lot with no track record behind it is still alerted
    run(ws, [TradePrices], {"cash_trade_prices": {"min_history": 7}})
    assert "decl:STEADY6" in [a[2][0] for a in alerts(ws, "cash_trade_prices")]


def test_an_exporter_priced_high_with_all_its_buyers_sells_at_its_own_price_level(ws: Workspace,
                                                                                  tmp_path: Path) -> None:
    brand = [export(f"BRAND{i}", f"2024-05-{1 + i:02d}", "Premium Alloys LLC", f"Buyer {i} SA", "720839", 10_000,
                    27_000.0) for i in range(3)]
    load(ws, tmp_path, "trade_declarations", _market() + brand)
    run(ws, [TradePrices])
    assert alerts(ws, "cash_trade_prices") == []
    run(ws, [TradePrices], {"cash_trade_prices": {"house_price_buyers": 4}})
    assert len(alerts(ws, "cash_trade_prices")) == 3


def test_one_seller_filing_half_a_small_market_is_not_taken_for_the_market(ws: Workspace, tmp_path: Path) -> None:
    """Counted by declaration, a seller with 14 of a group's 33 prices holds its median and MAD near their
    breakdown point; counted once per seller, the five sellers' market shows its prices for what they are."""
    honest = [export(f"H{i}", f"2024-{1 + i % 12:02d}-05", "Parker Foods LP", "Importadora Azteca SA de CV",
                     "293399", 1_000, 1_000 * (40 + 25 * (i % 8) / 7)) for i in range(16)]
    others = [export(f"O{i}", "2024-06-01", name, f"Quimica {i} SA de CV", "293399", 1_000, 1_000 * price,
                     origin_country=origin, departure_country=origin, reporting_country="MEX", direction="import")
              for i, (name, origin, price) in enumerate((("Mumbai Chemicals Pvt Ltd", "IND", 51.3),
                                                         ("Shanghai Sunrise Co Ltd", "CHN", 45.5),
                                                         ("Taipei Formosa Co", "TWN", 54.7)))]
    inflated = [export(f"S{i}", f"2024-{1 + i % 12:02d}-20", "Sunbelt Imports LLC", "Importadora Ortiz SAPI de CV",
                       "293399", 1_000, 1_000 * (190 + 12 * i)) for i in range(14)]
    load(ws, tmp_path, "trade_declarations", honest + others + inflated)
    run(ws, [TradePrices])
    found = alerts(ws, "cash_trade_prices")
    flagged = {e for f in found for e in f[2] if e.startswith("decl:")}
    assert flagged == {f"decl:S{i}" for i in range(14)}
    figures = json.loads(found[0][4])
    assert figures["group_sellers"] == 5 and figures["group_size"] == 33
    assert figures["norm"] == "hs6 into the country, each seller once"
    assert 45 <= figures["group_median_usd"] <= 60
    # with the weighting off (a seller needs more sellers beside it than the market has), the busy seller hides
    run(ws, [TradePrices], {"cash_trade_prices": {"min_sellers": 6}})
    assert alerts(ws, "cash_trade_prices") == []



def _alone() -> list[dict[str, object]]:
    """14 lots of HS 9403.60 at 4-6 times the going price from a seller nobody else competes with."""
    return [export(f"F{i}", f"2024-04-{1 + i:02d}", "Muebles Solos LLC", "Importadora Sola SA de CV", "940360",
                   100, 100 * 140.0 * (4 + (i % 3))) for i in range(14)]


def test_the_run_says_how_many_declarations_had_a_market_to_be_judged_against(ws: Workspace,
                                                                                tmp_path: Path) -> None:
    # the lone seller's prices are compared only with its own, and the run says so
    load(ws, tmp_path, "trade_declarations", _market() + _alone())
    (done,) = run(ws, [TradePrices])
    assert any("44 priced declarations: 30 judged against other sellers' prices, 14 (32%) only against their own "
               "seller's" in n and "0 not judged" in n for n in done.notes), done.notes
    assert done.warnings == []


def test_without_markets_the_run_warns_with_the_figures_and_the_setting(ws: Workspace, tmp_path: Path) -> None:
    load(ws, tmp_path, "trade_declarations", _alone())
    (done,) = run(ws, [TradePrices])
    assert any("14 priced declarations: 0 judged against other sellers' prices, 14 (100%)" in w
               and "lower min_group" in w for w in done.warnings), done.warnings


def test_a_big_sellers_ordinary_lot_to_lot_spread_is_not_taken_for_over_invoicing(ws: Workspace,
                                                                                   tmp_path: Path) -> None:
    """Three sellers of one or two lots each, all at about 1.00 USD/kg, make the seller-weighted norm and its MAD
    (clamped at min_spread); a big seller's 60 ordinary lots at 0.94-1.43 USD/kg would stand beyond 3.5 robust
    deviations by the third. The data's lot-to-lot spread (the MAD of a seller's own prices of the goods) is the
    least spread a price is judged against, so only the relationship priced at three times the market shows."""
    steps = (0.85, 0.92, 1.0, 1.08, 1.18, 1.3)
    big = [export(f"B{i}", f"2024-{1 + i % 12:02d}-{1 + i // 12:02d}", "Lone Star Steel Corp",
                  "Importadora Beltran SA de CV", "721049", 100_000, round(100_000 * 1.1 * steps[i % 6], 2))
           for i in range(60)]
    small = [export(f"T{i}", f"2024-0{1 + i}-15", name, f"Ferretera {i} SA de CV", "721049", 100_000, 100_000 * p)
             for i, (name, p) in enumerate((("Gulf Metals LLC", 0.98), ("Gulf Metals LLC", 1.0),
                                            ("Border Zinc Inc", 1.02), ("Delta Coil Co", 0.99)))]
    inflated = [export(f"X{i}", f"2024-0{3 + i}-20", "Acero Fantasma LLC", "Importadora Ortiz SAPI de CV",
                       "721049", 100_000, 100_000 * 3.1) for i in range(2)]
    load(ws, tmp_path, "trade_declarations", _market() + big + small + inflated)
    run(ws, [TradePrices])
    found = alerts(ws, "cash_trade_prices")
    assert {e for f in found for e in f[2] if e.startswith("decl:")} == {"decl:X0", "decl:X1"}
    figures = json.loads(found[0][4])
    assert figures["group_sellers"] == 5 and figures["group_mad"] < figures["lot_spread"]
    assert 0.1 < figures["lot_spread"] < 0.15  # the big seller's own MAD: the only seller with 3 lots or more
