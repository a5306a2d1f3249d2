"""Kong declarative configuration: DB-less ``kong.yml`` and decK files, told apart by a top-level ``_format_version``.

Only services carry request timeouts: ``connect_timeout``, ``read_timeout``, ``write_timeout``
(integer milliseconds, 1 .. 2^31-2, default 60000) and ``retries`` (0 .. 32767, default 5), as in
Kong/kong kong/db/schema/entities/services.lua. A service names its upstream with ``host`` + ``port``
(default 80) + ``protocol`` (default http), or with the ``url`` shorthand. Routes (nested under a
service, or at the top level naming one by name or id) and upstreams with their targets carry none.

Kong refuses a file with a string, a zero or an out-of-range value in those fields; such values are
kept as DroppedValue records and Kong's default is checked in their place. decK fills
``${{ env "DECK_..." }}`` from the environment when it syncs: such fields are unknown here and are
not checked.
"""

from __future__ import annotations

import os
from typing import NamedTuple
from urllib.parse import urlsplit

from timeout_lint.model import DroppedValue, Location
from timeout_lint.parsers.kong import ENV_TEMPLATE, KongSettings, service_fields
from timeout_lint.sources import SourceFile
from timeout_lint.yamlnodes import Y

#: Protocols that carry HTTP requests; tcp, tls, tls_passthrough and udp services are streams
HTTP_PROTOCOLS = frozenset({"http", "https", "grpc", "grpcs", "ws", "wss"})
DEFAULT_PROTOCOL = "http"
DEFAULT_PORT = 80  # services.lua default_port
TARGET_DEFAULT_PORT = 8000  # kong/db/dao/targets.lua DEFAULT_PORT
STRING_REASON = "a string where Kong's schema requires an integer (Kong refuses the file)"


class KongTarget(NamedTuple):
    host: str
    port: int
    raw: str
    weight: int  # 0: the target takes no traffic
    location: Location


class KongUpstream(NamedTuple):
    name: str | None
    id: str | None
    targets: tuple[KongTarget, ...]
    location: Location


class KongService(NamedTuple):
    name: str | None
    id: str | None
    index: int  # position in the file's services list
    protocol: str
    host: str | None  # None when it comes from the environment or is missing
    port: int
    location: Location  # the service entry: where a missing setting would go
    host_location: Location
    settings: KongSettings
    from_environment: tuple[str, ...] = ()  # fields decK fills from the environment

    @property
    def label(self) -> str:
        return self.name or self.id or f"#{self.index}"

    @property
    def carries_http(self) -> bool:
        return self.protocol in HTTP_PROTOCOLS


class KongRoute(NamedTuple):
    name: str | None
    id: str | None
    paths: tuple[str, ...]
    hosts: tuple[str, ...]
    protocols: tuple[str, ...]
    location: Location
    service: KongService | None  # the enclosing service of a nested route
    service_ref: str | None = None  # a top-level route's service, by name or id
    service_ref_location: Location | None = None

    @property
    def label(self) -> str:
        if self.name or self.id:
            return self.name or self.id
        shown = " ".join([*self.hosts, *self.paths])
        return shown or f"at line {self.location.line}"


class DeclarativeConfig(NamedTuple):
    file: str  # display path
    directory: str  # absolute: decK merges the files of one directory
    format_version: str | None
    services: tuple[KongService, ...]
    routes: tuple[KongRoute, ...]
    upstreams: tuple[KongUpstream, ...]

    @property
    def dropped(self) -> tuple[DroppedValue, ...]:
        return tuple(d for service in self.services for d in service.settings.dropped)


def _int(node: Y | None) -> int | None:
    if node is None:
        return None
    value = node.plain_value()
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None


def _strings(node: Y | None) -> tuple[str, ...]:
    if node is None or not node.is_seq:
        return ()
    return tuple(item.text for item in node.seq() if item.is_scalar and item.text)


def _split_url(url: str) -> tuple[str, str | None, int]:
    """Kong's ``url`` shorthand (services.lua): protocol, host, and the port it implies."""
    try:
        parts = urlsplit(url if "://" in url else f"//{url}")
    except ValueError:  # "http://[::1": Kong's own parser refuses it as well
        return DEFAULT_PROTOCOL, None, DEFAULT_PORT
    try:
        port = parts.port
    except ValueError:
        port = None
    implied = {80: "http", 443: "https"}.get(port) if port is not None else None
    protocol = (parts.scheme or implied or DEFAULT_PROTOCOL).lower()
    if port is None:
        port = {"http": 80, "https": 443}.get(protocol, DEFAULT_PORT)
    return protocol, parts.hostname, port


