"""AWS load balancers made from Kubernetes objects: ALB attributes on Ingresses, ELB/NLB annotations on Services.

Every value is whole seconds in a string annotation:

* ALB (AWS Load Balancer Controller, Ingress): ``alb.ingress.kubernetes.io/load-balancer-attributes``
  is a stringMap, ``k1=v1,k2=v2``; ``idle_timeout.timeout_seconds`` (1-4000) is the ALB's idle timeout.
  ``alb.ingress.kubernetes.io/connection-idle-timeout`` does not exist (aws-load-balancer-controller #727).
* Classic ELB (the in-tree cloud provider, any ``type: LoadBalancer`` Service with AWS annotations that
  is not an NLB): ``service.beta.kubernetes.io/aws-load-balancer-connection-idle-timeout``. It means
  nothing on an NLB.
* NLB: the AWS Load Balancer Controller provisions ``aws-load-balancer-type: external`` (or ``nlb-ip``,
  or ``spec.loadBalancerClass: service.k8s.aws/nlb``) and reads, per listener,
  ``service.beta.kubernetes.io/aws-load-balancer-listener-attributes.TCP-<port>: tcp.idle_timeout.seconds=N``
  (60-6000). ``aws-load-balancer-type: nlb`` is the in-tree provider's, which reads no listener
  attributes: its TCP listeners keep 350 s. TLS listeners are fixed at 350 s either way.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, NamedTuple

from timeout_lint.model import DroppedValue, Kind, Location, Side, Site, Timeout
from timeout_lint.parsers.declarations import AnnotationNames

if TYPE_CHECKING:
    from timeout_lint.parsers.declarations import Entry
    from timeout_lint.parsers.kubernetes import Service

ALB_ATTRIBUTES = "alb.ingress.kubernetes.io/load-balancer-attributes"
ALB_IDLE_TIMEOUT = "idle_timeout.timeout_seconds"
ALB_GROUP = "alb.ingress.kubernetes.io/group.name"
ANNOTATION_PREFIX = "service.beta.kubernetes.io/aws-load-balancer-"
LB_TYPE = "service.beta.kubernetes.io/aws-load-balancer-type"
ELB_IDLE_TIMEOUT = "service.beta.kubernetes.io/aws-load-balancer-connection-idle-timeout"
#: a Classic ELB's listener protocol towards the instances (tcp by default; http/https keeps connections)
ELB_BACKEND_PROTOCOL = "service.beta.kubernetes.io/aws-load-balancer-backend-protocol"
LISTENER_ATTRIBUTES = "service.beta.kubernetes.io/aws-load-balancer-listener-attributes."
NLB_IDLE_TIMEOUT = "tcp.idle_timeout.seconds"
SSL_CERT = "service.beta.kubernetes.io/aws-load-balancer-ssl-cert"
SSL_PORTS = "service.beta.kubernetes.io/aws-load-balancer-ssl-ports"
NLB_CLASS = "service.k8s.aws/nlb"

#: AWS Load Balancer Controller Ingress annotations (docs/guide/ingress/annotations.md); more come with releases, so
#: only unknown names that look like a timeout are flagged
ALB_ANNOTATION_NAMES = AnnotationNames(
    prefix="alb.ingress.kubernetes.io/",
    system="the AWS Load Balancer Controller",
    known=frozenset(
        """
        load-balancer-name group.name group.order tags ip-address-type scheme subnets security-groups
        manage-backend-security-group-rules customer-owned-ipv4-pool ipam-ipv4-pool-id load-balancer-attributes wafv2-acl-arn
        waf-acl-id shield-advanced-protection listen-ports ssl-redirect inbound-cidrs security-group-prefix-lists
        certificate-arn ssl-policy target-type backend-protocol backend-protocol-version target-group-attributes
        healthcheck-port healthcheck-protocol healthcheck-path healthcheck-interval-seconds healthcheck-timeout-seconds
        healthy-threshold-count unhealthy-threshold-count success-codes auth-type auth-idp-cognito auth-idp-oidc
        auth-on-unauthenticated-request auth-scope auth-session-cookie auth-session-timeout target-node-labels
        mutual-authentication multi-cluster-target-group listener-attributes minimum-load-balancer-capacity use-regex-path-match
        frontend-nlb-scheme enable-frontend-nlb
        """.split()
    ),
    complete=False,
    timeout_names=("load-balancer-attributes",),
    families=("actions.", "conditions.", "transforms.", "listener-attributes.", "frontend-nlb-"),
    instead=(
        ("connection-idle-timeout", f"{ALB_IDLE_TIMEOUT}=N in alb.ingress.kubernetes.io/load-balancer-attributes"),
        ("idle-timeout", f"{ALB_IDLE_TIMEOUT}=N in alb.ingress.kubernetes.io/load-balancer-attributes"),
        ("idle-timeout-seconds", f"{ALB_IDLE_TIMEOUT}=N in alb.ingress.kubernetes.io/load-balancer-attributes"),
    ),
    controller="aws-alb",
)
#: Service annotations of the in-tree AWS cloud provider and the AWS Load Balancer Controller that set timeouts;
#: both read many more under this prefix, so only unknown names that look like a timeout are flagged
SERVICE_ANNOTATION_NAMES = AnnotationNames(
    prefix=ANNOTATION_PREFIX,
    system="the AWS cloud provider or the AWS Load Balancer Controller",
    known=frozenset(
        """
        connection-idle-timeout connection-draining-enabled connection-draining-timeout healthcheck-timeout healthcheck-interval
        healthcheck-healthy-threshold healthcheck-unhealthy-threshold type
        """.split()
    ),
    complete=False,
    timeout_names=("connection-idle-timeout", "listener-attributes."),
    families=("listener-attributes.",),
    instead=(
        ("idle-timeout", f"{ELB_IDLE_TIMEOUT} (Classic ELB), or {NLB_IDLE_TIMEOUT}=N in {LISTENER_ATTRIBUTES}TCP-<port> (NLB)"),
        ("connection-timeout", f"{ELB_IDLE_TIMEOUT} (Classic ELB), or {NLB_IDLE_TIMEOUT}=N in {LISTENER_ATTRIBUTES}TCP-<port> (NLB)"),
    ),
)
_DIGITS = re.compile(r"[0-9]+")
ALB_RANGE = (1, 4000)
ELB_RANGE = (1, 4000)
NLB_RANGE = (60, 6000)


class LoadBalancerKind(NamedTuple):
    kind: str  # "elb", "nlb"
    controller: str  # "in-tree" (cloud-provider-aws) or "aws-load-balancer-controller"


class Listener(NamedTuple):
    """One NLB listener: the Service port it serves and its idle timeout, as far as the files say."""

    port: int
    protocol: str  # TCP, TLS
    idle: Timeout | None  # None: the default applies
    fixed: bool  # the idle timeout cannot be changed (TLS listeners, in-tree NLBs)
    annotation: str  # the listener-attributes annotation that would set it


def string_map(raw: str) -> dict[str, str] | None:
    """An aws-load-balancer-controller stringMap (``k1=v1, k2=v2``); None when a pair is malformed.

    Pairs are split on commas and trimmed; each splits at its first ``=`` and must have a key
    (pkg/annotations/parser.go). Keys and values are not trimmed further.
    """
    out: dict[str, str] = {}
    for item in raw.split(","):
        pair = item.strip()
        if not pair:
            continue
        key, equals, value = pair.partition("=")
        if not equals or not key:
            return None
        out[key] = value
    return out


def _seconds(setting: str, raw: str, location: Location, bounds: tuple[int, int], dropped: list[DroppedValue]) -> int | None:
    text = raw.strip()
    if not _DIGITS.fullmatch(text):
        dropped.append(DroppedValue(setting, raw, "not a whole number of seconds", location))
        return None
    number = int(text)
    if not bounds[0] <= number <= bounds[1]:
        dropped.append(DroppedValue(setting, raw, f"outside AWS's range {bounds[0]}-{bounds[1]} seconds", location))
        return None
    return number


def _timeout(setting: str, seconds: int, raw: str, entry: Entry, fragment: str, bounds: tuple[int, int]) -> Timeout:
    """``fragment``: the text of the annotation's value that holds it, which --fix rewrites."""
    site = Site("yaml", "s", entry.location, fragment=fragment, written=raw, maximum=float(bounds[1]))
    return Timeout(
        Kind.IDLE, setting, float(seconds), raw, True, entry.location, unit="s", side=Side.BOTH, comment=entry.comment, site=site
    )


