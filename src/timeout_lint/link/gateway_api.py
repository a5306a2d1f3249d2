"""Gateway API entries: each HTTPRoute rule x backendRef, through its Gateway's implementation, to a Service.

A route's parentRefs name Gateways; a Gateway's gatewayClassName names a GatewayClass, whose
spec.controllerName says which implementation serves it. What rules[].timeouts become depends on it:

- Kong (Kong Ingress Controller, or Kong Operator's in-process one): see link/kong.py http_route_hops.
- Istio: ``request`` is the route timeout; ``backendRequest`` is the per-try timeout when the rule has
  a retry block and otherwise replaces the route timeout (istio/istio pilot/pkg/config/kube/gateway/
  conversion.go). With neither, Istio sets no route timeout.
- Any other implementation: the spec's meaning, both total deadlines; an unset field's default is the
  implementation's, so none is assumed and the hop says so.

Cross-namespace backendRefs are followed without checking for a ReferenceGrant.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import TYPE_CHECKING, NamedTuple

from timeout_lint.link.core import GraphNode, Linker
from timeout_lint.model import DroppedValue, Hop, IgnoredValue, Kind, Role, Site, Timeout

if TYPE_CHECKING:
    from timeout_lint.parsers.gateway_api import BackendRef, Gateway, HTTPRoute, HTTPRouteRule, RouteTimeout

#: Inventory.custom's keys for the Gateway API's kinds, as parsers.gateway_api files them (spelled here
#: so that a tree without any does not import the parser; tests/test_link.py checks they agree)
GROUP = "gateway.networking.k8s.io"
GATEWAY_CLASSES, GATEWAYS, HTTP_ROUTES = f"{GROUP}/GatewayClass", f"{GROUP}/Gateway", f"{GROUP}/HTTPRoute"
#: GatewayClass spec.controllerName -> implementation
CONTROLLERS = {
    "konghq.com/kic-gateway-controller": "kong",
    "konghq.com/gateway-operator": "kong",  # Kong Operator runs Kong Ingress Controller in process
    "istio.io/gateway-controller": "istio",
}
#: Class names that mean an implementation when no GatewayClass object in the tree says otherwise
CLASS_NAMES = {"kong": "kong", "istio": "istio"}
#: implementation -> function(linker, route, rule, backend, attachment) -> tuple[Hop, ...]
IMPLEMENTATION_HOPS = {
    "kong": "timeout_lint.link.kong:http_route_hops",
    "istio": "timeout_lint.link.gateway_api:istio_hops",
}


class Attachment(NamedTuple):
    """One parent of a route, resolved as far as the linted files allow."""

    implementation: str | None  # "kong", "istio", or None when unknown
    controller: str | None  # GatewayClass spec.controllerName, when known
    gateway: Gateway | None
    label: str  # "Gateway shop/public"
    notes: tuple[str, ...] = ()

    @property
    def system(self) -> str:
        return f"Gateway API ({self.controller})" if self.controller else "Gateway API (implementation unknown)"


def attachments(linker: Linker, route: HTTPRoute) -> list[Attachment]:
    """The distinct Gateways (or other parents) a route is attached to."""
    gateways = linker.index("gateways", lambda: {(g.meta.namespace, g.meta.name): g for g in linker.inventory.custom.get(GATEWAYS, [])})
    classes = linker.index("gateway_classes", lambda: {c.meta.name: c for c in linker.inventory.custom.get(GATEWAY_CLASSES, [])})
    out: list[Attachment] = []
    for parent in route.parent_refs:
        if parent.kind != "Gateway" or parent.group != GROUP:
            group = f"{parent.group}/" if parent.group else ""
            out.append(
                Attachment(
                    None,
                    None,
                    None,
                    f"{group}{parent.kind} {parent.namespace}/{parent.name}",
                    (
                        f"parent {parent.kind} {parent.namespace}/{parent.name} is not a Gateway (a mesh route?); its implementation is unknown",
                    ),
                )
            )
            continue
        label = f"Gateway {parent.namespace}/{parent.name}"
        gateway = gateways.get((parent.namespace, parent.name))
        if gateway is None:
            out.append(Attachment(None, None, None, label, (f"{label} is not in the linted files; its implementation is unknown",)))
            continue
        gateway_class = classes.get(gateway.class_name) if gateway.class_name else None
        if gateway_class is not None:
            controller = gateway_class.controller_name
            out.append(Attachment(CONTROLLERS.get(controller or ""), controller, gateway, label))
        else:
            implementation = CLASS_NAMES.get(gateway.class_name or "")
            note = f"GatewayClass {gateway.class_name} is not in the linted files; " + (
                f"{implementation} assumed from its name" if implementation else "its implementation is unknown"
            )
            out.append(Attachment(implementation, None, gateway, label, (note,)))
    if not route.parent_refs:
        out.append(Attachment(None, None, None, "no Gateway", ("the route has no parentRefs: no Gateway serves it",)))
    unique: list[Attachment] = []
    for attachment in out:
        if all((a.label, a.implementation) != (attachment.label, attachment.implementation) for a in unique):
            unique.append(attachment)
    return unique


def route_timeout(value: RouteTimeout, kind: Kind, setting: str | None = None, rule: HTTPRouteRule | None = None) -> Timeout:
    """A rules[].timeouts value as a timeout of ``kind``; the raw text carries its unit.

    --fix rewrites the duration in place; ``rule``, for backendRequest: the API server refuses one
    longer than the rule's timeouts.request, so --fix never writes more than that.
    """
    request = rule.request if rule is not None else None
    site = duration_site(value)
    if request is not None:
        site = site._replace(maximum=request.seconds, ceiling=duration_site(request).key)
    return Timeout(
        kind=kind,
        setting=setting or value.setting,
        seconds=value.seconds,
        raw=value.raw,
        explicit=True,
        location=value.location,
        comment=value.comment,
        site=site,
    )


def duration_site(value: RouteTimeout) -> Site:
    """--fix rewrites a rules[].timeouts duration where it is written."""
    return Site("yaml", "gateway", value.location, fragment=value.raw, written=value.raw)


def _hop_name(route: HTTPRoute, rule: HTTPRouteRule, attachment: Attachment) -> str:
    return f"{attachment.label}, HTTPRoute {route.meta.namespace}/{route.meta.name} {route.rule_label(rule)}"


def spec_hops(linker: Linker, route: HTTPRoute, rule: HTTPRouteRule, backend: BackendRef, attachment: Attachment) -> tuple[Hop, ...]:
    """An implementation timeout-lint does not model: the spec's meaning, no default assumed."""
    timeouts = []
    notes = list(attachment.notes)
    for value, field_name in ((rule.request, "request"), (rule.backend_request, "backendRequest")):
        if value is not None:
            timeouts.append(route_timeout(value, Kind.TOTAL, rule=rule if field_name == "backendRequest" else None))
        else:
            notes.append(
                f"timeouts.{field_name} is not set: its default is implementation-specific (Gateway API names none), "
                f"so no default timeout is assumed"
            )
    return (Hop(attachment.system, Role.INGRESS, _hop_name(route, rule, attachment), rule.location, tuple(timeouts), None, tuple(notes)),)


