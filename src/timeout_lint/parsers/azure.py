"""Azure Application Gateway Ingress Controller (AGIC): the request timeout an Ingress annotation sets.

``appgw.ingress.kubernetes.io/request-timeout`` is whole seconds as a string, read with
``strconv.Atoi`` (pkg/annotations/ingress_annotations.go); AGIC writes it into the backend HTTP
settings it generates for the Ingress, and 30 when it is absent or unreadable
(pkg/appgw/backendhttpsettings.go). Application Gateway waits that long for the whole response.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from timeout_lint.model import DroppedValue, Kind, Side, Site, Timeout
from timeout_lint.parsers.declarations import AnnotationNames

if TYPE_CHECKING:
    from timeout_lint.parsers.declarations import Entry

REQUEST_TIMEOUT = "appgw.ingress.kubernetes.io/request-timeout"
#: AGIC's Ingress annotations (docs/annotations.md); only unknown names that look like a timeout are flagged
ANNOTATION_NAMES = AnnotationNames(
    prefix="appgw.ingress.kubernetes.io/",
    system="the Application Gateway Ingress Controller",
    known=frozenset(
        """
        backend-path-prefix backend-hostname backend-protocol ssl-redirect appgw-ssl-certificate appgw-trusted-root-certificate
        appgw-ssl-profile connection-draining connection-draining-timeout cookie-based-affinity
        cookie-based-affinity-distinct-name request-timeout use-private-ip override-frontend-port health-probe-hostname
        health-probe-port health-probe-path health-probe-status-codes health-probe-interval health-probe-timeout
        health-probe-unhealthy-threshold waf-policy-for-path rewrite-rule-set rewrite-rule-set-custom-resource
        hostname-extension rule-priority
        """.split()
    ),
    complete=False,
    timeout_names=("request-timeout",),
    controller="azure-application-gateway",
)
_ATOI = re.compile(r"[+-]?[0-9]+")
_INT32_MAX = 2**31 - 1
MAX_REQUEST_TIMEOUT = _INT32_MAX  # seconds


def request_timeout(annotations: dict[str, Entry]) -> tuple[Timeout | None, tuple[DroppedValue, ...]]:
    entry = annotations.get(REQUEST_TIMEOUT)
    if entry is None:
        return None, ()
    raw = entry.value or ""
    if not _ATOI.fullmatch(raw):
        return None, (DroppedValue(REQUEST_TIMEOUT, raw, "not a whole number of seconds: AGIC keeps 30", entry.location),)
    seconds = int(raw)
    if not 1 <= seconds <= _INT32_MAX:
        return None, (
            DroppedValue(REQUEST_TIMEOUT, raw, "not a positive number of seconds: Application Gateway refuses it", entry.location),
        )
    site = Site("yaml", "s", entry.location, fragment=raw, written=raw, maximum=float(_INT32_MAX))
    timeout = Timeout(
        Kind.TOTAL,
        REQUEST_TIMEOUT,
        float(seconds),
        raw,
        True,
        entry.location,
        unit="s",
        side=Side.UPSTREAM,
        comment=entry.comment,
        site=site,
    )
    return timeout, ()
