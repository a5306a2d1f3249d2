"""Kubernetes Gateway API: GatewayClass, Gateway and HTTPRoute (``gateway.networking.k8s.io``).

An HTTPRoute rule may set ``timeouts.request`` (the whole request at the gateway) and
``timeouts.backendRequest`` (one try from the gateway to a backend), both GEP-2257 durations (see
durations.parse_gateway_duration; ``0s`` means no limit). Unset, the default is the implementation's:
the spec names none (gateway-api apis/v1/httproute_types.go, GEP-1742). What each field becomes
depends on the implementation behind the route's Gateway, which the linker decides (link/gateway_api.py).

A duration the API server's pattern rejects is kept as an InvalidValue and not used.
"""

from __future__ import annotations

from typing import NamedTuple

from timeout_lint.durations import DurationError, parse_gateway_duration
from timeout_lint.model import Location
from timeout_lint.parsers.kubernetes import Meta
from timeout_lint.yamlnodes import Y

GROUP = "gateway.networking.k8s.io"
#: their keys in Inventory.custom (parsers/kubernetes.py CUSTOM_RESOURCES)
GATEWAY_CLASSES, GATEWAYS, HTTP_ROUTES = f"{GROUP}/GatewayClass", f"{GROUP}/Gateway", f"{GROUP}/HTTPRoute"
#: HTTPRoute versions that have rules[].timeouts (added in gateway-api v1.0, standard from v1.2)
HTTP_ROUTE_API_VERSIONS = frozenset({f"{GROUP}/v1", f"{GROUP}/v1beta1"})


class GatewayClass(NamedTuple):
    meta: Meta
    controller_name: str | None


class Gateway(NamedTuple):
    meta: Meta
    class_name: str | None
    class_location: Location | None


class ParentRef(NamedTuple):
    group: str
    kind: str
    namespace: str  # the route's own when not written
    name: str
    section_name: str | None
    location: Location


class BackendRef(NamedTuple):
    group: str  # "" is the core group
    kind: str
    namespace: str  # the route's own when not written
    name: str
    port: int | None
    weight: int | None  # None when not written (the spec's default is 1); 0: the backend gets no traffic
    location: Location


class RouteTimeout(NamedTuple):
    setting: str  # "timeouts.request", "timeouts.backendRequest"
    raw: str
    seconds: float  # math.inf for 0s: no limit
    location: Location  # the key
    comment: str | None = None  # a comment at the end of the value's line


class InvalidValue(NamedTuple):
    """A value the API server refuses (the CRD's pattern); the route would not be accepted as written."""

    setting: str
    raw: str
    reason: str
    location: Location


class HTTPRouteRule(NamedTuple):
    index: int
    name: str | None  # rules[].name (gateway-api v1.2+)
    location: Location  # the rule: where a missing timeouts block would go
    request: RouteTimeout | None
    backend_request: RouteTimeout | None
    retry_attempts: int | None  # rules[].retry.attempts (experimental, GEP-1731); None without a retry block
    has_retry: bool
    backend_refs: tuple[BackendRef, ...]
    invalid: tuple[InvalidValue, ...] = ()  # this rule's values the API server refuses


class HTTPRoute(NamedTuple):
    meta: Meta
    hostnames: tuple[str, ...]
    parent_refs: tuple[ParentRef, ...]
    rules: tuple[HTTPRouteRule, ...]

    @property
    def invalid(self) -> tuple[InvalidValue, ...]:
        return tuple(value for rule in self.rules for value in rule.invalid)

    def rule_label(self, rule: HTTPRouteRule) -> str:
        return f"rule {rule.index}" + (f" ({rule.name})" if rule.name else "")


def _in_group(meta: Meta) -> bool:
    return meta.api_version.startswith(GROUP + "/")


def parse_gateway_class(meta: Meta, doc: Y) -> GatewayClass | None:
    if not _in_group(meta):
        return None
    return GatewayClass(meta, doc.str_at("spec", "controllerName"))


