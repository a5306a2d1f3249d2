"""``--show-paths=dot``: the request paths as a Graphviz digraph, left to right (``dot -Tsvg``).

Entries are ellipses, hops boxes labelled with their limiting timeout, apps rounded boxes with their
worst case; hops that give up before the app has answered are drawn red on a light red fill.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from timeout_lint.report.pathview import Diagram, Node, diagram

if TYPE_CHECKING:
    from timeout_lint.lint import Report

SHAPES = {"entry": "shape=ellipse", "hop": "shape=box", "app": 'shape=box, style="rounded"'}
FAILING_STYLE = 'color="#c62828", fontcolor="#7f0000", style="filled", fillcolor="#fde2e2", penwidth=2'


def quote(text: str) -> str:
    """A DOT double-quoted string; a backslash would start a label escape (\\n, \\l, \\N ...)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _node(node: Node) -> str:
    label = quote("\n".join(node.lines))
    style = f"{SHAPES[node.kind]}, {FAILING_STYLE}" if node.failing else SHAPES[node.kind]
    return f"    {node.id} [label={label}, {style}];"


def format_diagram(report: Report) -> str:
    return render_graph(diagram(report.paths, report.findings))


def render_graph(graph: Diagram) -> str:
    lines = [
        "digraph request_paths {",
        "    rankdir=LR;",
        '    node [fontname="Helvetica", fontsize=11];',
    ]
    if not graph.nodes:
        lines.append('    none [label="no request paths found", shape=plaintext];')
    lines += [_node(node) for node in graph.nodes]
    lines += [f"    {source} -> {target};" for source, target in graph.edges]
    lines.append("}")
    return "\n".join(lines) + "\n"
