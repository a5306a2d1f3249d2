"""Platform defaults and precedence: the one table, each entry with its source.

A default applies when no file sets the value. It is a dated fact about someone else's software, so
every entry names where it is documented and when that was checked (../shared/reference/timeouts.md
has the research behind each row).
"""

from __future__ import annotations

import math
from typing import NamedTuple

from timeout_lint.model import Kind, Location, Side, Timeout


class PlatformDefault(NamedTuple):
    """A system's value for a setting nobody wrote, with its source and when it was checked."""

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
_KIC_HTTPROUTE_DOC = (
    "Kong/kubernetes-ingress-controller internal/dataplane/translator/subtranslator/httproute.go: the Kong service of an "
    "HTTPRoute rule starts at DefaultServiceTimeout 60000 ms and DefaultRetries 5; timeouts.backendRequest replaces "
    "connect/read/write_timeout"
)
_ISTIO_HTTPROUTE_DOC = (
    "istio/istio pilot/pkg/config/kube/gateway/conversion.go (no timeouts: no VirtualService timeout) and "
    "pilot/pkg/networking/core/route/route.go (no timeout: Envoy route timeout 0, disabled)"
)


def _nginx(prefix: str, doc: str) -> list[PlatformDefault]:
    return [
        PlatformDefault("nginx", f"{prefix}_connect_timeout", 60.0, "60s", None, Kind.CONNECT, doc, "2026-06"),
        PlatformDefault("nginx", f"{prefix}_send_timeout", 60.0, "60s", None, Kind.SEND, doc, "2026-06"),
        PlatformDefault("nginx", f"{prefix}_read_timeout", 60.0, "60s", None, Kind.IDLE, doc, "2026-06"),
    ]


_ENVOY_ROUTE_DOC = "envoyproxy/envoy api/envoy/config/route/v3/route_components.proto RouteAction.timeout: 15s when unset, 0 disables"
_ENVOY_HCM_DOC = "envoyproxy/envoy http_connection_manager.proto stream_idle_timeout: 5 minutes when unset"
_ISTIO_ROUTE_DOC = (
    "istio/istio pilot/pkg/networking/core/route/route.go setTimeout: a VirtualService without timeout gets Envoy route "
    "timeout 0 (none), overriding Envoy's 15s; istio/api networking/v1alpha3/virtual_service.proto: 'default is disabled'"
)
_ISTIO_RETRY_DOC = "istio/istio pilot/pkg/networking/core/route/retry/retry.go defaultPolicy: NumRetries 2 when http[].retries is absent"
_ISTIO_POOL_DOC = "istio/api networking/v1alpha3/destination_rule.proto ConnectionPoolSettings: connectTimeout 10s, idleTimeout 1h"
_TRAEFIK_TRANSPORT_DOC = (
    "traefik/traefik pkg/config/dynamic/http_config.go ForwardingTimeouts.SetDefaults: dialTimeout 30s, idleConnTimeout 90s"
)
_TRAEFIK_ENTRYPOINT_DOC = (
    "traefik/traefik pkg/config/static/static_config.go RespondingTimeouts.SetDefaults (readTimeout 60s from v2.11.2/v3.0)"
)


_INGRESS_NGINX_DOC = (
    "kubernetes/ingress-nginx internal/ingress/controller/config/config.go NewDefault; "
    "docs/user-guide/nginx-configuration/configmap.md (whole seconds)"
)
_ALB_DOC = (
    "kubernetes-sigs/aws-load-balancer-controller docs/guide/ingress/annotations.md (load-balancer-attributes); "
    "AWS 'Application Load Balancers: connection idle timeout' (default 60 s, 1-4000)"
)
_ELB_DOC = "kubernetes/cloud-provider-aws docs/service_controller.md, pkg/providers/v1/aws.go (Classic ELB idle timeout, default 60 s)"
_NLB_DOC = (
    "kubernetes-sigs/aws-load-balancer-controller docs/guide/service/annotations.md (listener-attributes); "
    "AWS 'Network Load Balancers: update the TCP idle timeout' (default 350 s, 60-6000; TLS listeners fixed at 350 s)"
)
_GKE_DOC = (
    "kubernetes/ingress-gce pkg/apis/backendconfig/v1/types.go (timeoutSec), pkg/backends/features/timeout.go; "
    "Compute Engine backendServices.timeoutSec (default 30 s)"
)
_AGIC_DOC = "Azure/application-gateway-kubernetes-ingress pkg/appgw/backendhttpsettings.go (RequestTimeout 30), docs/annotations.md"
_CLOUDFLARE_DOC = (
    "https://developers.cloudflare.com/fundamentals/reference/connection-limits/ (Proxy Read Timeout 125 s, raised from 100 s "
    "then 120 s: cloudflare/cloudflare-docs PR #32243, merged 2026-07-22; error 524 when it expires; Enterprise can raise it to 6000 s)"
)

