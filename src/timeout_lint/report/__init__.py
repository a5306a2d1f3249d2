"""Stage 6: output formats, one module each; every formatter is a pure function from a report to text."""

from __future__ import annotations

from collections.abc import Callable

from timeout_lint.lint import Report
from timeout_lint.report import json, text

FORMATTERS: dict[str, Callable[[Report], str]] = {
    "text": text.format_report,
    "json": json.format_report,
}
