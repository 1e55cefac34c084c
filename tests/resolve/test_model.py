"""The model report, and a model that cannot silently break: every optional column removed in
turn still gives a model with name comparisons; a failed EM step restores the model and says
so; a model that lost its name comparisons is refused; the explanation adds up."""

from __future__ import annotations

import json
import math
import random
from datetime import date, timedelta
from typing import Any

import pytest

from tenaza.errors import ModelRefused
from tenaza.resolve.comparisons import NAME_COMPARISONS
from tenaza.resolve.engine import scratch
from tenaza.resolve.linkage import LinkageConfig, ModelReport, predict
from tenaza.resolve.pipeline import prepare, resolve
from tenaza.schema import TABLES
from tenaza.store import Workspace

from .conftest import GIVEN, SURNAMES, add_parties

REQUIRED = {"party_id", "kind", "name"}
OPTIONAL = [c.name for c in TABLES["parties"].columns if c.name not in REQUIRED
            and c.name in {"given_names", "paternal_surname", "maternal_surname", "aliases", "dob", "nationality",
                           "country", "state", "city", "address", "postcode", "phone", "email", "other_ids"}]
# EM on a small workspace: the tests must exercise training, not only the documented priors.
SMALL = LinkageConfig(min_records_for_em=50, u_pairs=2e4, em_pairs=2e4)


def people(n: int = 90, seed: int = 5) -> list[dict[str, Any]]:
    """People written two ways each, with every optional column that resolution reads."""
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        g, p, m = rng.choice(GIVEN), rng.choice(SURNAMES), rng.choice(SURNAMES)
        dob = date(1950, 1, 1) + timedelta(days=rng.randrange(20000))
        base = {"dob": dob, "country": "MEX", "nationality": "MEX", "city": rng.choice(["Tijuana", "Mexicali"]),
                "state": "BC", "address": f"Calle {rng.randrange(1, 99)} #{i}", "postcode": f"22{i:03d}",
                "phone": f"+52 664 {100 + i} {rng.randrange(1000, 9999)}", "email": f"{g.lower()}{i}@correo.mx",
                "other_ids": [f"ine:{i:08d}"], "aliases": [f"El {p}"]}
        rows.append({**base, "name": f"{g} {p} {m}", "given_names": g, "paternal_surname": p,
                     "maternal_surname": m})
        rows.append({**base, "name": f"{p.upper()} {m.upper()}, {g}", "given_names": g, "paternal_surname": p,
                     "maternal_surname": m})
    return rows


def model_of(tmp_path: Any, rows: list[dict[str, Any]], config: LinkageConfig = SMALL) -> ModelReport:
    with Workspace.create(tmp_path / f"ws{random.random()}.duckdb") as ws:
        add_parties(ws, rows)
        with scratch(ws.backend) as sx:
            prepare(sx)
            report = ModelReport()
            predict(sx, "r_features", config, report)
    return report


@pytest.mark.parametrize("column", OPTIONAL)
def test_no_column_removed_leaves_a_model_without_name_comparisons(tmp_path: Any, column: str) -> None:
    rows = [{k: v for k, v in r.items() if k != column} for r in people()]
    report = model_of(tmp_path, rows)
    names = {c["name"] for c in report.comparisons}
    assert set(NAME_COMPARISONS) - {"company_name"} <= names, (column, names)
    for c in report.comparisons:
        for lv in c["levels"]:
            assert 0 < lv["m"] <= 1 and 0 < lv["u"] <= 1, (column, c["name"], lv)
    assert 0 < (report.prior or 0) < 1
    assert any(b["used"] for b in report.blocking)
    assert report.profile.get(column.replace("given_names", "given1"), {"filled": 0})["filled"] >= 0


def test_without_maternal_surnames_names_are_still_trained_and_blocked(tmp_path: Any) -> None:
    rows = [{k: v for k, v in r.items() if k not in ("maternal_surname",)} | {"name": f"{r['given_names']} "
            f"{r['paternal_surname']}"} for r in people()]
    report = model_of(tmp_path, rows)
    em = {e["rule"]: e for e in report.em_blocks}
    assert "surnames" in em["l.dob = r.dob"]["trained"] and "given_name" in em["l.dob = r.dob"]["trained"]
    assert em["l.pat_ph = r.pat_ph AND l.given1_ph = r.given1_ph"]["pairs"] > 0
    ladder = next(c for c in report.comparisons if c["name"] == "surnames")
    assert ladder["m_from"] != ["documented prior"]


