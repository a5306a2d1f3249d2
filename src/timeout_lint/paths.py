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
    # depth first, in the order of each node's edges (an explicit stack: no recursion limit, and no
    # recursive closure, whose reference cycle would keep the graph alive after the run)
    for entry_node in graph.entries():
        entry = entry_node.entry
        stack: list[tuple[GraphNode, tuple[Hop, ...], tuple[str, ...]]] = [(entry_node, (), (entry_node.id,))]
        while stack and not truncated:
            node, hops, visiting = stack.pop()
            if len(result.paths) >= MAX_PATHS:
                truncated = True
                break
            hops = hops + node.hops
            if node.app is not None:
                path = RequestPath(entry[0], entry[1], front + hops, node.app)
                if path.key not in seen:
                    seen.add(path.key)
                    result.paths.append(path)
                continue
            if len(visiting) >= MAX_DEPTH:
                continue
            # a target already on the way is a forwarding loop: the path ends where it would repeat
            stack.extend((graph.nodes[target], hops, (*visiting, target)) for target in reversed(node.edges) if target not in visiting)
        if truncated:
            break
    if truncated:
        first = graph.entries()[0]
        result.problems.append(
            Problem("unparsable-input", f"more than {MAX_PATHS} request paths; the rest are not checked", first.entry[1])
        )
    result.paths.sort(key=lambda p: p.key)
    return result
