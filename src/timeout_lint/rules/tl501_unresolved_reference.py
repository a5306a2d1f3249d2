"""TL501: a reference to something no linted file defines, so the request paths through it are not checked."""

from __future__ import annotations

from collections.abc import Iterator

from timeout_lint.model import Related, Severity
from timeout_lint.rules.base import Context, Hit, Model, Rule, Scope

NOT_CHECKED = "the request paths through it end there, unchecked"


def _paths(model: Model) -> Iterator[Hit]:
    """Backends (Services, Kong services) that no file defines, and hosts nothing in the tree names."""
    for path in model.paths:
        app = path.app
        if app.location is None:
            continue
        related = (Related(path.entry_location, f"{path.entry} sends requests there"),)
        if app.undefined:
            yield Hit(app.location, f"{app.undefined} is not in the linted files: {NOT_CHECKED}", related)
        elif app.kind == "upstream" and not app.resolved:
            yield Hit(
                app.location,
                f"upstream {app.name} is not a compose service, a Kubernetes Service or a host declared under apps: in "
                f".timeout-lint.yaml: {NOT_CHECKED}",
                related,
            )


def _kong(model: Model) -> Iterator[Hit]:
    inventory = model.inventory
    overrides = [s for s in inventory.kubernetes.services if "konghq.com/override" in s.meta.annotations]
    policies = [s for s in inventory.kubernetes.services if "konghq.com/upstream-policy" in s.meta.annotations]
    ingresses = [i for i in inventory.kubernetes.ingresses if "konghq.com/override" in i.meta.annotations]
    if not overrides and not policies and not ingresses:
        return
    from timeout_lint.link.kong import OVERRIDE_ANNOTATION, ingress_kong_ingresses, kong_ingresses_by_name, upstream_policy_references
    from timeout_lint.link.kubernetes import class_controller

    index = kong_ingresses_by_name(inventory.kong_ingresses)
    for service in overrides:
        entry = service.meta.annotations[OVERRIDE_ANNOTATION]
        name = (entry.value or "").strip()
        if name and (service.meta.namespace, name) not in index:
            yield Hit(
                entry.location,
                f"{OVERRIDE_ANNOTATION} on {service.meta.ref} names KongIngress {service.meta.namespace}/{name}, which is not in the "
                f"linted files: the Kong timeouts it may set are not checked",
            )
    linker = model.linked()
    by_location = {i.meta.location.sort_key: i for i in ingresses}
    for record in ingress_kong_ingresses(inventory):
        ingress = by_location.get(record.ingress.location.sort_key)
        if record.kong_ingress is not None or ingress is None or class_controller(linker, ingress) not in (None, "kong"):
            continue  # found, or on an Ingress another controller serves (TL304)
        yield Hit(
            record.location,
            f"{OVERRIDE_ANNOTATION} on {record.ingress.ref} names KongIngress {record.ingress.namespace}/{record.name}, which is not "
            f"in the linted files",
        )
    for reference in upstream_policy_references(inventory):
        if reference.policy is None and reference.name:
            yield Hit(
                reference.location,
                f"konghq.com/upstream-policy on {reference.service.ref} names KongUpstreamPolicy {reference.service.namespace}/"
                f"{reference.name}, which is not in the linted files (it must be in the Service's namespace)",
            )


def _backend_configs(model: Model) -> Iterator[Hit]:
    if not any(key.endswith("cloud.google.com/backend-config") for s in model.inventory.kubernetes.services for key in s.meta.annotations):
        return
    from timeout_lint.link.gke import missing_backend_configs

    for service, name, location in missing_backend_configs(model.linked()):
        yield Hit(
            location,
            f"{service.meta.ref} names BackendConfig {service.meta.namespace}/{name}, which is not in the linted files: "
            f"the GKE backend timeout (spec.timeoutSec) it may set is not checked",
        )


def _servers_transports(model: Model) -> Iterator[Hit]:
    custom = model.inventory.custom
    annotated = any(
        key == "traefik.ingress.kubernetes.io/service.serverstransport"
        for s in model.inventory.kubernetes.services
        for key in s.meta.annotations
    )
    if not annotated and not custom.get("traefik.io/IngressRoute") and not custom.get("traefik.containo.us/IngressRoute"):
        return
    from timeout_lint.link.traefik import missing_servers_transports

    for reference in missing_servers_transports(model.linked()):
        yield Hit(
            reference.location,
            f"{reference.owner} names {reference.label}, which is not in the linted files: Traefik's forwarding timeouts "
            f"(dialTimeout, responseHeaderTimeout) it may set are not checked",
        )


def check(model: Model, ctx: Context) -> Iterator[Hit]:
    yield from _paths(model)
    yield from _kong(model)
    yield from _backend_configs(model)
    yield from _servers_transports(model)


RULE = Rule(
    code="TL501",
    name="unresolved-reference",
    severity=Severity.INFO,
    scope=Scope.MODEL,
    summary="A Service, host, KongIngress, KongUpstreamPolicy, BackendConfig or ServersTransport named but defined in no linted file.",
    check=check,
    enabled_by_default=False,
)
