"""Weapons procurement: linking US sales to guns traced in Mexico, straw-purchase and trafficking indicators.

Every module of this package is imported here, so that the detectors it declares register
themselves; adding a detector is adding a module.
"""

import importlib
import pkgutil

for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")
