"""Traefik: the hop it adds in front of a Kubernetes Service, for IngressRoutes and for Ingresses of class traefik.

The hop carries two sets of timeouts (defaults.PRECEDENCE["traefik", ...]):

* towards the Service, the ServersTransport the route's service names (its unset fields take
  Traefik's defaults), or else the static ``serversTransport`` (``default@internal``);
* towards the client, the ``respondingTimeouts`` of each entry point the route listens on, from the
  static configuration. Traefik reads one static configuration; when the tree holds several, the
  first file (else the first Traefik container's arguments) is applied and the hop says so.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, NamedTuple

from timeout_lint.defaults import lookup
from timeout_lint.link.core import GraphNode, Linker
from timeout_lint.model import Hop, IgnoredValue, Location, Role, Timeout

if TYPE_CHECKING:  # the linker table loads this module on every run; Traefik's parser only when Traefik objects exist
    from timeout_lint.parsers.kubernetes import Ingress, Service
    from timeout_lint.parsers.traefik import IngressRoute, ServersTransport, StaticConfig, TraefikBackend

TRAEFIK = "Traefik"
_INGRESS_ROUTES = ("traefik.io/IngressRoute", "traefik.containo.us/IngressRoute")
_SERVERS_TRANSPORTS = ("traefik.io/ServersTransport", "traefik.containo.us/ServersTransport")
_FORWARDING = ("dialTimeout", "responseHeaderTimeout", "idleConnTimeout")
_RESPONDING = ("readTimeout", "writeTimeout", "idleTimeout")
_CRD_PROVIDER = "kubernetescrd"
_DEFAULT_TRANSPORT = "default@internal"


def normalize(name: str) -> str:
    """traefik pkg/provider/provider.go Normalize: runs of anything but letters and digits become one "-"."""
    return "-".join(re.findall(r"[^\W_]+", name))


class _Transports:
    """ServersTransport resources by (namespace, name) and by the ID Traefik gives them (``ns-name``)."""

    def __init__(self, linker: Linker):
        transports: list[ServersTransport] = [t for key in _SERVERS_TRANSPORTS for t in linker.inventory.custom.get(key, [])]
        self.by_name = {(t.meta.namespace, t.meta.name): t for t in transports}
        self.by_id = {normalize(f"{t.meta.namespace}-{t.meta.name}"): t for t in transports}


def _static(linker: Linker) -> tuple[StaticConfig | None, tuple[str, ...]]:
    configs = linker.inventory.traefik_static
    if not configs:
        return None, (
            "no Traefik static configuration (traefik.yml/.yaml/.toml, Traefik container arguments) in the linted files: its defaults apply",
        )
    notes = (f"static configuration: {configs[0].source}",)
    if len(configs) > 1:
        others = ", ".join(c.source for c in configs[1:])
        notes += (
            f"also found and not applied: {others} (Traefik reads one static configuration; which one serves this route is not known)",
        )
    return configs[0], notes


def _lookup(transports: _Transports, reference: str, namespace: str) -> tuple[ServersTransport | None, str, bool]:
    """The ServersTransport a reference names (a bare name in ``namespace``, or ``namespace-name@kubernetescrd``),
    how to name it, and whether it would be in the linted files at all (another provider's is not)."""
    name, at, provider = reference.partition("@")
    if not at:
        return transports.by_name.get((namespace, name)), f"ServersTransport {namespace}/{name}", True
    if provider == _CRD_PROVIDER:
        return transports.by_id.get(normalize(name)), f"ServersTransport {reference}", True
    return None, f"ServersTransport {reference}", False


class TransportReference(NamedTuple):
    label: str  # "ServersTransport shop/slow"
    location: Location  # where it is named
    owner: str  # "IngressRoute shop/web", "Service shop/api"


def missing_servers_transports(linker: Linker) -> Iterator[TransportReference]:
    """ServersTransports named by an IngressRoute service or a Service annotation that no linted file defines."""
    from timeout_lint.parsers.traefik import SERVERS_TRANSPORT_ANNOTATION

    transports: _Transports = linker.index("traefik_transports", lambda: _Transports(linker))
    for key in _INGRESS_ROUTES:
        for route_object in linker.inventory.custom.get(key, []):
            meta = route_object.meta
            for route in route_object.routes:
                for backend in route.backends:
                    reference = backend.servers_transport
                    if not reference or reference == _DEFAULT_TRANSPORT:
                        continue
                    found, label, readable = _lookup(transports, reference, backend.namespace or meta.namespace)
                    if found is None and readable:
                        yield TransportReference(label, backend.servers_transport_location or backend.location, meta.ref)
    for service in linker.inventory.kubernetes.services:
        entry = service.meta.annotations.get(SERVERS_TRANSPORT_ANNOTATION)
        reference = (entry.value or "").strip() if entry is not None else ""
        if not reference or reference == _DEFAULT_TRANSPORT:
            continue
        found, label, readable = _lookup(transports, reference, service.meta.namespace)
        if found is None and readable:
            yield TransportReference(label, entry.location, service.meta.ref)


def _forwarding(
    linker: Linker,
    reference: str | None,
    reference_location: Location | None,
    namespace: str,
    anchor: Location,
    static: StaticConfig | None,
) -> tuple[list[Timeout], tuple[str, ...]]:
    """The forwardingTimeouts for a service: its named ServersTransport, else the static default@internal one."""
    transports: _Transports = linker.index("traefik_transports", lambda: _Transports(linker))
    explicit: dict[str, Timeout] = {}
    notes: tuple[str, ...] = ()
    where, how = anchor, "set {field} on a ServersTransport named by this route's service"
    if reference is None or reference == _DEFAULT_TRANSPORT:
        if static is not None:
            explicit = static.forwarding
            where = static.location
        how = "set serversTransport.forwardingTimeouts.{field} in Traefik's static configuration"
    else:
        found, label, readable = _lookup(transports, reference, namespace)
        provider = reference.partition("@")[2]
        if provider == _CRD_PROVIDER:
            notes += ("a namespace-name@kubernetescrd reference needs allowCrossNamespace on Traefik's kubernetesCRD provider",)
        elif not readable:
            notes += (f"{label} comes from Traefik's {provider} provider, which is not read: Traefik's defaults assumed",)
        if found is not None:
            explicit = found.timeouts
            where = found.meta.location
            how = f"set spec.forwardingTimeouts.{{field}} on {found.meta.ref}"
        elif readable:
            notes += (f"{label} is not in the linted files: Traefik's defaults assumed",)
            where = reference_location or anchor
    timeouts = [
        explicit.get(field_name)
        or lookup("traefik", field_name).timeout(where, hint=how.format(field=field_name) + " to more than {value}")
        for field_name in _FORWARDING
    ]
    return timeouts, notes


def _responding(entry_points: tuple[str, ...], static: StaticConfig | None, anchor: Location) -> list[Timeout]:
    """respondingTimeouts of each entry point the route listens on (all of them when it names none)."""
    known = static.entry_points if static is not None else {}
    names = entry_points or tuple(point.name for point in known.values()) or ("<entry point>",)
    timeouts: list[Timeout] = []
    for name in names:
        point = known.get(name.lower())
        where = point.location if point is not None else static.location if static is not None else anchor
        for field_name in _RESPONDING:
            chosen = point.timeouts.get(field_name) if point is not None else None
            if chosen is None:
                setting = f"entryPoints.{name}.transport.respondingTimeouts.{field_name}"
                default = lookup("traefik", field_name)
                chosen = default.timeout(where, hint=f"set {setting} in Traefik's static configuration to more than {{value}}")._replace(
                    setting=setting
                )
            timeouts.append(chosen)
    return timeouts


def traefik_hop(
    linker: Linker,
    name: str,
    location: Location,
    namespace: str,
    entry_points: tuple[str, ...],
    transport: str | None,
    transport_location: Location | None,
) -> Hop:
    static, static_notes = linker.index("traefik_static", lambda: _static(linker))
    forwarding, notes = _forwarding(linker, transport, transport_location, namespace, location, static)
    return Hop(
        system=TRAEFIK,
        role=Role.INGRESS,
        name=name,
        location=location,
        timeouts=tuple(forwarding + _responding(entry_points, static, location)),
        notes=notes + static_notes,
    )


def ingress_hops(linker: Linker, ingress: Ingress, service: Service | None, backend=None) -> tuple[Hop, ...]:
    """INGRESS_CONTROLLER_HOPS: an Ingress of class traefik (Traefik's kubernetesIngress provider)."""
    from timeout_lint.parsers.traefik import ENTRYPOINTS_ANNOTATION, SERVERS_TRANSPORT_ANNOTATION

    entry = ingress.meta.annotations.get(ENTRYPOINTS_ANNOTATION)
    entry_points = tuple(p.strip() for p in (entry.value or "").split(",") if p.strip()) if entry is not None else ()
    reference = service.meta.annotations.get(SERVERS_TRANSPORT_ANNOTATION) if service is not None else None
    transport, transport_location = (reference.value, reference.location) if reference is not None and reference.value else (None, None)
    hop = traefik_hop(
        linker,
        f"router for {ingress.meta.ref}",
        ingress.meta.location,
        ingress.meta.namespace,
        entry_points,
        transport,
        transport_location,
    )
    if transport is not None and "@" not in transport:
        # the kubernetesIngress provider defines no ServersTransport: a bare name resolves to nothing there
        hop = hop._replace(
            notes=(f"{SERVERS_TRANSPORT_ANNOTATION} needs a provider suffix, e.g. <namespace>-{transport}@kubernetescrd",) + hop.notes
        )
    return (hop,)


def _link_backend(linker: Linker, route_object: IngressRoute, index: int, match: str | None, backend: TraefikBackend) -> None:
    meta = route_object.meta
    namespace = backend.namespace or meta.namespace
    node_id = f"traefik:{backend.location}"
    if node_id in linker.graph.nodes:
        return
    label = f"router for IngressRoute {meta.namespace}/{meta.name} routes[{index}]" + (f" ({match})" if match else "")
    hop = traefik_hop(
        linker, label, backend.location, namespace, route_object.entry_points, backend.servers_transport, backend.servers_transport_location
    )
    node = linker.graph.add(GraphNode(node_id, hops=(hop,), entry=(f"IngressRoute {meta.namespace}/{meta.name}", backend.location)))
    if backend.kind == "TraefikService":
        node.edges.append(
            linker.unresolved(
                f"TraefikService {namespace}/{backend.name}", backend.location, "weighted and mirroring services are not followed"
            )
        )
    elif "@" in backend.name:
        node.edges.append(linker.unresolved(backend.name, backend.location, "a service of another Traefik provider"))
    else:
        service = linker.services.get((namespace, backend.name))
        if service is None:
            node.edges.append(linker.missing(f"Service {namespace}/{backend.name}", backend.location))
        else:
            node.edges.extend(linker.service_apps(service))


def link_ingress_routes(linker: Linker) -> None:
    """ENTRY_LINKERS: every IngressRoute route x service is an entry."""
    for key in _INGRESS_ROUTES:
        for route_object in linker.inventory.custom.get(key, []):
            for route in route_object.routes:
                for backend in route.backends:
                    _link_backend(linker, route_object, route.index, route.match, backend)


def ignored_values(linker: Linker) -> Iterator[IgnoredValue]:
    """ServersTransport values Traefik cannot read, which it replaces with 0: no timeout at all."""
    transports: _Transports = linker.index("traefik_transports", lambda: _Transports(linker))
    for transport in transports.by_name.values():
        for value in transport.dropped:
            field_name = value.setting.rpartition(".")[2]
            default = lookup("traefik", field_name)
            usual = (
                "as by default" if math.isinf(default.seconds) else f"not even Traefik's default {default.timeout(value.location).written}"
            )
            yield IgnoredValue(value, f"0 applies instead: no {field_name} limit at all ({usual})")
