"""ingress-nginx (kubernetes/ingress-nginx): Ingress annotations, the controller's ConfigMap, its flags.

Timeouts are whole seconds written without a unit. The two places read them differently, and both
are modelled as the controller does:

* An Ingress annotation goes through ``strconv.Atoi`` (internal/ingress/annotations/parser): digits
  with an optional sign, nothing else. ``"60s"`` fails, is logged, and the controller silently uses
  the global value instead (internal/ingress/annotations/proxy/main.go). Such values are kept as
  DroppedValue for the rules that report them.
* A ConfigMap value goes through mapstructure's weak decoding (``strconv.ParseInt(s, 0, 64)``):
  ``0x10`` and ``010`` are base-prefixed, ``""`` is 0, and a value that does not decode keeps the
  built-in default (internal/ingress/controller/template/configmap.go).

Which place wins is defaults.PRECEDENCE["ingress-nginx", "timeouts"]; link/ingress_nginx.py applies it.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, NamedTuple

from timeout_lint.model import DroppedValue, Kind, Location, Side, Site, Timeout
from timeout_lint.parsers.declarations import AnnotationNames

if TYPE_CHECKING:
    from timeout_lint.parsers.declarations import Entry
    from timeout_lint.parsers.kubernetes import ConfigMap, Workload

DEFAULT_PREFIX = "nginx.ingress.kubernetes.io"
DEFAULT_INGRESS_CLASS = "nginx"
DEFAULT_CONTROLLER_CLASS = "k8s.io/ingress-nginx"

#: Keys (annotation suffix or ConfigMap key) that set a timeout, and what each measures.
TIMEOUT_KEYS: dict[str, tuple[Kind, Side]] = {
    "proxy-connect-timeout": (Kind.CONNECT, Side.UPSTREAM),
    "proxy-send-timeout": (Kind.SEND, Side.UPSTREAM),
    "proxy-read-timeout": (Kind.IDLE, Side.UPSTREAM),
}
#: Keys only the ConfigMap sets (no per-Ingress annotation exists for them).
GLOBAL_TIMEOUT_KEYS: dict[str, tuple[Kind, Side]] = {
    "upstream-keepalive-timeout": (Kind.KEEPALIVE, Side.UPSTREAM),
    "keep-alive": (Kind.KEEPALIVE, Side.DOWNSTREAM),
}
NEXT_UPSTREAM = "proxy-next-upstream"
NEXT_UPSTREAM_TRIES = "proxy-next-upstream-tries"
NEXT_UPSTREAM_TIMEOUT = "proxy-next-upstream-timeout"
#: Every ConfigMap data key timeout-lint reads (parsers.kubernetes keeps only these of a ConfigMap)
CONFIG_MAP_KEYS = frozenset({*TIMEOUT_KEYS, *GLOBAL_TIMEOUT_KEYS, NEXT_UPSTREAM, NEXT_UPSTREAM_TRIES, NEXT_UPSTREAM_TIMEOUT})
# the annotation's validator (internal/ingress/annotations/proxy/main.go validUpstreamAnnotation)
_NEXT_UPSTREAM_VALUE = re.compile(
    r"^((error|timeout|invalid_header|http_500|http_502|http_503|http_504|http_403|http_404|http_429|non_idempotent|off)\s?)+$"
)
#: ConfigMap keys with no annotation: written on an Ingress, nothing reads them
CONFIG_MAP_ONLY = (
    "client-header-timeout",
    "client-body-timeout",
    "keep-alive",
    "upstream-keepalive-timeout",
    "proxy-stream-timeout",
    "worker-shutdown-timeout",
)
#: The ingress-nginx prefix before 0.9.0 (commit 8f1ff15 made it nginx.ingress.kubernetes.io; the old one needs
#: --annotations-prefix=ingress.kubernetes.io)
LEGACY_PREFIX = "ingress.kubernetes.io"
#: ingress-nginx's Ingress annotations (docs/user-guide/nginx-configuration/annotations.md, and names of earlier
#: releases). Annotations come and go with every release, so only unknown names that look like a timeout are flagged.
ANNOTATION_NAMES = AnnotationNames(
    prefix=f"{DEFAULT_PREFIX}/",
    system="ingress-nginx",
    known=frozenset(
        """
        app-root affinity affinity-mode affinity-canary-behavior auth-realm auth-secret auth-secret-type auth-type
        auth-tls-secret auth-tls-verify-depth auth-tls-verify-client auth-tls-error-page auth-tls-pass-certificate-to-upstream
        auth-tls-match-cn auth-url auth-method auth-signin auth-signin-redirect-param auth-response-headers
        auth-proxy-set-headers auth-request-redirect auth-cache-key auth-cache-duration auth-snippet auth-always-set-cookie
        auth-keepalive auth-keepalive-requests auth-keepalive-timeout auth-keepalive-share-vars enable-global-auth
        backend-protocol canary canary-by-header canary-by-header-value canary-by-header-pattern canary-by-cookie canary-weight
        canary-weight-total client-body-buffer-size configuration-snippet custom-http-errors custom-headers default-backend
        disable-proxy-intercept-errors enable-cors cors-allow-origin cors-allow-methods cors-allow-headers cors-expose-headers
        cors-allow-credentials cors-max-age force-ssl-redirect from-to-www-redirect http2-push-preload limit-connections
        limit-rps limit-rpm limit-burst-multiplier limit-rate limit-rate-after limit-whitelist limit-allowlist global-rate-limit
        global-rate-limit-window global-rate-limit-key global-rate-limit-ignored-cidrs permanent-redirect
        permanent-redirect-code temporal-redirect temporal-redirect-code preserve-trailing-slash proxy-body-size
        proxy-cookie-domain proxy-cookie-path proxy-connect-timeout proxy-send-timeout proxy-read-timeout proxy-next-upstream
        proxy-next-upstream-timeout proxy-next-upstream-tries proxy-request-buffering proxy-redirect-from proxy-redirect-to
        proxy-http-version proxy-ssl-secret proxy-ssl-ciphers proxy-ssl-name proxy-ssl-protocols proxy-ssl-verify
        proxy-ssl-verify-depth proxy-ssl-server-name proxy-ssl-location-only enable-rewrite-log rewrite-target satisfy
        server-alias server-snippet service-upstream session-cookie-name session-cookie-path session-cookie-domain
        session-cookie-change-on-failure session-cookie-samesite session-cookie-conditional-samesite-none session-cookie-expires
        session-cookie-max-age session-cookie-secure session-cookie-hash ssl-redirect ssl-passthrough stream-snippet
        upstream-hash-by upstream-hash-by-subset upstream-hash-by-subset-size x-forwarded-prefix load-balance upstream-vhost
        whitelist-source-range allowlist-source-range denylist-source-range proxy-buffering proxy-buffers-number
        proxy-buffer-size proxy-max-temp-file-size ssl-ciphers ssl-prefer-server-ciphers connection-proxy-header
        enable-access-log enable-opentracing opentracing-trust-incoming-span enable-opentelemetry
        opentelemetry-trust-incoming-span opentelemetry-operation-name enable-influxdb influxdb-measurement influxdb-port
        influxdb-host influxdb-server-name use-regex enable-modsecurity enable-owasp-core-rules modsecurity-transaction-id
        modsecurity-snippet mirror-request-body mirror-target mirror-host secure-backends secure-verify-ca-secret grpc-backend
        add-base-url base-url-scheme upstream-fail-timeout upstream-max-fails relative-redirects
        """.split()
    ),
    complete=False,
    timeout_names=(*TIMEOUT_KEYS, NEXT_UPSTREAM_TIMEOUT, NEXT_UPSTREAM_TRIES),
    instead=(
        ("proxy-timeout", f"{DEFAULT_PREFIX}/proxy-read-timeout (and proxy-send-timeout, proxy-connect-timeout)"),
        ("timeout", f"{DEFAULT_PREFIX}/proxy-read-timeout (and proxy-send-timeout, proxy-connect-timeout)"),
        *((key, f"{key} in the controller's ConfigMap: ingress-nginx reads it only there") for key in CONFIG_MAP_ONLY),
    ),
    controller="ingress-nginx",
)
_ATOI = re.compile(r"[+-]?[0-9]+")
_GO_OCTAL = re.compile(r"[+-]?0[0-7_]+")
_MAX_INT64 = 2**63 - 1


class Setting(NamedTuple):
    """A non-timeout value one place sets: ``proxy-next-upstream-tries: "5"``."""

    key: str  # as written: the full annotation or the ConfigMap key
    value: int | str
    raw: str
    location: Location


class IngressNginxSettings(NamedTuple):
    """What one place (an Ingress's annotations, or the controller ConfigMap) sets."""

    timeouts: dict[str, Timeout]  # by key without prefix ("proxy-read-timeout")
    settings: dict[str, Setting]  # proxy-next-upstream, -tries, -timeout, by key without prefix
    dropped: tuple[DroppedValue, ...] = ()


class ControllerFlags(NamedTuple):
    """The command-line flags of an ingress-nginx controller container that decide what it serves and reads."""

    ingress_class: str  # --ingress-class
    controller_class: str  # --controller-class (what IngressClass spec.controller must say)
    config_map: tuple[str, str] | None  # --configmap as (namespace, name); None when the flag is absent
    config_map_raw: str | None  # the flag's value as written (unresolvable when config_map is None)
    watch_namespaces: tuple[str, ...]  # --watch-namespace; () means every namespace
    annotations_prefix: str  # --annotations-prefix
    watch_without_class: bool  # --watch-ingress-without-class
    location: Location  # the container


def atoi(text: str) -> int | None:
    """Go strconv.Atoi: an optional sign and decimal digits, no spaces; None when it fails."""
    if not _ATOI.fullmatch(text):
        return None
    number = int(text)
    return number if -_MAX_INT64 - 1 <= number <= _MAX_INT64 else None


def parse_int_base0(text: str) -> int | None:
    """Go strconv.ParseInt(s, 0, 64) as mapstructure's weak decoding calls it ("" counts as 0)."""
    if text == "":
        return 0
    if text != text.strip():
        return None
    sign, body = (text[0], text[1:]) if text[0] in "+-" else ("", text)
    try:
        # Go reads a leading 0 as octal; Python refuses it, so spell the prefix out
        number = int(sign + "0o" + body[1:], 0) if _GO_OCTAL.fullmatch(text) else int(text, 0)
    except ValueError:
        return None
    return number if -_MAX_INT64 - 1 <= number <= _MAX_INT64 else None


def _timeout(key: str, setting: str, seconds: int, entry: Entry, kinds: dict[str, tuple[Kind, Side]]) -> Timeout:
    kind, side = kinds[key]
    raw = entry.value or ""
    site = Site("yaml", "s", entry.location, fragment=raw, written=raw)  # --fix rewrites the string as written
    return Timeout(
        kind=kind,
        setting=setting,
        seconds=float(seconds),
        raw=raw,
        explicit=True,
        location=entry.location,
        unit="s",
        side=side,
        comment=entry.comment,
        site=site,
    )


def annotation_settings(annotations: dict[str, Entry], prefix: str = DEFAULT_PREFIX) -> IngressNginxSettings:
    """The proxy timeout and retry annotations of one Ingress, read as the controller reads them."""
    timeouts: dict[str, Timeout] = {}
    settings: dict[str, Setting] = {}
    dropped: list[DroppedValue] = []
    for key in (*TIMEOUT_KEYS, NEXT_UPSTREAM_TRIES, NEXT_UPSTREAM_TIMEOUT):
        entry = annotations.get(f"{prefix}/{key}")
        if entry is None:
            continue
        raw = entry.value or ""
        number = atoi(raw)
        if number is None:
            dropped.append(DroppedValue(entry.key, raw, "not a whole number of seconds: ingress-nginx ignores it", entry.location))
            continue
        if number < 0:
            dropped.append(DroppedValue(entry.key, raw, "negative: nginx refuses the configuration it would render", entry.location))
            continue
        if key in TIMEOUT_KEYS:
            timeouts[key] = _timeout(key, entry.key, number, entry, TIMEOUT_KEYS)
        else:
            settings[key] = Setting(entry.key, number, raw, entry.location)
    entry = annotations.get(f"{prefix}/{NEXT_UPSTREAM}")
    if entry is not None:
        raw = entry.value or ""
        if _NEXT_UPSTREAM_VALUE.match(raw):
            settings[NEXT_UPSTREAM] = Setting(entry.key, raw.strip(), raw, entry.location)
        else:
            dropped.append(
                DroppedValue(entry.key, raw, "not a list of proxy_next_upstream conditions: ingress-nginx ignores it", entry.location)
            )
    return IngressNginxSettings(timeouts, settings, tuple(dropped))


def config_map_settings(config_map: ConfigMap) -> IngressNginxSettings:
    """The controller-wide values of an ingress-nginx ConfigMap, as mapstructure decodes them."""
    timeouts: dict[str, Timeout] = {}
    settings: dict[str, Setting] = {}
    dropped: list[DroppedValue] = []
    kinds = {**TIMEOUT_KEYS, **GLOBAL_TIMEOUT_KEYS}
    for key in (*kinds, NEXT_UPSTREAM_TRIES, NEXT_UPSTREAM_TIMEOUT):
        entry = config_map.data.get(key)
        if entry is None:
            continue
        if entry.value is None:  # a mapping, a list or null: ConfigMap data holds strings only
            dropped.append(DroppedValue(key, "", "not a string: the API server refuses the ConfigMap", entry.value_location))
            continue
        raw = entry.value
        number = parse_int_base0(raw)
        if number is None:
            dropped.append(DroppedValue(key, raw, "not an integer number of seconds: ingress-nginx keeps its default", entry.location))
            continue
        if number < 0:
            dropped.append(DroppedValue(key, raw, "negative: nginx refuses the configuration it would render", entry.location))
            continue
        if key in kinds:
            timeouts[key] = _timeout(key, key, number, entry, kinds)
        else:
            settings[key] = Setting(key, number, raw, entry.location)
    entry = config_map.data.get(NEXT_UPSTREAM)
    if entry is not None and entry.value is None:
        dropped.append(DroppedValue(NEXT_UPSTREAM, "", "not a string: the API server refuses the ConfigMap", entry.value_location))
    elif entry is not None:
        settings[NEXT_UPSTREAM] = Setting(NEXT_UPSTREAM, entry.value.strip(), entry.value, entry.location)
    return IngressNginxSettings(timeouts, settings, tuple(dropped))


def _flag(tokens: tuple[str, ...], name: str) -> str | None:
    """The last value given to ``--name`` (``--name=value`` or ``--name value``), as pflag keeps it."""
    found = None
    for index, token in enumerate(tokens):
        if token.startswith(f"--{name}="):
            found = token.split("=", 1)[1]
        elif token == f"--{name}" and index + 1 < len(tokens):
            found = tokens[index + 1]
    return found


def controller_flags(workload: Workload) -> ControllerFlags:
    """The flags of the controller container (the one running /nginx-ingress-controller, else the first)."""
    containers = workload.containers
    chosen = next((c for c in containers if any("nginx-ingress-controller" in t for t in (*c.command, *c.args))), None)
    chosen = chosen or (containers[0] if containers else None)
    tokens = (*chosen.command, *chosen.args) if chosen is not None else ()
    raw = _flag(tokens, "configmap")
    config_map = None
    if raw:
        value = raw.replace("$(POD_NAMESPACE)", workload.meta.namespace)
        namespace, _, name = value.rpartition("/")
        if name and "$(" not in value:
            config_map = (namespace or workload.meta.namespace, name)
    namespaces = tuple(n.strip() for n in (_flag(tokens, "watch-namespace") or "").split(",") if n.strip())
    without_class = (_flag(tokens, "watch-ingress-without-class") or "").lower() == "true" or "--watch-ingress-without-class" in tokens
    return ControllerFlags(
        ingress_class=_flag(tokens, "ingress-class") or DEFAULT_INGRESS_CLASS,
        controller_class=_flag(tokens, "controller-class") or DEFAULT_CONTROLLER_CLASS,
        config_map=config_map,
        config_map_raw=raw,
        watch_namespaces=tuple(n.replace("$(POD_NAMESPACE)", workload.meta.namespace) for n in namespaces),
        annotations_prefix=_flag(tokens, "annotations-prefix") or DEFAULT_PREFIX,
        watch_without_class=without_class,
        location=chosen.location if chosen is not None else workload.meta.location,
    )
