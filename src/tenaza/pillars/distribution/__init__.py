"""Distribution: what to inspect at the ports of entry, and what more capacity would buy.

``planner`` simulates a port of entry (SimPy) to show what officers, lanes and scanners buy in
wait time and seizures; ``targeting`` ranks crossings and declarations for inspection. The
detector modules of ``targeting`` are imported here so that they register themselves; the
planner is imported only when `tenaza plan` runs (it needs the ``plan`` extra).
"""

import importlib
import pkgutil

from tenaza.pillars.distribution import targeting as _targeting

for _module in pkgutil.iter_modules(_targeting.__path__):
    if _module.name.startswith("detector"):
        importlib.import_module(f"{_targeting.__name__}.{_module.name}")
