"""Kong through the Kong Ingress Controller: Service annotations, KongIngress ``proxy:`` blocks, KongUpstreamPolicy.

Kong's service timeouts are integer milliseconds (connect_timeout, read_timeout, write_timeout;
default 60000) and ``retries`` (default 5). read_timeout is idle between two reads, so its first gap is
the app's time to first byte. Which place wins is the table in defaults.PRECEDENCE.

KongUpstreamPolicy (``configuration.konghq.com/v1beta1``, attached with the Service annotation
``konghq.com/upstream-policy``) sets a Kong Upstream's load balancing and health checks only: its
spec has ``algorithm``, ``slots``, ``hashOn``, ``hashOnFallback`` and ``healthchecks``, whose one
``timeout`` is the active probe's (seconds), never a request's (Kong/kubernetes-ingress-controller
pkg/apis/configuration/v1beta1/kongupstreampolicy_types.go). It is read so that the reference resolves.
"""

from __future__ import annotations

from typing import NamedTuple

from timeout_lint.durations import DurationError, parse_integer
from timeout_lint.model import DroppedValue, Kind, Location, Retries, Site, Timeout
from timeout_lint.parsers.declarations import AnnotationNames, Entry
from timeout_lint.parsers.kubernetes import Meta
from timeout_lint.yamlnodes import Y

OVERRIDE_ANNOTATION = "konghq.com/override"
UPSTREAM_POLICY_ANNOTATION = "konghq.com/upstream-policy"
RETRIES_ANNOTATION = "konghq.com/retries"
#: annotation -> (Kong field, kind)
TIMEOUT_ANNOTATIONS = {
    "konghq.com/connect-timeout": ("connect_timeout", Kind.CONNECT),
    "konghq.com/read-timeout": ("read_timeout", Kind.IDLE),
    "konghq.com/write-timeout": ("write_timeout", Kind.SEND),
}
#: Every konghq.com/ annotation Kong Ingress Controller reads on an Ingress or a Service: the keys of
#: internal/annotations/annotations.go (KIC 2.x and 3.x), plus konghq.com/headers.<header name>
ANNOTATION_NAMES = AnnotationNames(
    prefix="konghq.com/",
    system="Kong Ingress Controller",
    known=frozenset(
        """
        override plugins protocol protocols client-cert strip-path path https-redirect-status-code preserve-host regex-priority
        host-header methods snis request-buffering response-buffering host-aliases regex-prefix connect-timeout write-timeout
        read-timeout retries headers-separator path-handling tags rewrite tls-verify tls-verify-depth ca-certificates
        ca-certificates-secret ca-certificates-configmap gatewayclass-unmanaged publish-service upstream-policy
        """.split()
    ),
    complete=True,
    timeout_names=("connect-timeout", "read-timeout", "write-timeout", "retries"),
    families=("headers.",),
    instead=(
        ("send-timeout", "konghq.com/write-timeout (Kong's send timeout is write_timeout)"),
        ("timeout", "konghq.com/read-timeout, konghq.com/connect-timeout or konghq.com/write-timeout"),
        ("retry", "konghq.com/retries"),
    ),
    controller="kong",
)
ANNOTATION_FOR_FIELD = {field_name: annotation for annotation, (field_name, _) in TIMEOUT_ANNOTATIONS.items()}
TIMEOUT_FIELDS = {field_name: kind for field_name, kind in TIMEOUT_ANNOTATIONS.values()}
MAX_MS = 2147483646  # Kong's schema: 1 .. 2^31-2


