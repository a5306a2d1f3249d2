"""TL301: timeouts set through a KongIngress proxy block, which Kong Ingress Controller 3.0 ignores."""

from __future__ import annotations

from collections.abc import Iterator

from timeout_lint.model import Related, Severity
from timeout_lint.rules.base import Context, Hit, Model, Rule, Scope


def check(model: Model, ctx: Context) -> Iterator[Hit]:
    if not model.inventory.kong_ingresses:
        return
    from timeout_lint.link.kong import kong_ingresses_by_name, service_view
    from timeout_lint.parsers.kong import OVERRIDE_ANNOTATION

    version = model.config.kong_ingress_controller
    if version is not None and not version.at_least(2, 8):
        return  # before 2.8 KongIngress was the only way, and not deprecated
    kong_ingresses = kong_ingresses_by_name(model.inventory.kong_ingresses)
    for service in model.inventory.kubernetes.services:
        view = service_view(service.meta, kong_ingresses, version)
        override = view.override
        if override is None or override.proxy is None or override.proxy.empty:
            continue
        settings = ", ".join(sorted(override.proxy.timeouts)) + (", retries" if override.proxy.retries else "")
        ref = f"KongIngress {override.meta.namespace}/{override.meta.name}"
        if version is None:
            message = (
                f"{ref} sets proxy {settings} for {service.meta.ref}; Kong Ingress Controller applies KongIngress proxy "
                f"settings only before 3.0 (from 3.0 on they are ignored): use the Service annotations "
                f"konghq.com/connect-timeout, konghq.com/read-timeout, konghq.com/write-timeout, konghq.com/retries, "
                f"and set kong-ingress-controller in .timeout-lint.yaml to check against your version"
            )
        elif version.at_least(3, 0):
            message = (
                f"{ref} sets proxy {settings} for {service.meta.ref}, but Kong Ingress Controller {version.raw} ignores "
                f"KongIngress proxy settings (removed in 3.0), so Kong's defaults apply; use the Service annotations "
                f"konghq.com/connect-timeout, konghq.com/read-timeout, konghq.com/write-timeout, konghq.com/retries"
            )
        else:
            message = (
                f"{ref} sets proxy {settings} for {service.meta.ref}; Kong Ingress Controller deprecated this in 2.8 and "
                f"ignores it from 3.0: move the values to the Service annotations konghq.com/*-timeout and konghq.com/retries"
            )
        yield Hit(
            location=service.meta.annotations[OVERRIDE_ANNOTATION].location,
            message=message,
            related=(Related(override.proxy_location or override.meta.location, f"{ref} proxy settings"),),
        )


RULE = Rule(
    code="TL301",
    name="kongingress-proxy-deprecated",
    severity=Severity.WARNING,
    scope=Scope.MODEL,
    summary="Timeouts set in a KongIngress proxy block, which Kong Ingress Controller ignores from 3.0 on.",
    check=check,
)
