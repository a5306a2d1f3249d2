"""TL302: a KongIngress ``proxy:`` block picked by an Ingress, where Kong Ingress Controller never reads it."""

from __future__ import annotations

from collections.abc import Iterator

from timeout_lint.model import Related, Severity
from timeout_lint.rules.base import Context, Hit, Model, Rule, Scope


def check(model: Model, ctx: Context) -> Iterator[Hit]:
    inventory = model.inventory
    if not inventory.kong_ingresses or not inventory.kubernetes.ingresses:
        return
    from timeout_lint.link.kong import OVERRIDE_ANNOTATION, SAME_NAME, ingress_kong_ingresses
    from timeout_lint.link.kubernetes import class_controller, controller

    linker = model.linked()
    version = model.config.kong_ingress_controller
    ingresses = {i.meta.location.sort_key: i for i in inventory.kubernetes.ingresses}
    for record in ingress_kong_ingresses(inventory):
        picked = record.kong_ingress
        proxy = picked.proxy if picked is not None else None
        if proxy is None or not (proxy.timeouts or proxy.retries or proxy.dropped):
            continue
        ingress = ingresses[record.ingress.location.sort_key]
        if record.via == SAME_NAME and controller(linker, ingress) != "kong":
            continue  # KIC looks a KongIngress up by the Ingress's name only for the Ingresses it serves
        if record.via == OVERRIDE_ANNOTATION and class_controller(linker, ingress) not in (None, "kong"):
            continue  # on an Ingress of another controller's class nothing reads konghq.com/override at all: TL304
        ref = f"KongIngress {picked.meta.namespace}/{picked.meta.name}"
        services = []
        for backend in ingress.backends:
            service = linker.services.get((ingress.meta.namespace, backend.service))
            names_it = service is not None and (service.meta.annotation(OVERRIDE_ANNOTATION) or "").strip() == picked.meta.name
            label = f"{ingress.meta.namespace}/{backend.service}"
            if not names_it and label not in services:
                services.append(label)
        if not services and ingress.backends:
            continue  # every backend Service names the KongIngress too: its proxy block applies through them
        settings = ", ".join([*sorted(proxy.timeouts), *(["retries"] if proxy.retries else []), *(d.setting for d in proxy.dropped)])
        how = f"named by {OVERRIDE_ANNOTATION} on" if record.via == OVERRIDE_ANNOTATION else "found by the name of"
        target = (
            f"Service {', '.join(services)}" if len(services) == 1 else f"Services {', '.join(services)}" if services else "its Services"
        )
        if version is not None and version.at_least(3, 0):
            advice = (
                f"Kong Ingress Controller {version.raw} ignores KongIngress proxy settings everywhere: set the annotations "
                f"konghq.com/connect-timeout, konghq.com/read-timeout, konghq.com/write-timeout, konghq.com/retries on the Service"
            )
        else:
            advice = (
                "set the annotations konghq.com/connect-timeout, konghq.com/read-timeout, konghq.com/write-timeout, konghq.com/retries "
                f"on the Service (or name the KongIngress there with {OVERRIDE_ANNOTATION})"
            )
        message = (
            f"{ref}, {how} {ingress.meta.ref}, sets proxy {settings}, which has no effect there: Kong Ingress Controller reads "
            f"proxy settings only from the KongIngress a Service names, so it does not set Kong's timeouts for {target}; {advice}"
        )
        yield Hit(
            location=record.location,
            message=message,
            related=(Related(picked.proxy_location or picked.meta.location, f"{ref} proxy settings"),),
        )


RULE = Rule(
    code="TL302",
    name="kongingress-proxy-on-ingress",
    severity=Severity.WARNING,
    scope=Scope.MODEL,
    summary="A KongIngress proxy block picked by an Ingress: only the KongIngress a Service names sets Kong's service timeouts.",
    check=check,
)
