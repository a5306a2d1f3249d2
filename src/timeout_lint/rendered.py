"""Rendered manifests: which chart template each document of ``helm template`` output came from.

Helm starts every document it renders with ``---`` and a ``# Source: <chart>/templates/<file>``
comment. Findings stay at the line of the rendered stream, where the value is, and name the
template: a related location at the ``# Source:`` comment ("rendered from ..."), so the fix can go
into the chart. A related place rendered from another template says which one.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from timeout_lint.model import Finding, Location, Related
from timeout_lint.sources import SourceFile

SOURCE_COMMENT = "# Source: "


class TemplateOrigin(NamedTuple):
    """One rendered document: its lines (first..last, inclusive) and the template it came from."""

    first_line: int
    last_line: int
    template: str
    comment: Location  # the `# Source:` line


def _separator(line: str) -> bool:
    return line == "---" or line.startswith(("--- ", "---\t"))


def template_origins(source: SourceFile) -> tuple[TemplateOrigin, ...]:
    """Every document that carries a ``# Source:`` comment, with its line range."""
    origins: list[TemplateOrigin] = []
    start = 1
    found: tuple[str, int] | None = None  # (template, comment line) of the current document

    def close(last: int) -> None:
        if found is not None:
            template, line = found
            origins.append(TemplateOrigin(start, last, template, source.location(line, 1)))

    lines = source.lines
    for number, line in enumerate(lines, 1):
        if _separator(line):
            close(number - 1)
            start, found = number, None
        elif found is None and line.startswith(SOURCE_COMMENT) and line[len(SOURCE_COMMENT) :].strip():
            found = (line[len(SOURCE_COMMENT) :].strip(), number)
    close(len(lines))
    return tuple(origins)


def origin_at(location: Location, origins: dict[str, tuple[TemplateOrigin, ...]]) -> TemplateOrigin | None:
    for origin in origins.get(location.file, ()):
        if origin.first_line <= location.line <= origin.last_line:
            return origin
    return None


def with_template_origins(findings: Iterable[Finding], origins: dict[str, tuple[TemplateOrigin, ...]]) -> list[Finding]:
    """Findings in rendered documents gain the template they were rendered from."""
    out = []
    for finding in findings:
        primary = origin_at(finding.location, origins)
        related = []
        for item in finding.related:
            origin = origin_at(item.location, origins)
            if origin is not None and (primary is None or origin.template != primary.template):
                item = item._replace(message=f"{item.message} (rendered from {origin.template})")
            related.append(item)
        if primary is not None:
            related.insert(0, Related(primary.comment, f"rendered from {primary.template}"))
        out.append(finding._replace(related=tuple(related)) if related != list(finding.related) else finding)
    return out
