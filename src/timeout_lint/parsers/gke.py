"""GKE Ingress (ingress-gce): BackendConfig custom resources and the Service annotation that attaches them.

``BackendConfig`` (``cloud.google.com/v1``, ``v1beta1``) ``spec.timeoutSec`` is the backend service
timeout of the Google Cloud load balancer, integer seconds (1-2147483647); for the external
Application Load Balancer it bounds the whole response, so it is a TOTAL deadline. Without it the
backend service keeps 30 s. ``spec.healthCheck.timeoutSec`` is the health check's and is not read.

A Service names its BackendConfigs in ``cloud.google.com/backend-config`` (or the older
``beta.cloud.google.com/backend-config``; the GA key wins when both are set), a JSON object:
``{"default": "name"}`` and/or ``{"ports": {"80": "name", "http": "name"}}``. For a Service port, the
entry for its name wins, then the one for its number, then ``default`` (pkg/backendconfig/utils.go).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, NamedTuple

from timeout_lint.model import DroppedValue, Kind, Side, Site, Timeout
from timeout_lint.parsers.declarations import AnnotationNames

if TYPE_CHECKING:
    from timeout_lint.parsers.declarations import Entry
    from timeout_lint.parsers.kubernetes import Meta, ServicePort
    from timeout_lint.yamlnodes import Y

API_GROUP = "cloud.google.com/"
BACKEND_CONFIG_KEYS = ("cloud.google.com/backend-config", "beta.cloud.google.com/backend-config")
MAX_TIMEOUT = 2147483647
#: GKE reads many cloud.google.com/ annotations (neg, app-protocols, load-balancer-type ...) but none with a
#: timeout: the backend timeout is a BackendConfig's spec.timeoutSec. Only names that look like one are flagged.
ANNOTATION_NAMES = AnnotationNames(
    prefix=API_GROUP,
    system="GKE",
    known=frozenset({"backend-config", "neg", "neg-status", "app-protocols", "load-balancer-type", "l4-rbs"}),
    complete=False,
    timeout_names=("backend-config",),
    instead=(("timeout", "spec.timeoutSec of a BackendConfig named by cloud.google.com/backend-config"),),
)


class BackendConfig(NamedTuple):
    meta: Meta
    timeout: Timeout | None  # spec.timeoutSec, when set and valid
    dropped: tuple[DroppedValue, ...] = ()

    @property
    def applies(self) -> bool:
        """Only GKE's own BackendConfig kind; another group's resource of the same kind means nothing here."""
        return self.meta.api_version.startswith(API_GROUP)


class BackendConfigRefs(NamedTuple):
    """A Service's backend-config annotation, parsed."""

    default: str
    ports: dict[str, str]
    entry: Entry  # the annotation itself

    def name_for(self, port: ServicePort | None) -> str:
        if port is not None:
            if port.name is not None and port.name in self.ports:
                return self.ports[port.name]
            if port.port is not None and str(port.port) in self.ports:
                return self.ports[str(port.port)]
        return self.default


def parse_backend_config(meta: Meta, doc: Y) -> BackendConfig:
    node = doc.get("spec", "timeoutSec")
    if node is None:
        return BackendConfig(meta, None)
    location = doc.get("spec").key_location("timeoutSec")
    value = node.plain_value()
    if node.quoted or isinstance(value, bool) or not isinstance(value, int):
        return BackendConfig(
            meta, None, (DroppedValue("spec.timeoutSec", node.text or "", "not an integer: the CRD refuses it", location),)
        )
    if not 1 <= value <= MAX_TIMEOUT:
        return BackendConfig(meta, None, (DroppedValue("spec.timeoutSec", node.text or "", f"outside 1-{MAX_TIMEOUT} seconds", location),))
    raw = node.text or str(value)
    comment = node.ctx.source.comment_at(node.line)
    site = Site("yaml", "s", location, fragment=raw, written=raw, maximum=float(MAX_TIMEOUT))
    timeout = Timeout(Kind.TOTAL, "timeoutSec", float(value), raw, True, location, unit="s", side=Side.UPSTREAM, comment=comment, site=site)
    return BackendConfig(meta, timeout)


def backend_config_refs(annotations: dict[str, Entry]) -> tuple[BackendConfigRefs | None, str | None]:
    """The BackendConfig names a Service's annotation gives, or why the controller would refuse it."""
    entry = next((annotations[key] for key in BACKEND_CONFIG_KEYS if key in annotations), None)
    if entry is None:
        return None, None
    try:
        value = json.loads(entry.value or "")
    except ValueError:
        return None, f"{entry.key} is not valid JSON: ingress-gce refuses it"
    if not isinstance(value, dict):
        return None, f"{entry.key} is not a JSON object: ingress-gce refuses it"
    default = value.get("default")
    ports = value.get("ports") or {}
    if not isinstance(default, str | type(None)) or not isinstance(ports, dict) or not all(isinstance(v, str) for v in ports.values()):
        return None, f'{entry.key} does not have the shape {{"default": name, "ports": {{port: name}}}}: ingress-gce refuses it'
    if not default and not ports:
        return None, f"{entry.key} names no BackendConfig"
    return BackendConfigRefs(default or "", {str(k): v for k, v in ports.items()}, entry), None
