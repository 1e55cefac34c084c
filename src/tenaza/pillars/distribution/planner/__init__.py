"""Port-of-entry planner: a discrete-event simulation of a port's lanes, officers and scanners.

See docs/distribution.md for what each parameter means and where its default comes from.
"""

from tenaza.errors import PlanError
from tenaza.pillars.distribution.planner.model import PortConfig, PortResult, simulate
from tenaza.pillars.distribution.planner.volume import find_port, ports, profile

__all__ = ["PlanError", "PortConfig", "PortResult", "find_port", "ports", "profile", "simulate"]
