from pathlib import Path

import pytest

from tenaza.errors import OutcomesError
from tenaza.outcomes.framework import load_framework


def test_default_framework_mirrors_the_2017_pillars() -> None:
    fw = load_framework()
    assert [p.id for p in fw.pillars] == ["production", "distribution", "cash", "weapons", "demand", "violence",
                                          "judicial"]
    ind = fw.indicator("overdose_us")
    assert ind.direction == "down_is_good" and ind.targets and ind.frequency == "month"
    assert fw.pillar_of("homicide_rate_mx").id == "violence"


def test_every_problem_of_a_framework_is_reported_with_its_field(tmp_path: Path) -> None:
    bad = tmp_path / "fw.yaml"
    bad.write_text("""
name: x
title: {en: X, es: X}
pillars:
  - id: p
    title: {en: P, es: P}
    objectives:
      - id: o
        title: {en: O, es: O}
        indicators:
          - {id: a, series: s, geo_level: state, geo: "08", frequency: weekly, unit: u, direction: up,
             source: s, title: {en: A, es: A}}
""")
    with pytest.raises(OutcomesError) as err:
        load_framework(bad)
    fields = {p.field for p in err.value.problems}
    assert "pillars[0].objectives[0].indicators[0].frequency" in fields
    assert "pillars[0].objectives[0].indicators[0].direction" in fields
    assert str(bad) in str(err.value)


def test_duplicate_indicator_ids_are_refused(tmp_path: Path) -> None:
    ind = ("{id: a, series: s, geo_level: national, geo: MEX, frequency: year, unit: u, direction: up_is_good, "
           "source: s, title: {en: A, es: A}}")
    bad = tmp_path / "fw.yaml"
    bad.write_text(f"name: x\ntitle: {{en: X, es: X}}\npillars:\n  - id: p\n    title: {{en: P, es: P}}\n"
                   f"    objectives:\n      - id: o\n        title: {{en: O, es: O}}\n"
                   f"        indicators: [{ind}, {ind}]\n")
    with pytest.raises(OutcomesError, match="used twice"):
        load_framework(bad)


def test_unknown_indicator_names_the_known_ones() -> None:
    with pytest.raises(OutcomesError, match="homicide_rate_mx"):
        load_framework().indicator("nope")