def test_records_without_a_date_are_still_compared(tmp_path: Any) -> None:
    rows = [{k: v for k, v in r.items() if k != "dob"} for r in people()]
    report = model_of(tmp_path, rows)
    used = [b["rule"] for b in report.blocking if b["used"]]
    assert used and not any("dob" in r or "birth_year" in r for r in used)
    assert any("postcode" in r for r in used) and any("given1_ph" in r and "pat_ph" in r for r in used)
    assert next(e for e in report.em_blocks if e["rule"] == "l.dob = r.dob")["status"].startswith("skipped")


def test_a_failed_em_step_restores_the_model_and_says_so(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from splink.internals.linker_components.training import LinkerTraining

    real = LinkerTraining.estimate_parameters_using_expectation_maximisation

    def broken(self: Any, blocking_rule: Any, *a: Any, **kw: Any) -> Any:
        if "dob" in repr(vars(blocking_rule)):
            # what Splink did in the issue: the failing step leaves the model mutated
            self._linker._settings_obj.core_model_settings.comparisons = []
            raise ValueError("no pairs in block")
        return real(self, blocking_rule, *a, **kw)

    monkeypatch.setattr(LinkerTraining, "estimate_parameters_using_expectation_maximisation", broken)
    report = model_of(tmp_path, people())
    dob_block = next(e for e in report.em_blocks if e["rule"] == "l.dob = r.dob")
    assert dob_block["status"].startswith("failed, model restored")
    assert any("EM on l.dob = r.dob failed" in w for w in report.warnings)
    assert {"given_name", "surnames"} <= {c["name"] for c in report.comparisons}


def test_a_model_that_lost_its_name_comparisons_is_refused(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from tenaza.resolve import linkage

    real = linkage._check

    def lose_names(linker: Any, *a: Any) -> None:
        cms = linker._settings_obj.core_model_settings
        cms.comparisons = [c for c in cms.comparisons if c.output_column_name not in NAME_COMPARISONS]
        real(linker, *a)

    monkeypatch.setattr(linkage, "_check", lose_names)
    with pytest.raises(ModelRefused, match="lost its name comparisons"):
        model_of(tmp_path, people(30))


def test_a_configuration_without_name_comparisons_is_refused() -> None:
    with pytest.raises(ValueError, match="needs a name comparison"):
        LinkageConfig(comparisons=("dob", "location"))


def test_the_explanation_adds_up_to_the_match_probability(tmp_path: Any) -> None:
    with Workspace.create(tmp_path / "ws.duckdb") as ws:
        add_parties(ws, people(60))
        report = resolve(ws, SMALL)
        rows = ws.backend.fetch("t", "SELECT match_weight, match_probability, weights FROM entity_members "
                                "WHERE joined_by = 'model'")
    assert report.model.prior and rows
    for mw, p, weights in rows:
        mw, p, w = float(mw), float(p), json.loads(weights)
        assert "prior" in w and abs(w["prior"]["weight"] - math.log2(report.model.prior / (1 - report.model.prior))) < 0.01
        total = sum(v["weight"] or 0 for v in w.values())
        assert abs(total - mw) < 0.01 * len(w)
        assert abs(2 ** total / (1 + 2 ** total) - p) < 0.01


def test_term_frequency_levels_that_skip_splinks_search_are_the_level_it_would_find() -> None:
    """A level marked ``disable_tf_exact_match_detection`` adjusts by its own u. That is only
    right where Splink's own search for the exact-match level of the adjusted column would find
    this very level; where it finds another (the surname levels, based on "paternal agrees"),
    the search must stay on."""
    from splink.internals.comparison_level import ComparisonLevel
    from splink.internals.dialects import SplinkDialect

    from tenaza.resolve.comparisons import REGISTRY

    duckdb = SplinkDialect.from_string("duckdb")

    marked = searched = 0
    for cls in REGISTRY.values():
        levels = [ComparisonLevel(**lv, sql_dialect=duckdb) for lv in cls().spec()["comparison_levels"]]
        for level in levels:
            if not level._has_tf_adjustments:
                continue
            column = level._tf_adjustment_input_column_name.lower()
            found = next(lv for lv in levels if lv._is_exact_match and lv._exact_match_colnames == [column])
            if level.disable_tf_exact_match_detection:
                marked += 1
                assert found is level, f"{cls.NAME}: {level.label_for_charts!r} is not the exact match on {column}"
            else:
                searched += 1
                assert found is not level, f"{cls.NAME}: {level.label_for_charts!r} could skip the search"
    assert marked >= 5 and searched >= 2