def split_target(raw: str) -> tuple[str, int]:
    """``host:port``, ``[v6]:port``, or a bare host or address (port 8000)."""
    text = raw.strip()
    if text.startswith("["):
        host, _, rest = text[1:].partition("]")
        port = rest[1:] if rest.startswith(":") else ""
        return host, int(port) if port.isdigit() else TARGET_DEFAULT_PORT
    if text.count(":") == 1:
        host, _, port = text.partition(":")
        return host, int(port) if port.isdigit() else TARGET_DEFAULT_PORT
    return text, TARGET_DEFAULT_PORT  # a bare name, or an IPv6 address without brackets


def _service(node: Y, index: int) -> KongService:
    fields = service_fields(node, "", STRING_REASON)
    protocol = (node.str_at("protocol") or DEFAULT_PROTOCOL).lower()
    host = node.str_at("host")
    host_node = node.get("host")
    port = _int(node.get("port"))
    url = node.str_at("url")
    url_node = node.get("url")
    if url and ENV_TEMPLATE not in url:
        protocol, host, port = _split_url(url)  # the shorthand replaces protocol, host and port
        host_node = url_node
    elif url:
        host = None
        host_node = url_node
    if host is not None and ENV_TEMPLATE in host:
        host = None
    from_environment = fields.from_environment
    if host_node is not None and host is None and ENV_TEMPLATE in (host_node.text or ""):
        from_environment = (*from_environment, "url" if host_node is url_node else "host")
    return KongService(
        name=node.str_at("name"),
        id=node.str_at("id"),
        index=index,
        protocol=protocol,
        host=host,
        port=port if port is not None else DEFAULT_PORT,
        location=node.location,
        host_location=host_node.location if host_node is not None else node.location,
        settings=fields.settings,
        from_environment=from_environment,
    )


def _route(node: Y, service: KongService | None) -> KongRoute:
    service_ref = None
    service_ref_location = None
    reference = node.get("service")
    if service is None and reference is not None:
        service_ref = reference.text if reference.is_scalar else (reference.str_at("name") or reference.str_at("id"))
        service_ref_location = reference.location
    return KongRoute(
        name=node.str_at("name"),
        id=node.str_at("id"),
        paths=_strings(node.get("paths")),
        hosts=_strings(node.get("hosts")),
        protocols=tuple(p.lower() for p in _strings(node.get("protocols"))),
        location=node.location,
        service=service,
        service_ref=service_ref,
        service_ref_location=service_ref_location,
    )


def _target(node: Y) -> KongTarget | None:
    raw = node.str_at("target")
    if not raw or ENV_TEMPLATE in raw:
        return None
    host, port = split_target(raw)
    weight = _int(node.get("weight"))
    return KongTarget(host, port, raw, 100 if weight is None else weight, node.get("target").location)


def _seq(node: Y | None):
    return node.seq() if node is not None and node.is_seq else ()


def parse_declarative(doc: Y, source: SourceFile) -> DeclarativeConfig:
    services: list[KongService] = []
    routes: list[KongRoute] = []
    for index, item in enumerate(_seq(doc.get("services"))):
        if not item.is_map:
            continue
        service = _service(item, index)
        services.append(service)
        routes.extend(_route(route, service) for route in _seq(item.get("routes")) if route.is_map)
    routes.extend(_route(route, None) for route in _seq(doc.get("routes")) if route.is_map)

    upstreams: list[KongUpstream] = []
    for item in _seq(doc.get("upstreams")):
        if not item.is_map:
            continue
        targets = tuple(t for t in (_target(node) for node in _seq(item.get("targets")) if node.is_map) if t is not None)
        upstreams.append(KongUpstream(item.str_at("name"), item.str_at("id"), targets, item.location))
    # top-level targets name their upstream by name or id
    for node in _seq(doc.get("targets")):
        reference = node.get("upstream") if node.is_map else None
        target = _target(node) if node.is_map else None
        if reference is None or target is None:
            continue
        name = reference.text if reference.is_scalar else (reference.str_at("name") or reference.str_at("id"))
        for position, upstream in enumerate(upstreams):
            if name and name in (upstream.name, upstream.id):
                upstreams[position] = upstream._replace(targets=(*upstream.targets, target))
                break

    return DeclarativeConfig(
        file=source.display,
        directory=os.path.dirname(os.path.abspath(source.path)),
        format_version=doc.str_at("_format_version"),
        services=tuple(services),
        routes=tuple(routes),
        upstreams=tuple(upstreams),
    )
