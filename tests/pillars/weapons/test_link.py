from __future__ import annotations

from tests.pillars.weapons.conftest import Guns, sale, trace


def test_exact_serials_link_across_punctuation_case_and_make_spellings(guns: Guns) -> None:
    guns.sales([sale("S1", "2024-01-10", "ABC-000123", make="Smith & Wesson", model="M&P15", caliber="5.56mm",
                     kind="rifle"),
                sale("S2", "2024-01-10", "XYZ999888")])
    guns.traces([trace("T1", "2024-06-10", "abc123", make="S&W", model="M&P 15", caliber=".223 Rem"),
                 trace("T2", "2024-06-10", "XYZ999888", make="GLOCK INC")])
    links = guns.links()
    assert links["T1"] == ("S1", "exact", 152)
    assert links["T2"][:2] == ("S2", "exact")


def test_o_for_zero_and_i_for_one_are_the_same_serial(guns: Guns) -> None:
    guns.sales([sale("S1", "2024-01-10", "KLM1O0456")])
    guns.traces([trace("T1", "2024-03-10", "KLMI00456")])
    assert guns.links()["T1"][:2] == ("S1", "exact")


def test_transposed_dropped_and_mistyped_characters_link_fuzzily(guns: Guns) -> None:
    guns.sales([sale("S1", "2024-01-10", "ABC654321"), sale("S2", "2024-01-11", "DEF777123"),
                sale("S3", "2024-01-12", "GHJ246810")])
    guns.traces([trace("T1", "2024-05-01", "ABC653421"),  # neighbours swapped
                 trace("T2", "2024-05-01", "DEF77123"),  # a character dropped
                 trace("T3", "2024-05-01", "GHJ246819")])  # a character mistyped
    links = guns.links()
    assert {t: links[t][:2] for t in ("T1", "T2", "T3")} == {
        "T1": ("S1", "fuzzy"), "T2": ("S2", "fuzzy"), "T3": ("S3", "fuzzy")}
    assert guns.links(max_edits=0)["T1"] == (None, "none", None)


def test_a_fuzzy_serial_needs_the_same_make(guns: Guns) -> None:
    guns.sales([sale("S1", "2024-01-10", "ABC654321", make="Ruger", model="LCP", caliber=".380 ACP")])
    guns.traces([trace("T1", "2024-05-01", "ABC653421", make="Glock")])
    assert guns.links()["T1"][0] is None


def test_missing_serials_never_link_to_each_other(guns: Guns) -> None:
    guns.sales([sale("S1", "2024-01-10", None), sale("S2", "2024-01-10", "")])
    guns.traces([trace("T1", "2024-05-01", None, bought="2023-12-01"), trace("T2", "2024-05-01", "")])
    links = guns.links()
    assert links["T1"] == (None, "none", 152)  # time-to-crime from the trace's own purchase date
    assert links["T2"] == (None, "none", None)


def test_the_same_serial_on_two_makes_is_two_guns(guns: Guns) -> None:
    guns.sales([sale("S1", "2024-01-10", "AA100200", make="Glock"),
                sale("S2", "2024-02-10", "AA100200", make="Sig Sauer", model="P320")])
    guns.traces([trace("T1", "2024-05-01", "AA100200", make="SIG SAUER", model="P320"),
                 trace("T2", "2024-05-01", "AA100200", make="Glock")])
    links = guns.links()
    assert links["T1"][0] == "S2" and links["T2"][0] == "S1"


def test_a_serial_reused_by_two_makes_and_a_trace_without_make_is_left_unlinked(guns: Guns) -> None:
    guns.sales([sale("S1", "2024-01-10", "AA100200", make="Glock", model="19"),
                sale("S2", "2024-01-10", "AA100200", make="Sig Sauer", model="19")])
    guns.traces([trace("T1", "2024-05-01", "AA100200", make=None),
                 trace("T2", "2024-05-01", "AA100200", make=None, ffl="F9")])
    links = guns.links()
    assert links["T1"][0] is None  # a tie is not guessed
    guns.sales([sale("S3", "2024-01-10", "BB300400", make="Glock", ffl="F9"),
                sale("S4", "2024-01-10", "BB300400", make="Sig Sauer")])
    guns.traces([trace("T3", "2024-05-01", "BB300400", make=None, ffl="F9")])
    assert guns.links()["T3"][0] == "S3"  # the dealer named on the trace breaks the tie


def test_a_sale_after_the_recovery_is_not_the_first_retail_sale(guns: Guns) -> None:
    guns.sales([sale("S1", "2024-01-10", "ZZ555666"), sale("S2", "2024-09-10", "ZZ555666")])
    guns.traces([trace("T1", "2024-05-01", "ZZ555666")])
    assert guns.links()["T1"][0] == "S1"
