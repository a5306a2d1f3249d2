"""Azure Application Gateway Ingress Controller: request-timeout in whole seconds, 30 s by default."""

from __future__ import annotations

import pytest

from timeout_lint.model import Kind

APP = """apiVersion: v1
kind: Service
metadata: {name: api, namespace: shop, annotations: {timeout-lint/worst-case-response: "2m"}}
spec:
  selector: {app: api}
  ports: [{name: http, port: 80}]
"""
INGRESS = """apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
  namespace: shop
  annotations:
{annotations}
spec:
{spec}  defaultBackend: {{service: {{name: api, port: {{number: 80}}}}}}
"""
CLASS = "    kubernetes.io/ingress.class: azure/application-gateway"


def agic_hop(tree, annotations: str = CLASS, spec: str = "", extra: dict[str, str] | None = None):
    report = tree({"app.yaml": APP, "ingress.yaml": INGRESS.format(annotations=annotations, spec=spec), **(extra or {})})
    (path,) = report.paths
    (hop,) = path.hops
    assert hop.system == "Azure Application Gateway"
    return hop, report


def test_request_timeout_annotation_is_a_total_deadline_in_seconds(tree):
    hop, report = agic_hop(tree, CLASS + '\n    appgw.ingress.kubernetes.io/request-timeout: "90"')
    (timeout,) = hop.timeouts
    assert (timeout.kind, timeout.seconds, timeout.raw, timeout.unit, timeout.explicit) == (Kind.TOTAL, 90.0, "90", "s", True)
    assert (timeout.location.line, timeout.location.column) == (8, 5)
    assert [(f.code, f.location.line) for f in report.findings] == [("TL101", 8)]


def test_request_timeout_carries_its_end_of_line_comment(tree):
    hop, _ = agic_hop(tree, CLASS + '\n    appgw.ingress.kubernetes.io/request-timeout: "90" # 90 seconds')
    assert hop.timeouts[0].comment == "90 seconds"


def test_default_30_seconds_at_the_ingress(tree):
    hop, report = agic_hop(tree)
    (timeout,) = hop.timeouts
    assert (timeout.seconds, timeout.explicit, timeout.location.line, timeout.location.column) == (30.0, False, 2, 1)
    assert (
        timeout.advice(120)
        == 'set the annotation appgw.ingress.kubernetes.io/request-timeout on Ingress shop/web to more than "120" (seconds)'
    )
    assert [f.code for f in report.findings] == ["TL102"]


@pytest.mark.parametrize("value", ['"2m"', '"0"', '" 90"'])
def test_values_agic_cannot_use_keep_30_seconds(tree, value):
    hop, _ = agic_hop(tree, CLASS + f"\n    appgw.ingress.kubernetes.io/request-timeout: {value}")
    (timeout,) = hop.timeouts
    assert (timeout.seconds, timeout.explicit) == (30.0, False)
    assert timeout.advice(120).startswith("write the annotation")
    assert any("request-timeout" in note and "ignored" in note for note in hop.notes)


def test_ingress_class_object_of_the_controller(tree):
    klass = "apiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata: {name: azure-application-gateway}\nspec: {controller: azure/application-gateway}\n"
    hop, _ = agic_hop(tree, "    x: y", "  ingressClassName: azure-application-gateway\n", {"class.yaml": klass})
    assert hop.timeouts[0].seconds == 30.0
