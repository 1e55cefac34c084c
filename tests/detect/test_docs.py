from __future__ import annotations

from pathlib import Path

from tenaza.detect import select
from tenaza.detect.docs import render

DOCS = Path(__file__).resolve().parents[2] / "docs" / "detectors.md"


def test_docs_detectors_md_matches_the_registered_detectors() -> None:
    expected = render([d for d in select() if not d.NAME.startswith("test_")])
    assert DOCS.read_text(encoding="utf-8").strip() == expected.strip(), "run: tenaza detectors -o docs/detectors.md"


def test_every_registered_detector_documents_itself() -> None:
    for d in select():
        assert d.describe(), d.NAME
        assert all(f.description for f in d.CONFIG.model_fields.values()), d.NAME