def istio_hops(linker: Linker, route: HTTPRoute, rule: HTTPRouteRule, backend: BackendRef, attachment: Attachment) -> tuple[Hop, ...]:
    """Istio's translation: request -> route timeout; backendRequest -> per-try timeout, or the route timeout without retries."""
    from timeout_lint.defaults import lookup

    notes = list(attachment.notes)
    timeouts = []
    request, backend_request = rule.request, rule.backend_request
    if backend_request is not None and math.isinf(backend_request.seconds):
        notes.append("timeouts.backendRequest 0s sets nothing: Istio skips a zero duration")
        backend_request = None
    if backend_request is not None and not rule.has_retry:
        timeouts.append(route_timeout(backend_request, Kind.TOTAL, rule=rule))
        if request is not None:
            notes.append(
                f"timeouts.request {request.raw} is replaced by timeouts.backendRequest: without a retry block Istio uses it as the route timeout"
            )
    else:
        if request is not None:
            timeouts.append(route_timeout(request, Kind.TOTAL))
        if backend_request is not None:
            timeouts.append(route_timeout(backend_request, Kind.TOTAL, "timeouts.backendRequest (per try)", rule))
    if not timeouts:
        timeouts.append(
            lookup("istio-httproute", "timeouts.request").timeout(
                rule.location,
                hint=f"set timeouts.request on {route.rule_label(rule)} of HTTPRoute {route.meta.namespace}/{route.meta.name} to more than {{value}}",
            )
        )
    system = "Istio gateway"
    return (Hop(system, Role.INGRESS, _hop_name(route, rule, attachment), rule.location, tuple(timeouts), None, tuple(notes)),)