def alb_idle_timeout(annotations: dict[str, Entry]) -> tuple[Timeout | None, tuple[DroppedValue, ...]]:
    """The idle timeout one Ingress's load-balancer-attributes annotation sets, if any."""
    entry = annotations.get(ALB_ATTRIBUTES)
    if entry is None:
        return None, ()
    dropped: list[DroppedValue] = []
    attributes = string_map(entry.value or "")
    if attributes is None:
        return None, (
            DroppedValue(ALB_ATTRIBUTES, entry.value or "", "not a list of key=value pairs: the controller rejects it", entry.location),
        )
    raw = attributes.get(ALB_IDLE_TIMEOUT)
    if raw is None:
        return None, ()
    seconds = _seconds(ALB_IDLE_TIMEOUT, raw, entry.location, ALB_RANGE, dropped)
    timeout = _timeout(ALB_IDLE_TIMEOUT, seconds, raw, entry, f"{ALB_IDLE_TIMEOUT}={raw}", ALB_RANGE) if seconds is not None else None
    return timeout, tuple(dropped)


def load_balancer_kind(service: Service) -> LoadBalancerKind | None:
    """Which AWS load balancer a Service of type LoadBalancer gets; None when nothing says AWS."""
    if service.type != "LoadBalancer":
        return None
    if service.load_balancer_class is not None:
        return LoadBalancerKind("nlb", "aws-load-balancer-controller") if service.load_balancer_class == NLB_CLASS else None
    lb_type = (service.meta.annotation(LB_TYPE) or "").strip()
    if lb_type in ("external", "nlb-ip"):
        return LoadBalancerKind("nlb", "aws-load-balancer-controller")
    if lb_type == "nlb":
        return LoadBalancerKind("nlb", "in-tree")
    if any(key.startswith(ANNOTATION_PREFIX) for key in service.meta.annotations):
        return LoadBalancerKind("elb", "in-tree")
    return None


