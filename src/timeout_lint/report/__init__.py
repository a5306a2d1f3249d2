"""Stage 6: output formats, one module each; every formatter is a pure function from a report to text.

Each module in FORMATS has ``format_report(report, *, colour=False) -> str``; only ``text`` uses
colour. The request-path pictures of ``--show-paths`` live beside them: ``paths_tree`` (the tree the
text output can end with), ``mermaid`` and ``dot`` (``format_diagram(report) -> str``).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from timeout_lint.lint import Report

#: format name -> module in this package with ``format_report(report, *, colour=False) -> str``
FORMATS = {"text": "text", "json": "json", "sarif": "sarif", "github": "github"}

#: --show-paths values: the tree (with the findings) or a diagram (instead of the findings)
SHOW_PATHS = ("tree", "mermaid", "dot")
DIAGRAMS = ("mermaid", "dot")


def formatter(name: str) -> Callable[..., str]:
    """The format function; its module is imported only when asked for."""
    return importlib.import_module(f"timeout_lint.report.{FORMATS[name]}").format_report


class Output(NamedTuple):
    stdout: str
    stderr: str = ""


def render(report: Report, format_name: str, *, show_paths: str | None = None, colour: bool = False, stderr_colour: bool = False) -> Output:
    """What the command line prints.

    ``--show-paths=mermaid|dot`` prints the diagram alone, whatever the format. The tree goes with
    the findings: inside the text output (before the summary), after the GitHub annotations (it is
    log text there), and to stderr for JSON and SARIF, so that their stdout stays one document
    (the JSON already holds every path under ``paths``). ``colour`` is for stdout, ``stderr_colour``
    for stderr; the command line decides both.
    """
    if show_paths in DIAGRAMS:
        from timeout_lint.report.pathview import diagram

        graph = diagram(report.paths, report.findings)
        if show_paths == "mermaid":
            from timeout_lint.report import mermaid

            return Output(mermaid.render_graph(graph), mermaid.size_warning(graph))
        from timeout_lint.report import dot

        return Output(dot.render_graph(graph))
    if format_name == "text":
        from timeout_lint.report.text import format_report

        return Output(format_report(report, colour=colour, show_paths=show_paths == "tree"))
    output = formatter(format_name)(report)
    if show_paths != "tree" or not report.paths:
        return Output(output)
    from timeout_lint.report.paths_tree import format_paths

    if format_name == "github":
        return Output(output + "\n" + format_paths(report))
    return Output(output, format_paths(report, colour=stderr_colour))
