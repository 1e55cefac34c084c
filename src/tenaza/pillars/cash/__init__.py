"""Cash flow: money-laundering typologies on transactions (``transactions/``) and on trade (``trade/``).

Every module of this package and its subpackages is imported here, so that the detectors it
declares register themselves; adding a detector is adding a module.
"""

from tenaza.pillars import register_modules

register_modules(__name__, __path__)
