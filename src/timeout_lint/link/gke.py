"""GKE Ingress: the Google Cloud load balancer's backend service in front of each Service port.

Its timeout is the ``timeoutSec`` of the BackendConfig the Service's annotation names for the port
(defaults.PRECEDENCE["gke", "timeoutSec"]), else the backend service default of 30 s. A BackendConfig
that is named but not in the linted files leaves the timeout unknown rather than guessed.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from timeout_lint.defaults import lookup
from timeout_lint.link.core import Linker
from timeout_lint.model import Hop, IgnoredValue, Location, Role, Site
from timeout_lint.parsers.gke import BACKEND_CONFIG_KEYS, MAX_TIMEOUT, BackendConfig, backend_config_refs

if TYPE_CHECKING:
    from timeout_lint.parsers.kubernetes import Ingress, IngressBackend, Service


def _backend_configs(linker: Linker) -> dict[tuple[str, str], BackendConfig]:
    return linker.index(
        "backend_configs",
        lambda: {
            (b.meta.namespace, b.meta.name): b for b in linker.inventory.custom.get("cloud.google.com/BackendConfig", []) if b.applies
        },
    )


def ingress_hops(linker: Linker, ingress: Ingress, service: Service | None, backend: IngressBackend | None = None) -> tuple[Hop, ...]:
    default = lookup("gke", "timeoutSec")
    if service is None:
        return (
            Hop(
                "GKE Ingress",
                Role.LOAD_BALANCER,
                f"backend service for {ingress.meta.ref}",
                ingress.meta.location,
                (default.timeout(ingress.meta.location), _backend_keepalive(ingress.meta.location)),
            ),
        )
    port = service.port(backend.port if backend is not None else None)
    port_label = f" port {port.name or port.port}" if port is not None else ""
    name = f"backend service for {service.meta.ref}{port_label}"
    refs, problem = backend_config_refs(service.meta.annotations)
    notes: list[str] = []
    timeouts = ()
    if problem is not None:
        notes.append(f"timeoutSec unknown: {problem}")
    else:
        config_name = refs.name_for(port) if refs is not None else ""
        if not config_name:
            hint = (
                f"attach a BackendConfig with spec.timeoutSec of more than {{value}} (seconds) to {service.meta.ref}{port_label} "
                f"with the annotation cloud.google.com/backend-config"
            )
            site = _new_backend_config(linker, service, port) if refs is None else None
            timeouts = (default.timeout(service.meta.location, hint=hint)._replace(site=site),)
        else:
            config = _backend_configs(linker).get((service.meta.namespace, config_name))
            if config is None:
                notes.append(f"timeoutSec unknown: BackendConfig {service.meta.namespace}/{config_name} is not in the linted files")
            elif config.timeout is not None:
                timeouts = (config.timeout,)
            else:
                notes.extend(
                    f'BackendConfig {config.meta.namespace}/{config.meta.name} {d.setting} "{d.raw}" is ignored: {d.reason}'
                    for d in config.dropped
                )
                hint = f"set spec.timeoutSec on BackendConfig {config.meta.namespace}/{config.meta.name} to more than {{value}} (seconds)"
                site = Site("yaml", "s", config.meta.location, action="put", path=("spec", "timeoutSec"), maximum=float(MAX_TIMEOUT))
                timeouts = (default.timeout(config.meta.location, hint=hint)._replace(site=site),)
    timeouts = (*timeouts, _backend_keepalive(service.meta.location))
    return (Hop("GKE Ingress", Role.LOAD_BALANCER, name, service.meta.location, timeouts, notes=tuple(notes)),)


def _new_backend_config(linker: Linker, service: Service, port) -> Site | None:
    """--fix for a Service with no BackendConfig: one, next to the Service in its file, and the annotation naming it.

    It is named after the Service (and the port, when the Service has several); None when that name is
    taken, so that --fix never attaches a BackendConfig someone else wrote.
    """
    import json

    several = len(service.ports) > 1 and port is not None
    port_key = str(port.name or port.port) if several else ""
    name = f"{service.meta.name}-{port_key}" if several else service.meta.name
    if (service.meta.namespace, name) in _backend_configs(linker):
        name = f"{name}-timeout"
        if (service.meta.namespace, name) in _backend_configs(linker):
            return None
    reference = {"ports": {port_key: name}} if several else {"default": name}
    metadata = [(("metadata", "name"), name)]
    if service.meta.namespace_explicit:
        metadata.append((("metadata", "namespace"), service.meta.namespace))
    annotation = Site(
        "yaml",
        "s",
        service.meta.location,
        action="put",
        path=("metadata", "annotations", BACKEND_CONFIG_KEYS[0]),
        entry=json.dumps(reference),
        quoted=True,
    )
    return Site(
        "yaml",
        "s",
        service.meta.location,
        action="document",
        fragment=port_key,  # one document per port
        document=((("apiVersion",), "cloud.google.com/v1"), (("kind",), "BackendConfig"), *metadata, (("spec", "timeoutSec"), "{value}")),
        maximum=float(MAX_TIMEOUT),
        also=(annotation,),
    )


def _backend_keepalive(location):
    """The load balancer's idle connections to the pods, closed after 600 s: fixed by Google."""
    return lookup("gke", "backend keepalive timeout").timeout(
        location, hint="the load balancer's 600 s cannot be changed: raise the app's keep-alive above it"
    )


def ignored_values(linker: Linker) -> Iterator[IgnoredValue]:
    """BackendConfig timeoutSec values the CRD refuses, with the backend service default that applies instead."""
    for config in _backend_configs(linker).values():
        for value in config.dropped:
            yield IgnoredValue.replaced_by(value, lookup("gke", "timeoutSec").timeout(config.meta.location), "GKE")


def missing_backend_configs(linker: Linker) -> Iterator[tuple[Service, str, Location]]:
    """(Service, BackendConfig name, the annotation) for each BackendConfig a Service's annotation names that no linted file defines."""
    configs = _backend_configs(linker)
    for service in linker.inventory.kubernetes.services:
        refs, _problem = backend_config_refs(service.meta.annotations)
        if refs is None:
            continue
        for name in dict.fromkeys([refs.default, *refs.ports.values()]):
            if name and (service.meta.namespace, name) not in configs:
                yield service, name, refs.entry.location