class KongSettings(NamedTuple):
    """What one place (a Service's annotations or a KongIngress proxy block) sets."""

    timeouts: dict[str, Timeout]  # by Kong field name
    retries: Retries | None = None
    dropped: tuple[DroppedValue, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.timeouts and self.retries is None


class KongIngress(NamedTuple):
    meta: Meta
    proxy: KongSettings | None
    proxy_location: Location | None


def _milliseconds(
    setting: str, raw: str, location: Location, kind: Kind, dropped: list[DroppedValue], comment: str | None = None
) -> Timeout | None:
    try:
        millis = parse_integer(raw)
    except DurationError:
        dropped.append(DroppedValue(setting, raw, "not an integer number of milliseconds", location))
        return None
    if not 1 <= millis <= MAX_MS:
        dropped.append(DroppedValue(setting, raw, f"outside Kong's range 1..{MAX_MS} ms", location))
        return None
    written = raw.strip()
    return Timeout(
        kind=kind,
        setting=setting,
        seconds=millis / 1000,
        raw=written,
        explicit=True,
        location=location,
        unit="ms",
        comment=comment,
        site=Site("yaml", "ms", location, fragment=written, written=written, maximum=MAX_MS / 1000),
    )


def _retries(setting: str, raw: str, location: Location, dropped: list[DroppedValue]) -> Retries | None:
    try:
        count = parse_integer(raw)
    except DurationError:
        dropped.append(DroppedValue(setting, raw, "not an integer", location))
        return None
    if not 0 <= count <= 32767:
        dropped.append(DroppedValue(setting, raw, "outside Kong's range 0..32767", location))
        return None
    return Retries(count, setting, raw.strip(), True, location)


def annotation_settings(annotations: dict[str, Entry]) -> KongSettings:
    """The konghq.com/*-timeout and konghq.com/retries annotations of one object."""
    timeouts: dict[str, Timeout] = {}
    dropped: list[DroppedValue] = []
    for annotation, (field_name, kind) in TIMEOUT_ANNOTATIONS.items():
        entry = annotations.get(annotation)
        if entry is None:
            continue
        timeout = _milliseconds(annotation, entry.value or "", entry.location, kind, dropped, entry.comment)
        if timeout is not None:
            timeouts[field_name] = timeout
    retries = None
    entry = annotations.get(RETRIES_ANNOTATION)
    if entry is not None:
        retries = _retries(RETRIES_ANNOTATION, entry.value or "", entry.location, dropped)
    return KongSettings(timeouts, retries, tuple(dropped))


def _number_text(node: Y) -> str:
    value = node.plain_value()
    return str(value) if value is not None and not isinstance(value, bool) else (node.text or "")


#: decK replaces ``${{ env "DECK_NAME" }}`` with an environment variable's value when it syncs
ENV_TEMPLATE = "${{"


class ServiceFields(NamedTuple):
    """Kong service fields written as YAML (a KongIngress ``proxy:`` block, a decK service)."""

    settings: KongSettings
    #: fields whose value decK takes from the environment at sync time: unknown here, not checked
    from_environment: tuple[str, ...] = ()


def service_fields(block: Y, prefix: str, string_reason: str) -> ServiceFields:
    """connect/read/write_timeout and retries of one mapping; ``prefix`` names them (``proxy.``).

    A null value leaves the field unset. A string where an integer belongs is dropped with
    ``string_reason``, so are values outside Kong's ranges; Kong's default then applies.
    """
    timeouts: dict[str, Timeout] = {}
    dropped: list[DroppedValue] = []
    from_environment: list[str] = []
    retries = None
    for key, value, key_location in block.items():
        if key not in TIMEOUT_FIELDS and key != "retries":
            continue
        setting = f"{prefix}{key}"
        if value.is_scalar and value.text is None:
            continue  # null: the default applies
        if not value.is_scalar:
            value.report("invalid-object", f"{setting} must be an integer, not a {value.shape}; ignored")
            continue
        if value.is_scalar and ENV_TEMPLATE in (value.text or ""):
            from_environment.append(setting)
            continue
        if value.is_scalar and value.quoted:
            dropped.append(DroppedValue(setting, value.text or "", string_reason, key_location))
            continue
        if key == "retries":
            retries = _retries(setting, _number_text(value), key_location, dropped)
            continue
        comment = value.ctx.source.comment_at(value.line)
        timeout = _milliseconds(setting, _number_text(value), key_location, TIMEOUT_FIELDS[key], dropped, comment)
        if timeout is not None:
            timeouts[key] = timeout
    return ServiceFields(KongSettings(timeouts, retries, tuple(dropped)), tuple(from_environment))


def parse_kong_ingress(meta: Meta, doc: Y) -> KongIngress:
    """``configuration.konghq.com/v1`` KongIngress: fields at the top level, not under spec."""
    proxy = doc.get("proxy")
    if proxy is None or (proxy.is_scalar and proxy.text is None):
        return KongIngress(meta, None, None)
    if not proxy.is_map:
        proxy.report("invalid-object", f"proxy must be a mapping, not a {proxy.shape}; ignored")
        return KongIngress(meta, None, None)
    fields = service_fields(proxy, "proxy.", "a string where the CRD requires an integer")
    return KongIngress(meta, fields.settings, doc.key_location("proxy"))


class KongUpstreamPolicy(NamedTuple):
    """Load balancing and health checks for the Kong Upstreams of the Services that name it; no request timeouts."""

    meta: Meta
    algorithm: str | None


def parse_kong_upstream_policy(meta: Meta, doc: Y) -> KongUpstreamPolicy:
    return KongUpstreamPolicy(meta, doc.str_at("spec", "algorithm"))
