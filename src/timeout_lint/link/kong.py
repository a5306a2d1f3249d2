"""Kong Ingress Controller: the Kong hop an Ingress of class kong, or an HTTPRoute on a Kong Gateway, adds.

Which place sets Kong's service timeouts is decided here. For an Ingress (defaults.PRECEDENCE["kong",
"timeouts"]): the Service's annotations (KIC 2.8+) over the KongIngress its konghq.com/override names
(before KIC 3.0) over Kong's defaults. A KongIngress the Ingress itself names (or, failing that, one
with the Ingress's name) sets only route settings: it is recorded (ingress_kong_ingress) and never
changes the Kong hop. For an HTTPRoute (defaults.PRECEDENCE["kong", "httproute"]): Service annotations
over timeouts.backendRequest over KIC's 60000 ms.

The Service annotation konghq.com/upstream-policy names a KongUpstreamPolicy, which sets no request
timeouts; upstream_policy_references keeps each reference with what it resolves to.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import TYPE_CHECKING, NamedTuple

from timeout_lint.defaults import DEFAULT_RETRIES, lookup
from timeout_lint.link.core import Linker
from timeout_lint.link.gateway_api import HTTP_ROUTES, attachments
from timeout_lint.model import DroppedValue, Hop, IgnoredValue, Location, Retries, Role, Site, Timeout
from timeout_lint.parsers.kong import (
    ANNOTATION_FOR_FIELD,
    MAX_MS,
    OVERRIDE_ANNOTATION,
    RETRIES_ANNOTATION,
    TIMEOUT_ANNOTATIONS,
    TIMEOUT_FIELDS,
    UPSTREAM_POLICY_ANNOTATION,
    KongIngress,
    KongSettings,
    KongUpstreamPolicy,
    annotation_settings,
)

if TYPE_CHECKING:
    from timeout_lint.config import Version
    from timeout_lint.link.gateway_api import Attachment
    from timeout_lint.parse import Inventory
    from timeout_lint.parsers.gateway_api import BackendRef, HTTPRoute, HTTPRouteRule, RouteTimeout
    from timeout_lint.parsers.kubernetes import Ingress, Meta, Service


class KongServiceView(NamedTuple):
    """Which KongIngress a Service names, and whether its proxy block applies (it depends on KIC)."""

    override: KongIngress | None
    override_applies: bool
    annotations_apply: bool


def kong_ingresses_by_name(kong_ingresses: list[KongIngress]) -> dict[tuple[str, str], KongIngress]:
    return {(k.meta.namespace, k.meta.name): k for k in kong_ingresses}


def service_view(service: Meta, kong_ingresses: dict[tuple[str, str], KongIngress], kic_version: Version | None) -> KongServiceView:
    """KongIngress.proxy applies before KIC 3.0 (assumed when the version is unknown); annotations from 2.8."""
    name = service.annotation(OVERRIDE_ANNOTATION)
    override = kong_ingresses.get((service.namespace, name.strip())) if name else None
    override_applies = override is not None and (kic_version is None or not kic_version.at_least(3, 0))
    annotations_apply = kic_version is None or kic_version.at_least(2, 8)
    return KongServiceView(override, override_applies, annotations_apply)


#: What Kong retries: its nginx template sets no proxy_next_upstream, so nginx's default decides
#: (timeouts.md section 2.1): connection errors and timeouts before the response header.
KONG_RETRY_ON = "error timeout"


def upstream_keepalive(location: Location) -> Timeout:
    """How long Kong keeps idle connections to a service's targets: kong.conf, not a service field,
    so the default applies wherever the files do not show Kong's own configuration."""
    return lookup("kong", "upstream_keepalive_idle_timeout").timeout(
        location,
        hint="set upstream_keepalive_idle_timeout (kong.conf, or KONG_UPSTREAM_KEEPALIVE_IDLE_TIMEOUT on Kong) below {value}",
    )


