"""Istio: VirtualService routes as the hop an Envoy adds in front of a Kubernetes Service.

A VirtualService applies where its ``gateways`` say. For the mesh (no ``gateways``, or ``mesh``
among them) the caller's sidecar enforces the route, so:

* a Service that a mesh VirtualService routes to gets an "Istio sidecar" hop on every path that
  reaches it from outside Istio (SERVICE_HOPS: an Ingress, an nginx ``proxy_pass``);
* each mesh route is also an entry of its own, "VirtualService ns/name (mesh)": in-mesh callers.

For an Istio Gateway named in ``gateways``, the route is an entry "Istio gateway <gw> / VirtualService
<vs>" whose ingress-gateway Envoy enforces it; mesh VirtualServices do not apply there, so that path
has no sidecar hop. The DestinationRule for the destination host adds its connection-pool timeouts
(connect, idle) to the Envoy that opens the connection: the sidecar or the gateway.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from timeout_lint.defaults import DEFAULT_RETRIES, lookup
from timeout_lint.durations import format_seconds
from timeout_lint.link.core import GraphNode, Linker
from timeout_lint.model import Hop, IgnoredValue, Retries, Role, Timeout

if TYPE_CHECKING:  # the linker table loads this module on every run; Istio's parser only when Istio objects exist
    from timeout_lint.parsers.istio import Destination, DestinationRule, Gateway, HttpRoute, VirtualService
    from timeout_lint.parsers.kubernetes import Service, Workload

SIDECAR = "Istio sidecar"
INGRESS_GATEWAY = "Istio ingress gateway"
_VIRTUAL_SERVICES = "networking.istio.io/VirtualService"
_DESTINATION_RULES = "networking.istio.io/DestinationRule"
_GATEWAYS = "networking.istio.io/Gateway"


def _resolve(linker: Linker, host: str, namespace: str) -> Service | None:
    """A host as Istio reads it (ResolveShortnameToFQDN): a name without a dot is a Service in the
    namespace of the object that names it; any other name is taken as written, so only the full
    ``name.namespace.svc.cluster.local`` names a Service (``name.namespace`` does not)."""
    if "." not in host:
        return linker.services.get((namespace, host))
    parts = host.split(".")
    if len(parts) == 5 and parts[2:] == ["svc", "cluster", "local"]:
        return linker.services.get((parts[1], parts[0]))
    return None


def _mesh_routes(linker: Linker) -> dict[tuple[str, str], list[tuple[VirtualService, HttpRoute]]]:
    """(namespace, name) of a Service -> the mesh routes that send traffic to it, in file order."""
    out: dict[tuple[str, str], list[tuple[VirtualService, HttpRoute]]] = {}
    for virtual_service in linker.inventory.custom.get(_VIRTUAL_SERVICES, []):
        if not virtual_service.applies_to_mesh:
            continue
        for route in virtual_service.http:
            for destination in route.destinations:
                service = _resolve(linker, destination.host, virtual_service.meta.namespace)
                if service is None:
                    continue
                routes = out.setdefault((service.meta.namespace, service.meta.name), [])
                if (virtual_service, route) not in routes:
                    routes.append((virtual_service, route))
    return out


def _destination_rules(linker: Linker) -> dict[tuple[str, str], list[DestinationRule]]:
    out: dict[tuple[str, str], list[DestinationRule]] = {}
    for rule in linker.inventory.custom.get(_DESTINATION_RULES, []):
        service = _resolve(linker, rule.host, rule.meta.namespace) if rule.host else None
        if service is not None:
            out.setdefault((service.meta.namespace, service.meta.name), []).append(rule)
    return out


def _pool(linker: Linker, service: Service) -> tuple[tuple[Timeout, ...], tuple[str, ...]]:
    """Connection-pool timeouts of the first DestinationRule for the Service, defaults for the rest."""
    from timeout_lint.parsers.istio import POOL_FIELDS

    rules = linker.index("istio_destination_rules", lambda: _destination_rules(linker)).get((service.meta.namespace, service.meta.name), [])
    rule = rules[0] if rules else None
    timeouts = []
    for section, field_name in POOL_FIELDS:
        chosen = rule.pool.get((section, field_name)) if rule is not None else None
        if chosen is None:
            target = f"{rule.meta.ref}" if rule is not None else f"a DestinationRule for host {service.meta.name}.{service.meta.namespace}"
            chosen = lookup("istio", f"connectionPool.{section}.{field_name}").timeout(
                rule.meta.location if rule is not None else service.meta.location,
                hint=f"set trafficPolicy.connectionPool.{section}.{field_name} in {target} to more than {{value}}",
            )
        timeouts.append(chosen)
    notes = ()
    if len(rules) > 1:
        notes = (f"{len(rules)} DestinationRules name this host; Istio uses one ({rule.meta.ref}, the first read here)",)
    return tuple(timeouts), notes


def _route_timeouts(virtual_service: VirtualService, route: HttpRoute) -> tuple[Timeout, ...]:
    timeout = route.timeout or lookup("istio", "timeout").timeout(
        route.location, hint=f"set timeout on {route.label} of {virtual_service.meta.ref} to more than {{value}}"
    )
    return (timeout, route.per_try_timeout) if route.per_try_timeout is not None else (timeout,)


def _route_retries(route: HttpRoute) -> Retries:
    if route.retries is not None:
        return route.retries
    from timeout_lint.parsers.istio import ISTIO_RETRY_ON  # here: a tree without Istio never imports its parser

    count, _source = DEFAULT_RETRIES[("istio", "retries.attempts")]
    return Retries(count, "retries.attempts", str(count), False, route.location, on=ISTIO_RETRY_ON)


def _route_notes(route: HttpRoute) -> tuple[str, ...]:
    notes = route.notes
    if route.timeout is None:
        # listener_builder.go also sets the listener's stream_idle_timeout to 0 (unless the opt-in EDGE connection profile)
        route_default, idle_default = lookup("envoy", "route timeout"), lookup("envoy", "stream_idle_timeout")
        notes += (
            f"no timeout on {route.label}: Istio writes Envoy route timeout 0 and stream_idle_timeout 0 (none); "
            f"Envoy's own {format_seconds(route_default.seconds)} and {format_seconds(idle_default.seconds)} do not apply",
        )
    return notes


def _route_hop(system: str, role: Role, virtual_service: VirtualService, route: HttpRoute, pool: tuple, notes: tuple[str, ...] = ()) -> Hop:
    pool_timeouts, pool_notes = pool
    return Hop(
        system=system,
        role=role,
        name=f"{route.label} of {virtual_service.meta.ref}",
        location=route.location,
        timeouts=_route_timeouts(virtual_service, route) + pool_timeouts,
        retries=_route_retries(route),
        notes=notes + _route_notes(route) + pool_notes,
    )


def sidecar_hops(linker: Linker, service: Service, workload: Workload | None) -> tuple[Hop, ...]:
    """SERVICE_HOPS: the sidecar a request to ``service`` crosses when a mesh VirtualService routes it.

    Which route a request from outside Istio matches is not known, so every mesh route to the
    Service is on the hop: each of their timeouts must carry the app's worst case.
    """
    if not linker.inventory.custom.get(_VIRTUAL_SERVICES):
        return ()
    routes = linker.index("istio_mesh_routes", lambda: _mesh_routes(linker)).get((service.meta.namespace, service.meta.name), [])
    if not routes:
        return ()
    pool = _pool(linker, service)
    if len(routes) == 1:
        virtual_service, route = routes[0]
        return (_route_hop(SIDECAR, Role.SIDECAR, virtual_service, route, pool, ("the caller's sidecar enforces this route",)),)
    timeouts: list[Timeout] = []
    notes: list[str] = [
        f"{len(routes)} mesh routes send traffic here; the timeouts of each are listed, retries are the most any of them makes"
    ]
    for virtual_service, route in routes:
        timeouts.extend(_route_timeouts(virtual_service, route))
        notes.extend(_route_notes(route))
    first_service, first_route = routes[0]
    return (
        Hop(
            system=SIDECAR,
            role=Role.SIDECAR,
            name=", ".join(f"{route.label} of {vs.meta.ref}" for vs, route in routes),
            location=first_route.location,
            timeouts=tuple(timeouts) + pool[0],
            retries=max((_route_retries(route) for _, route in routes), key=lambda r: r.extra_tries),
            notes=tuple(notes) + pool[1],
        ),
    )


def _without_sidecar(linker: Linker, node_id: str) -> str:
    """The app node as reached from an Envoy that already applied the route: no sidecar hop again."""
    node = linker.graph.nodes[node_id]
    if not any(hop.system == SIDECAR for hop in node.hops):
        return node_id
    copy = linker.graph.add(GraphNode(f"{node_id}#after-istio", hops=tuple(h for h in node.hops if h.system != SIDECAR), app=node.app))
    return copy.id


def _targets(linker: Linker, virtual_service: VirtualService, destination: Destination) -> tuple[list[str], Service | None]:
    host = destination.host
    service = _resolve(linker, host, virtual_service.meta.namespace)
    if service is not None:
        return [_without_sidecar(linker, node_id) for node_id in linker.service_apps(service)], service
    parts = host.split(".")
    if "*" in host:
        return [linker.unresolved(host, destination.location, "a wildcard host")], None
    if "." not in host or host.endswith(".svc.cluster.local"):
        namespace = parts[1] if len(parts) > 1 else virtual_service.meta.namespace
        return [linker.missing(f"Service {namespace}/{parts[0]}", destination.location)], None
    if len(parts) == 2 or host.endswith(".svc"):
        reason = f"Istio reads a host with a dot as written; for the Service write {parts[0]} or {parts[0]}.{parts[1]}.svc.cluster.local"
        if linker.services.get((parts[1], parts[0])) is not None:
            return [linker.unresolved(host, destination.location, reason)], None
    return linker.host_apps(host, destination.port, destination.location, "/"), None


def link_virtual_services(linker: Linker) -> None:
    """ENTRY_LINKERS: each route of a VirtualService, for the mesh and for each Istio Gateway it is bound to."""
    gateways: dict[tuple[str, str], Gateway] = {(g.meta.namespace, g.meta.name): g for g in linker.inventory.custom.get(_GATEWAYS, [])}
    for virtual_service in linker.inventory.custom.get(_VIRTUAL_SERVICES, []):
        ref = f"{virtual_service.meta.namespace}/{virtual_service.meta.name}"
        for route in virtual_service.http:
            if route.delegate is not None:
                node = linker.graph.add(GraphNode(f"istio-delegate:{route.location}", entry=(f"VirtualService {ref}", route.location)))
                node.edges.append(linker.unresolved(f"VirtualService {route.delegate}", route.location, "delegation is not followed"))
            for destination in route.destinations:
                targets, service = _targets(linker, virtual_service, destination)
                pool = _pool(linker, service) if service is not None else ((), ())
                if virtual_service.applies_to_mesh:
                    hop = _route_hop(SIDECAR, Role.SIDECAR, virtual_service, route, pool, ("the caller's sidecar enforces this route",))
                    node = linker.graph.add(
                        GraphNode(
                            f"istio-mesh:{route.location}:{destination.host}",
                            hops=(hop,),
                            entry=(f"VirtualService {ref} (mesh)", route.location),
                        )
                    )
                    node.edges.extend(t for t in targets if t not in node.edges)
                for namespace, name in virtual_service.gateway_refs():
                    notes = () if (namespace, name) in gateways else (f"Gateway {namespace}/{name} is not in the linted files",)
                    hop = _route_hop(INGRESS_GATEWAY, Role.INGRESS, virtual_service, route, pool, notes)
                    node = linker.graph.add(
                        GraphNode(
                            f"istio-gateway:{namespace}/{name}:{route.location}:{destination.host}",
                            hops=(hop,),
                            entry=(f"Istio gateway {namespace}/{name} / VirtualService {ref}", route.location),
                        )
                    )
                    node.edges.extend(t for t in targets if t not in node.edges)


def ignored_values(linker: Linker) -> Iterator[IgnoredValue]:
    """A retries.perTryTimeout that Istio drops with its retry policy (attempts 0), with the route timeout that applies instead."""
    for virtual_service in linker.inventory.custom.get(_VIRTUAL_SERVICES, []):
        for route in virtual_service.http:
            for value in route.dropped:
                if route.timeout is not None:
                    yield IgnoredValue(
                        value, f"the route timeout {route.timeout.raw} applies instead, to every try", route.timeout.location
                    )
                else:
                    yield IgnoredValue(value, f"no timeout applies instead: {route.label} has none")
