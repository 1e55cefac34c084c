"""tenaza: binational analytics against the business model of drug-trafficking organizations.

The front door is small: ``Workspace`` to create or open a workspace, ``ingest_file`` to load
a source file into it. Heavy optional engines are imported lazily, so ``import tenaza`` needs
the core dependencies only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from tenaza.ingest import IngestReport, ingest_file
    from tenaza.store import Workspace

_LAZY = {
    "Workspace": "tenaza.store",
    "ingest_file": "tenaza.ingest",
    "IngestReport": "tenaza.ingest",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'tenaza' has no attribute {name!r}")


__all__ = ["IngestReport", "Workspace", "__version__", "ingest_file"]
