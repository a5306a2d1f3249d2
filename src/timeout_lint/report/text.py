"""``path:line:col: TL101 error: message`` lines (ruff style), related places indented, then a summary."""

from __future__ import annotations

from typing import TYPE_CHECKING

from timeout_lint.model import Finding, Severity

if TYPE_CHECKING:
    from timeout_lint.lint import Report


def format_finding(finding: Finding) -> str:
    lines = [f"{finding.location}: {finding.code} {finding.severity.value}: {finding.message}"]
    for related in finding.related:
        lines.append(f"    {related.location}: {related.message}")
    return "\n".join(lines)


def summary(report: Report) -> str:
    counts = {severity: 0 for severity in Severity}
    for finding in report.findings:
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
    return f"Found {', '.join(parts)} in {files} ({paths} checked)."


def format_report(report: Report) -> str:
    body = [format_finding(f) for f in report.findings]
    return "\n".join([*body, summary(report)]) + "\n"
