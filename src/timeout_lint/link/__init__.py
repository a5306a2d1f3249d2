"""Stage 3: link names into a graph. Entries (Ingress backends, nginx locations, ...) point at apps.

``core.Linker`` resolves names (Services, workloads, compose services, hosts, declarations); one
module per system adds that system's entries and hops. The tables below list them explicitly, as
"module:function" so that a system's code is imported only when its objects are present.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from timeout_lint.lazy import load
from timeout_lint.link.core import Graph, GraphNode, Linker

if TYPE_CHECKING:
    from timeout_lint.parse import Inventory

__all__ = ["ENTRY_LINKERS", "Graph", "GraphNode", "Linker", "link", "link_all"]

#: Each adds the entries of one system's own objects to the graph: function(linker) -> None.
ENTRY_LINKERS: tuple[str, ...] = (
    "timeout_lint.link.kubernetes:link_ingresses",
    "timeout_lint.link.kubernetes:link_load_balancer_services",  # after the Ingresses they may lead into
    "timeout_lint.link.nginx:link_routes",
    "timeout_lint.link.istio:link_virtual_services",
    "timeout_lint.link.traefik:link_ingress_routes",
    "timeout_lint.link.kong_declarative:link_declarative",
    "timeout_lint.link.gateway_api:link_http_routes",
    "timeout_lint.link.haproxy:link_proxies",
)


def link(inventory: Inventory) -> Graph:
    return link_all(inventory).graph


def link_all(inventory: Inventory) -> Linker:
    """The linker after every system has linked its entries: its graph, and the lookups rules ask again."""
    linker = Linker(inventory)
    for name in ENTRY_LINKERS:
        load(name)(linker)
    return linker