_TABLE: list[PlatformDefault] = [
    *_nginx("proxy", _NGINX_PROXY_DOC),
    *_nginx("fastcgi", "https://nginx.org/en/docs/http/ngx_http_fastcgi_module.html"),
    *_nginx("uwsgi", "https://nginx.org/en/docs/http/ngx_http_uwsgi_module.html"),
    *_nginx("scgi", "https://nginx.org/en/docs/http/ngx_http_scgi_module.html"),
    *_nginx("grpc", "https://nginx.org/en/docs/http/ngx_http_grpc_module.html"),
    # the idle timeout of an upstream block's connection cache, when `keepalive N` turns the cache on
    PlatformDefault(
        "nginx",
        "upstream keepalive_timeout",
        60.0,
        "60s",
        None,
        Kind.KEEPALIVE,
        "https://nginx.org/en/docs/http/ngx_http_upstream_module.html#keepalive_timeout (default 60s, nginx 1.15.3+)",
        "2026-11",
    ),  # fmt: skip
    PlatformDefault(
        "kong",
        "upstream_keepalive_idle_timeout",
        60.0,
        "60",
        "s",
        Kind.KEEPALIVE,
        "Kong/kong kong.conf.default upstream_keepalive_idle_timeout = 60 (seconds; env KONG_UPSTREAM_KEEPALIVE_IDLE_TIMEOUT)",
        "2026-11",
    ),  # fmt: skip
    PlatformDefault("kong", "connect_timeout", 60.0, "60000", "ms", Kind.CONNECT, _KONG_SERVICE_DOC, "2026-06"),
    PlatformDefault("kong", "write_timeout", 60.0, "60000", "ms", Kind.SEND, _KONG_SERVICE_DOC, "2026-06"),
    PlatformDefault("kong", "read_timeout", 60.0, "60000", "ms", Kind.IDLE, _KONG_SERVICE_DOC, "2026-06"),
    # An HTTPRoute on Kong: the same 60000 ms, written as the timeouts.backendRequest that would replace it
    PlatformDefault("kong-httproute", "connect_timeout", 60.0, "60s", None, Kind.CONNECT, _KIC_HTTPROUTE_DOC, "2026-06"),
    PlatformDefault("kong-httproute", "write_timeout", 60.0, "60s", None, Kind.SEND, _KIC_HTTPROUTE_DOC, "2026-06"),
    PlatformDefault("kong-httproute", "read_timeout", 60.0, "60s", None, Kind.IDLE, _KIC_HTTPROUTE_DOC, "2026-06"),
    # An HTTPRoute on Istio with neither timeout: no route timeout at all
    PlatformDefault("istio-httproute", "timeouts.request", math.inf, "0s", None, Kind.TOTAL, _ISTIO_HTTPROUTE_DOC, "2026-06"),
    # ingress-nginx: the controller's global values, which its ConfigMap and then Ingress annotations override
    PlatformDefault("ingress-nginx", "proxy-connect-timeout", 5.0, "5", "s", Kind.CONNECT, _INGRESS_NGINX_DOC, "2026-11"),
    PlatformDefault("ingress-nginx", "proxy-send-timeout", 60.0, "60", "s", Kind.SEND, _INGRESS_NGINX_DOC, "2026-11"),
    PlatformDefault("ingress-nginx", "proxy-read-timeout", 60.0, "60", "s", Kind.IDLE, _INGRESS_NGINX_DOC, "2026-11"),
    PlatformDefault("ingress-nginx", "upstream-keepalive-timeout", 60.0, "60", "s", Kind.KEEPALIVE, _INGRESS_NGINX_DOC, "2026-11"),
    PlatformDefault("ingress-nginx", "keep-alive", 75.0, "75", "s", Kind.KEEPALIVE, _INGRESS_NGINX_DOC, "2026-11", Side.DOWNSTREAM),
    # cloud load balancers: an idle timeout watches the client and the target connection alike
    PlatformDefault("aws-alb", "idle_timeout.timeout_seconds", 60.0, "60", "s", Kind.IDLE, _ALB_DOC, "2026-11", Side.BOTH),
    PlatformDefault("aws-elb", "idle timeout", 60.0, "60", "s", Kind.IDLE, _ELB_DOC, "2026-11", Side.BOTH),
    PlatformDefault("aws-nlb", "tcp.idle_timeout.seconds", 350.0, "350", "s", Kind.IDLE, _NLB_DOC, "2026-11", Side.BOTH),
    PlatformDefault("gke", "timeoutSec", 30.0, "30", "s", Kind.TOTAL, _GKE_DOC, "2026-11"),
    # fixed, not configurable: the backends' keep-alive must exceed it
    PlatformDefault(
        "gke",
        "backend keepalive timeout",
        600.0,
        "600",
        "s",
        Kind.KEEPALIVE,
        "https://cloud.google.com/load-balancing/docs/https/request-distribution (GFE backend keepalive timeout 600 s, fixed; "
        "'configure your backend software so that its HTTP keepalive timeout is greater than 600 seconds')",
        "2026-11",
    ),  # fmt: skip
    PlatformDefault("azure-application-gateway", "request-timeout", 30.0, "30", "s", Kind.TOTAL, _AGIC_DOC, "2026-11"),
    # edges declared in .timeout-lint.yaml
    PlatformDefault("cloudflare", "proxy_read_timeout", 125.0, "125s", None, Kind.FIRST_BYTE, _CLOUDFLARE_DOC, "2026-11"),
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
    # Envoy on its own; Istio overrides both for every listener and route it writes (see "istio" rows)
    PlatformDefault("envoy", "route timeout", 15.0, "15s", None, Kind.TOTAL, _ENVOY_ROUTE_DOC, "2026-06"),
    PlatformDefault("envoy", "stream_idle_timeout", 300.0, "300s", None, Kind.IDLE, _ENVOY_HCM_DOC, "2026-06", Side.BOTH),
    PlatformDefault("istio", "timeout", math.inf, "none", None, Kind.TOTAL, _ISTIO_ROUTE_DOC, "2026-06"),
    PlatformDefault("istio", "connectionPool.tcp.connectTimeout", 10.0, "10s", None, Kind.CONNECT, _ISTIO_POOL_DOC, "2026-06"),
    PlatformDefault("istio", "connectionPool.tcp.idleTimeout", 3600.0, "1h", None, Kind.KEEPALIVE, _ISTIO_POOL_DOC, "2026-06"),
    PlatformDefault("istio", "connectionPool.http.idleTimeout", 3600.0, "1h", None, Kind.KEEPALIVE, _ISTIO_POOL_DOC, "2026-06"),
    PlatformDefault("traefik", "dialTimeout", 30.0, "30s", None, Kind.CONNECT, _TRAEFIK_TRANSPORT_DOC, "2026-06"),
    PlatformDefault(
        "traefik",
        "responseHeaderTimeout",
        math.inf,
        "0",
        None,
        Kind.FIRST_BYTE,
        "traefik/traefik pkg/config/dynamic/http_config.go: responseHeaderTimeout 0 means no timeout",
        "2026-06",
    ),
    PlatformDefault("traefik", "idleConnTimeout", 90.0, "90s", None, Kind.KEEPALIVE, _TRAEFIK_TRANSPORT_DOC, "2026-06"),
    PlatformDefault("traefik", "readTimeout", 60.0, "60s", None, Kind.REQUEST_READ, _TRAEFIK_ENTRYPOINT_DOC, "2026-06", Side.DOWNSTREAM),
    PlatformDefault(
        "traefik",
        "writeTimeout",
        math.inf,
        "0",
        None,
        Kind.TOTAL,
        _TRAEFIK_ENTRYPOINT_DOC + ": writeTimeout 0 (none)",
        "2026-06",
        Side.DOWNSTREAM,
    ),
    PlatformDefault("traefik", "idleTimeout", 180.0, "180s", None, Kind.KEEPALIVE, _TRAEFIK_ENTRYPOINT_DOC, "2026-06", Side.DOWNSTREAM),
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

#: Edges that .timeout-lint.yaml may name by system: system -> (label, the setting whose default applies).
#: config.schema.json lists the same names.
EDGE_SYSTEMS: dict[str, tuple[str, str]] = {
    "cloudflare": ("Cloudflare", "proxy_read_timeout"),
}

#: Retry counts that apply when nothing is set (additional tries after the first).
DEFAULT_RETRIES: dict[tuple[str, str], tuple[int, str]] = {
    ("kong", "retries"): (5, _KONG_SERVICE_DOC),
    ("istio", "retries.attempts"): (2, _ISTIO_RETRY_DOC),
    ("kong-httproute", "retries"): (5, _KIC_HTTPROUTE_DOC),
    # only connection failures are retried unless `retry-on` says more (src/proxy.c, CONN_RETRIES)
    ("haproxy", "retries"): (3, "haproxy/haproxy doc/configuration.txt 'retries' (default 3) and 'retry-on' (default conn-failure)"),
    # proxy-next-upstream-tries 3 counts every try, the first included
    ("ingress-nginx", "proxy-next-upstream-tries"): (2, _INGRESS_NGINX_DOC),
}

#: Other settings a hop's behaviour depends on, as the system would write them: (value, source).
DEFAULT_SETTINGS: dict[tuple[str, str], tuple[str, str]] = {
    ("ingress-nginx", "proxy-next-upstream"): ("error timeout", _INGRESS_NGINX_DOC),
    ("ingress-nginx", "proxy-next-upstream-timeout"): ("0", _INGRESS_NGINX_DOC + "; 0 is no limit"),
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
    ("kong", "declarative"): (
        "the service's own connect_timeout, read_timeout, write_timeout and retries (Kong/kong services.lua); "
        "routes, upstreams and targets carry none",
        "Kong's default (60000 ms, 5 retries)",
    ),
    ("kong", "httproute"): (
        "Service annotations konghq.com/{connect,read,write}-timeout and konghq.com/retries of every Service the rule's "
        "backendRefs name, in Service name order, the last one winning (KIC kongstate/service.go override(), applied "
        "after the HTTPRoute translation)",
        "timeouts.backendRequest of the last rule in the namespace with the same backendRefs (they share one Kong service), "
        "written to connect_timeout, read_timeout and write_timeout alike (KIC subtranslator/httproute.go "
        "applyTimeoutToServiceFromHTTPRouteRule); timeouts.request is ignored; a KongIngress never applies",
        "KIC's default for HTTPRoute services (60000 ms, 5 retries)",
    ),
    ("istio", "httproute"): (
        "timeouts.backendRequest: the per-try timeout when the rule has a retry block, otherwise it replaces the route timeout "
        "(istio/istio pilot/pkg/config/kube/gateway/conversion.go)",
        "timeouts.request: the route timeout (total, retries included); 0s sets none",
        "no route timeout (Istio disables Envoy's 15s default)",
    ),
    ("gateway-api", "httproute"): (
        "timeouts.request: the whole request at the gateway (total); timeouts.backendRequest: each try to a backend (total), "
        "no longer than request (gateway-api apis/v1/httproute_types.go, GEP-1742)",
        "unset: implementation-specific; timeout-lint assumes no default for implementations it does not model",
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
    ("istio", "route timeouts"): (
        "the VirtualService http[] route's timeout and retries.perTryTimeout (perTryTimeout only when retries.attempts > 0)",
        "Istio's default: no route timeout (Envoy's 15s never applies), 2 retries",
    ),
    ("istio", "connection pool"): (
        "the first DestinationRule whose host names the Service: trafficPolicy.connectionPool",
        "Istio's default (connectTimeout 10s, idleTimeout 1h)",
    ),
    ("traefik", "forwardingTimeouts"): (
        "the ServersTransport a route's service names (IngressRoute services[].serversTransport, or the Service annotation "
        "traefik.ingress.kubernetes.io/service.serverstransport); its unset fields take Traefik's defaults, not the static ones",
        "otherwise the static serversTransport.forwardingTimeouts (default@internal)",
        "Traefik's default (dialTimeout 30s, responseHeaderTimeout 0 = none, idleConnTimeout 90s)",
    ),
    ("traefik", "respondingTimeouts"): (
        "the static configuration's entryPoints.<name>.transport.respondingTimeouts: a traefik.yml/.yaml/.toml file, else "
        "--entryPoints.<name>.transport.respondingTimeouts.* arguments of a Traefik container (Traefik reads one source only)",
        "Traefik's default (readTimeout 60s, writeTimeout 0 = none, idleTimeout 180s)",
    ),
    ("ingress-nginx", "timeouts"): (
        "the Ingress annotation nginx.ingress.kubernetes.io/proxy-{connect,send,read}-timeout, proxy-next-upstream, "
        "proxy-next-upstream-tries, proxy-next-upstream-timeout (prefix from --annotations-prefix); a value that is not a "
        "whole number of seconds is ignored (internal/ingress/annotations/proxy/main.go falls back to the global value)",
        "the key of the same name in the controller's ConfigMap (--configmap; see link/ingress_nginx.py for how it is "
        "found); a value the controller cannot read keeps the built-in default",
        "ingress-nginx's built-in default (connect 5, send 60, read 60 seconds; 3 tries; next-upstream 'error timeout')",
    ),
    ("aws-alb", "idle_timeout.timeout_seconds"): (
        "alb.ingress.kubernetes.io/load-balancer-attributes on any Ingress of the same IngressGroup (one ALB per group; "
        "the controller refuses differing values)",
        "the ALB's own default (60 s)",
    ),
    ("gke", "timeoutSec"): (
        "the BackendConfig named for the Service port's name in the Service annotation's ports map",
        "then the one named for the port's number",
        "then its default entry (cloud.google.com/backend-config over beta.cloud.google.com/backend-config)",
        "the backend service default (30 s) when no BackendConfig, or one without timeoutSec, applies",
    ),
    ("edge", "timeouts"): (
        "first-byte / idle / total written on the edge entry in .timeout-lint.yaml",
        "the known system's documented default (Cloudflare proxy_read_timeout 125 s)",
    ),
}


def lookup(system: str, setting: str) -> PlatformDefault:
    return DEFAULTS[(system, setting)]
