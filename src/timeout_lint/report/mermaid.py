"""``--show-paths=mermaid``: the request paths as a Mermaid flowchart, left to right.

Entries are stadiums, hops rectangles labelled with their limiting timeout, apps rounded boxes with
their worst case; hops that give up before the app has answered are in the ``failing`` class. The
output is the diagram alone: put it in a fenced ```mermaid block (GitHub renders it in issues, pull
requests and Markdown files) or give it to the Mermaid CLI.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from timeout_lint.report.pathview import Diagram, Node, diagram

if TYPE_CHECKING:
    from timeout_lint.lint import Report

SHAPES = {"entry": ('(["', '"])'), "hop": ('["', '"]'), "app": ('("', '")')}
#: Mermaid refuses a flowchart with more edges unless the page raises ``maxEdges`` (GitHub does not)
MAX_EDGES = 500
FAILING_STYLE = "fill:#fde2e2,stroke:#c62828,stroke-width:2px,color:#7f0000"

# Mermaid entity codes (#name; or #decimal;) for what would end the quoted label, open an entity or
# HTML tag, or turn into Markdown emphasis or code where GitHub renders labels as Markdown.
# An underscore inside a word (proxy_read_timeout) never starts emphasis and stays readable.
_ESCAPES = {"#": "#35;", '"': "#quot;", "&": "#38;", "<": "#lt;", ">": "#gt;", "*": "#42;", "`": "#96;"}
_LOOSE_UNDERSCORE = re.compile(r"(?<![0-9A-Za-z])_|_(?![0-9A-Za-z])")


def escape(text: str) -> str:
    escaped = "".join(_ESCAPES.get(char, char) for char in text)
    return _LOOSE_UNDERSCORE.sub("#95;", escaped)


def _node(node: Node) -> str:
    opening, closing = SHAPES[node.kind]
    label = "<br/>".join(escape(line) for line in node.lines)
    return f"    {node.id}{opening}{label}{closing}"


def format_diagram(report: Report) -> str:
    return render_graph(diagram(report.paths, report.findings))


def size_warning(graph: Diagram) -> str:
    if len(graph.edges) <= MAX_EDGES:
        return ""
    return (
        f"timeout-lint: warning: the diagram has {len(graph.edges)} edges and Mermaid draws at most {MAX_EDGES} "
        "unless maxEdges is raised; lint fewer paths, or use --show-paths=dot\n"
    )


def render_graph(graph: Diagram) -> str:
    lines = ["flowchart LR"]
    if not graph.nodes:
        lines.append('    none["no request paths found"]')
    lines += [_node(node) for node in graph.nodes]
    lines += [f"    {source} --> {target}" for source, target in graph.edges]
    failing = [node.id for node in graph.nodes if node.failing]
    if failing:
        lines.append(f"    classDef failing {FAILING_STYLE}")
        lines.append(f"    class {','.join(failing)} failing")
    return "\n".join(lines) + "\n"
