"""TL501 unresolved-reference: names that no linted file defines; off by default."""

from __future__ import annotations

from tests.test_rules_no_effect import ingress, kong_ingress, service
from timeout_lint.engine import Selection
from timeout_lint.lint import LintOptions, lint


def unresolved(tree, files: dict[str, str]) -> list[tuple[str, int, str]]:
    report = tree(files, select=("TL501",))
    return [(f.location.file, f.location.line, f.message) for f in report.findings]


def test_off_by_default(tree):
    report = tree({"i.yaml": ingress()})
    assert [f.code for f in report.findings] == []
    on = lint(LintOptions(paths=(".",), cwd=str(tree.root), selection=Selection(extend_select=("TL501",))))
    assert [f.code for f in on.findings] == ["TL501"]


def test_a_backend_service_nothing_defines(tree):
    ((file, line, message),) = unresolved(tree, {"i.yaml": ingress()})
    assert (file, line) == ("i.yaml", 13)
    assert message == "Service shop/export-api is not in the linted files: the request paths through it end there, unchecked"


def test_routes_of_every_kind_to_a_missing_service(tree):
    files = {
        "route.yaml": (
            "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: r, namespace: shop}\n"
            "spec:\n  rules:\n    - backendRefs: [{name: gone, port: 80}]\n"
        ),
        "ir.yaml": (
            "apiVersion: traefik.io/v1alpha1\nkind: IngressRoute\nmetadata: {name: ir, namespace: shop}\n"
            "spec:\n  routes:\n    - match: PathPrefix(`/`)\n      services: [{name: gone, port: 80}, {name: tw, kind: TraefikService}]\n"
        ),
        "vs.yaml": (
            "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: vs, namespace: shop}\n"
            "spec:\n  hosts: [vs]\n  http:\n    - route: [{destination: {host: gone}}, {destination: {host: '*.example.com'}}]\n"
        ),
    }
    found = unresolved(tree, files)
    assert [(file, message.split(" is ")[0]) for file, _, message in found] == [
        ("ir.yaml", "Service shop/gone"),
        ("route.yaml", "Service shop/gone"),
        ("vs.yaml", "Service shop/gone"),
    ]  # the TraefikService and the wildcard host are not followed, which is no missing definition


def test_hosts_nothing_names_or_declares(tree):
    nginx = "http {\n  server {\n    location / { proxy_pass http://backend.internal:8080; }\n    location /b { proxy_pass http://api:80; }\n  }\n}\n"
    files = {"nginx/nginx.conf": nginx, ".timeout-lint.yaml": "apps:\n  - service: api\n    worst-case-response: 10s\n"}
    ((file, line, message),) = unresolved(tree, files)
    assert (file, line) == ("nginx/nginx.conf", 3)
    assert message.startswith("upstream backend.internal:8080 is not a compose service, a Kubernetes Service or a host declared")


def test_haproxy_backend_of_no_name(tree):
    config = "defaults\n  mode http\nfrontend web\n  bind :80\n  default_backend nowhere\n"
    ((file, line, message),) = unresolved(tree, {"haproxy.cfg": config})
    assert (file, line) == ("haproxy.cfg", 5) and message.startswith("backend nowhere is not in the linted files")


def test_kong_references(tree):
    files = {
        "k.yaml": ingress("    konghq.com/override: route-settings")
        + "---"
        + service("    konghq.com/override: gone\n    konghq.com/upstream-policy: hashing")
        + "---\n"
        + kong_ingress("slow")
    }
    assert [(line, message) for _, line, message in unresolved(tree, files)] == [
        (7, "konghq.com/override on Ingress shop/reports names KongIngress shop/route-settings, which is not in the linted files"),
        (
            21,
            "konghq.com/override on Service shop/export-api names KongIngress shop/gone, which is not in the linted files: "
            "the Kong timeouts it may set are not checked",
        ),
        (
            22,
            "konghq.com/upstream-policy on Service shop/export-api names KongUpstreamPolicy shop/hashing, which is not in the "
            "linted files (it must be in the Service's namespace)",
        ),
    ]


def test_backend_config_and_servers_transport(tree):
    annotations = (
        '    cloud.google.com/backend-config: \'{"ports": {"80": "hc-backendconfig"}}\'\n'
        "    traefik.ingress.kubernetes.io/service.serverstransport: shop-slow@kubernetescrd"
    )
    config = "apiVersion: cloud.google.com/v1\nkind: BackendConfig\nmetadata: {name: hc-backend-config, namespace: shop}\nspec: {}\n"
    found = unresolved(tree, {"s.yaml": service(annotations), "b.yaml": config})
    assert [(line, message.split(",")[0]) for _, line, message in found] == [
        (7, "Service shop/export-api names BackendConfig shop/hc-backendconfig"),
        (8, "Service shop/export-api names ServersTransport shop-slow@kubernetescrd"),
    ]