def hops_for(linker: Linker, route: HTTPRoute, rule: HTTPRouteRule, backend: BackendRef, attachment: Attachment) -> tuple[Hop, ...]:
    from timeout_lint.lazy import load

    builder = IMPLEMENTATION_HOPS.get(attachment.implementation or "")
    if builder is None:
        hops = spec_hops(linker, route, rule, backend, attachment)
    else:
        hops = load(builder)(linker, route, rule, backend, attachment)
    if not rule.invalid or not hops:
        return hops
    refused = tuple(f'{value.setting} "{value.raw}" {value.reason}; the API server refuses this HTTPRoute' for value in rule.invalid)
    return (hops[0]._replace(notes=(*hops[0].notes, *refused)), *hops[1:])


def _backend_edges(linker: Linker, backend: BackendRef) -> list[str]:
    if backend.kind != "Service" or backend.group not in ("", "core"):
        group = f"{backend.group}/" if backend.group else ""
        return [
            linker.unresolved(
                f"{group}{backend.kind} {backend.namespace}/{backend.name}", backend.location, "a backend kind timeout-lint does not model"
            )
        ]
    service = linker.services.get((backend.namespace, backend.name))
    if service is None:
        return [linker.missing(f"Service {backend.namespace}/{backend.name}", backend.location)]
    return linker.service_apps(service)


def link_http_routes(linker: Linker) -> None:
    routes = linker.inventory.custom.get(HTTP_ROUTES)
    if not routes:
        return
    for route in routes:
        parents = attachments(linker, route)
        for rule in route.rules:
            for backend in rule.backend_refs:
                if backend.weight == 0:
                    continue  # a zero weight sends this backend no requests
                for attachment in parents:
                    entry = f"HTTPRoute {route.meta.namespace}/{route.meta.name} {route.rule_label(rule)}"
                    if len(parents) > 1:
                        entry += f" on {attachment.label}"
                    node = linker.graph.add(
                        GraphNode(
                            f"httproute:{backend.location}:{attachment.label}",
                            hops=hops_for(linker, route, rule, backend, attachment),
                            entry=(entry, rule.location),
                        )
                    )
                    node.edges.extend(_backend_edges(linker, backend))


def ignored_values(linker: Linker) -> Iterator[IgnoredValue]:
    """Timeouts the API server refuses, and those Istio drops (a zero backendRequest, a request that backendRequest
    replaces); Kong's are in link/kong.py."""
    for route in linker.inventory.custom.get(HTTP_ROUTES, []):
        istio = any(a.implementation == "istio" for a in attachments(linker, route))
        for rule in route.rules:
            for value in rule.invalid:
                dropped = DroppedValue(
                    value.setting, value.raw, f"it {value.reason}, so the API server refuses the HTTPRoute", value.location
                )
                yield IgnoredValue(dropped, f"none of HTTPRoute {route.meta.namespace}/{route.meta.name} applies until it is fixed")
            request, backend_request = rule.request, rule.backend_request
            if not istio or backend_request is None:
                continue
            if math.isinf(backend_request.seconds):
                dropped = DroppedValue(
                    backend_request.setting, backend_request.raw, "Istio skips a zero duration", backend_request.location
                )
                if request is not None:
                    yield IgnoredValue(dropped, f"{request.setting} {request.raw} applies instead", request.location)
                else:
                    yield IgnoredValue(dropped, "no route timeout applies instead (Istio sets none)")
            elif request is not None and not rule.has_retry:
                reason = "without a retry block Istio takes timeouts.backendRequest as the route timeout"
                dropped = DroppedValue(request.setting, request.raw, reason, request.location)
                yield IgnoredValue(dropped, f"{backend_request.setting} {backend_request.raw} applies instead", backend_request.location)
