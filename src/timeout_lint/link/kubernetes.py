"""Ingress entries: which controller serves an Ingress, the hops it adds, and the Service behind it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from timeout_lint.lazy import load
from timeout_lint.link.core import GraphNode, Linker
from timeout_lint.model import Hop, Role

if TYPE_CHECKING:
    from timeout_lint.parsers.kubernetes import Ingress, IngressBackend, Service

#: IngressClass spec.controller -> the system that serves it
CONTROLLERS = {
    "ingress-controllers.konghq.com/kong": "kong",
    "konghq.com/kong": "kong",
    "traefik.io/ingress-controller": "traefik",
}
#: Class names that mean a controller when no IngressClass object in the tree says otherwise
CLASS_NAMES = {"kong": "kong", "traefik": "traefik"}
#: controller -> function(linker, ingress, service) -> tuple[Hop, ...], the hops that Ingress adds
INGRESS_CONTROLLER_HOPS = {
    "kong": "timeout_lint.link.kong:ingress_hops",
    "traefik": "timeout_lint.link.traefik:ingress_hops",
}


def controller(linker: Linker, ingress: Ingress) -> str | None:
    classes = linker.index("ingress_classes", lambda: {c.meta.name: c for c in linker.inventory.kubernetes.ingress_classes})
    name = ingress.class_name
    if name is None:
        defaults = [c for c in classes.values() if c.is_default]
        if len(defaults) != 1:
            return None
        name = defaults[0].meta.name
    ingress_class = classes.get(name)
    if ingress_class is not None and ingress_class.controller:
        return CONTROLLERS.get(ingress_class.controller)
    return CLASS_NAMES.get(name)


def ingress_hops(linker: Linker, ingress: Ingress, service: Service | None) -> tuple[Hop, ...]:
    system = controller(linker, ingress)
    builder = INGRESS_CONTROLLER_HOPS.get(system) if system else None
    if builder is not None:
        return load(builder)(linker, ingress, service)
    label = ingress.class_name or "no class"
    return (
        Hop(
            system=f"ingress controller ({label})",
            role=Role.INGRESS,
            name=ingress.meta.ref,
            location=ingress.meta.location,
            notes=("timeouts unknown: timeout-lint does not model this ingress class",),
        ),
    )


def _link_backend(linker: Linker, ingress: Ingress, backend: IngressBackend) -> None:
    service = linker.services.get((ingress.meta.namespace, backend.service))
    node_id = f"ingress:{ingress.meta.location}:{backend.service}"
    if node_id in linker.graph.nodes:
        return  # several rules of one Ingress to the same Service: one request path
    node = linker.graph.add(
        GraphNode(
            node_id,
            hops=ingress_hops(linker, ingress, service),
            entry=(f"Ingress {ingress.meta.namespace}/{ingress.meta.name}", ingress.meta.location),
        )
    )
    if service is None:
        node.edges.append(
            linker.unresolved(f"Service {ingress.meta.namespace}/{backend.service}", backend.location, "not found in the linted files")
        )
    else:
        node.edges.extend(linker.service_apps(service))


def link_ingresses(linker: Linker) -> None:
    for ingress in linker.inventory.kubernetes.ingresses:
        for backend in ingress.backends:
            _link_backend(linker, ingress, backend)
