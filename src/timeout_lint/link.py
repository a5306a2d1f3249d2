"""Stage 3: link names into a graph. Entries (Ingress backends, nginx locations) point at apps.

Every lookup is a dictionary lookup built once. What cannot be resolved is kept as an unresolved
app with the reason, never guessed.
"""

from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from timeout_lint.model import App, Hop, Location, Role, WorstCase

if TYPE_CHECKING:
    from timeout_lint.parse import Inventory
    from timeout_lint.parsers.compose import ComposeService
    from timeout_lint.parsers.golang import GoServer
    from timeout_lint.parsers.kubernetes import Ingress, IngressBackend, Service, Workload
    from timeout_lint.parsers.nginx import Route

#: IngressClass spec.controller -> the system that serves it
CONTROLLERS = {
    "ingress-controllers.konghq.com/kong": "kong",
    "konghq.com/kong": "kong",
}
#: Class names that mean a controller when no IngressClass object says otherwise
CLASS_NAMES = {"kong": "kong"}


@dataclass
class GraphNode:
    id: str
    hops: tuple[Hop, ...] = ()
    entry: tuple[str, Location] | None = None  # (label, location) where requests enter here
    app: App | None = None  # set on the inner end
    edges: list[str] = field(default_factory=list)


@dataclass
class Graph:
    nodes: dict[str, GraphNode] = field(default_factory=dict)

    def add(self, node: GraphNode) -> GraphNode:
        return self.nodes.setdefault(node.id, node)

    def entries(self) -> list[GraphNode]:
        return [n for _, n in sorted(self.nodes.items()) if n.entry is not None]


class _Declarations:
    """Worst cases declared in .timeout-lint.yaml, by the name they use."""

    def __init__(self, inventory: Inventory):
        self.by_service: dict[str, list] = defaultdict(list)
        for app in inventory.config.apps:
            self.by_service[app.service].append(app)

    def for_kubernetes(self, name: str, namespace: str) -> list[WorstCase]:
        return [a.worst_case for a in self.by_service.get(name, ()) if a.namespace in (None, namespace)]

    def for_compose(self, name: str) -> list[WorstCase]:
        return [a.worst_case for a in self.by_service.get(name, ()) if a.namespace is None]

    def for_host(self, host: str, port: int | None) -> list[WorstCase]:
        names = [host] + ([f"{host}:{port}"] if port else [])
        return [a.worst_case for name in names for a in self.by_service.get(name, ()) if a.namespace is None]


def _app(kind: str, name: str, location: Location | None, candidates: list[WorstCase], resolved: bool = True) -> App:
    unique: list[WorstCase] = []
    for candidate in candidates:
        if candidate is not None and candidate not in unique:
            unique.append(candidate)
    # several declarations: the longest worst case is the one every hop must carry
    chosen = max(unique, key=lambda w: (w.total, w.first_byte or 0)) if unique else None
    return App(kind, name, location, chosen, resolved, tuple(unique))


def _go_hop(server: GoServer) -> Hop:
    return Hop(system="Go net/http", role=Role.APP_SERVER, name=f"http.Server at {server.location}", location=server.location, timeouts=server.timeouts)