def kong_hop(service: Meta, kong_ingresses: dict[tuple[str, str], KongIngress], kic_version: Version | None) -> Hop:
    """Kong's timeouts for requests to ``service``: annotation > KongIngress.proxy > Kong default."""
    view = service_view(service, kong_ingresses, kic_version)
    annotations = annotation_settings(service.annotations) if view.annotations_apply else KongSettings({})
    proxy = view.override.proxy if view.override_applies and view.override.proxy is not None else KongSettings({})
    timeouts = []
    for field_name in ("connect_timeout", "read_timeout", "write_timeout"):
        annotation = ANNOTATION_FOR_FIELD[field_name]
        # --fix: the annotation on the Service, which only that Service's Kong service reads
        on_service = _annotation_site(service, annotation) if view.annotations_apply else None
        chosen = annotations.timeouts.get(field_name)
        if chosen is None and field_name in proxy.timeouts:
            chosen = proxy.timeouts[field_name]  # a KongIngress other Services may name too
            if chosen.site is not None:
                chosen = chosen._replace(site=chosen.site._replace(own=on_service))
        if chosen is None:
            chosen = (
                lookup("kong", field_name)
                .timeout(
                    service.location,
                    hint=f'set the annotation {annotation} on {service.ref} to more than "{{value}}" (milliseconds)',
                )
                ._replace(site=on_service)
            )
        timeouts.append(chosen)
    retries = annotations.retries or proxy.retries
    if retries is None:
        count, _source = DEFAULT_RETRIES[("kong", "retries")]
        retries = Retries(count, "retries", str(count), False, service.location)  # Kong's default
    return Hop(
        system="Kong",
        role=Role.INGRESS,
        name=f"Kong service for {service.ref}",
        location=service.location,
        timeouts=(*timeouts, upstream_keepalive(service.location)),
        retries=retries._replace(on=KONG_RETRY_ON),
    )


def _annotation_site(service: Meta, annotation: str) -> Site:
    return Site(
        "yaml", "ms", service.location, action="put", path=("metadata", "annotations", annotation), quoted=True, maximum=MAX_MS / 1000
    )


class IngressKongIngress(NamedTuple):
    """The KongIngress KIC picks for an Ingress: its route settings apply there, its proxy block never does."""

    ingress: Meta
    name: str
    via: str  # OVERRIDE_ANNOTATION, or SAME_NAME
    location: Location  # the annotation, or the Ingress when it is found by name
    kong_ingress: KongIngress | None  # None: the annotation names one that is not in the linted files


SAME_NAME = "the Ingress's own name"


def ingress_kong_ingress(ingress: Meta, kong_ingresses: dict[tuple[str, str], KongIngress]) -> IngressKongIngress | None:
    """KIC's getKongIngressFromObjAnnotations: the KongIngress konghq.com/override names when it exists, else one
    with the Ingress's own name (KIC 2.x translator; the lookup is still in 3.x for what KongIngress may still set)."""
    entry = ingress.annotations.get(OVERRIDE_ANNOTATION)
    named = (entry.value or "").strip() if entry is not None else ""
    if named and (ingress.namespace, named) in kong_ingresses:
        return IngressKongIngress(ingress, named, OVERRIDE_ANNOTATION, entry.location, kong_ingresses[(ingress.namespace, named)])
    same = kong_ingresses.get((ingress.namespace, ingress.name))
    if same is not None:
        return IngressKongIngress(ingress, ingress.name, SAME_NAME, ingress.location, same)
    if named:
        return IngressKongIngress(ingress, named, OVERRIDE_ANNOTATION, entry.location, None)
    return None


def ingress_kong_ingresses(inventory: Inventory) -> list[IngressKongIngress]:
    """For every Ingress in the tree (of any class), the KongIngress KIC would pick for it."""
    index = kong_ingresses_by_name(inventory.kong_ingresses)
    found = (ingress_kong_ingress(ingress.meta, index) for ingress in inventory.kubernetes.ingresses)
    return [record for record in found if record is not None]


class UpstreamPolicyReference(NamedTuple):
    service: Meta
    name: str
    location: Location  # the annotation
    policy: KongUpstreamPolicy | None  # None: not in the linted files (it must be in the Service's namespace)


def upstream_policy_references(inventory: Inventory) -> list[UpstreamPolicyReference]:
    policies = {(p.meta.namespace, p.meta.name): p for p in inventory.custom.get("KongUpstreamPolicy", [])}
    out = []
    for service in inventory.kubernetes.services:
        entry = service.meta.annotations.get(UPSTREAM_POLICY_ANNOTATION)
        if entry is None:
            continue
        name = (entry.value or "").strip()
        out.append(UpstreamPolicyReference(service.meta, name, entry.location, policies.get((service.meta.namespace, name))))
    return out


