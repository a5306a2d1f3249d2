"""TL304: an ingress controller's annotations on an Ingress another controller serves, where nothing reads them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from timeout_lint.model import Related, Severity
from timeout_lint.rules.base import Context, Hit, Model, Rule, Scope

if TYPE_CHECKING:
    from timeout_lint.link.core import Linker
    from timeout_lint.parsers.kubernetes import Ingress

#: annotation prefix -> the controller (a key of link/kubernetes.py INGRESS_CONTROLLER_HOPS) that reads it on an Ingress
FAMILIES = (
    ("nginx.ingress.kubernetes.io/", "ingress-nginx"),
    ("konghq.com/", "kong"),
    ("alb.ingress.kubernetes.io/", "aws-alb"),
    ("appgw.ingress.kubernetes.io/", "azure-application-gateway"),
    ("traefik.ingress.kubernetes.io/router.", "traefik"),  # service.* belongs on the Service: TL303
)
CONTROLLER_NAMES = {
    "kong": "Kong Ingress Controller",
    "ingress-nginx": "ingress-nginx",
    "aws-alb": "the AWS Load Balancer Controller",
    "azure-application-gateway": "the Application Gateway Ingress Controller",
    "traefik": "Traefik",
    "gke": "GKE Ingress (ingress-gce)",
}
#: how each controller takes a response timeout, for the advice when the misplaced annotations set one
RESPONSE_TIMEOUT = {
    "kong": "the Service annotation konghq.com/read-timeout (milliseconds)",
    "ingress-nginx": "the annotation nginx.ingress.kubernetes.io/proxy-read-timeout (seconds)",
    "aws-alb": "idle_timeout.timeout_seconds in the annotation alb.ingress.kubernetes.io/load-balancer-attributes",
    "azure-application-gateway": "the annotation appgw.ingress.kubernetes.io/request-timeout (seconds)",
    "traefik": (
        "forwardingTimeouts.responseHeaderTimeout of a ServersTransport named by the Service annotation "
        "traefik.ingress.kubernetes.io/service.serverstransport"
    ),
    "gke": "spec.timeoutSec of a BackendConfig named by the Service annotation cloud.google.com/backend-config",
}


def _why_served(linker: Linker, ingress: Ingress) -> tuple[str, list[Related]]:
    """How the Ingress names its class, in the words of the manifest, and where that is written."""
    from timeout_lint.link.kubernetes import ingress_classes
    from timeout_lint.parsers.kubernetes import INGRESS_CLASS_ANNOTATION

    name = ingress.class_name
    written = ingress.meta.annotations.get(INGRESS_CLASS_ANNOTATION)
    from_annotation = written is not None and ingress.class_location == written.location
    how = f"{INGRESS_CLASS_ANNOTATION}: {name}" if from_annotation else f"ingressClassName: {name}"
    related = [Related(ingress.class_location, f"the class of {ingress.meta.ref}")] if ingress.class_location is not None else []
    ingress_class = ingress_classes(linker).get(name)
    if ingress_class is not None and ingress_class.controller:
        related.append(Related(ingress_class.meta.location, f"IngressClass {name}: controller {ingress_class.controller}"))
    return how, related


def _names(keys: list[str]) -> str:
    shown = ", ".join(keys[:3])
    return shown + (f" and {len(keys) - 3} more" if len(keys) > 3 else "")


def check(model: Model, ctx: Context) -> Iterator[Hit]:
    ingresses = model.inventory.kubernetes.ingresses
    prefixes = tuple(prefix for prefix, _ in FAMILIES)
    candidates = [i for i in ingresses if any(key.startswith(prefixes) for key in i.meta.annotations)]
    if not candidates:
        return
    from timeout_lint.link.kubernetes import class_controller

    linker = model.linked()
    for ingress in candidates:
        served_by = class_controller(linker, ingress)  # the linker's own decision, for an Ingress that names its class
        if served_by is None:
            continue  # no class, or one timeout-lint does not model: whether something reads them is not known
        for prefix, owner in FAMILIES:
            if owner == served_by:
                continue
            entries = [entry for key, entry in ingress.meta.annotations.items() if key.startswith(prefix)]
            if not entries:
                continue
            how, related = _why_served(linker, ingress)
            keys = [entry.key for entry in entries]
            what = (
                f"{keys[0]} on {ingress.meta.ref} has"
                if len(keys) == 1
                else f"{len(keys)} annotations on {ingress.meta.ref} ({_names(keys)}) have"
            )
            message = (
                f"{what} no effect: {CONTROLLER_NAMES[served_by]} serves it ({how}), and {CONTROLLER_NAMES[owner]} "
                f"reads {prefix}* only on the Ingresses it serves"
            )
            if any("timeout" in entry.key or "timeout" in (entry.value or "") for entry in entries):
                message += f"; for a response timeout there, use {RESPONSE_TIMEOUT[served_by]}"
            others = [Related(entry.location, f"{entry.key} has no effect either") for entry in entries[1:]]
            yield Hit(entries[0].location, message, tuple(related + others))


RULE = Rule(
    code="TL304",
    name="annotation-for-other-class",
    severity=Severity.WARNING,
    scope=Scope.MODEL,
    summary="An ingress controller's annotations on an Ingress that another controller serves: nothing reads them.",
    check=check,
)
