"""Azure Application Gateway (AGIC): the gateway an Ingress of its class configures, with its request timeout."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from timeout_lint.defaults import lookup
from timeout_lint.link.core import Linker
from timeout_lint.model import Hop, IgnoredValue, Role, Site
from timeout_lint.parsers.azure import MAX_REQUEST_TIMEOUT, REQUEST_TIMEOUT, request_timeout

if TYPE_CHECKING:
    from timeout_lint.parsers.kubernetes import Ingress, IngressBackend, Service


def ingress_hops(linker: Linker, ingress: Ingress, service: Service | None, backend: IngressBackend | None = None) -> tuple[Hop, ...]:
    timeout, dropped = request_timeout(ingress.meta.annotations)
    notes = tuple(f'{d.setting} "{d.raw}" is ignored: {d.reason}' for d in dropped)
    if timeout is None:
        what = "write" if dropped else "set"
        hint = f'{what} the annotation {REQUEST_TIMEOUT} on {ingress.meta.ref} to more than "{{value}}" (seconds)'
        site = Site(
            "yaml",
            "s",
            ingress.meta.location,
            action="put",
            path=("metadata", "annotations", REQUEST_TIMEOUT),
            quoted=True,
            maximum=float(MAX_REQUEST_TIMEOUT),
        )
        timeout = lookup("azure-application-gateway", "request-timeout").timeout(ingress.meta.location, hint=hint)._replace(site=site)
    hop = Hop(
        "Azure Application Gateway",
        Role.LOAD_BALANCER,
        f"backend settings for {ingress.meta.ref}",
        ingress.meta.location,
        (timeout,),
        notes=notes,
    )
    return (hop,)


def ignored_values(linker: Linker) -> Iterator[IgnoredValue]:
    """request-timeout values AGIC drops on the Ingresses it serves, with the request timeout that applies instead."""
    from timeout_lint.link.kubernetes import controller

    for ingress in linker.inventory.kubernetes.ingresses:
        _timeout, dropped = request_timeout(ingress.meta.annotations)
        if dropped and controller(linker, ingress) == "azure-application-gateway":
            (hop,) = ingress_hops(linker, ingress, None)
            yield from (IgnoredValue.replaced_by(value, hop.timeouts[0], "Application Gateway") for value in dropped)