def ingress_hops(linker: Linker, ingress: Ingress, service: Service | None, backend=None) -> tuple[Hop, ...]:
    if service is None:
        return ()
    index = linker.index("kong_ingresses", lambda: kong_ingresses_by_name(linker.inventory.kong_ingresses))
    hop = kong_hop(service.meta, index, linker.inventory.config.kong_ingress_controller)
    picked = ingress_kong_ingress(ingress.meta, index)
    if (
        picked is not None
        and picked.kong_ingress is not None
        and picked.kong_ingress.proxy is not None
        and not picked.kong_ingress.proxy.empty
    ):
        ref = f"KongIngress {picked.kong_ingress.meta.namespace}/{picked.name}"
        how = f"named by {OVERRIDE_ANNOTATION} on" if picked.via == OVERRIDE_ANNOTATION else "with the same name as"
        hop = hop._replace(
            notes=(
                *hop.notes,
                f"{ref} {how} {ingress.meta.ref} has a proxy: block, which has no effect there: Kong Ingress Controller reads "
                f"proxy settings only from the KongIngress named on the Service",
            )
        )
    return (hop,)


_FIELDS = ("connect_timeout", "read_timeout", "write_timeout")  # the order of kong_hop's timeouts


def _instead(value: DroppedValue, hop: Hop, field_name: str) -> IgnoredValue:
    """What Kong uses for ``field_name`` (a timeout field, or "retries") on this hop, in place of ``value``."""
    if field_name == "retries":
        retries = hop.retries
        if retries.explicit:
            return IgnoredValue(value, f"{retries.setting} {retries.raw} applies instead", retries.location)
        return IgnoredValue(value, f"Kong's retries default {retries.raw} applies instead")
    return IgnoredValue.replaced_by(value, hop.timeouts[_FIELDS.index(field_name)], "Kong")


def _kong_field(setting: str) -> str:
    """konghq.com/read-timeout, proxy.read_timeout, read_timeout -> read_timeout; the retries settings -> retries."""
    if setting in TIMEOUT_ANNOTATIONS:
        return TIMEOUT_ANNOTATIONS[setting][0]
    return "retries" if setting == RETRIES_ANNOTATION else setting.rpartition(".")[2]


def ignored_values(linker: Linker) -> Iterator[IgnoredValue]:
    """Kong values KIC drops (a "60s" annotation, a value out of Kong's range, a quoted KongIngress integer, an HTTPRoute
    timeouts.request), each with what Kong uses instead."""
    inventory = linker.inventory
    version = inventory.config.kong_ingress_controller
    index = linker.index("kong_ingresses", lambda: kong_ingresses_by_name(inventory.kong_ingresses))
    keys = (*TIMEOUT_ANNOTATIONS, RETRIES_ANNOTATION)
    naming: dict[tuple[str, str], list[Service]] = {}
    for service in inventory.kubernetes.services:
        override = (service.meta.annotation(OVERRIDE_ANNOTATION) or "").strip()
        if override:
            naming.setdefault((service.meta.namespace, override), []).append(service)
        if not any(key in service.meta.annotations for key in keys):
            continue
        dropped = annotation_settings(service.meta.annotations).dropped
        if dropped and service_view(service.meta, index, version).annotations_apply:
            hop = kong_hop(service.meta, index, version)
            yield from (_instead(value, hop, _kong_field(value.setting)) for value in dropped)
    if version is None or not version.at_least(3, 0):  # from 3.0 on the whole proxy block is ignored: TL301
        for kong_ingress in inventory.kong_ingresses:
            if kong_ingress.proxy is None:
                continue
            services = naming.get((kong_ingress.meta.namespace, kong_ingress.meta.name), [])
            for value in kong_ingress.proxy.dropped:
                field_name = _kong_field(value.setting)
                choices = {_instead(value, kong_hop(s.meta, index, version), field_name) for s in services}
                if len(choices) == 1:
                    yield choices.pop()
                    continue
                default = lookup("kong", field_name).timeout(kong_ingress.meta.location) if field_name != "retries" else None
                shown = (
                    f"Kong's {default.shown}"
                    if default is not None
                    else f"Kong's retries default {DEFAULT_RETRIES[('kong', 'retries')][0]}"
                )
                where = " for the Services that name it without annotations of their own" if services else ""
                yield IgnoredValue(value, f"{shown} applies instead{where}")
    yield from _http_route_ignored(linker)


# -- HTTPRoute on a Kong Gateway ------------------------------------------------------------------


