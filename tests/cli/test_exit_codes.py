"""One exit-code table: every domain exception lives in errors.py, has a status, and docs/cli.md says it."""

from __future__ import annotations

import ast
import inspect
import re
from pathlib import Path

from typer.testing import CliRunner

import tenaza
from tenaza import errors
from tenaza.cli import app

SRC = Path(tenaza.__file__).parent
DOCS = SRC.parents[1] / "docs" / "cli.md"
DOMAIN = {name: cls for name, cls in vars(errors).items()
          if inspect.isclass(cls) and issubclass(cls, errors.TenazaError)}


def test_every_domain_exception_has_a_status_and_a_row_in_the_docs() -> None:
    assert set(DOMAIN.values()) == set(errors.EXIT_CODES)
    documented = dict(re.findall(r"^\| `(\w+)` \| (\d+) \|", DOCS.read_text(encoding="utf-8"), re.MULTILINE))
    assert documented == {name: str(errors.EXIT_CODES[cls]) for name, cls in DOMAIN.items()}


def test_no_domain_exception_is_defined_outside_errors_py() -> None:
    outside = []
    for path in SRC.rglob("*.py"):
        if path.name == "errors.py" and path.parent == SRC:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                bases = {b.id if isinstance(b, ast.Name) else b.attr if isinstance(b, ast.Attribute) else ""
                         for b in node.bases}
                if bases & set(DOMAIN):
                    outside.append(f"{path.relative_to(SRC)}: {node.name}")
    assert not outside, outside


def test_moved_exceptions_are_still_importable_from_their_old_places() -> None:
    import importlib

    for module, name in (("tenaza.pillars.distribution.targeting.frame", "TargetingError"),
                         ("tenaza.resolve.linkage", "ModelRefused"), ("tenaza.store.dialect", "UnsupportedCapability")):
        assert getattr(importlib.import_module(module), name) is getattr(errors, name)


def test_exit_code_follows_the_table() -> None:
    class Unexpected(Exception):
        pass

    assert errors.exit_code(errors.ModelRefused("x")) == errors.EXIT_CODES[errors.ModelRefused]
    assert errors.exit_code(errors.UnsupportedCapability("spark", "fly")) == 2
    assert errors.exit_code(Unexpected()) == errors.EXIT_BUG


def test_the_cli_exits_with_the_tables_status(tmp_path: Path) -> None:
    runner = CliRunner()
    missing = runner.invoke(app, ["status", str(tmp_path / "nope.duckdb")])  # a WorkspaceError
    assert missing.exit_code == errors.EXIT_CODES[errors.WorkspaceError]
    assert len(missing.stderr.strip().splitlines()) == 1
    usage = runner.invoke(app, ["status", "--no-such-option"])
    assert usage.exit_code == 2
