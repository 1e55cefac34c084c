"""The four pillars of the strategy: production, distribution, cash, weapons.

Each pillar is a package here. ``tenaza.detect.runner`` imports every one of them, and each
package's ``__init__`` calls :func:`register_modules`, so that every detector module under it,
at any depth, registers itself: adding a detector is adding a module, and adding a pillar is
adding a package (``tests/detect/test_registry.py`` checks that each one registers).
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterable


def register_modules(name: str, path: Iterable[str], keep: Callable[[str], bool] = lambda _name: True) -> None:
    """Import every module of package ``name`` (found on ``path``) and of its subpackages that ``keep`` accepts.

    ``keep`` gets the module's dotted name relative to the package (``"transactions.fan"``);
    a pillar uses it to leave out modules that need an optional extra (the port planner).
    """
    for module in pkgutil.walk_packages(list(path), prefix=f"{name}."):
        if keep(module.name.removeprefix(f"{name}.")):
            importlib.import_module(module.name)


def packages() -> list[str]:
    """The dotted names of the pillar packages, in file-system order."""
    return sorted(f"{__name__}.{m.name}" for m in pkgutil.iter_modules(__path__) if m.ispkg)
