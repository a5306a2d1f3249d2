"""Functions named "package.module:function", imported on first use.

Tables of systems (custom resources, entry linkers, app-server hops) name their functions this
way, so that a run imports only the systems whose files are present.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

_LOADED: dict[str, Callable] = {}


def load(name: str) -> Callable:
    if name not in _LOADED:
        module, _, function = name.partition(":")
        _LOADED[name] = getattr(importlib.import_module(module), function)
    return _LOADED[name]
