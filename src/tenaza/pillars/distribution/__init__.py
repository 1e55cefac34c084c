"""Distribution: what to inspect at the ports of entry, and what more capacity would buy.

``planner`` simulates a port of entry (SimPy) to show what officers, lanes and scanners buy in
wait time and seizures; ``targeting`` ranks crossings and declarations for inspection. The
detector modules of ``targeting`` are imported here so that they register themselves; the
planner is imported only when `tenaza plan` runs (it needs the ``plan`` extra).
"""

from tenaza.pillars import register_modules

register_modules(__name__, __path__, keep=lambda name: name.startswith("targeting.detector"))
