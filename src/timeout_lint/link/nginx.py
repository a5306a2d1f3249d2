"""nginx entries: each location that passes requests on, to its upstream servers or target host."""

from __future__ import annotations

from typing import TYPE_CHECKING

from timeout_lint.link.core import GraphNode, Linker
from timeout_lint.model import Hop, Role

if TYPE_CHECKING:
    from timeout_lint.parsers.nginx import Route


def _link_route(linker: Linker, route: Route) -> None:
    hop = Hop(
        system="nginx",
        role=Role.PROXY,
        name=f"location {route.path} in server {route.server_label}",
        location=route.location,
        timeouts=route.timeouts,
    )
    node = linker.graph.add(
        GraphNode(
            f"nginx:{route.location}:{route.pass_directive}",
            hops=(hop,),
            entry=(f"nginx location {route.path} (server {route.server_label})", route.location),
        )
    )
    target = route.target
    if route.upstream is not None:
        for server in route.upstream.servers:
            node.edges.extend(linker.host_apps(server.host, server.port, server.location, route.config_dir))
        if not route.upstream.servers:
            node.edges.append(linker.unresolved(f"upstream {route.upstream.name}", route.upstream.location, "no servers"))
    elif target.host is None:
        node.edges.append(linker.unresolved(target.raw, route.pass_location, target.unresolved_reason or "unresolved"))
    else:
        node.edges.extend(linker.host_apps(target.host, target.port, route.pass_location, route.config_dir))


def link_routes(linker: Linker) -> None:
    for route in linker.inventory.nginx_routes:
        _link_route(linker, route)
