"""Weapons procurement: linking US sales to guns traced in Mexico, straw-purchase and trafficking indicators.

Every module of this package is imported here, so that the detectors it declares register
themselves; adding a detector is adding a module.
"""

from tenaza.pillars import register_modules

register_modules(__name__, __path__)
