from __future__ import annotations

from tests.pillars.weapons.conftest import Guns, sale, trace


def test_short_time_to_crime_and_a_different_possessor(guns: Guns) -> None:
    guns.sales([sale("S1", "2024-01-10", "AAA111222", purchaser="SMITH, JOHN"),
                sale("S2", "2024-01-10", "AAA111333", purchaser="SMITH, JOHN"),
                sale("S3", "2015-01-10", "BBB111222", purchaser="MARY JONES")])
    guns.traces([trace("T1", "2024-04-10", "AAA111222", possessor="JUAN PÉREZ"),
                 trace("T2", "2024-05-10", "AAA111333", possessor="John Smith"),
                 trace("T3", "2024-05-10", "BBB111222")])
    short = guns.detect("weapons_short_time_to_crime")
    assert len(short) == 1 and short[0]["figures"]["guns"] == 2
    assert set(short[0]["subjects"]) == {"sale:S1", "sale:S2", "trace:T1", "trace:T2"}
    assert len(short[0]["evidence"]) == 4
    mismatch = guns.detect("weapons_purchaser_not_possessor")
    assert [a["subjects"] for a in mismatch] == [["sale:S1", "trace:T1"]]  # John Smith is SMITH, JOHN
    assert mismatch[0]["score"] > 0.8


def test_rifle_rule_only_in_border_states_and_handguns_everywhere(guns: Guns) -> None:
    guns.sales([sale("R1", "2024-03-01", "R1", "Colt", "M4", "5.56", kind="rifle", state="AZ", purchaser="A B"),
                sale("R2", "2024-03-07", "R2", "Colt", "M4", "5.56", kind="rifle", state="AZ", purchaser="A B",
                     ffl="F2"),  # Friday to Thursday: five business days
                sale("R3", "2024-03-01", "R3", "Colt", "M4", "5.56", kind="rifle", state="OH", purchaser="C D"),
                sale("R4", "2024-03-02", "R4", "Colt", "M4", "5.56", kind="rifle", state="OH", purchaser="C D"),
                sale("R5", "2024-03-01", "R5", "Ruger", "10/22", ".22 LR", kind="rifle", purchaser="E F"),
                sale("R6", "2024-03-01", "R6", "Ruger", "10/22", ".22 LR", kind="rifle", purchaser="E F"),
                sale("H1", "2024-03-01", "H1", purchaser="G H", state="OH", reported=True),
                sale("H2", "2024-03-01", "H2", purchaser="G H", state="OH", reported=True),
                sale("H3", "2024-03-01", "H3", purchaser="I J"),
                sale("H4", "2024-03-12", "H4", purchaser="I J")])  # seven business days apart
    # the reported pair of pistols at one shop is the report ATF already holds: listed only on request
    assert {tuple(a["subjects"]) for a in guns.detect("weapons_multiple_sales")} == {("sale:R1", "sale:R2")}
    alerts = {tuple(a["subjects"]): a for a in guns.detect("weapons_multiple_sales", {"plain_reported": True})}
    assert set(alerts) == {("sale:R1", "sale:R2"), ("sale:H1", "sale:H2")}
    rifles = alerts[("sale:R1", "sale:R2")]
    assert rifles["figures"]["unreported"] == 2 and rifles["figures"]["dealers"] == 2
    assert rifles["score"] > alerts[("sale:H1", "sale:H2")]["score"]


def test_repeated_cartel_calibers(guns: Guns) -> None:
    guns.sales([sale(f"S{i}", f"2024-0{i}-01", f"X{i}", "Century Arms", "WASR-10", "7.62x39mm", kind="rifle",
                     purchaser="K L") for i in range(1, 4)]
               + [sale("Q1", "2024-01-01", "Q1", "Barrett", "M82A1", ".50 BMG", kind="rifle", purchaser="M N")])
    alerts = guns.detect("weapons_cartel_calibers")
    assert len(alerts) == 1 and alerts[0]["figures"]["guns"] == 3 and alerts[0]["figures"]["days"] == 3


def test_rings_and_repeat_purchasers(guns: Guns) -> None:
    guns.sales([sale("S1", "2024-01-10", "AAA000001", purchaser="P ONE", ffl="F7"),
                sale("S2", "2024-01-12", "AAA000002", purchaser="P TWO", ffl="F7"),
                sale("S3", "2024-02-12", "AAA000003", purchaser="P TWO", ffl="F8")])
    guns.traces([trace(f"T{i}", "2024-06-01", f"AAA00000{i}") for i in (1, 2, 3)])
    alerts = guns.detect("weapons_traced_purchasers")
    by = {a["typology"]: a for a in alerts}
    assert by["repeat_traced_purchaser"]["figures"]["traced_guns"] == 2
    assert "ffl:F7" in by["purchaser_ring"]["subjects"] and by["purchaser_ring"]["figures"]["purchasers"] == 2


def test_a_dealer_traced_far_beyond_its_volume(guns: Guns) -> None:
    rows = [sale(f"H{i}", "2024-01-10", f"HOT{i:05d}", ffl="HOT") for i in range(20)]
    rows += [sale(f"C{i}", "2024-01-10", f"COLD{i:05d}", ffl=f"C{i % 10}") for i in range(2000)]
    guns.sales(rows)
    guns.traces([trace(f"T{i}", "2024-06-01", f"HOT{i:05d}") for i in range(8)]
                + [trace(f"U{i}", "2024-06-01", f"COLD{i:05d}") for i in range(0, 2000, 201)])
    alerts = guns.detect("weapons_dealer_trace_excess")
    assert [a["subjects"] for a in alerts] == [["ffl:HOT"]]
    f = alerts[0]["figures"]
    assert f["traced_from_mexico"] == 8 and 0.0 < f["expected"] < 0.2 and f["z"] > 3.09
    assert guns.detect("weapons_dealer_trace_excess", {"overdispersion": 50.0}) == []


def test_one_name_in_two_states_is_two_purchasers(guns: Guns) -> None:
    # a handgun is sold only to a resident of the dealer's state (18 U.S.C. 922(b)(3))
    guns.sales([sale("A1", "2024-03-04", "A1", ffl="TX1", state="TX", purchaser="JAMES SMITH"),
                sale("A2", "2024-03-05", "A2", ffl="OH1", state="OH", purchaser="SMITH, JAMES"),
                sale("B1", "2024-03-04", "B1", ffl="TX1", state="TX", purchaser="MARY JONES"),
                sale("B2", "2024-03-05", "B2", ffl="TX2", state="TX", purchaser="JONES, MARY")])
    alerts = guns.detect("weapons_multiple_sales")
    assert [a["subjects"] for a in alerts] == [["sale:B1", "sale:B2"]]


def test_a_mismatch_years_after_the_sale_is_not_alerted_by_default(guns: Guns) -> None:
    guns.sales([sale("S1", "2018-01-10", "CCC111222", purchaser="ANA RUIZ")])
    guns.traces([trace("T1", "2024-04-10", "CCC111222", possessor="JUAN PÉREZ")])  # six years later
    assert guns.detect("weapons_purchaser_not_possessor") == []
    listed = guns.detect("weapons_purchaser_not_possessor", {"short_only": False})
    assert [a["subjects"] for a in listed] == [["sale:S1", "trace:T1"]] and listed[0]["score"] < 0.5
