"""Stage 4: enumerate request paths through the graph, entry first, app last."""

from __future__ import annotations

from dataclasses import dataclass, field

from timeout_lint.link import Graph, GraphNode
from timeout_lint.model import Hop, Problem, RequestPath

MAX_PATHS = 100_000
MAX_DEPTH = 32


@dataclass(eq=False, repr=False)  # compared by identity; no generated __eq__/__repr__ to pay for at start-up
class Enumeration:
    """The request paths found, in order, and what stopped the enumeration."""

    paths: list[RequestPath] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def enumerate_paths(graph: Graph, front: tuple[Hop, ...] = ()) -> Enumeration:
    """Every simple path from an entry to an app; ``front`` hops (declared edges) open every path."""
    result = Enumeration()
    seen: set[tuple] = set()
    truncated = False

    def walk(node: GraphNode, entry: tuple, hops: tuple[Hop, ...], visiting: tuple[str, ...]) -> None:
        nonlocal truncated
        if len(result.paths) >= MAX_PATHS:
            truncated = True
            return
        hops = hops + node.hops
        if node.app is not None:
            path = RequestPath(entry[0], entry[1], front + hops, node.app)
            if path.key not in seen:
                seen.add(path.key)
                result.paths.append(path)
            return
        if len(visiting) >= MAX_DEPTH:
            return
        for target in node.edges:
            if target in visiting:
                continue  # a forwarding loop; the path ends where it would repeat
            walk(graph.nodes[target], entry, hops, visiting + (target,))

    for entry_node in graph.entries():
        walk(entry_node, entry_node.entry, (), (entry_node.id,))
    if truncated:
        first = graph.entries()[0]
        result.problems.append(
            Problem("unparsable-input", f"more than {MAX_PATHS} request paths; the rest are not checked", first.entry[1])
        )
    result.paths.sort(key=lambda p: p.key)
    return result