def _kong_service_key(route: HTTPRoute, rule: HTTPRouteRule) -> tuple:
    """KIC getKongServiceNameByBackendRefs: rules of one namespace with the same backendRefs share a Kong service."""
    names = []
    for backend in rule.backend_refs:
        name = f"{backend.namespace}.{backend.name}"
        if backend.port is not None:
            name += f".{backend.port}"
        if backend.weight is not None:
            name += f".{backend.weight}"
        names.append(name)
    return (route.meta.namespace, tuple(sorted(names)))


def _kong_route_services(linker: Linker) -> dict[tuple, list[tuple[HTTPRoute, HTTPRouteRule]]]:
    routes = linker.inventory.custom.get(HTTP_ROUTES)
    if not routes:
        return {}
    groups: dict[tuple, list[tuple[HTTPRoute, HTTPRouteRule]]] = {}
    for route in routes:
        if not any(a.implementation == "kong" for a in attachments(linker, route)):
            continue
        for rule in route.rules:
            if rule.backend_refs:
                groups.setdefault(_kong_service_key(route, rule), []).append((route, rule))
    return groups


def _milliseconds(value: RouteTimeout) -> int:
    """What KIC writes to Kong for timeouts.backendRequest: whole milliseconds, 0 for 0s."""
    return 0 if math.isinf(value.seconds) else round(value.seconds * 1000)


def _http_route_ignored(linker: Linker) -> Iterator[IgnoredValue]:
    """timeouts.request on a Kong Gateway's HTTPRoute (KIC reads only backendRequest), and a backendRequest out of Kong's range."""
    from timeout_lint.link.gateway_api import attachments
    from timeout_lint.parsers.gateway_api import HTTP_ROUTES

    for route in linker.inventory.custom.get(HTTP_ROUTES, []):
        kong = [a for a in attachments(linker, route) if a.implementation == "kong"]
        if not kong:
            continue
        for rule in route.rules:
            dropped = []
            if rule.request is not None:
                reason = "Kong Ingress Controller uses only timeouts.backendRequest"
                dropped.append(DroppedValue(rule.request.setting, rule.request.raw, reason, rule.request.location))
            value = rule.backend_request
            if value is not None and not 1 <= _milliseconds(value) <= MAX_MS:
                reason = f"Kong Ingress Controller writes it as {_milliseconds(value)} ms, outside Kong's range 1..{MAX_MS} ms, which Kong refuses"
                dropped.append(DroppedValue(value.setting, value.raw, reason, value.location))
            if not dropped or not rule.backend_refs:
                continue
            (hop,) = http_route_hops(linker, route, rule, rule.backend_refs[0], kong[0])
            yield from (IgnoredValue.replaced_by(d, hop.timeouts[_FIELDS.index("read_timeout")], "Kong") for d in dropped)


def _backend_request(shared: list[tuple[HTTPRoute, HTTPRouteRule]], notes: list[str]) -> tuple[HTTPRoute, HTTPRouteRule, int] | None:
    """KIC applyTimeoutToServiceFromHTTPRouteRule over the rules of one Kong service: the last one whose
    backendRequest differs from 60000 ms is written to connect/read/write_timeout."""
    chosen = None
    for route, rule in shared:
        value = rule.backend_request
        if value is None:
            continue
        millis = _milliseconds(value)
        if not 1 <= millis <= MAX_MS:
            notes.append(
                f"timeouts.backendRequest {value.raw} of HTTPRoute {route.meta.namespace}/{route.meta.name} {route.rule_label(rule)} "
                f"becomes {millis} ms, outside Kong's range 1..{MAX_MS} ms: Kong refuses it; Kong's default is checked instead"
            )
            continue
        if millis != 60000:
            chosen = (route, rule, millis)
    return chosen


