"""Kong declarative configuration: each route is an entry, through its service's Kong hop, to the app.

A service's ``host`` names a Kong upstream when one has that name (its targets are the next hop), and
otherwise a host resolved like any proxy's: a compose service, a Kubernetes Service by DNS name, or
a host declared in .timeout-lint.yaml. References (a route's service, a service's upstream) resolve
in the same file first, then in the other declarative files of its directory, which decK merges.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import TYPE_CHECKING

from timeout_lint.link.core import GraphNode, Linker
from timeout_lint.link.kong import KONG_RETRY_ON, upstream_keepalive
from timeout_lint.model import Hop, IgnoredValue, Retries, Role, Site

if TYPE_CHECKING:  # this module is loaded on every run; what it needs beyond that, only when there is a file
    from timeout_lint.parsers.kong_declarative import DeclarativeConfig, KongRoute, KongService, KongUpstream

TIMEOUT_FIELDS = ("connect_timeout", "read_timeout", "write_timeout")


def service_hop(service: KongService) -> Hop:
    """Kong's timeouts for one declarative service: what it sets, else Kong's defaults at the service."""
    from timeout_lint.defaults import DEFAULT_RETRIES, lookup
    from timeout_lint.parsers.kong import MAX_MS

    timeouts = []
    notes = []
    for field_name in TIMEOUT_FIELDS:
        if field_name in service.from_environment:
            notes.append(f"{field_name} comes from an environment variable when decK syncs; not checked")
            continue
        chosen = service.settings.timeouts.get(field_name)
        if chosen is None:
            chosen = (
                lookup("kong", field_name)
                .timeout(service.location, hint=f"set {field_name} on Kong service {service.label} to more than {{value}} (milliseconds)")
                ._replace(site=Site("yaml", "ms", service.location, action="put", path=(field_name,), maximum=MAX_MS / 1000))
            )
        timeouts.append(chosen)
    for dropped in service.settings.dropped:
        notes.append(f'{dropped.setting} "{dropped.raw}" is {dropped.reason}; Kong\'s default is checked instead')
    retries = service.settings.retries
    if retries is None:
        count, _source = DEFAULT_RETRIES[("kong", "retries")]
        retries = Retries(count, "retries", str(count), False, service.location)
    return Hop(
        system="Kong",
        role=Role.PROXY,
        name=f"Kong service {service.label}",
        location=service.location,
        timeouts=(*timeouts, upstream_keepalive(service.location)),
        retries=retries._replace(on=KONG_RETRY_ON),
        notes=tuple(notes),
    )


def ignored_values(linker: Linker) -> Iterator[IgnoredValue]:
    """Service values Kong refuses in a declarative file (a string, zero, out of range), with what timeout-lint checks instead."""
    for config in linker.inventory.kong_declarative:
        for service in config.services:
            if not service.settings.dropped:
                continue
            hop = service_hop(service)
            for value in service.settings.dropped:
                if value.setting == "retries":
                    yield IgnoredValue(value, f"timeout-lint checks Kong's retries default {hop.retries.raw} in its place")
                    continue
                timeout = next((t for t in hop.timeouts if t.setting == value.setting), None)
                if timeout is not None:
                    yield IgnoredValue(value, f"timeout-lint checks Kong's {timeout.shown} in its place")


class _Scope:
    """Lookups by name and id: per file, and per directory for what the file does not define."""

    def __init__(self, configs: list[DeclarativeConfig]):
        self.by_directory: dict[str, list[DeclarativeConfig]] = defaultdict(list)
        for config in configs:
            self.by_directory[config.directory].append(config)

    def _candidates(self, config: DeclarativeConfig) -> list[DeclarativeConfig]:
        return [config, *(other for other in self.by_directory[config.directory] if other is not config)]

    def service(self, config: DeclarativeConfig, reference: str) -> tuple[DeclarativeConfig, KongService | None]:
        for candidate in self._candidates(config):
            for service in candidate.services:
                if reference in (service.name, service.id):
                    return candidate, service
        return config, None

    def upstream(self, config: DeclarativeConfig, host: str) -> KongUpstream | None:
        for candidate in self._candidates(config):
            for upstream in candidate.upstreams:
                if upstream.name == host:
                    return upstream
        return None


def _service_edges(linker: Linker, scope: _Scope, config: DeclarativeConfig, service: KongService) -> list[str]:
    if service.host is None:
        reason = "set from an environment variable" if {"host", "url"} & set(service.from_environment) else "no host"
        return [linker.unresolved(f"host of Kong service {service.label}", service.host_location, reason)]
    upstream = scope.upstream(config, service.host)
    if upstream is None:
        return linker.host_apps(service.host, service.port, service.host_location, config.directory)
    edges = []
    for target in upstream.targets:
        if target.weight > 0:  # a zero weight takes a target out of the balancer
            edges.extend(linker.host_apps(target.host, target.port, target.location, config.directory))
    if not edges:
        edges.append(linker.unresolved(f"Kong upstream {upstream.name}", upstream.location, "no targets with traffic"))
    return edges


def _link_route(linker: Linker, scope: _Scope, config: DeclarativeConfig, route: KongRoute) -> None:
    from timeout_lint.parsers.kong_declarative import HTTP_PROTOCOLS

    service = route.service
    if service is None and route.service_ref is None:
        return  # a route without a service forwards nothing (plugins answer it)
    if service is None:
        config, service = scope.service(config, route.service_ref)
    if route.protocols and not set(route.protocols) & HTTP_PROTOCOLS:
        return  # a stream route: no HTTP request path
    if service is not None and not service.carries_http:
        return
    node = linker.graph.add(
        GraphNode(
            f"kong-route:{route.location}",
            hops=(service_hop(service),) if service is not None else (),
            entry=(f"Kong route {route.label}", route.location),
        )
    )
    if service is None:
        node.edges.append(linker.missing(f"Kong service {route.service_ref}", route.service_ref_location or route.location))
        return
    node.edges.extend(linker.index(f"kong-declarative-edges:{service.location}", lambda: _service_edges(linker, scope, config, service)))


def link_declarative(linker: Linker) -> None:
    configs = linker.inventory.kong_declarative
    if not configs:
        return
    scope = _Scope(configs)
    for config in configs:
        for route in config.routes:
            _link_route(linker, scope, config, route)
