"""Platform defaults and precedence: the one table, each entry with its source.

A default applies when no file sets the value. It is a dated fact about someone else's software, so
every entry names where it is documented and when that was checked (../shared/reference/timeouts.md
has the research behind each row).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from timeout_lint.model import Kind, Location, Side, Timeout


@dataclass(frozen=True, slots=True)
class PlatformDefault:
    system: str
    setting: str
    seconds: float
    raw: str  # the default as the system would write it
    unit: str | None  # implicit unit of ``raw`` when it has none
    kind: Kind
    source: str
    checked: str  # when the source was read
    side: Side = Side.UPSTREAM

    def timeout(self, location: Location, hint: str = "") -> Timeout:
        """This default, applying at ``location`` (the object that would take an explicit setting)."""
        return Timeout(
            kind=self.kind,
            setting=self.setting,
            seconds=self.seconds,
            raw=self.raw,
            explicit=False,
            location=location,
            unit=self.unit,
            side=self.side,
            hint=hint,
            source=self.source,
        )


_NGINX_PROXY_DOC = "https://nginx.org/en/docs/http/ngx_http_proxy_module.html (src/http/modules/ngx_http_proxy_module.c merge: 60000 ms)"
_KONG_SERVICE_DOC = "Kong/kong kong/db/schema/entities/services.lua (connect/read/write_timeout default 60000, retries 5)"


def _nginx(prefix: str, doc: str) -> list[PlatformDefault]:
    return [
        PlatformDefault("nginx", f"{prefix}_connect_timeout", 60.0, "60s", None, Kind.CONNECT, doc, "2026-06"),
        PlatformDefault("nginx", f"{prefix}_send_timeout", 60.0, "60s", None, Kind.SEND, doc, "2026-06"),
        PlatformDefault("nginx", f"{prefix}_read_timeout", 60.0, "60s", None, Kind.IDLE, doc, "2026-06"),
    ]


_TABLE: list[PlatformDefault] = [
    *_nginx("proxy", _NGINX_PROXY_DOC),
    *_nginx("fastcgi", "https://nginx.org/en/docs/http/ngx_http_fastcgi_module.html"),
    *_nginx("uwsgi", "https://nginx.org/en/docs/http/ngx_http_uwsgi_module.html"),
    *_nginx("scgi", "https://nginx.org/en/docs/http/ngx_http_scgi_module.html"),
    *_nginx("grpc", "https://nginx.org/en/docs/http/ngx_http_grpc_module.html"),
    PlatformDefault("kong", "connect_timeout", 60.0, "60000", "ms", Kind.CONNECT, _KONG_SERVICE_DOC, "2026-06"),
    PlatformDefault("kong", "write_timeout", 60.0, "60000", "ms", Kind.SEND, _KONG_SERVICE_DOC, "2026-06"),
    PlatformDefault("kong", "read_timeout", 60.0, "60000", "ms", Kind.IDLE, _KONG_SERVICE_DOC, "2026-06"),
    # Go's zero http.Server has no timeouts at all (golang/go src/net/http/server.go, Server struct)
    PlatformDefault(
        "go",
        "WriteTimeout",
        math.inf,
        "0",
        None,
        Kind.TOTAL,
        "golang/go src/net/http/server.go: a zero WriteTimeout means no timeout",
        "2026-06",
        Side.DOWNSTREAM,
    ),
]

_HAPROXY_DOC = (
    "haproxy/haproxy doc/configuration.txt section 4.2 'timeout client/server/connect' (unset means no timeout, with the "
    "startup warning 'missing timeouts for proxy'); src/proxy.c proxy_parse_timeout"
)
_GUNICORN_DOC = "benoitc/gunicorn gunicorn/config.py: Timeout default 30, Keepalive default 2 (docs/source/settings.rst)"
_UVICORN_DOC = "encode/uvicorn uvicorn/config.py: timeout_keep_alive default 5 (no request or response timeout exists)"
_NODE_DOC = "nodejs/node doc/api/http.md: server.timeout 0 (none) since v13, requestTimeout 300000 since v18, headersTimeout 60000, keepAliveTimeout 5000"

_TABLE += [
    PlatformDefault("haproxy", "timeout server", math.inf, "0", None, Kind.IDLE, _HAPROXY_DOC, "2026-11"),
    PlatformDefault("haproxy", "timeout connect", math.inf, "0", None, Kind.CONNECT, _HAPROXY_DOC, "2026-11"),
    # the client side: in mode http only while the client sends or reads (see parsers/haproxy.py), idle in mode tcp
    PlatformDefault("haproxy", "timeout client", math.inf, "0", None, Kind.SEND, _HAPROXY_DOC, "2026-11", Side.DOWNSTREAM),
    # sync workers (the default) are killed after `timeout` seconds of silence: a deadline for the whole request
    PlatformDefault("gunicorn", "timeout", 30.0, "30", "s", Kind.TOTAL, _GUNICORN_DOC, "2026-11", Side.DOWNSTREAM),
    PlatformDefault("gunicorn", "keepalive", 2.0, "2", "s", Kind.KEEPALIVE, _GUNICORN_DOC, "2026-11", Side.DOWNSTREAM),
    PlatformDefault("uvicorn", "timeout-keep-alive", 5.0, "5", "s", Kind.KEEPALIVE, _UVICORN_DOC, "2026-11", Side.DOWNSTREAM),
    PlatformDefault("node", "server.timeout", math.inf, "0", "ms", Kind.IDLE, _NODE_DOC, "2026-11", Side.DOWNSTREAM),
    PlatformDefault("node", "server.requestTimeout", 300.0, "300000", "ms", Kind.REQUEST_READ, _NODE_DOC, "2026-11", Side.DOWNSTREAM),
    PlatformDefault("node", "server.headersTimeout", 60.0, "60000", "ms", Kind.REQUEST_READ, _NODE_DOC, "2026-11", Side.DOWNSTREAM),
    PlatformDefault("node", "server.keepAliveTimeout", 5.0, "5000", "ms", Kind.KEEPALIVE, _NODE_DOC, "2026-11", Side.DOWNSTREAM),
]

DEFAULTS: dict[tuple[str, str], PlatformDefault] = {(d.system, d.setting): d for d in _TABLE}

#: Retry counts that apply when nothing is set (additional tries after the first).
DEFAULT_RETRIES: dict[tuple[str, str], tuple[int, str]] = {
    ("kong", "retries"): (5, _KONG_SERVICE_DOC),
    # only connection failures are retried unless `retry-on` says more (src/proxy.c, CONN_RETRIES)
    ("haproxy", "retries"): (3, "haproxy/haproxy doc/configuration.txt 'retries' (default 3) and 'retry-on' (default conn-failure)"),
}

#: Where a setting may come from when several places can set it, highest precedence first.
PRECEDENCE: dict[tuple[str, str], tuple[str, ...]] = {
    ("kong", "timeouts"): (
        "Service annotation konghq.com/{connect,read,write}-timeout and konghq.com/retries (KIC 2.8+; "
        "Kong/kubernetes-ingress-controller internal/dataplane/kongstate/service.go: annotations override KongIngress)",
        "KongIngress proxy.{connect,read,write}_timeout / retries named by konghq.com/override on the Service "
        "(ignored from KIC 3.0; a KongIngress named on an Ingress never sets them)",
        "Kong's default (60000 ms, 5 retries)",
    ),
    ("haproxy", "timeouts"): (
        "the frontend/backend/listen section itself (a later line overrides an earlier one)",
        "the defaults section it names with `from <name>`, else the last defaults section above it in the file "
        "(a defaults section may itself start `from` another)",
        "HAProxy's default: no timeout at all, with a startup warning for client, connect and server",
    ),
    ("gunicorn", "settings"): (
        "the command line (--timeout/-t, --keep-alive, -k/--worker-class, --threads)",
        "the config file (-c/--config, else ./gunicorn.conf.py), read as Python assignments and never run",
        "gunicorn's default (timeout 30 s, keepalive 2 s, sync workers)",
    ),
    ("nginx", "proxy_*_timeout"): (
        "the location itself, then enclosing locations, then server, then http (includes are textual)",
        "nginx's default (60s)",
    ),
}


def lookup(system: str, setting: str) -> PlatformDefault:
    return DEFAULTS[(system, setting)]
