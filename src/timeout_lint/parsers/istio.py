"""Istio: VirtualService routes, DestinationRule connection pools, Gateways.

Durations are proto Duration strings as Istio reads them (Go syntax with a unit: ``10s``, ``1m``,
``500ms``); Istio's validation rejects anything under 1ms. A route's ``timeout`` is a total
deadline that includes every retry; ``retries.perTryTimeout`` is a total deadline for one attempt.
Neither set: no timeout at all (Istio writes Envoy route timeout 0). No ``retries`` block: the
mesh default of 2 retries; ``retries`` with ``attempts`` 0 or absent: no retries, and then
``perTryTimeout`` is not used. Which place wins is defaults.PRECEDENCE["istio", ...].
"""

from __future__ import annotations

from typing import NamedTuple

from timeout_lint.durations import DurationError, parse_go_duration
from timeout_lint.model import DroppedValue, Kind, Location, Problem, Retries, Site, Timeout
from timeout_lint.parsers.kubernetes import Meta
from timeout_lint.yamlnodes import Y

MESH_GATEWAY = "mesh"
MINIMUM_SECONDS = 0.001  # istio/istio pkg/config/validation agent.ValidateDuration: "duration must be greater than 1ms"
#: DestinationRule trafficPolicy.connectionPool fields read, with their kind
POOL_FIELDS = {
    ("tcp", "connectTimeout"): Kind.CONNECT,
    ("tcp", "idleTimeout"): Kind.KEEPALIVE,
    ("http", "idleTimeout"): Kind.KEEPALIVE,
}

#: Istio's retry conditions when a route's retries name none (istio/api virtual_service.proto HTTPRetry
#: retryOn; pilot/pkg/networking/core/route/retry): failed connections and refused or cancelled
#: streams, never a try that timed out.
ISTIO_RETRY_ON = "connect-failure,refused-stream,unavailable,cancelled"


class Destination(NamedTuple):
    host: str
    port: int | None
    subset: str | None
    location: Location  # the destination's host key


class HttpRoute(NamedTuple):
    """One ``http[]`` item of a VirtualService."""

    index: int
    name: str | None
    location: Location  # the http[] item: where a timeout would be added
    timeout: Timeout | None  # explicit only
    retries: Retries | None  # explicit only (None: the mesh default policy)
    per_try_timeout: Timeout | None  # explicit, and only when retries are on
    destinations: tuple[Destination, ...]
    delegate: str | None  # "ns/name" of a delegate VirtualService, not followed
    notes: tuple[str, ...] = ()
    dropped: tuple[DroppedValue, ...] = ()  # values written that Istio does not use (perTryTimeout without retries)

    @property
    def label(self) -> str:
        return f"http[{self.index}]" + (f" ({self.name})" if self.name else "")


class VirtualService(NamedTuple):
    meta: Meta
    hosts: tuple[str, ...]
    gateways: tuple[str, ...]  # as written; empty means the mesh only
    gateways_location: Location | None
    http: tuple[HttpRoute, ...]
    problems: tuple[Problem, ...] = ()

    @property
    def applies_to_mesh(self) -> bool:
        """Sidecars apply it: no ``gateways``, or ``mesh`` among them."""
        return not self.gateways or MESH_GATEWAY in self.gateways

    def gateway_refs(self) -> list[tuple[str, str]]:
        """(namespace, name) of each Istio Gateway named; a bare name is in the VirtualService's namespace."""
        out = []
        for gateway in self.gateways:
            if gateway == MESH_GATEWAY:
                continue
            namespace, slash, name = gateway.partition("/")
            out.append((namespace, name) if slash else (self.meta.namespace, gateway))
        return out


class DestinationRule(NamedTuple):
    meta: Meta
    host: str | None
    host_location: Location | None
    pool: dict[tuple[str, str], Timeout]  # explicit connectionPool settings by (section, field)
    problems: tuple[Problem, ...] = ()


class Gateway(NamedTuple):
    meta: Meta
    selector: dict[str, str]


def _present(node: Y | None) -> bool:
    """A field that is written with a value (``key:`` and ``key: null`` leave it unset)."""
    return node is not None and not (node.is_scalar and node.text is None)


def _duration(setting: str, node: Y, key_location: Location, kind: Kind, owner: Meta, problems: list[Problem]) -> Timeout | None:
    raw = node.text if node.is_scalar else None
    try:
        if raw is None or (node.plain_value() is not None and not isinstance(node.plain_value(), str)):
            raise DurationError(f'"{raw if raw is not None else node.shape}" is not a duration with a unit (10s, 1m, 500ms)')
        seconds = parse_go_duration(raw)
        if seconds < MINIMUM_SECONDS:
            raise DurationError(f'"{raw}" is under 1ms, which Istio rejects ("duration must be greater than 1ms")')
    except DurationError as exc:
        problems.append(Problem("invalid-configuration", f"{setting} of {owner.ref}: {exc}; the setting is ignored", node.location))
        return None
    written = raw.strip()
    comment = node.ctx.source.comment_at(node.line)
    site = Site("yaml", "go", key_location, fragment=written, written=written)  # --fix rewrites the duration in place
    return Timeout(
        kind=kind, setting=setting, seconds=seconds, raw=written, explicit=True, location=key_location, comment=comment, site=site
    )


