"""TL303: an annotation on an object its system never reads it on (a Kong Service annotation on an Ingress, ...)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, NamedTuple

from timeout_lint.model import Related, Severity
from timeout_lint.rules.base import Context, Hit, Model, Rule, Scope

if TYPE_CHECKING:
    from timeout_lint.link.core import Linker
    from timeout_lint.parsers.declarations import Entry
    from timeout_lint.parsers.kubernetes import Ingress, Meta, Service


class Placement(NamedTuple):
    """Annotations a system reads on one kind of object only."""

    system: str  # who reads them: "Kong Ingress Controller"
    reads_on: str  # "Service" or "Ingress"
    matches: Callable[[str], bool]
    #: the ingress controller (link/kubernetes.py) the annotation is for: on an Ingress served by another known
    #: controller nothing reads it at all, which TL304 reports; None: misplaced whoever serves the Ingress
    controller: str | None = None
    advice: str = ""  # what to do instead, beyond moving it


def _placements() -> tuple[Placement, ...]:
    from timeout_lint.parsers.aws import ALB_ATTRIBUTES, ALB_IDLE_TIMEOUT, ELB_IDLE_TIMEOUT, LISTENER_ATTRIBUTES
    from timeout_lint.parsers.azure import REQUEST_TIMEOUT
    from timeout_lint.parsers.gke import BACKEND_CONFIG_KEYS
    from timeout_lint.parsers.ingress_nginx import DEFAULT_PREFIX, NEXT_UPSTREAM, NEXT_UPSTREAM_TIMEOUT, NEXT_UPSTREAM_TRIES, TIMEOUT_KEYS
    from timeout_lint.parsers.kong import RETRIES_ANNOTATION, TIMEOUT_ANNOTATIONS
    from timeout_lint.parsers.traefik import ROUTER_ANNOTATIONS, SERVICE_ANNOTATIONS

    kong = {*TIMEOUT_ANNOTATIONS, RETRIES_ANNOTATION}
    nginx = {f"{DEFAULT_PREFIX}/{key}" for key in (*TIMEOUT_KEYS, NEXT_UPSTREAM, NEXT_UPSTREAM_TRIES, NEXT_UPSTREAM_TIMEOUT)}
    return (
        # read on a Service, written on an Ingress
        Placement("Kong Ingress Controller", "Service", kong.__contains__, controller="kong"),
        Placement(
            "AWS (the in-tree cloud provider, the AWS Load Balancer Controller)",
            "Service of type LoadBalancer",
            lambda key: key == ELB_IDLE_TIMEOUT or key.startswith(LISTENER_ATTRIBUTES),
            advice=f"for an ALB, set {ALB_IDLE_TIMEOUT} in the annotation {ALB_ATTRIBUTES} on the Ingress",
        ),
        Placement("ingress-gce", "Service", BACKEND_CONFIG_KEYS.__contains__),
        Placement("Traefik", "Service", lambda key: key.startswith(SERVICE_ANNOTATIONS)),
        # read on an Ingress, written on a Service
        Placement("ingress-nginx", "Ingress", nginx.__contains__),
        Placement("the AWS Load Balancer Controller", "Ingress", ALB_ATTRIBUTES.__eq__),
        Placement("the Application Gateway Ingress Controller", "Ingress", REQUEST_TIMEOUT.__eq__),
        Placement("Traefik", "Ingress", lambda key: key.startswith(ROUTER_ANNOTATIONS)),
    )


def _services_of(linker: Linker, ingress: Ingress) -> tuple[list[str], list[Related]]:
    names: list[str] = []
    related: list[Related] = []
    for backend in ingress.backends:
        label = f"{ingress.meta.namespace}/{backend.service}"
        if label in names:
            continue
        names.append(label)
        service = linker.services.get((ingress.meta.namespace, backend.service))
        if service is not None:
            related.append(Related(service.meta.location, f"Service {label} would read it"))
    return names, related


def _ingresses_of(model: Model, service: Service) -> tuple[list[str], list[Related]]:
    names: list[str] = []
    related: list[Related] = []
    for ingress in model.inventory.kubernetes.ingresses:
        if ingress.meta.namespace == service.meta.namespace and any(b.service == service.meta.name for b in ingress.backends):
            names.append(f"{ingress.meta.namespace}/{ingress.meta.name}")
            related.append(Related(ingress.meta.location, f"{ingress.meta.ref} routes to {service.meta.ref}"))
    return names, related


def _target(kind: str, names: list[str], fallback: str) -> str:
    if not names:
        return fallback
    return f"{kind} {names[0]}" if len(names) == 1 else f"{kind}s {', '.join(names)}"


def _on_ingress(model: Model, linker: Linker, placements: tuple[Placement, ...]) -> Iterator[Hit]:
    from timeout_lint.link.kubernetes import class_controller

    for ingress in model.inventory.kubernetes.ingresses:
        for key, entry in ingress.meta.annotations.items():
            placement = next((p for p in placements if p.reads_on != "Ingress" and p.matches(key)), None)
            if placement is None:
                continue
            served_by = class_controller(linker, ingress)  # the linker's decision, for an Ingress that names its class
            if placement.controller is not None and served_by not in (None, placement.controller):
                continue  # another controller serves the Ingress, so nothing reads it at all: TL304
            related: list[Related] = []
            move = ""
            if placement.reads_on == "Service":  # the Ingress's backends (for a load balancer, its own Service)
                names, related = _services_of(linker, ingress)
                move = f"; set it on {_target('Service', names, 'the Service')}"
            advice = f"; {placement.advice}" if placement.advice and served_by == "aws-alb" else ""
            yield Hit(
                entry.location,
                f"{key} on {ingress.meta.ref} has no effect: {placement.system} reads it only on a {placement.reads_on}{move}{advice}",
                tuple(related),
            )


def _on_service(model: Model, placements: tuple[Placement, ...]) -> Iterator[Hit]:
    for service in model.inventory.kubernetes.services:
        for key, entry in service.meta.annotations.items():
            placement = next((p for p in placements if p.reads_on == "Ingress" and p.matches(key)), None)
            if placement is None:
                continue
            names, related = _ingresses_of(model, service)
            target = _target("Ingress", names, f"the Ingress that routes to {service.meta.ref}")
            yield Hit(
                entry.location,
                f"{key} on {service.meta.ref} has no effect: {placement.system} reads it only on an Ingress; set it on {target}",
                tuple(related),
            )


def _declarations(model: Model, linker: Linker) -> Iterator[Hit]:
    """Worst cases declared on an object timeout-lint does not read them on (an Ingress, a route)."""
    from timeout_lint.parsers.declarations import FIRST_BYTE_KEY, MAX_GAP_KEY, WORST_CASE_KEY

    keys = (WORST_CASE_KEY, FIRST_BYTE_KEY, MAX_GAP_KEY)
    inventory = model.inventory
    metas: list[Meta] = [*(i.meta for i in inventory.kubernetes.ingresses), *(c.meta for c in inventory.kubernetes.config_maps)]
    metas += [item.meta for items in inventory.custom.values() for item in items if hasattr(item, "meta")]
    ingresses = {i.meta.location.sort_key: i for i in inventory.kubernetes.ingresses}
    for meta in metas:
        found: list[Entry] = [e for key in keys for e in (meta.annotations.get(key), meta.labels.get(key)) if e is not None]
        if not found:
            continue
        ingress = ingresses.get(meta.location.sort_key) if meta.kind == "Ingress" else None
        names, related = _services_of(linker, ingress) if ingress is not None else ([], [])
        target = _target("Service", names, "the Service the requests reach")
        for entry in found:
            yield Hit(
                entry.location,
                f"{entry.key} on {meta.ref} is not read: timeout-lint reads worst cases on a Service (or the Deployment, "
                f"StatefulSet or DaemonSet behind it), on compose services and in .timeout-lint.yaml; set it on {target}",
                tuple(related),
            )


#: the annotation prefixes of _placements(), to import their systems' parsers only when an object carries one
PREFIXES = (
    "konghq.com/",
    "service.beta.kubernetes.io/aws-load-balancer-",
    "cloud.google.com/",
    "beta.cloud.google.com/",
    "traefik.ingress.kubernetes.io/",
    "nginx.ingress.kubernetes.io/",
    "alb.ingress.kubernetes.io/",
    "appgw.ingress.kubernetes.io/",
)


def check(model: Model, ctx: Context) -> Iterator[Hit]:
    kubernetes = model.inventory.kubernetes
    linker = model.linked()
    objects = [*kubernetes.ingresses, *kubernetes.services]
    if any(key.startswith(PREFIXES) for item in objects for key in item.meta.annotations):
        placements = _placements()
        yield from _on_ingress(model, linker, placements)
        yield from _on_service(model, placements)
    yield from _declarations(model, linker)


RULE = Rule(
    code="TL303",
    name="annotation-on-wrong-object",
    severity=Severity.WARNING,
    scope=Scope.MODEL,
    summary="An annotation on an object its system never reads it on: a Kong Service annotation on an Ingress, an ingress-nginx one on a Service.",
    check=check,
)
