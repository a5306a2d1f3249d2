"""Kong Ingress Controller: the Kong hop an Ingress of class kong adds in front of a Service.

Which place sets Kong's service timeouts is decided here (defaults.PRECEDENCE["kong", "timeouts"]):
the Service's annotations (KIC 2.8+) over the KongIngress its konghq.com/override names (before KIC
3.0) over Kong's defaults. A KongIngress named on the Ingress never sets them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from timeout_lint.defaults import DEFAULT_RETRIES, lookup
from timeout_lint.link.core import Linker
from timeout_lint.model import Hop, Retries, Role
from timeout_lint.parsers.kong import (
    ANNOTATION_FOR_FIELD,
    OVERRIDE_ANNOTATION,
    KongIngress,
    KongSettings,
    annotation_settings,
)

if TYPE_CHECKING:
    from timeout_lint.config import Version
    from timeout_lint.parsers.kubernetes import Ingress, Meta, Service


class KongServiceView(NamedTuple):
    """Which KongIngress a Service names, and whether its proxy block applies (it depends on KIC)."""

    override: KongIngress | None
    override_applies: bool
    annotations_apply: bool


def kong_ingresses_by_name(kong_ingresses: list[KongIngress]) -> dict[tuple[str, str], KongIngress]:
    return {(k.meta.namespace, k.meta.name): k for k in kong_ingresses}


def service_view(service: Meta, kong_ingresses: dict[tuple[str, str], KongIngress], kic_version: Version | None) -> KongServiceView:
    """KongIngress.proxy applies before KIC 3.0 (assumed when the version is unknown); annotations from 2.8."""
    name = service.annotation(OVERRIDE_ANNOTATION)
    override = kong_ingresses.get((service.namespace, name.strip())) if name else None
    override_applies = override is not None and (kic_version is None or not kic_version.at_least(3, 0))
    annotations_apply = kic_version is None or kic_version.at_least(2, 8)
    return KongServiceView(override, override_applies, annotations_apply)


def kong_hop(service: Meta, kong_ingresses: dict[tuple[str, str], KongIngress], kic_version: Version | None) -> Hop:
    """Kong's timeouts for requests to ``service``: annotation > KongIngress.proxy > Kong default."""
    view = service_view(service, kong_ingresses, kic_version)
    annotations = annotation_settings(service.annotations) if view.annotations_apply else KongSettings({})
    proxy = view.override.proxy if view.override_applies and view.override.proxy is not None else KongSettings({})
    timeouts = []
    for field_name in ("connect_timeout", "read_timeout", "write_timeout"):
        chosen = annotations.timeouts.get(field_name) or proxy.timeouts.get(field_name)
        if chosen is None:
            annotation = ANNOTATION_FOR_FIELD[field_name]
            chosen = lookup("kong", field_name).timeout(
                service.location,
                hint=f'set the annotation {annotation} on {service.ref} to more than "{{value}}" (milliseconds)',
            )
        timeouts.append(chosen)
    retries = annotations.retries or proxy.retries
    if retries is None:
        count, _source = DEFAULT_RETRIES[("kong", "retries")]
        retries = Retries(count, "retries", str(count), False, service.location)  # Kong's default
    return Hop(
        system="Kong",
        role=Role.INGRESS,
        name=f"Kong service for {service.ref}",
        location=service.location,
        timeouts=tuple(timeouts),
        retries=retries,
    )


def ingress_hops(linker: Linker, ingress: Ingress, service: Service | None, backend=None) -> tuple[Hop, ...]:
    if service is None:
        return ()
    index = linker.index("kong_ingresses", lambda: kong_ingresses_by_name(linker.inventory.kong_ingresses))
    return (kong_hop(service.meta, index, linker.inventory.config.kong_ingress_controller),)
