"""Name resolution shared by every system's linker, and the graph it builds.

Every lookup is a dictionary built once. What cannot be resolved is kept as an unresolved app with
the reason, never guessed.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from timeout_lint.lazy import load
from timeout_lint.model import App, Hop, Location, WorstCase

if TYPE_CHECKING:
    from timeout_lint.parse import Inventory
    from timeout_lint.parsers.compose import ComposeService
    from timeout_lint.parsers.kubernetes import Service, Workload

#: why a target named in the files is unresolved when nothing defines it
NOT_FOUND = "not found in the linted files"
#: Hops between the entry and the app that a Kubernetes Service brings (sidecars):
#: function(linker, service, workload | None) -> tuple[Hop, ...]
SERVICE_HOPS: tuple[str, ...] = ("timeout_lint.link.istio:sidecar_hops",)
#: The innermost hops, the app servers, of a workload or a compose service:
#: function(linker, owner) -> tuple[Hop, ...]
APP_SERVER_HOPS: tuple[str, ...] = (
    "timeout_lint.link.golang:app_server_hops",
    "timeout_lint.link.gunicorn:app_server_hops",
    "timeout_lint.link.uvicorn:app_server_hops",
    "timeout_lint.link.node:app_server_hops",
)


@dataclass(eq=False, repr=False)  # compared by identity; no generated __eq__/__repr__ to pay for at start-up
class GraphNode:
    """A place a request passes: its hops, where requests enter it, or the app at the inner end."""

    id: str
    hops: tuple[Hop, ...] = ()
    entry: tuple[str, Location] | None = None  # (label, location) where requests enter here
    app: App | None = None  # set on the inner end
    edges: list[str] = field(default_factory=list)


@dataclass(eq=False, repr=False)  # compared by identity; no generated __eq__/__repr__ to pay for at start-up
class Graph:
    """Every node, by id; edges are on the nodes."""

    nodes: dict[str, GraphNode] = field(default_factory=dict)

    def add(self, node: GraphNode) -> GraphNode:
        return self.nodes.setdefault(node.id, node)

    def entries(self) -> list[GraphNode]:
        """Where requests enter: nodes with an entry label that no other node forwards to.

        An Ingress served by ingress-nginx behind an ALB is an entry of its own only if nothing in
        the tree sends traffic to it; otherwise its paths start at the ALB.
        """
        targeted = {target for node in self.nodes.values() for target in node.edges}
        return [n for _, n in sorted(self.nodes.items()) if n.entry is not None and n.id not in targeted]


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


def make_app(kind: str, name: str, location: Location | None, candidates: list[WorstCase | None], resolved: bool = True) -> App:
    unique: list[WorstCase] = []
    for candidate in candidates:
        if candidate is not None and candidate not in unique:
            unique.append(candidate)
    # several declarations: the longest worst case is the one every hop must carry
    chosen = max(unique, key=lambda w: (w.total, w.first_byte or 0)) if unique else None
    return App(kind, name, location, chosen, resolved, tuple(unique))


class Linker:
    def __init__(self, inventory: Inventory):
        self.inventory = inventory
        self.graph = Graph()
        self.declared = _Declarations(inventory)
        self.indexes: dict[str, object] = {}  # per-system lookups, built once (see index())
        k8s = inventory.kubernetes
        self.services: dict[tuple[str, str], Service] = {(s.meta.namespace, s.meta.name): s for s in k8s.services}
        self.services_by_name: dict[str, list[Service]] = defaultdict(list)
        for service in k8s.services:
            self.services_by_name[service.meta.name].append(service)
        self.workloads_by_ns: dict[str, list[Workload]] = defaultdict(list)
        for workload in k8s.workloads:
            self.workloads_by_ns[workload.meta.namespace].append(workload)
        self.compose_by_name: dict[str, list[ComposeService]] = defaultdict(list)
        for service in inventory.compose_services:
            self.compose_by_name[service.name].append(service)

    def index(self, name: str, build: Callable[[], object]):
        """A lookup table a system's linker needs, built on first use and kept for the run."""
        if name not in self.indexes:
            self.indexes[name] = build()
        return self.indexes[name]

    def selected_workloads(self, service: Service) -> list[Workload]:
        """The workloads of the Service's namespace whose pod template carries every label of its selector, in file order.

        Looked up by one selector label (the rarest) and checked against the others: no scan of the namespace.
        """
        if not service.selector:
            return []
        by_label = self.index("workloads_by_label", self._workloads_by_label)
        namespace = service.meta.namespace
        candidates = min((by_label.get((namespace, k, v), ()) for k, v in service.selector.items()), key=len)
        return [w for w in candidates if all(w.template_labels.get(k) == v for k, v in service.selector.items())]

    def _workloads_by_label(self) -> dict[tuple[str, str, str], list[Workload]]:
        by_label: dict[tuple[str, str, str], list[Workload]] = defaultdict(list)
        for workload in self.inventory.kubernetes.workloads:
            for key, value in workload.template_labels.items():
                by_label[(workload.meta.namespace, key, value)].append(workload)
        return by_label

    # -- hops ------------------------------------------------------------------------------------
    def app_server_hops(self, owner) -> tuple[Hop, ...]:
        return tuple(hop for name in APP_SERVER_HOPS for hop in load(name)(self, owner))

    def service_hops(self, service: Service, workload: Workload | None) -> tuple[Hop, ...]:
        return tuple(hop for name in SERVICE_HOPS for hop in load(name)(self, service, workload))

    # -- apps ------------------------------------------------------------------------------------
    def service_apps(self, service: Service) -> list[str]:
        """App nodes for a Kubernetes Service: one per workload its selector picks (or the Service alone)."""
        workloads = self.selected_workloads(service)
        ids = []
        name = f"{service.meta.namespace}/{service.meta.name}"
        declared = self.declared.for_kubernetes(service.meta.name, service.meta.namespace)
        for workload in workloads or [None]:
            node_id = f"k8s:{name}" + (f"@{workload.meta.kind}/{workload.meta.name}" if workload else "")
            if node_id not in self.graph.nodes:
                candidates = [service.worst_case, *declared, workload.worst_case if workload else None]
                hops = self.service_hops(service, workload) + (self.app_server_hops(workload) if workload else ())
                self.graph.add(GraphNode(node_id, hops=hops, app=make_app("Service", name, service.meta.location, candidates)))
            ids.append(node_id)
        return ids

    def compose_app(self, service: ComposeService) -> str:
        node_id = f"compose:{service.project_dir}:{service.name}"
        if node_id not in self.graph.nodes:
            candidates = [service.worst_case, *self.declared.for_compose(service.name)]
            app = make_app("compose service", service.name, service.location, candidates)
            self.graph.add(GraphNode(node_id, hops=self.app_server_hops(service), app=app))
        return node_id

    def unresolved(self, raw: str, location: Location, reason: str, undefined: bool = False) -> str:
        node_id = f"unresolved:{location}:{raw}"
        app = App("unresolved target", f"{raw} ({reason})", location, None, False, undefined=raw if undefined else "")
        self.graph.add(GraphNode(node_id, app=app))
        return node_id

    def missing(self, raw: str, location: Location) -> str:
        """A target named at ``location`` that no linted file defines (``Service shop/gone``)."""
        return self.unresolved(raw, location, NOT_FOUND, undefined=True)

    def host_apps(self, host: str, port: int | None, location: Location, near: str) -> list[str]:
        """A hostname as a proxy config writes it: compose service, Kubernetes Service, or declared host.

        ``near`` is the directory of the config that names the host: of several compose projects
        with a service of that name, the closest one is meant.
        """
        compose = self.compose_by_name.get(host, [])
        if compose:
            best = max(compose, key=lambda s: len(os.path.commonpath([s.project_dir, near])))
            return [self.compose_app(best)]
        service = self.service_by_dns(host)
        if service is not None:
            # an ingress controller's own Service continues into the Ingresses it serves
            return load("timeout_lint.link.kubernetes:forward_to_service")(self, service)
        declared = self.declared.for_host(host, port)
        node_id = f"host:{host}:{port or ''}"
        label = f"{host}:{port}" if port else host
        self.graph.add(GraphNode(node_id, app=make_app("upstream", label, location, declared, resolved=bool(declared))))
        return [node_id]

    def service_by_dns(self, host: str) -> Service | None:
        """name.ns, name.ns.svc, name.ns.svc.cluster.local, or a bare name that is unique in the tree."""
        parts = host.split(".")
        if len(parts) in (2, 3) and (len(parts) == 2 or parts[2] == "svc"):
            return self.services.get((parts[1], parts[0]))
        if len(parts) == 5 and parts[2:] == ["svc", "cluster", "local"]:
            return self.services.get((parts[1], parts[0]))
        if len(parts) == 1:
            matches = self.services_by_name.get(host, [])
            return matches[0] if len(matches) == 1 else None  # ambiguous names stay unresolved
        return None
