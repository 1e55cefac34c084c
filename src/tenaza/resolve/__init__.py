"""Who is who: entity resolution of party records (Splink) and designation screening.

``resolve(ws)`` groups the party records that are the same person or company into entities;
``judge(ws, "merge" | "split", a, b, analyst)`` records an analyst's judgement, which every
later resolve applies; ``screen(ws)`` matches party records against designation lists. See
docs/resolve.md. Names are imported lazily, so the CLI starts without DuckDB or Splink.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tenaza.resolve.judgements import judge
    from tenaza.resolve.pipeline import resolve
    from tenaza.resolve.screening.screen import screen
    from tenaza.resolve.screening.versions import load as load_list
    from tenaza.resolve.visibility import Viewer, entity_for

_LAZY = {
    "resolve": ("tenaza.resolve.pipeline", "resolve"),
    "judge": ("tenaza.resolve.judgements", "judge"),
    "screen": ("tenaza.resolve.screening.screen", "screen"),
    "load_list": ("tenaza.resolve.screening.versions", "load"),
    "Viewer": ("tenaza.resolve.visibility", "Viewer"),
    "entity_for": ("tenaza.resolve.visibility", "entity_for"),
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        module, attr = _LAZY[name]
        return getattr(importlib.import_module(module), attr)
    raise AttributeError(f"module 'tenaza.resolve' has no attribute {name!r}")


__all__ = ["Viewer", "entity_for", "judge", "load_list", "resolve", "screen"]
