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
    PlatformDefault("kong", "connect_timeout", 60.0, "60000", "ms", Kind.CONNECT, _KONG_SERVICE_DOC, "2026-06"),
    PlatformDefault("kong", "write_timeout", 60.0, "60000", "ms", Kind.SEND, _KONG_SERVICE_DOC, "2026-06"),
    PlatformDefault("kong", "read_timeout", 60.0, "60000", "ms", Kind.IDLE, _KONG_SERVICE_DOC, "2026-06"),
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
    ("nginx", "proxy_*_timeout"): (
        "the location itself, then enclosing locations, then server, then http (includes are textual)",
        "nginx's default (60s)",
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
