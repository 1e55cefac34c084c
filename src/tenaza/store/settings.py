"""Which engine runs a workspace's SQL: ``duckdb`` (the default) or ``spark[:MASTER]``.

Chosen, in this order, by the ``engine`` argument of ``Workspace.open``/``create``, by the
top-level ``tenaza --engine`` option (which calls ``set_engine`` for the commands it runs), or
by the ``TENAZA_ENGINE`` environment variable.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from tenaza.errors import WorkspaceError

DEFAULT_MASTER = "local[*]"
_chosen: str | None = None


@dataclass(frozen=True)
class Engine:
    name: str  # duckdb | spark
    master: str | None = None  # Spark master URL: local[N], spark://host:7077, yarn, ...


def parse_engine(text: str) -> Engine:
    kind, _, master = text.strip().partition(":")
    kind = kind.lower()
    if kind == "duckdb" and not master:
        return Engine("duckdb")
    if kind == "spark":
        return Engine("spark", master or DEFAULT_MASTER)
    raise WorkspaceError(f"engine {text!r}: expected duckdb or spark[:MASTER] (e.g. spark:local[2])")


def set_engine(text: str | None) -> None:
    """The engine the following ``Workspace.open``/``create`` calls use (None: back to default)."""
    global _chosen
    if text is not None:
        parse_engine(text)
    _chosen = text


def current_engine(explicit: str | None = None) -> Engine:
    return parse_engine(explicit or _chosen or os.environ.get("TENAZA_ENGINE") or "duckdb")
