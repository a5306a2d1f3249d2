"""HAProxy entries: every frontend (or listen) paired with every backend it can send a request to.

A frontend's candidate backends are all its `use_backend` targets (whatever their conditions) and its
`default_backend`; a `listen` section without `default_backend` is its own backend. Each pair is one
HAProxy hop, whose servers lead to compose services, Kubernetes Services or declared hosts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from timeout_lint.link.core import GraphNode, Linker
from timeout_lint.model import Hop, Role, Timeout

if TYPE_CHECKING:
    from timeout_lint.parsers.haproxy import BackendRule, HaproxyConfig, Proxy

#: the server side comes from the backend, the client side from the frontend
_BACKEND_TIMEOUTS = ("server", "connect", "queue", "tunnel")
_FRONTEND_TIMEOUTS = ("client", "http-request", "http-keep-alive")


def _retry_note(backend: Proxy) -> str:
    tries = backend.retries.extra_tries
    if not backend.retry_on:
        return f"retry-on none: HAProxy never retries (retries {tries} unused)"
    if "response-timeout" in backend.retry_on or "all-retryable-errors" in backend.retry_on:
        return (
            f"retry-on includes response timeouts: a request that meets 'timeout server' is sent again, "
            f"up to {tries} more times (retry-on {' '.join(backend.retry_on)})"
        )
    return f"retries {tries} after {' '.join(backend.retry_on)} only: a slow response is not retried"


def pair_hop(frontend: Proxy, backend: Proxy) -> Hop:
    """The hop of requests entering ``frontend`` and sent to ``backend``'s servers."""
    timeouts: list[Timeout] = []
    notes: list[str] = []
    tunnel = backend.timeouts.get("tunnel")
    superseded = tunnel is not None and backend.mode == "tcp"
    for name in _BACKEND_TIMEOUTS:
        timeout = backend.timeouts.get(name)
        if timeout is None:
            continue
        if name == "tunnel" and not superseded:
            notes.append(f"timeout tunnel {tunnel.written} applies only to WebSocket and CONNECT tunnels in mode http")
            continue
        if name == "server" and superseded:
            notes.append(f"mode tcp: timeout tunnel {tunnel.written} replaces timeout server once the connection is established")
            continue
        timeouts.append(timeout)
    for name in _FRONTEND_TIMEOUTS:
        timeout = frontend.timeouts.get(name)
        if timeout is None:
            continue
        if name == "client" and superseded:
            notes.append(f"mode tcp: timeout tunnel {tunnel.written} replaces timeout client once the connection is established")
            continue
        timeouts.append(timeout)
    client = frontend.timeouts.get("client")
    if client is not None and client.explicit and frontend.mode != "tcp":
        notes.append("timeout client: in mode http HAProxy only watches the client while it sends or reads, not while the server works")
    notes.append(_retry_note(backend))
    for proxy in (frontend, backend) if frontend is not backend else (frontend,):
        notes.extend(n for n in proxy.notes if n not in notes)
    name = frontend.label if frontend is backend else f"{frontend.label} -> {backend.label}"
    return Hop(
        system="HAProxy",
        role=Role.PROXY,
        name=name,
        location=backend.location,
        timeouts=tuple(timeouts),
        retries=backend.retries._replace(on=" ".join(backend.retry_on)),
        notes=tuple(notes),
    )


def _candidates(frontend: Proxy) -> list[BackendRule | None]:
    """Where a frontend can send a request; None stands for a listen section's own servers."""
    rules: list[BackendRule | None] = list(frontend.use_backends)
    if frontend.default_backend is not None:
        rules.append(frontend.default_backend)
    elif frontend.kind == "listen":
        rules.append(None)
    return rules


def _link_pair(linker: Linker, config: HaproxyConfig, frontend: Proxy, rule: BackendRule | None) -> None:
    entry = (f"HAProxy {frontend.label}", frontend.location)
    if rule is not None and rule.dynamic:
        node = linker.graph.add(GraphNode(f"haproxy:{frontend.location}:{rule.backend}", entry=entry))
        node.edges.append(linker.unresolved(f"backend {rule.backend}", rule.location, "the backend name is computed per request"))
        return
    backend = frontend if rule is None else config.backend(rule.backend)
    if backend is None:
        node = linker.graph.add(GraphNode(f"haproxy:{frontend.location}:{rule.backend}", entry=entry))
        node.edges.append(
            linker.unresolved(f"backend {rule.backend}", rule.location, f"no backend of that name in {config.file}", undefined=True)
        )
        return
    node_id = f"haproxy:{frontend.location}:{backend.name}"
    if node_id in linker.graph.nodes:
        return  # several rules to one backend: one request path
    node = linker.graph.add(GraphNode(node_id, hops=(pair_hop(frontend, backend),), entry=entry))
    for server in backend.servers:
        if server.host is None:
            node.edges.append(
                linker.unresolved(f"server {server.name} {server.raw}", server.location, server.unresolved_reason or "unresolved")
            )
        else:
            node.edges.extend(linker.host_apps(server.host, server.port, server.location, config.config_dir))
    if not backend.servers:
        node.edges.append(linker.unresolved(backend.label, backend.location, "no servers"))


def link_proxies(linker: Linker) -> None:
    for config in linker.inventory.haproxy_configs:
        for frontend in config.proxies:
            if not frontend.is_frontend or frontend.disabled:
                continue
            for rule in _candidates(frontend):
                _link_pair(linker, config, frontend, rule)