class Linker:
    def __init__(self, inventory: Inventory):
        self.inventory = inventory
        self.graph = Graph()
        self.declared = _Declarations(inventory)
        k8s = inventory.kubernetes
        self.services: dict[tuple[str, str], Service] = {(s.meta.namespace, s.meta.name): s for s in k8s.services}
        self.services_by_name: dict[str, list[Service]] = defaultdict(list)
        for service in k8s.services:
            self.services_by_name[service.meta.name].append(service)
        self.workloads_by_ns: dict[str, list[Workload]] = defaultdict(list)
        for workload in k8s.workloads:
            self.workloads_by_ns[workload.meta.namespace].append(workload)
        self.classes = {c.meta.name: c for c in k8s.ingress_classes}
        self.kong_ingresses = {(k.meta.namespace, k.meta.name): k for k in inventory.kong_ingresses}
        self.compose_by_name: dict[str, list[ComposeService]] = defaultdict(list)
        for service in inventory.compose_services:
            self.compose_by_name[service.name].append(service)

    # -- apps ------------------------------------------------------------------------------------
    def service_apps(self, service: Service) -> list[str]:
        """App nodes for a Kubernetes Service: one per workload its selector picks (or the Service alone)."""
        workloads = [
            w
            for w in self.workloads_by_ns.get(service.meta.namespace, ())
            if service.selector and all(w.template_labels.get(k) == v for k, v in service.selector.items())
        ]
        ids = []
        name = f"{service.meta.namespace}/{service.meta.name}"
        declared = self.declared.for_kubernetes(service.meta.name, service.meta.namespace)
        for workload in workloads or [None]:
            node_id = f"k8s:{name}" + (f"@{workload.meta.kind}/{workload.meta.name}" if workload else "")
            candidates = [service.worst_case, *(declared or []), workload.worst_case if workload else None]
            self.graph.add(GraphNode(node_id, app=_app("Service", name, service.meta.location, candidates)))
            ids.append(node_id)
        return ids

    def compose_app(self, service: ComposeService) -> str:
        node_id = f"compose:{service.project_dir}:{service.name}"
        hops: tuple[Hop, ...] = ()
        if service.build_context:
            servers = self.inventory.go_servers.get(service.build_context, [])
            hops = tuple(_go_hop(s) for s in servers[:1])  # the first server in file order serves the app
        candidates = [service.worst_case, *self.declared.for_compose(service.name)]
        self.graph.add(GraphNode(node_id, hops=hops, app=_app("compose service", service.name, service.location, candidates)))
        return node_id

    def unresolved(self, raw: str, location: Location, reason: str) -> str:
        node_id = f"unresolved:{location}:{raw}"
        self.graph.add(GraphNode(node_id, app=App("unresolved target", f"{raw} ({reason})", location, None, False)))
        return node_id

    def host_app(self, host: str, port: int | None, location: Location, near: str) -> list[str]:
        """A hostname as nginx or HAProxy writes it: compose service, Kubernetes Service, or declared host."""
        compose = self.compose_by_name.get(host, [])
        if compose:
            # the compose project closest to the config that names it
            best = max(compose, key=lambda s: len(os.path.commonpath([s.project_dir, near])))
            return [self.compose_app(best)]
        service = self._service_by_dns(host)
        if service is not None:
            return self.service_apps(service)
        declared = self.declared.for_host(host, port)
        node_id = f"host:{host}:{port or ''}"
        label = f"{host}:{port}" if port else host
        self.graph.add(GraphNode(node_id, app=_app("upstream", label, location, declared, resolved=bool(declared))))
        return [node_id]

    def _service_by_dns(self, host: str) -> Service | None:
        parts = host.split(".")
        if len(parts) >= 2 and (len(parts) == 2 or parts[2] == "svc"):
            # name.ns, name.ns.svc, name.ns.svc.cluster.local
            if len(parts) in (2, 3) or parts[3:] == ["cluster", "local"]:
                return self.services.get((parts[1], parts[0]))
        if len(parts) == 1:
            matches = self.services_by_name.get(host, [])
            return matches[0] if len(matches) == 1 else None  # ambiguous names stay unresolved
        return None

    # -- entries ---------------------------------------------------------------------------------
    def controller(self, ingress: Ingress) -> str | None:
        name = ingress.class_name
        if name is None:
            defaults = [c for c in self.classes.values() if c.is_default]
            if len(defaults) == 1:
                name = defaults[0].meta.name
            else:
                return None
        ingress_class = self.classes.get(name)
        if ingress_class is not None and ingress_class.controller:
            return CONTROLLERS.get(ingress_class.controller)
        return CLASS_NAMES.get(name)

    def ingress_hops(self, ingress: Ingress, service: Service | None) -> tuple[Hop, ...]:
        controller = self.controller(ingress)
        if controller == "kong" and service is not None:
            from timeout_lint.parsers.kong import kong_hop

            return (kong_hop(service.meta, self.kong_ingresses, self.inventory.config.kong_ingress_controller),)
        label = ingress.class_name or "no class"
        return (
            Hop(
                system=f"ingress controller ({label})",
                role=Role.INGRESS,
                name=f"{ingress.meta.ref}",
                location=ingress.meta.location,
                notes=("timeouts unknown: timeout-lint does not model this ingress class",),
            ),
        )

    def link_ingress(self, ingress: Ingress, backend: IngressBackend) -> None:
        service = self.services.get((ingress.meta.namespace, backend.service))
        node_id = f"ingress:{ingress.meta.location}:{backend.service}"
        if node_id in self.graph.nodes:
            return  # several paths of one Ingress to the same Service: one request path
        node = self.graph.add(
            GraphNode(node_id, hops=self.ingress_hops(ingress, service), entry=(f"Ingress {ingress.meta.namespace}/{ingress.meta.name}", ingress.meta.location))
        )
        if service is None:
            node.edges.append(self.unresolved(f"Service {ingress.meta.namespace}/{backend.service}", backend.location, "not found in the linted files"))
        else:
            node.edges.extend(self.service_apps(service))

    def link_route(self, route: Route) -> None:
        node_id = f"nginx:{route.location}:{route.pass_directive}"
        hop = Hop(
            system="nginx",
            role=Role.PROXY,
            name=f"location {route.path} in server {route.server_label}",
            location=route.location,
            timeouts=route.timeouts,
        )
        node = self.graph.add(GraphNode(node_id, hops=(hop,), entry=(f"nginx location {route.path} (server {route.server_label})", route.location)))
        target = route.target
        if route.upstream is not None:
            for server in route.upstream.servers:
                node.edges.extend(self.host_app(server.host, server.port, server.location, route.config_dir))
            if not route.upstream.servers:
                node.edges.append(self.unresolved(f"upstream {route.upstream.name}", route.upstream.location, "no servers"))
        elif target.host is None:
            node.edges.append(self.unresolved(target.raw, route.pass_location, target.unresolved_reason or "unresolved"))
        else:
            node.edges.extend(self.host_app(target.host, target.port, route.pass_location, route.config_dir))

    def link(self) -> Graph:
        for ingress in self.inventory.kubernetes.ingresses:
            for backend in ingress.backends:
                self.link_ingress(ingress, backend)
        for route in self.inventory.nginx_routes:
            self.link_route(route)
        return self.graph


def link(inventory: Inventory) -> Graph:
    return Linker(inventory).link()
