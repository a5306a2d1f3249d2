"""``path:line:col: TL101 error: message`` lines (ruff style), related places indented, then a summary.

Colour is an argument: the command line decides (a terminal, ``NO_COLOR``, ``FORCE_COLOR``); this
module never looks at the environment, so its output in pipes and tests is plain unless asked.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from timeout_lint.model import Finding, Severity

if TYPE_CHECKING:
    from timeout_lint.lint import Report

_BOLD, _DIM, _RESET = "\x1b[1m", "\x1b[2m", "\x1b[0m"
_SEVERITY_COLOUR = {Severity.ERROR: "\x1b[31m", Severity.WARNING: "\x1b[33m", Severity.INFO: "\x1b[36m"}


def _paint(text: str, colour: bool, *codes: str) -> str:
    return f"{''.join(codes)}{text}{_RESET}" if colour else text


def format_finding(finding: Finding, *, colour: bool = False) -> str:
    marker = ""
    if finding.suppressed:  # only with --show-suppressed
        marker = f" (suppressed: {finding.suppression_reason})" if finding.suppression_reason else " (suppressed)"
    head = _paint(f"{finding.code} {finding.severity.value}{marker}", colour, _BOLD, _SEVERITY_COLOUR[finding.severity])
    lines = [f"{_paint(str(finding.location), colour, _BOLD)}: {head}: {finding.message}"]
    for related in finding.related:
        lines.append(f"    {_paint(str(related.location), colour, _DIM)}: {related.message}")
    return "\n".join(lines)


def summary(report: Report) -> str:
    counts = {severity: 0 for severity in Severity}
    for finding in report.findings:
        if not finding.suppressed:
            counts[finding.severity] += 1
    parts = [
        f"{counts[s]} {s.value}{'' if counts[s] == 1 else 's'}"
        for s in (Severity.ERROR, Severity.WARNING, Severity.INFO)
        if counts[s] or s is Severity.ERROR
    ]
    files = f"{report.files_read} file{'' if report.files_read == 1 else 's'}"
    if report.objects_read:  # --cluster
        objects = f"{report.objects_read} cluster object{'' if report.objects_read == 1 else 's'}"
        files = f"{files} and {objects}" if report.files_read else objects
    paths = f"{len(report.paths)} request path{'' if len(report.paths) == 1 else 's'}"
    silenced = f", {report.suppressed} suppressed" if report.suppressed else ""
    return f"Found {', '.join(parts)} in {files} ({paths} checked{silenced})."


def format_report(report: Report, *, colour: bool = False, show_paths: bool = False) -> str:
    """The findings, then (``show_paths``) the tree of every request path, then the summary line."""
    body = [format_finding(f, colour=colour) for f in report.findings]
    if show_paths and report.paths:
        from timeout_lint.report.paths_tree import format_paths

        if body:
            body.append("")
        body.append(format_paths(report, colour=colour))
    return "\n".join([*body, _paint(summary(report), colour, _BOLD)]) + "\n"
