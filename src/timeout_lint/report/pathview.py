"""What the path pictures (tree, Mermaid, DOT) show about each hop: which timeouts give up too early.

A timeout gives up too early when it bounds the response and is shorter than what the app behind it
needs (``WorstCase.required``: the first byte for idle timeouts, the whole response for deadlines).
That is a fact about the path, shown whether or not a rule reported it; the codes of the findings
reported at the setting on this path are attached so the picture and the findings can be matched.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import NamedTuple

from timeout_lint.durations import format_seconds
from timeout_lint.model import Finding, Hop, Kind, Location, RequestPath, Timeout

_KIND_ORDER = {kind: index for index, kind in enumerate(Kind)}


class TimeoutView(NamedTuple):
    timeout: Timeout
    short: bool  # bounds the response and is shorter than what the app needs
    needed: str  # "worst case 2m", "first byte 10s"; "" when nothing is needed of it
    codes: tuple[str, ...]  # findings reported at this setting on this path


class HopView(NamedTuple):
    hop: Hop
    timeouts: tuple[TimeoutView, ...]  # by kind: connect, send, idle, first-byte, total, ...

    @property
    def failing(self) -> bool:
        return any(view.short for view in self.timeouts)

    @property
    def limiting(self) -> tuple[Timeout, ...]:
        """The timeouts to name for this hop: those that give up too early, else its tightest response limit."""
        short = [view.timeout for view in self.timeouts if view.short]
        if short:
            return tuple(sorted(short, key=lambda t: (t.seconds, t.setting)))
        limits = sorted(self.hop.response_limits(), key=lambda t: (t.seconds, t.setting))
        return tuple(limits[:1])


#: (path key, place) -> codes of the findings (not suppressed) reported there on that path
Codes = Mapping[tuple[tuple, Location], tuple[str, ...]]


def codes_by_place(findings: Iterable[Finding]) -> Codes:
    """Index the findings once, so that each path looks its settings up instead of scanning every finding."""
    index: dict[tuple[tuple, Location], set[str]] = {}
    for finding in findings:
        if finding.suppressed:
            continue
        for path in finding.paths:
            index.setdefault((path.key, finding.location), set()).add(finding.code)
    return {key: tuple(sorted(codes)) for key, codes in index.items()}


def hop_views(path: RequestPath, codes: Codes | None = None) -> tuple[HopView, ...]:
    codes = codes or {}
    key = path.key
    worst = path.app.worst_case
    views = []
    for hop in path.hops:
        timeouts = []
        for timeout in sorted(hop.timeouts, key=lambda t: _KIND_ORDER[t.kind]):
            short, needed = False, ""
            if worst is not None and timeout.kind.bounds_response:
                required, needed = worst.required(timeout.kind)
                short = timeout.seconds < required
            timeouts.append(TimeoutView(timeout, short, needed, codes.get((key, timeout.location), ()) if short else ()))
        views.append(HopView(hop, tuple(timeouts)))
    return tuple(views)


def app_summary(path: RequestPath) -> str:
    """``Service shop/export-api: worst case 2m, first byte 10s`` (or that none is declared)."""
    app = path.app
    worst = app.worst_case
    if not app.resolved:
        return f"{app.kind} {app.name}"
    if worst is None:
        detail = "no worst case declared"
    else:
        detail = f"worst case {worst.total_raw}"
        if worst.first_byte is not None:
            detail += f", first byte {worst.first_byte_raw or format_seconds(worst.first_byte)}"
    return f"{app.kind} {app.name}: {detail}"


class Node(NamedTuple):
    id: str  # n1, n2 ... in order of first appearance
    kind: str  # "entry", "hop" or "app"
    lines: tuple[str, ...]  # the label, one item per line
    failing: bool = False


class Diagram(NamedTuple):
    nodes: tuple[Node, ...]
    edges: tuple[tuple[str, str], ...]


def diagram(paths: Iterable[RequestPath], findings: Iterable[Finding] = ()) -> Diagram:
    """Every path as one graph: an entry, hop or app reached by several paths is one node.

    A hop is failing when it gives up too early on any path through it; its label names the
    timeouts that do (or its tightest response limit when none does).
    """
    codes = codes_by_place(findings)
    nodes: dict[tuple, Node] = {}
    edges: dict[tuple[str, str], None] = {}

    def node(key: tuple, kind: str, lines: tuple[str, ...], failing: bool = False) -> str:
        known = nodes.get(key)
        if known is None:
            known = nodes[key] = Node(f"n{len(nodes) + 1}", kind, lines, failing)
        elif failing and not known.failing:
            nodes[key] = known._replace(failing=True, lines=lines)
        return nodes[key].id

    for path in paths:
        chain = [node(("entry", path.entry, path.entry_location), "entry", (path.entry,))]
        for view in hop_views(path, codes):
            hop = view.hop
            lines = (hop.system, hop.name, *(t.shown for t in view.limiting))
            chain.append(node(("hop", hop.system, hop.name, hop.location), "hop", lines, view.failing))
        app = path.app
        worst = f"worst case {app.worst_case.total_raw}" if app.worst_case is not None else "no worst case declared"
        chain.append(node(("app", app.kind, app.name), "app", (f"{app.kind} {app.name}", worst)))
        for source, target in zip(chain, chain[1:], strict=False):
            edges[(source, target)] = None
    return Diagram(tuple(nodes.values()), tuple(edges))
