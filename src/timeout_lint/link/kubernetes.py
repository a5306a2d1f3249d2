"""Ingress entries: which controller serves an Ingress, the hops it adds, and where the request goes next.

Usually the next stop is the Service's app. When the Service is itself an ingress controller's (an
ALB Ingress in front of the ingress-nginx controller Service, say), the request continues into every
Ingress that controller serves, so the path reads ALB -> ingress-nginx -> ... -> app. A controller's
Service is recognised by the workload it selects (CONTROLLER_WORKLOADS: images and well-known labels).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from timeout_lint.lazy import load
from timeout_lint.link.core import GraphNode, Linker
from timeout_lint.model import Hop, Role

if TYPE_CHECKING:
    from timeout_lint.parsers.kubernetes import Ingress, IngressBackend, IngressClass, Service, Workload

#: IngressClass spec.controller -> the system that serves it
CONTROLLERS = {
    "ingress-controllers.konghq.com/kong": "kong",
    "konghq.com/kong": "kong",
    "traefik.io/ingress-controller": "traefik",
    "k8s.io/ingress-nginx": "ingress-nginx",
    "ingress.k8s.aws/alb": "aws-alb",
    "azure/application-gateway": "azure-application-gateway",
}
#: Class names that mean a controller when no IngressClass object in the tree says otherwise
CLASS_NAMES = {
    "kong": "kong",
    "traefik": "traefik",
    "nginx": "ingress-nginx",
    "alb": "aws-alb",
    "azure/application-gateway": "azure-application-gateway",  # AGIC's kubernetes.io/ingress.class value
    "azure-application-gateway": "azure-application-gateway",  # the IngressClass the AKS add-on creates
}
#: Class names a controller honours only in the kubernetes.io/ingress.class annotation: ingress-gce
#: ignores spec.ingressClassName (pkg/utils IsGCEIngress). A class-less Ingress is GCE only on GKE,
#: which the files do not say, so it is not assumed.
ANNOTATION_CLASS_NAMES = {"gce": "gke", "gce-internal": "gke", "gce-regional-external": "gke"}
#: controller -> function(linker, ingress, service, backend) -> tuple[Hop, ...], the hops that Ingress adds
INGRESS_CONTROLLER_HOPS = {
    "kong": "timeout_lint.link.kong:ingress_hops",
    "traefik": "timeout_lint.link.traefik:ingress_hops",
    "ingress-nginx": "timeout_lint.link.ingress_nginx:ingress_hops",
    "aws-alb": "timeout_lint.link.aws:alb_ingress_hops",
    "gke": "timeout_lint.link.gke:ingress_hops",
    "azure-application-gateway": "timeout_lint.link.azure:ingress_hops",
}

#: Services of type LoadBalancer that a cloud turns into a load balancer in front of them:
#: function(linker, service) -> bool, True when it made the Service an entry (the first taker wins)
LOAD_BALANCER_SERVICES: tuple[str, ...] = ("timeout_lint.link.aws:link_load_balancer_service",)


class ControllerWorkload(NamedTuple):
    """How to recognise the pods of an ingress controller, so that a Service selecting them continues into its Ingresses."""

    system: str  # as in CONTROLLERS
    images: tuple[str, ...]  # image repositories, registry and tag left out
    labels: tuple[tuple[tuple[str, str], ...], ...]  # pod-template label sets, any of which marks the workload
    #: "module:function"(linker, workload, ingress) -> bool when a controller's flags narrow what it serves
    serves: str | None = None
    #: "module:function"(linker, workload) -> the class name its flags make it take (when it has such a flag)
    class_name: str | None = None


CONTROLLER_WORKLOADS: tuple[ControllerWorkload, ...] = (
    ControllerWorkload(
        "ingress-nginx",
        (
            "ingress-nginx/controller",
            "ingress-nginx/controller-chroot",
            "kubernetes-ingress-controller/nginx-ingress-controller",  # quay.io, before registry.k8s.io
        ),
        ((("app.kubernetes.io/name", "ingress-nginx"), ("app.kubernetes.io/component", "controller")),),
        "timeout_lint.link.ingress_nginx:serves",
        "timeout_lint.link.ingress_nginx:class_name",
    ),
    ControllerWorkload(
        "kong",
        ("kong", "kong/kong", "kong/kong-gateway", "kong/kubernetes-ingress-controller"),
        ((("app.kubernetes.io/name", "kong"),),),
    ),
    ControllerWorkload("traefik", ("traefik", "traefik/traefik"), ((("app.kubernetes.io/name", "traefik"),),)),
)


def image_repository(image: str) -> str:
    """``registry.k8s.io/ingress-nginx/controller:v1.9@sha256:..`` -> ``ingress-nginx/controller``."""
    name = image.split("@", 1)[0]
    slash = name.rfind("/")
    colon = name.rfind(":")
    if colon > slash:
        name = name[:colon]
    parts = name.split("/")
    if len(parts) > 1 and ("." in parts[0] or ":" in parts[0] or parts[0] == "localhost"):
        parts = parts[1:]
    if len(parts) > 1 and parts[0] == "library":
        parts = parts[1:]
    return "/".join(parts)


#: each known image repository -> the first signature (index into CONTROLLER_WORKLOADS) that lists it
_IMAGE_SIGNATURES: dict[str, int] = {}
for _index, _signature in reversed(list(enumerate(CONTROLLER_WORKLOADS))):
    _IMAGE_SIGNATURES.update(dict.fromkeys(_signature.images, _index))


def workload_controller(workload: Workload) -> str | None:
    """The ingress controller a workload runs, from its images or its well-known labels: the first
    signature of CONTROLLER_WORKLOADS that an image repository (or its tail after a ``/``) or a
    pod-template label set matches."""
    matched = len(CONTROLLER_WORKLOADS)
    for container in workload.containers:
        if container.image:
            parts = image_repository(container.image).split("/")
            for start in range(len(parts)):  # "registry/kong/kong" matches "kong/kong" and "kong"
                matched = min(matched, _IMAGE_SIGNATURES.get("/".join(parts[start:]), matched))
    for signature in CONTROLLER_WORKLOADS[:matched]:  # a signature before the image's, by its labels
        for label_set in signature.labels:
            if all(workload.template_labels.get(key) == value for key, value in label_set):
                return signature.system
    return CONTROLLER_WORKLOADS[matched].system if matched < len(CONTROLLER_WORKLOADS) else None


def controller_of(linker: Linker, workload: Workload) -> str | None:
    """workload_controller, once per workload of the run."""
    cache = linker.index("workload_controller", dict)
    key = id(workload)  # every workload lives as long as the linker's inventory
    if key not in cache:
        cache[key] = workload_controller(workload)
    return cache[key]


def ingress_classes(linker: Linker) -> dict[str, IngressClass]:
    return linker.index("ingress_classes", lambda: {c.meta.name: c for c in linker.inventory.kubernetes.ingress_classes})


def controller_workloads(linker: Linker) -> dict[str, list[Workload]]:
    """Every workload in the tree that runs an ingress controller, by system."""

    def build() -> dict[str, list[Workload]]:
        found: dict[str, list[Workload]] = {}
        for workload in linker.inventory.kubernetes.workloads:
            system = controller_of(linker, workload)
            if system is not None:
                found.setdefault(system, []).append(workload)
        return found

    return linker.index("controller_workloads", build)


def controller(linker: Linker, ingress: Ingress) -> str | None:
    """The system that serves an Ingress (a key of INGRESS_CONTROLLER_HOPS), None when unknown; cached per Ingress."""
    cache = linker.index("ingress_controller", dict)
    key = ingress.meta.location.sort_key
    if key not in cache:
        cache[key] = _controller(linker, ingress)
    return cache[key]


def class_controller(linker: Linker, ingress: Ingress) -> str | None:
    """The controller that serves an Ingress which names its class (``controller``'s decision), None for a class-less one.

    A class-less Ingress may be read by more than the controller chosen for it: Traefik's kubernetesIngress provider,
    without an ingressClass option, takes every Ingress that has no class. Rules that say "nothing reads it" ask this.
    """
    return controller(linker, ingress) if ingress.class_name is not None else None


def _controller(linker: Linker, ingress: Ingress) -> str | None:
    classes = ingress_classes(linker)
    name = ingress.class_name
    if name is None:
        defaults = [c for c in classes.values() if c.is_default]
        if len(defaults) != 1:
            return _classless_controller(linker)
        name = defaults[0].meta.name
    ingress_class = classes.get(name)
    if ingress_class is not None and ingress_class.controller:
        return CONTROLLERS.get(ingress_class.controller)
    if name in ANNOTATION_CLASS_NAMES:
        written = ingress.meta.annotation("kubernetes.io/ingress.class")
        return ANNOTATION_CLASS_NAMES[name] if written is not None and written == name else None
    declared = _declared_class_names(linker)
    if name in declared:
        return declared[name]
    return CLASS_NAMES.get(name)


def _declared_class_names(linker: Linker) -> dict[str, str]:
    """Class names the controller workloads in the tree take by their flags (ingress-nginx --ingress-class)."""

    def build() -> dict[str, str]:
        names: dict[str, str] = {}
        for signature in CONTROLLER_WORKLOADS:
            if signature.class_name is None:
                continue
            for workload in controller_workloads(linker).get(signature.system, []):
                names.setdefault(load(signature.class_name)(linker, workload), signature.system)
        return names

    return linker.index("declared_class_names", build)


def _classless_controller(linker: Linker) -> str | None:
    """An ingress-nginx controller started with --watch-ingress-without-class takes Ingresses with no class."""

    def build() -> str | None:
        workloads = controller_workloads(linker).get("ingress-nginx", [])
        if not workloads:
            return None
        from timeout_lint.link.ingress_nginx import flags

        return "ingress-nginx" if any(flags(linker, w).watch_without_class for w in workloads) else None

    return linker.index("classless_controller", build)


def ingress_hops(linker: Linker, ingress: Ingress, service: Service | None, backend: IngressBackend) -> tuple[Hop, ...]:
    system = controller(linker, ingress)
    builder = INGRESS_CONTROLLER_HOPS.get(system) if system else None
    if builder is not None:
        return load(builder)(linker, ingress, service, backend)
    label = ingress.class_name or "no class"
    note = "timeouts unknown: timeout-lint does not model this ingress class"
    if label in ANNOTATION_CLASS_NAMES:
        note += f'; ingress-gce reads the class only from the annotation kubernetes.io/ingress.class: "{label}"'
    return (
        Hop(
            system=f"ingress controller ({label})", role=Role.INGRESS, name=ingress.meta.ref, location=ingress.meta.location, notes=(note,)
        ),
    )


def selected_workloads(linker: Linker, service: Service) -> list[Workload]:
    return linker.selected_workloads(service)


def served_ingresses(linker: Linker, system: str, workloads: list[Workload]) -> list[Ingress]:
    """The Ingresses a controller's pods serve: those of its class, narrowed by its flags where it has any."""
    signature = next(s for s in CONTROLLER_WORKLOADS if s.system == system)
    ingresses = [i for i in linker.inventory.kubernetes.ingresses if controller(linker, i) == system]
    if signature.serves is None:
        return ingresses
    serves = load(signature.serves)
    return [i for i in ingresses if any(serves(linker, w, i) for w in workloads)]


def ingress_nodes(linker: Linker) -> dict[tuple, list[str]]:
    """One graph node per Ingress backend (its controller's hops, an entry), by Ingress; built once.

    Edges are filled in by link_ingresses, once every node exists, because an Ingress may forward to
    the Service of a controller whose own Ingresses are further down the list.
    """

    def build() -> dict[tuple, list[str]]:
        nodes: dict[tuple, list[str]] = {}
        for ingress in linker.inventory.kubernetes.ingresses:
            ids = nodes.setdefault(ingress.meta.location.sort_key, [])
            for backend in ingress.backends:
                node_id = f"ingress:{ingress.meta.location}:{backend.service}:{backend.port}"
                if node_id in linker.graph.nodes:
                    continue  # several rules of one Ingress to the same Service port: one request path
                service = linker.services.get((ingress.meta.namespace, backend.service))
                linker.graph.add(
                    GraphNode(
                        node_id,
                        hops=ingress_hops(linker, ingress, service, backend),
                        entry=(f"Ingress {ingress.meta.namespace}/{ingress.meta.name}", ingress.meta.location),
                    )
                )
                ids.append(node_id)
                linker.index("ingress_backends", dict)[node_id] = (ingress, backend, service)
        return nodes

    return linker.index("ingress_nodes", build)


def forward_to_service(linker: Linker, service: Service) -> list[str]:
    """Where a request sent to a Service goes: into the Ingresses of the controller it selects, else to its app."""
    cache = linker.index("forward_to_service", dict)
    key = service.meta.location.sort_key
    if key not in cache:
        cache[key] = _forward(linker, service)
    return cache[key]


def _forward(linker: Linker, service: Service) -> list[str]:
    selected = [(w, controller_of(linker, w)) for w in selected_workloads(linker, service)]
    system = next((s for _, s in selected if s is not None), None)
    if system is not None:
        workloads = [w for w, s in selected if s == system]
        nodes = ingress_nodes(linker)
        targets = [
            node for ingress in served_ingresses(linker, system, workloads) for node in nodes.get(ingress.meta.location.sort_key, [])
        ]
        if targets:
            return targets
        # a controller serving nothing in the tree: the Service itself is as far as the files go
    return linker.service_apps(service)


def link_ingresses(linker: Linker) -> None:
    ingress_nodes(linker)
    for node_id, (ingress, backend, service) in linker.index("ingress_backends", dict).items():
        node = linker.graph.nodes[node_id]
        if service is None:
            node.edges.append(linker.missing(f"Service {ingress.meta.namespace}/{backend.service}", backend.location))
        else:
            node.edges.extend(target for target in forward_to_service(linker, service) if target != node_id)


def link_load_balancer_services(linker: Linker) -> None:
    """Services of type LoadBalancer are entries of their own (after the Ingresses, which they may lead into)."""
    for service in linker.inventory.kubernetes.services:
        if service.type != "LoadBalancer":
            continue
        for name in LOAD_BALANCER_SERVICES:
            if load(name)(linker, service):
                break