def _retries(
    item: Y, meta: Meta, problems: list[Problem]
) -> tuple[Retries | None, Timeout | None, tuple[str, ...], tuple[DroppedValue, ...]]:
    block = item.get("retries")
    if block is None or not block.is_map:
        return None, None, (), ()
    attempts_node = block.get("attempts")
    location = block.key_location("attempts") or item.key_location("retries") or item.location
    count = 0
    raw = "0"
    if _present(attempts_node):
        value = attempts_node.plain_value()
        if isinstance(value, int) and not isinstance(value, bool) and not attempts_node.quoted:
            count, raw = max(value, 0), str(value)
            if value < 0:
                problems.append(Problem("invalid-configuration", f"retries.attempts of {meta.ref} is negative", attempts_node.location))
        else:
            problems.append(
                Problem(
                    "invalid-configuration", f"retries.attempts of {meta.ref} is not an integer; retries are off", attempts_node.location
                )
            )
    retry_on = block.str_at("retryOn") or ISTIO_RETRY_ON
    retries = Retries(count, "retries.attempts", raw, True, location, on=retry_on)
    per_try_node = block.get("perTryTimeout")
    notes: tuple[str, ...] = ()
    dropped: tuple[DroppedValue, ...] = ()
    per_try = None
    if _present(per_try_node):
        per_try = _duration("retries.perTryTimeout", per_try_node, block.key_location("perTryTimeout"), Kind.TOTAL, meta, problems)
        if count == 0 and per_try is not None:
            # retry.go ConvertPolicy: attempts <= 0 disables the whole retry policy, perTryTimeout with it
            notes = (f"retries.perTryTimeout {per_try.raw} has no effect: retries.attempts is {raw}, so Istio sets no retry policy",)
            reason = f"retries.attempts is {raw}, so Istio sets no retry policy"
            dropped = (DroppedValue(per_try.setting, per_try.raw, reason, per_try.location),)
            per_try = None
    return retries, per_try, notes, dropped


def parse_virtual_service(meta: Meta, doc: Y) -> VirtualService:
    """``networking.istio.io`` VirtualService (v1, v1beta1, v1alpha3 share the shape)."""
    spec = doc.get("spec")
    problems: list[Problem] = []
    if spec is None or not spec.is_map:
        return VirtualService(meta, (), (), None, ())
    hosts_node = spec.get("hosts")
    hosts = tuple(h.text for h in hosts_node.seq() if h.text) if hosts_node is not None else ()
    gateways_node = spec.get("gateways")
    gateways = tuple(g.text for g in gateways_node.seq() if g.text) if gateways_node is not None else ()
    routes: list[HttpRoute] = []
    http = spec.get("http")
    for index, item in enumerate(http.seq() if http is not None else ()):
        if not item.is_map:
            continue
        timeout_node = item.get("timeout")
        timeout = None
        if _present(timeout_node):
            timeout = _duration("timeout", timeout_node, item.key_location("timeout"), Kind.TOTAL, meta, problems)
        retries, per_try, notes, dropped = _retries(item, meta, problems)
        destinations: list[Destination] = []
        route_node = item.get("route")
        for weighted in route_node.seq() if route_node is not None else ():
            destination = weighted.get("destination")
            host = destination.str_at("host") if destination is not None else None
            if destination is None or not host:
                continue
            port = destination.get("port", "number")
            port_value = port.plain_value() if port is not None else None
            destinations.append(
                Destination(
                    host,
                    port_value if isinstance(port_value, int) and not isinstance(port_value, bool) else None,
                    destination.str_at("subset"),
                    destination.key_location("host") or destination.location,
                )
            )
        delegate_node = item.get("delegate")
        delegate = None
        if delegate_node is not None and delegate_node.str_at("name"):
            delegate = f"{delegate_node.str_at('namespace') or meta.namespace}/{delegate_node.str_at('name')}"
        routes.append(
            HttpRoute(index, item.str_at("name"), item.location, timeout, retries, per_try, tuple(destinations), delegate, notes, dropped)
        )
    gateways_location = spec.key_location("gateways") if gateways_node is not None else None
    return VirtualService(meta, hosts, gateways, gateways_location, tuple(routes), tuple(problems))


def parse_destination_rule(meta: Meta, doc: Y) -> DestinationRule:
    """The top-level ``trafficPolicy.connectionPool`` of a DestinationRule (subsets and port-level settings are not read)."""
    spec = doc.get("spec")
    problems: list[Problem] = []
    if spec is None or not spec.is_map:
        return DestinationRule(meta, None, None, {})
    pool_node = spec.get("trafficPolicy", "connectionPool")
    pool: dict[tuple[str, str], Timeout] = {}
    for (section, field_name), kind in POOL_FIELDS.items():
        parent = pool_node.get(section) if pool_node is not None else None
        node = parent.get(field_name) if parent is not None else None
        if not _present(node):
            continue
        setting = f"connectionPool.{section}.{field_name}"
        timeout = _duration(setting, node, parent.key_location(field_name), kind, meta, problems)
        if timeout is not None:
            pool[(section, field_name)] = timeout
    return DestinationRule(meta, spec.str_at("host"), spec.key_location("host"), pool, tuple(problems))


def parse_gateway(meta: Meta, doc: Y) -> Gateway:
    selector = doc.get("spec", "selector")
    labels = {key: value.text or "" for key, value, _ in selector.items()} if selector is not None else {}
    return Gateway(meta, labels)
