"""What a run pays for only when it uses it.

Functions named "package.module:function", imported on first use: tables of systems (custom
resources, entry linkers, app-server hops) name their functions this way, so that a run imports
only the systems whose files are present. And regular expressions compiled on first use (Patterns):
compiling them all at import costs a few milliseconds of every start, for patterns most runs of a
small tree never use.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable

_LOADED: dict[str, Callable] = {}


class Patterns:
    """Named regular expressions, each compiled the first time it is used: ``Patterns(word=(r"\\w+", 0)).word``."""

    def __init__(self, **patterns: tuple[str, int]):
        self._patterns = patterns

    def __getattr__(self, name: str) -> re.Pattern:
        compiled = re.compile(*self._patterns[name])
        setattr(self, name, compiled)  # found as an attribute from now on: __getattr__ is not called again
        return compiled


def load(name: str) -> Callable:
    if name not in _LOADED:
        module, _, function = name.partition(":")
        _LOADED[name] = getattr(importlib.import_module(module), function)
    return _LOADED[name]
