"""What a detector measures on the data before it runs, beside amounts (screen) and pace.

Some detectors depend on a property of the data that neither an amount floor nor the accounts'
pace describes: how long a crossing extract runs, how far apart the records of one shipment fall
in it. A detector that declares ``survey(ws)`` measures that once before it runs and returns a
``Survey``: the notes to print with its run (what it measured and what it will use), the warnings
where the data leaves it nothing to judge (so that a zero says why), and the config changes the
figures make, applied as the screen's and the pace's are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    from tenaza.store.workspace import Workspace


@dataclass
class Survey:
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    update: dict[str, Any] = field(default_factory=dict)  # config changes the figures make


@runtime_checkable
class Surveyed(Protocol):
    def survey(self, ws: Workspace) -> Survey: ...
