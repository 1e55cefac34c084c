"""The values a detector's SQL binds ($name), kept apart from the framework's own.

A detector and the helpers it calls write into one ``Params``. A name bound twice to
different values would silently change the other's query, so that is an error naming the
parameter; binding the same value again is fine (two helpers that both need ``$mexico``). The
framework's own values (the detector's name, its pillar, the run's time) live under the
``tenaza_`` prefix, which detectors may not use.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from tenaza.errors import DetectorError

FRAMEWORK_PREFIX = "tenaza_"


class Params(dict[str, Any]):
    """A dict of bound values that refuses to rebind a name to a different value."""

    def __init__(self, *args: Any, framework: bool = False, **kwargs: Any) -> None:
        super().__init__()
        self._framework = framework
        self.update(*args, **kwargs)

    def __setitem__(self, name: str, value: Any) -> None:
        if name.startswith(FRAMEWORK_PREFIX) and not self._framework:
            raise DetectorError(f"parameter ${name}: the {FRAMEWORK_PREFIX} prefix is the framework's")
        if name in self and not _same(self[name], value):
            raise DetectorError(f"parameter ${name} bound twice with different values ({self[name]!r}, then "
                                f"{value!r}); give one of them another name")
        super().__setitem__(name, value)

    def update(self, *args: Any, **kwargs: Any) -> None:
        items: Iterable[tuple[str, Any]]
        for arg in args:
            items = arg.items() if isinstance(arg, Mapping) else arg
            for k, v in items:
                self[k] = v
        for k, v in kwargs.items():
            self[k] = v

    def framework(self, **values: Any) -> Params:
        """A copy with the framework's values added (``tenaza_<name>``)."""
        out = Params(self, framework=True)
        for k, v in values.items():
            out[FRAMEWORK_PREFIX + k] = v
        return out


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, list | tuple) or isinstance(b, list | tuple):
        return list(a) == list(b) if isinstance(a, list | tuple) and isinstance(b, list | tuple) else False
    return bool(a == b)
