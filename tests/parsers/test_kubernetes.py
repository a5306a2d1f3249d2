"""Kubernetes manifests: kinds, shapes, positions, Lists, multi-document files."""

from __future__ import annotations

from timeout_lint.config import ProjectConfig
from timeout_lint.parse import Inventory, read_kubernetes
from timeout_lint.sources import SourceFile


def read(text: str) -> Inventory:
    inventory = Inventory(config=ProjectConfig())
    read_kubernetes(SourceFile("/x/m.yaml", "m.yaml", text), inventory)
    return inventory


def test_ingress_v1_backends_class_and_positions():
    inv = read(
        """apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
  namespace: shop
spec:
  ingressClassName: kong
  defaultBackend:
    service: {name: fallback, port: {number: 80}}
  rules:
    - host: a.example.com
      http:
        paths:
          - path: /x
            pathType: Prefix
            backend:
              service:
                name: api
                port:
                  name: http
"""
    )
    (ingress,) = inv.kubernetes.ingresses
    assert ingress.meta.ref == "Ingress shop/web"
    assert (ingress.meta.location.line, ingress.meta.location.column) == (2, 1)
    assert ingress.class_name == "kong" and ingress.class_location.line == 7
    assert [(b.host, b.path, b.service, b.port, b.location.line) for b in ingress.backends] == [
        (None, None, "fallback", 80, 9),
        ("a.example.com", "/x", "api", "http", 17),
    ]


def test_ingress_class_annotation_and_old_api_shape():
    inv = read(
        """apiVersion: extensions/v1beta1
kind: Ingress
metadata:
  name: old
  annotations:
    kubernetes.io/ingress.class: kong
spec:
  rules:
    - http:
        paths:
          - backend: {serviceName: api, servicePort: 8080}
"""
    )
    (ingress,) = inv.kubernetes.ingresses
    assert ingress.meta.namespace == "default"
    assert ingress.class_name == "kong" and ingress.class_location.line == 6
    assert [(b.service, b.port) for b in ingress.backends] == [("api", 8080)]


def test_list_kind_multi_document_service_and_workload():
    inv = read(
        """apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: Service
    metadata:
      name: api
      annotations:
        timeout-lint/worst-case-response: 45s
        timeout-lint/first-byte: 5s
    spec:
      selector: {app: api}
      ports: [{name: http, port: 80, targetPort: 8080}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata:
      labels: {app: api}
    spec:
      containers:
        - name: web
          image: api:1
          command: ["gunicorn"]
          args: ["--timeout", "120", "app:app"]
---
# a document of another kind is passed over
apiVersion: v1
kind: ConfigMap
metadata: {name: x}
"""
    )
    (service,) = inv.kubernetes.services
    assert service.selector == {"app": "api"} and service.ports[0].port == 80
    assert (service.worst_case.total, service.worst_case.first_byte) == (45, 5)
    assert service.worst_case.location.line == 9
    (workload,) = inv.kubernetes.workloads
    assert workload.template_labels == {"app": "api"}
    assert workload.containers[0].args == ("--timeout", "120", "app:app")


def test_declaration_on_pod_template_counts():
    inv = read(
        """apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db-api, namespace: data}
spec:
  selector: {matchLabels: {app: db}}
  template:
    metadata:
      labels: {app: db}
      annotations: {timeout-lint/worst-case-response: 2m}
    spec: {containers: []}
"""
    )
    assert inv.kubernetes.workloads[0].worst_case.total == 120


def test_bad_declaration_is_a_problem_at_the_value():
    inv = read(
        """apiVersion: v1
kind: Service
metadata:
  name: api
  annotations:
    timeout-lint/worst-case-response: "120"
"""
    )
    (problem,) = inv.problems
    assert problem.rule == "invalid-configuration"
    assert (problem.location.line, problem.location.column) == (6, 39)
    assert "no unit" in problem.message
    assert inv.kubernetes.services[0].worst_case is None


def test_yaml_syntax_error_keeps_earlier_documents():
    inv = read("apiVersion: v1\nkind: Service\nmetadata: {name: a}\n---\nkind: [unclosed\n")
    assert len(inv.kubernetes.services) == 1
    assert inv.problems[0].rule == "unparsable-input" and inv.problems[0].location.line >= 5


def test_duplicate_keys_are_reported():
    inv = read("apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n  name: b\n")
    assert [(p.rule, p.location.line) for p in inv.problems] == [("unparsable-input", 5)]


def test_template_is_reported_once_not_as_yaml_errors():
    inv = read('apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Values.name }}\n  labels:\n{{ include "x" . | indent 4 }}\n')
    assert [p.rule for p in inv.problems] == ["skipped-template"]


def test_custom_resource_keys_group_qualified_first(monkeypatch):
    from timeout_lint.parsers import kubernetes

    monkeypatch.setitem(kubernetes.CUSTOM_RESOURCES, "example.com/Gateway", "example:parse")
    assert kubernetes.custom_resource_key("example.com/v1", "Gateway") == "example.com/Gateway"
    assert kubernetes.custom_resource_key("other.example.org/v1", "Gateway") is None
    assert kubernetes.custom_resource_key("configuration.konghq.com/v1", "KongIngress") == "KongIngress"


def test_container_command_and_args_item_locations():
    inv = read(
        """apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      containers:
        - name: web
          command: ["/bin/server", "--port=80"]
          args:
            - --a=1
            - --b
            - "2"
"""
    )
    (container,) = inv.kubernetes.workloads[0].containers
    assert [(loc.line, loc.column) for loc in container.command_item_locations] == [(9, 21), (9, 36)]
    assert [(loc.line, loc.column) for loc in container.args_item_locations] == [(11, 15), (12, 15), (13, 15)]
