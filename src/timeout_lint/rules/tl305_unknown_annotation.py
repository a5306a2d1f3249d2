"""TL305: an annotation under a system's prefix that the system does not read (a misspelt or invented name)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from timeout_lint.lazy import load
from timeout_lint.model import Severity
from timeout_lint.rules.base import Context, Hit, Model, Rule, Scope

if TYPE_CHECKING:
    from timeout_lint.link.core import Linker
    from timeout_lint.parsers.declarations import AnnotationNames, Entry
    from timeout_lint.parsers.kubernetes import Ingress

#: prefix -> its system's AnnotationNames, kept next to that system's parser (loaded only when a key has the prefix)
NAMES = {
    "timeout-lint/": "timeout_lint.parsers.declarations:ANNOTATION_NAMES",
    "konghq.com/": "timeout_lint.parsers.kong:ANNOTATION_NAMES",
    "nginx.ingress.kubernetes.io/": "timeout_lint.parsers.ingress_nginx:ANNOTATION_NAMES",
    "alb.ingress.kubernetes.io/": "timeout_lint.parsers.aws:ALB_ANNOTATION_NAMES",
    "service.beta.kubernetes.io/aws-load-balancer-": "timeout_lint.parsers.aws:SERVICE_ANNOTATION_NAMES",
    "appgw.ingress.kubernetes.io/": "timeout_lint.parsers.azure:ANNOTATION_NAMES",
    "traefik.ingress.kubernetes.io/": "timeout_lint.parsers.traefik:ANNOTATION_NAMES",
    "cloud.google.com/": "timeout_lint.parsers.gke:ANNOTATION_NAMES",
}
LEGACY_NGINX_PREFIX = "ingress.kubernetes.io/"
#: an unknown name this close to a timeout annotation (difflib ratio) is taken for a misspelt one
NEAR = 0.8


def _flagged(names: AnnotationNames, name: str) -> bool:
    if name in names.known or name.startswith(names.families):
        return False
    if names.complete or any(name == wrong for wrong, _ in names.instead) or "timeout" in name.lower():
        return True
    import difflib  # here: imported only when an annotation is unknown (a few ms of every start otherwise)

    return any(difflib.SequenceMatcher(None, name, known).ratio() >= NEAR for known in names.timeout_names)


def _advice(names: AnnotationNames, name: str) -> str:
    import difflib

    instead = dict(names.instead)
    if name in instead:
        return f"; write {instead[name]}"
    close = difflib.get_close_matches(name, sorted(names.known), n=1, cutoff=0.75)
    if close:
        return f"; did you mean {names.prefix}{close[0]}?"
    if "timeout" in instead and "timeout" in name.lower():
        return f"; write {instead['timeout']}"
    close = difflib.get_close_matches(name, sorted(names.known), n=1, cutoff=0.6)
    return f"; did you mean {names.prefix}{close[0]}?" if close else ""


def _hit(names: AnnotationNames, entry: Entry, owner: str) -> Hit:
    name = entry.key[len(names.prefix) :]
    return Hit(entry.location, f"{entry.key} on {owner} is not an annotation {names.system} reads: it has no effect{_advice(names, name)}")


def _entries(model: Model) -> Iterator[tuple[str, str, dict[str, Entry], Ingress | None]]:
    """(object kind, reference, annotations or labels, the Ingress itself) of every object whose keys are read."""
    inventory = model.inventory
    kubernetes = inventory.kubernetes
    for ingress in kubernetes.ingresses:
        yield "Ingress", ingress.meta.ref, ingress.meta.annotations, ingress
        yield "labels", ingress.meta.ref, ingress.meta.labels, None
    for service in kubernetes.services:
        yield "Service", service.meta.ref, service.meta.annotations, None
        yield "labels", service.meta.ref, service.meta.labels, None
    for workload in kubernetes.workloads:
        yield "workload", workload.meta.ref, workload.meta.annotations, None
        yield "labels", workload.meta.ref, workload.meta.labels, None
        yield "workload", f"the pod template of {workload.meta.ref}", workload.template_annotations, None
    others = [*(c.meta for c in kubernetes.ingress_classes), *(c.meta for c in kubernetes.config_maps)]
    others += [item.meta for items in inventory.custom.values() for item in items if hasattr(item, "meta")]
    for meta in others:
        yield "other", meta.ref, meta.annotations, None
        yield "labels", meta.ref, meta.labels, None
    for service in inventory.compose_services:
        yield "labels", f"compose service {service.name}", service.labels, None


def _legacy_nginx(linker: Linker, ingress: Ingress, entry: Entry) -> Hit | None:
    """``ingress.kubernetes.io/rewrite-target`` on an Ingress ingress-nginx serves: the prefix it dropped in 0.9.0."""
    from timeout_lint.link.ingress_nginx import config_sources
    from timeout_lint.parsers.ingress_nginx import ANNOTATION_NAMES, LEGACY_PREFIX

    name = entry.key[len(LEGACY_NGINX_PREFIX) :]
    _sources, prefix = config_sources(linker, ingress)
    if name not in ANNOTATION_NAMES.known or prefix == LEGACY_PREFIX:
        return None
    return Hit(
        entry.location,
        f"{entry.key} on {ingress.meta.ref} has no effect: ingress-nginx reads {prefix}/{name} (it dropped the "
        f"{LEGACY_NGINX_PREFIX} prefix in 0.9.0, unless started with --annotations-prefix={LEGACY_PREFIX})",
    )


def check(model: Model, ctx: Context) -> Iterator[Hit]:
    from timeout_lint.link.kubernetes import class_controller

    linker = model.linked()
    for kind, owner, entries, ingress in _entries(model):
        for key, entry in entries.items():
            if ingress is not None and key.startswith(LEGACY_NGINX_PREFIX) and class_controller(linker, ingress) == "ingress-nginx":
                hit = _legacy_nginx(linker, ingress, entry)
                if hit is not None:
                    yield hit
                continue
            prefix = next((p for p in NAMES if key.startswith(p)), None)
            if prefix is None or (kind != "Ingress" and kind != "Service" and prefix != "timeout-lint/"):
                continue  # vendor annotations are checked where their systems read them: Ingresses and Services
            names: AnnotationNames = load(NAMES[prefix])
            if not _flagged(names, key[len(prefix) :]):
                continue
            if ingress is not None and names.controller is not None and class_controller(linker, ingress) not in (None, names.controller):
                continue  # another controller serves the Ingress, so nothing reads it however it is spelt: TL304
            yield _hit(names, entry, owner)


RULE = Rule(
    code="TL305",
    name="unknown-annotation",
    severity=Severity.WARNING,
    scope=Scope.MODEL,
    summary="An annotation under a known prefix that its system does not read: a misspelt or invented name, which has no effect.",
    check=check,
)
