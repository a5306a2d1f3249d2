"""Stage 6: output formats, one module each; every formatter is a pure function from a report to text."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from timeout_lint.lint import Report

#: format name -> module in this package with ``format_report(report) -> str``
FORMATS = {"text": "text", "json": "json"}


def formatter(name: str) -> Callable[[Report], str]:
    """The format function; its module is imported only when asked for."""
    return importlib.import_module(f"timeout_lint.report.{FORMATS[name]}").format_report