def parse_gateway(meta: Meta, doc: Y) -> Gateway | None:
    if not _in_group(meta):
        return None  # an Istio networking.istio.io Gateway, say
    spec = doc.get("spec")
    class_name = spec.str_at("gatewayClassName") if spec is not None else None
    return Gateway(meta, class_name, spec.key_location("gatewayClassName") if class_name and spec is not None else None)


def _int(node: Y | None) -> int | None:
    value = node.plain_value() if node is not None else None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _duration(timeouts: Y, key: str, invalid: list[InvalidValue]) -> RouteTimeout | None:
    node = timeouts.get(key)
    if node is None or (node.is_scalar and node.text is None):
        return None
    setting = f"timeouts.{key}"
    location = timeouts.key_location(key) or node.location
    raw = node.text if node.is_scalar else None
    if raw is None:
        invalid.append(InvalidValue(setting, "", f"is a {node.shape} where a duration belongs", location))
        return None
    try:
        seconds = parse_gateway_duration(raw)
    except DurationError as exc:
        reason = str(exc).removeprefix(f'"{raw}" ')  # the record keeps the raw text apart
        invalid.append(InvalidValue(setting, raw, reason, location))
        return None
    return RouteTimeout(setting, raw, seconds, location, node.ctx.source.comment_at(node.line))


def _parent_refs(spec: Y, meta: Meta) -> tuple[ParentRef, ...]:
    refs = []
    node = spec.get("parentRefs")
    for item in node.seq() if node is not None else ():
        name = item.str_at("name")
        if not item.is_map or not name:
            continue
        refs.append(
            ParentRef(
                group=(item.str_at("group") or "") if item.get("group") is not None else GROUP,
                kind=item.str_at("kind") or "Gateway",
                namespace=item.str_at("namespace") or meta.namespace,
                name=name,
                section_name=item.str_at("sectionName"),
                location=item.location,
            )
        )
    return tuple(refs)


def _backend_refs(rule: Y, meta: Meta) -> tuple[BackendRef, ...]:
    refs = []
    node = rule.get("backendRefs")
    for item in node.seq() if node is not None else ():
        name = item.str_at("name")
        if not item.is_map or not name:
            continue
        weight = _int(item.get("weight"))
        refs.append(
            BackendRef(
                group=item.str_at("group") or "",
                kind=item.str_at("kind") or "Service",
                namespace=item.str_at("namespace") or meta.namespace,
                name=name,
                port=_int(item.get("port")),
                weight=weight,
                location=item.location,
            )
        )
    return tuple(refs)


def parse_http_route(meta: Meta, doc: Y) -> HTTPRoute | None:
    if meta.api_version not in HTTP_ROUTE_API_VERSIONS:
        return None  # v1alpha2 has no timeouts, and other groups' HTTPRoutes are not this one
    spec = doc.get("spec")
    if spec is None or not spec.is_map:
        return HTTPRoute(meta, (), (), ())
    rules = []
    node = spec.get("rules")
    for index, rule in enumerate(node.seq() if node is not None else ()):
        if not rule.is_map:
            continue
        invalid: list[InvalidValue] = []
        timeouts = rule.get("timeouts")
        request = backend_request = None
        if timeouts is not None and timeouts.is_map:
            request = _duration(timeouts, "request", invalid)
            backend_request = _duration(timeouts, "backendRequest", invalid)
        retry = rule.get("retry")
        rules.append(
            HTTPRouteRule(
                index=index,
                name=rule.str_at("name"),
                location=rule.location,
                request=request,
                backend_request=backend_request,
                retry_attempts=_int(retry.get("attempts")) if retry is not None and retry.is_map else None,
                has_retry=retry is not None and retry.is_map,
                backend_refs=_backend_refs(rule, meta),
                invalid=tuple(invalid),
            )
        )
    hostnames = spec.get("hostnames")
    return HTTPRoute(
        meta,
        tuple(item.text for item in hostnames.seq() if item.text) if hostnames is not None else (),
        _parent_refs(spec, meta),
        tuple(rules),
    )
