"""GitHub Actions workflow commands: one ``::error`` / ``::warning`` / ``::notice`` annotation per finding.

    ::error file=k8s/export-api.yaml,line=23,col=1,title=TL102 default-shorter-than-worst-case::Kong read_timeout ...

Escaped exactly as ``@actions/core`` does (actions/toolkit packages/core/src/command.ts): the message
escapes ``%``, CR and LF; property values also ``:`` and ``,``. Related places follow the message on
their own lines (``%0A``), as in the text format. Suppressed findings are left out: an annotation has
no suppressed state (SARIF does). The summary line ends the output as plain log text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from timeout_lint.model import Finding, Severity
from timeout_lint.report.text import summary

if TYPE_CHECKING:
    from timeout_lint.lint import Report

COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(finding: Finding) -> str:
    location = finding.location
    properties = {
        "file": location.file,
        "line": str(location.line),
        "col": str(location.column) if location.column else "",
        "title": f"{finding.code} {finding.name}",
    }
    # like @actions/core, a property without a value is left out
    rendered = ",".join(f"{key}={escape_property(value)}" for key, value in properties.items() if value)
    message = "\n".join([finding.message, *(f"{r.location}: {r.message}" for r in finding.related)])
    return f"::{COMMAND[finding.severity]} {rendered}::{escape_data(message)}"


def format_report(report: Report, *, colour: bool = False) -> str:
    lines = [annotation(f) for f in report.findings if not f.suppressed]
    return "\n".join([*lines, summary(report)]) + "\n"