def elb_idle_timeout(service: Service) -> tuple[Timeout | None, tuple[DroppedValue, ...]]:
    entry = service.meta.annotations.get(ELB_IDLE_TIMEOUT)
    if entry is None:
        return None, ()
    dropped: list[DroppedValue] = []
    raw = entry.value or ""
    seconds = _seconds(ELB_IDLE_TIMEOUT, raw, entry.location, ELB_RANGE, dropped)
    written = raw.strip()
    timeout = _timeout(ELB_IDLE_TIMEOUT, seconds, written, entry, written, ELB_RANGE) if seconds is not None else None
    return timeout, tuple(dropped)


def _tls_ports(service: Service) -> set[int | str] | None:
    """Ports whose NLB listener terminates TLS; None for all of them."""
    if SSL_CERT not in service.meta.annotations:
        return set()
    raw = service.meta.annotation(SSL_PORTS)
    if raw is None or raw.strip() in ("", "*"):
        return None
    return {int(p) if _DIGITS.fullmatch(p) else p for p in (part.strip() for part in raw.split(",")) if p}


def nlb_listeners(service: Service, kind: LoadBalancerKind) -> tuple[list[Listener], tuple[DroppedValue, ...]]:
    """One listener per TCP Service port, with the idle timeout its listener-attributes annotation sets."""
    dropped: list[DroppedValue] = []
    tls = _tls_ports(service)
    listeners: list[Listener] = []
    used: set[str] = set()
    for port in service.ports:
        if port.port is None or port.protocol not in ("TCP", "TCP_UDP"):
            continue
        is_tls = tls is None or port.port in tls or (port.name is not None and port.name in tls)
        protocol = "TLS" if is_tls else "TCP"
        annotation = f"{LISTENER_ATTRIBUTES}{protocol}-{port.port}"
        used.add(annotation)
        entry = service.meta.annotations.get(annotation)
        idle = None
        if entry is not None:
            attributes = string_map(entry.value or "")
            raw = attributes.get(NLB_IDLE_TIMEOUT) if attributes is not None else None
            if attributes is None:
                dropped.append(
                    DroppedValue(annotation, entry.value or "", "not a list of key=value pairs: the controller rejects it", entry.location)
                )
            elif raw is not None and (is_tls or kind.controller == "in-tree"):
                why = (
                    "TLS listeners keep a fixed 350 s idle timeout"
                    if is_tls
                    else "the in-tree AWS cloud provider reads no listener attributes"
                )
                dropped.append(DroppedValue(annotation, entry.value or "", why, entry.location))
            elif raw is not None:
                seconds = _seconds(NLB_IDLE_TIMEOUT, raw, entry.location, NLB_RANGE, dropped)
                if seconds is not None:
                    setting = f"{protocol}-{port.port} {NLB_IDLE_TIMEOUT}"
                    idle = _timeout(setting, seconds, raw, entry, f"{NLB_IDLE_TIMEOUT}={raw}", NLB_RANGE)
        listeners.append(Listener(port.port, protocol, idle, is_tls or kind.controller == "in-tree", annotation))
    for key, entry in service.meta.annotations.items():
        if key.startswith(LISTENER_ATTRIBUTES) and key not in used:
            dropped.append(DroppedValue(key, entry.value or "", "names no TCP listener of this Service", entry.location))
    entry = service.meta.annotations.get(ELB_IDLE_TIMEOUT)
    if entry is not None:
        dropped.append(DroppedValue(ELB_IDLE_TIMEOUT, entry.value or "", "it applies to Classic ELBs only", entry.location))
    return listeners, tuple(dropped)