def http_route_hops(linker: Linker, route: HTTPRoute, rule: HTTPRouteRule, backend: BackendRef, attachment: Attachment) -> tuple[Hop, ...]:
    """The Kong service KIC makes for an HTTPRoute rule: annotations > timeouts.backendRequest > 60000 ms."""
    from timeout_lint.defaults import DEFAULT_RETRIES, lookup

    version = linker.inventory.config.kong_ingress_controller
    notes = list(attachment.notes)
    groups = linker.index("kong_httproute_services", lambda: _kong_route_services(linker))
    shared = groups.get(_kong_service_key(route, rule), [(route, rule)])
    chosen = _backend_request(shared, notes)
    from_route: dict[str, Timeout] = {}
    if chosen is not None:
        source_route, source_rule, _millis = chosen
        value = source_rule.backend_request
        for field_name, kind in TIMEOUT_FIELDS.items():
            from_route[field_name] = Timeout(
                kind,
                value.setting,
                value.seconds,
                value.raw,
                True,
                value.location,
                comment=value.comment,
                site=_backend_request_site(value, source_rule),
            )
        if source_rule is not rule:
            notes.append(
                f"timeouts.backendRequest {value.raw} of HTTPRoute {source_route.meta.namespace}/{source_route.meta.name} "
                f"{source_route.rule_label(source_rule)} applies: rules with the same backendRefs share one Kong service"
            )
    if rule.request is not None:
        notes.append(f"timeouts.request {rule.request.raw} is ignored: Kong Ingress Controller uses only timeouts.backendRequest")

    # Service annotations, applied after the translation in Service name order: the last one wins
    kong_ingresses = linker.index("kong_ingresses", lambda: kong_ingresses_by_name(linker.inventory.kong_ingresses))
    services = [linker.services.get((b.namespace, b.name)) for b in rule.backend_refs if b.kind == "Service" and b.group in ("", "core")]
    annotated: dict[str, Timeout] = {}
    retries = None
    for service in sorted({s.meta.ref: s for s in services if s is not None}.values(), key=lambda s: (s.meta.name, s.meta.namespace)):
        view = service_view(service.meta, kong_ingresses, version)
        if not view.annotations_apply:
            continue
        if view.override is not None:
            if version is not None and not version.at_least(3, 0):
                notes.append(
                    f"{service.meta.ref} names KongIngress {view.override.meta.name} with {OVERRIDE_ANNOTATION}: Kong Ingress "
                    f"Controller {version.raw} then skips that Service's annotations for Gateway API routes"
                )
                continue
            if version is None:
                notes.append(
                    f"{service.meta.ref} names a KongIngress with {OVERRIDE_ANNOTATION}: Kong Ingress Controller 2.x would skip "
                    f"that Service's annotations for Gateway API routes (3.x applies them, as assumed here)"
                )
        settings = annotation_settings(service.meta.annotations)
        annotated.update(settings.timeouts)
        retries = settings.retries or retries

    timeouts = []
    for field_name in ("connect_timeout", "read_timeout", "write_timeout"):
        chosen_timeout = annotated.get(field_name) or from_route.get(field_name)
        if chosen_timeout is None:
            chosen_timeout = lookup("kong-httproute", field_name).timeout(
                rule.location,
                hint=(
                    f"set timeouts.backendRequest on {route.rule_label(rule)} of HTTPRoute {route.meta.namespace}/{route.meta.name} "
                    f"to more than {{value}} (Kong Ingress Controller writes it to Kong's {field_name}; the Service annotation "
                    f"{ANNOTATION_FOR_FIELD[field_name]} overrides it)"
                ),
            )
            # --fix: timeouts.backendRequest on the rule; the API server refuses one longer than timeouts.request
            site = Site("yaml", "gateway", rule.location, action="put", path=("timeouts", "backendRequest"))
            chosen_timeout = chosen_timeout._replace(site=_below_request(site, rule))
        timeouts.append(chosen_timeout)
    if retries is None:
        count, _source = DEFAULT_RETRIES[("kong-httproute", "retries")]
        retries = Retries(count, "retries", str(count), False, rule.location)
    return (
        Hop(
            system="Kong",
            role=Role.INGRESS,
            name=f"Kong service for HTTPRoute {route.meta.namespace}/{route.meta.name} {route.rule_label(rule)}",
            location=rule.location,
            timeouts=(*timeouts, upstream_keepalive(rule.location)),
            retries=retries._replace(on=KONG_RETRY_ON),
            notes=tuple(notes),
        ),
    )


def _backend_request_site(value, rule: HTTPRouteRule) -> Site:
    """--fix for timeouts.backendRequest as written on an HTTPRoute rule."""
    return _below_request(Site("yaml", "gateway", value.location, fragment=value.raw, written=value.raw), rule)


def _below_request(site: Site, rule: HTTPRouteRule) -> Site:
    """The API server refuses a timeouts.backendRequest longer than the rule's timeouts.request."""
    if rule.request is None:
        return site
    from timeout_lint.link.gateway_api import duration_site

    return site._replace(maximum=rule.request.seconds, ceiling=duration_site(rule.request).key)
