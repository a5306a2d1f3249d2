"""Linking names across files: Ingress -> Service -> workload, nginx -> compose / Kubernetes / declared host."""

from __future__ import annotations

SERVICE = """apiVersion: v1
kind: Service
metadata: {name: api, namespace: shop}
spec:
  selector: {app: api}
  ports: [{name: http, port: 80}]
"""
DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop, annotations: {timeout-lint/worst-case-response: 3m}}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api, tier: web}}
    spec: {containers: [{name: api, image: api}]}
"""


def only_path(report):
    (path,) = report.paths
    return path


def test_ingress_to_service_to_workload_declaration(tree):
    report = tree(
        {
            "svc.yaml": SERVICE,
            "deploy.yaml": DEPLOYMENT,
            "ing.yaml": "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: web, namespace: shop}\n"
            "spec:\n  ingressClassName: kong\n  rules:\n  - http:\n      paths:\n      - {path: /, pathType: Prefix, backend: {service: {name: api, port: {name: http}}}}\n"
            "      - {path: /b, pathType: Prefix, backend: {service: {name: api, port: {number: 80}}}}\n",
        }
    )
    path = only_path(report)  # two rules to one Service: one path
    assert path.entry == "Ingress shop/web"
    assert (path.app.kind, path.app.name, path.app.worst_case.total) == ("Service", "shop/api", 180)
    assert path.app.worst_case.location.file == "deploy.yaml"
    assert [f.code for f in report.findings] == ["TL102"]


def test_ingress_in_other_namespace_does_not_resolve(tree):
    report = tree(
        {
            "svc.yaml": SERVICE,
            "ing.yaml": "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: web, namespace: other}\n"
            "spec:\n  ingressClassName: kong\n  defaultBackend: {service: {name: api, port: {number: 80}}}\n",
        }
    )
    path = only_path(report)
    assert not path.app.resolved and "not found" in path.app.name


def test_ingress_class_from_ingressclass_object_and_default_class(tree):
    report = tree(
        {
            "svc.yaml": SERVICE,
            "class.yaml": "apiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata:\n  name: public\n"
            '  annotations: {ingressclass.kubernetes.io/is-default-class: "true"}\nspec: {controller: ingress-controllers.konghq.com/kong}\n',
            "ing.yaml": "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: web, namespace: shop}\n"
            "spec:\n  defaultBackend: {service: {name: api, port: {number: 80}}}\n",
        }
    )
    assert only_path(report).hops[0].system == "Kong"


def test_unknown_ingress_class_keeps_the_path_with_an_unmodelled_hop(tree):
    report = tree(
        {
            "svc.yaml": SERVICE,
            "ing.yaml": "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: web, namespace: shop}\n"
            "spec:\n  ingressClassName: something-else\n  defaultBackend: {service: {name: api, port: {number: 80}}}\n",
        }
    )
    hop = only_path(report).hops[0]
    assert hop.system == "ingress controller (something-else)" and hop.timeouts == ()


def test_nginx_to_kubernetes_service_by_dns_name(tree):
    report = tree(
        {
            "svc.yaml": SERVICE,
            "deploy.yaml": DEPLOYMENT,
            "nginx/nginx.conf": "http { server { location / { proxy_pass http://api.shop.svc.cluster.local:80; proxy_read_timeout 2m; } } }\n",
        }
    )
    path = only_path(report)
    assert path.app.name == "shop/api"
    assert [f.code for f in report.findings] == ["TL101"]


def test_nginx_bare_name_resolves_only_when_unique(tree):
    other = SERVICE.replace("namespace: shop", "namespace: other")
    report = tree(
        {
            "svc.yaml": SERVICE + "---\n" + other,
            "nginx/nginx.conf": "http { server { location / { proxy_pass http://api; } } }\n",
        }
    )
    path = only_path(report)
    assert (path.app.kind, path.app.name, path.app.resolved) == ("upstream", "api:80", False)


def test_nginx_upstream_servers_to_compose_services(tree):
    report = tree(
        {
            "docker-compose.yml": "services:\n  a:\n    image: a\n    labels: {timeout-lint/worst-case-response: 20s}\n  b:\n    image: b\n",
            "nginx/nginx.conf": "http {\n upstream pool { server a:8000; server b:8000; }\n server { location / { proxy_pass http://pool; proxy_read_timeout 10s; } }\n}\n",
        }
    )
    assert [(p.app.kind, p.app.name) for p in report.paths] == [("compose service", "a"), ("compose service", "b")]
    assert [(f.code, f.location.line) for f in report.findings] == [("TL101", 3)]


def test_declared_upstream_host_with_port(tree):
    report = tree(
        {
            ".timeout-lint.yaml": "apps:\n  - service: legacy:9000\n    worst-case-response: 5m\n",
            "nginx/nginx.conf": "http { server { location / { proxy_pass http://legacy:9000; } } }\n",
        }
    )
    path = only_path(report)
    assert path.app.worst_case.total == 300 and path.app.resolved
    assert [f.code for f in report.findings] == ["TL102"]


def test_project_file_declaration_for_kubernetes_service_with_namespace(tree):
    report = tree(
        {
            ".timeout-lint.yaml": "apps:\n  - service: api\n    namespace: other\n    worst-case-response: 5m\n"
            "  - service: api\n    namespace: shop\n    worst-case-response: 20s\n",
            "svc.yaml": SERVICE,
            "nginx/nginx.conf": "http { server { location / { proxy_pass http://api.shop:80; } } }\n",
        }
    )
    assert only_path(report).app.worst_case.total == 20
    assert report.findings == ()


def test_conflicting_declarations_use_the_longest_and_warn(tree):
    report = tree(
        {
            ".timeout-lint.yaml": "apps:\n  - service: api\n    worst-case-response: 30s\n",
            "svc.yaml": SERVICE,
            "deploy.yaml": DEPLOYMENT,
            "nginx/nginx.conf": "http { server { location / { proxy_pass http://api.shop:80; proxy_read_timeout 1m; } } }\n",
        }
    )
    assert only_path(report).app.worst_case.total == 180
    assert [(f.code, f.location.file) for f in report.findings] == [("TL005", ".timeout-lint.yaml"), ("TL101", "nginx/nginx.conf")]


def test_go_server_in_build_context_is_the_app_server_hop(tree):
    report = tree(
        {
            "compose.yaml": "services:\n  app:\n    build: {context: src}\n    labels: [timeout-lint/worst-case-response=3m]\n",
            "src/main.go": 'package main\nimport ("net/http"; "time")\nfunc main() { s := http.Server{WriteTimeout: 30 * time.Second}; s.ListenAndServe() }\n',
            "src/main_test.go": 'package main\nimport ("net/http"; "time")\nvar x = http.Server{WriteTimeout: time.Second}\n',
            "nginx/nginx.conf": "http { server { location / { proxy_pass http://app:8080; proxy_read_timeout 5m; } } }\n",
        }
    )
    path = only_path(report)
    assert [h.system for h in path.hops] == ["nginx", "Go net/http"]
    assert [(f.code, f.location.file, f.location.line) for f in report.findings] == [("TL101", "src/main.go", 3)]


def test_an_entry_that_another_node_forwards_to_starts_no_path_of_its_own():
    from timeout_lint.link.core import Graph, GraphNode
    from timeout_lint.model import App, Location
    from timeout_lint.paths import enumerate_paths

    where = Location("x.yaml", 1, 1)
    graph = Graph()
    graph.add(GraphNode("lb", entry=("load balancer", where), edges=["ingress"]))
    graph.add(GraphNode("ingress", entry=("Ingress a/b", where), edges=["app"]))
    graph.add(GraphNode("app", app=App("Service", "a/app", where)))
    paths = enumerate_paths(graph).paths
    assert [p.entry for p in paths] == ["load balancer"]


def test_the_gateway_api_linker_names_the_kinds_as_the_parser_files_them():
    # link.gateway_api spells the keys itself so that trees without Gateway API objects never import the parser
    from timeout_lint.link import gateway_api as linker
    from timeout_lint.parsers import gateway_api as parser

    assert (linker.GROUP, linker.GATEWAY_CLASSES, linker.GATEWAYS, linker.HTTP_ROUTES) == (
        parser.GROUP,
        parser.GATEWAY_CLASSES,
        parser.GATEWAYS,
        parser.HTTP_ROUTES,
    )
