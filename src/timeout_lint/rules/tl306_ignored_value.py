"""TL306: a value its system silently drops (a wrong unit, out of range, a string), so that another value applies."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from timeout_lint.lazy import load
from timeout_lint.model import Related, Severity
from timeout_lint.rules.base import Context, Hit, Model, Rule, Scope

HTTP_ROUTES = "gateway.networking.k8s.io/HTTPRoute"  # parsers/gateway_api.py HTTP_ROUTES, without importing it


def _kong(model: Model) -> bool:
    inventory = model.inventory
    services = inventory.kubernetes.services
    return bool(inventory.kong_ingresses or inventory.custom.get(HTTP_ROUTES)) or any(
        key.startswith("konghq.com/") for s in services for key in s.meta.annotations
    )


def _ingress_nginx(model: Model) -> bool:
    kubernetes = model.inventory.kubernetes
    if not kubernetes.config_maps and not any("/proxy-" in key for i in kubernetes.ingresses for key in i.meta.annotations):
        return False
    from timeout_lint.parsers.ingress_nginx import (
        GLOBAL_TIMEOUT_KEYS,
        NEXT_UPSTREAM,
        NEXT_UPSTREAM_TIMEOUT,
        NEXT_UPSTREAM_TRIES,
        TIMEOUT_KEYS,
    )

    keys = {*TIMEOUT_KEYS, *GLOBAL_TIMEOUT_KEYS, NEXT_UPSTREAM, NEXT_UPSTREAM_TIMEOUT, NEXT_UPSTREAM_TRIES}
    return any(key.rpartition("/")[2] in keys for i in kubernetes.ingresses for key in i.meta.annotations) or any(
        key in keys for c in kubernetes.config_maps for key in c.data
    )


def _aws(model: Model) -> bool:
    kubernetes = model.inventory.kubernetes
    return any(s.type == "LoadBalancer" for s in kubernetes.services) or any(
        key.startswith("alb.ingress.kubernetes.io/") for i in kubernetes.ingresses for key in i.meta.annotations
    )


def _azure(model: Model) -> bool:
    return any(key.startswith("appgw.ingress.kubernetes.io/") for i in model.inventory.kubernetes.ingresses for key in i.meta.annotations)


def _custom(*kinds: str) -> Callable[[Model], bool]:
    return lambda model: any(model.inventory.custom.get(kind) for kind in kinds)


#: Each system's linker knows which of its values are dropped and what applies in their place:
#: function(linker) -> Iterable[model.IgnoredValue], asked only when a cheap look at the inventory finds that system's
#: objects (so that a run imports only the systems it has).
SOURCES: tuple[tuple[Callable[[Model], bool], str], ...] = (
    (_kong, "timeout_lint.link.kong:ignored_values"),
    (_ingress_nginx, "timeout_lint.link.ingress_nginx:ignored_values"),
    (_aws, "timeout_lint.link.aws:ignored_values"),
    (_azure, "timeout_lint.link.azure:ignored_values"),
    (_custom("cloud.google.com/BackendConfig"), "timeout_lint.link.gke:ignored_values"),
    (_custom("traefik.io/ServersTransport", "traefik.containo.us/ServersTransport"), "timeout_lint.link.traefik:ignored_values"),
    (_custom(HTTP_ROUTES), "timeout_lint.link.gateway_api:ignored_values"),
    (_custom("networking.istio.io/VirtualService"), "timeout_lint.link.istio:ignored_values"),
    (lambda model: bool(model.inventory.kong_declarative), "timeout_lint.link.kong_declarative:ignored_values"),
)


def check(model: Model, ctx: Context) -> Iterator[Hit]:
    linker = model.linked()
    for present, name in SOURCES:
        if not present(model):
            continue
        for ignored in load(name)(linker):
            value = ignored.value
            related = (Related(ignored.instead_location, "the value that applies"),) if ignored.instead_location is not None else ()
            yield Hit(value.location, f'{value.setting} "{value.raw}" is ignored: {value.reason}; {ignored.instead}', related)


RULE = Rule(
    code="TL306",
    name="ignored-value",
    severity=Severity.WARNING,
    scope=Scope.MODEL,
    summary='A value its system silently drops ("60s" where whole seconds belong, out of range, a quoted integer), so another value applies.',
    check=check,
)
