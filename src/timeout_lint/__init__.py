"""timeout-lint: finds the hop on a request path that gives up before the app has answered."""

__version__ = "0.1.0"


def _import_dataclasses_without_inspect() -> None:
    """Import dataclasses with ``inspect`` bound to a stand-in that imports it on first use.

    dataclasses imports inspect (and with it ast, dis, tokenize: about 6 ms, a tenth of a cold start)
    only to write a docstring for a dataclass that has none, and timeout-lint's all have one. The
    stand-in is dataclasses' own name for inspect only: ``import inspect`` anywhere else gets the
    real module, and so does dataclasses the first time it needs it.
    """
    import sys

    if "dataclasses" in sys.modules or "inspect" in sys.modules:
        return
    import types

    def load(name: str):
        import importlib

        return getattr(importlib.import_module("inspect"), name)

    stand_in = types.ModuleType("inspect")
    stand_in.__getattr__ = load
    sys.modules["inspect"] = stand_in
    try:
        import dataclasses  # noqa: F401
    finally:
        if sys.modules.get("inspect") is stand_in:
            del sys.modules["inspect"]


_import_dataclasses_without_inspect()
