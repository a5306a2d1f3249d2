"""Stage 4, request paths: every simple path from an entry to an app, in a fixed order, bounded."""

from __future__ import annotations

import pytest

from timeout_lint import paths
from timeout_lint.link import Graph, GraphNode
from timeout_lint.model import App, Hop, Location, Role

HERE = Location("g.yaml", 1, 1)


def hop(name: str) -> Hop:
    return Hop(system="test", role=Role.PROXY, name=name, location=HERE)


def graph(edges: dict[str, list[str]], apps: tuple[str, ...], entries: tuple[str, ...]) -> Graph:
    built = Graph()
    for node_id in {*edges, *apps, *(t for targets in edges.values() for t in targets)}:
        built.add(
            GraphNode(
                node_id,
                hops=() if node_id in apps else (hop(node_id),),
                entry=(f"entry {node_id}", HERE) if node_id in entries else None,
                app=App("Service", node_id, HERE) if node_id in apps else None,
                edges=list(edges.get(node_id, [])),
            )
        )
    return built


def described(found) -> list[str]:
    return [" > ".join([path.entry, *(h.name for h in path.hops), path.app.name]) for path in found.paths]


def test_every_way_from_an_entry_to_an_app_once_sorted():
    found = paths.enumerate_paths(graph({"lb": ["a", "b"], "a": ["app1"], "b": ["app1", "app2"]}, ("app1", "app2"), ("lb",)))
    assert described(found) == ["entry lb > lb > a > app1", "entry lb > lb > b > app1", "entry lb > lb > b > app2"]
    assert found.problems == []


def test_a_forwarding_loop_ends_where_it_would_repeat_and_a_node_others_forward_to_is_no_entry():
    found = paths.enumerate_paths(graph({"e": ["x"], "x": ["y"], "y": ["x", "app"]}, ("app",), ("e", "x")))
    assert described(found) == ["entry e > e > x > y > app"]


def test_front_hops_open_every_path():
    found = paths.enumerate_paths(graph({"e": ["app"]}, ("app",), ("e",)), front=(hop("cdn"),))
    assert described(found) == ["entry e > cdn > e > app"]


def test_paths_deeper_than_the_limit_are_not_followed(monkeypatch):
    monkeypatch.setattr(paths, "MAX_DEPTH", 3)
    chain = {"n0": ["n1", "app"], "n1": ["n2"], "n2": ["n3"], "n3": ["app"]}
    assert described(paths.enumerate_paths(graph(chain, ("app",), ("n0",)))) == ["entry n0 > n0 > app"]


@pytest.mark.parametrize("limit", [1, 2, 5])
def test_more_paths_than_the_limit_are_reported_and_the_first_ones_kept(monkeypatch, limit):
    monkeypatch.setattr(paths, "MAX_PATHS", limit)
    fan = {"e": [f"m{i}" for i in range(4)], **{f"m{i}": ["app1", "app2"] for i in range(4)}}
    found = paths.enumerate_paths(graph(fan, ("app1", "app2"), ("e",)))
    expected = [f"entry e > e > m{i} > app{j}" for i in range(4) for j in (1, 2)][:limit]
    assert described(found) == expected
    assert [problem.message for problem in found.problems] == [f"more than {limit} request paths; the rest are not checked"]


def test_a_long_chain_needs_no_recursion(monkeypatch):
    monkeypatch.setattr(paths, "MAX_DEPTH", 5000)
    chain = {f"n{i}": [f"n{i + 1}"] for i in range(3000)} | {"n3000": ["app"]}
    found = paths.enumerate_paths(graph(chain, ("app",), ("n0",)))
    assert len(found.paths) == 1 and len(found.paths[0].hops) == 3001
