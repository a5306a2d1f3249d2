"""Traefik in the graph: IngressRoute entries, Ingresses of class traefik, which transport and static configuration apply."""

from __future__ import annotations

import math

SERVICE = """apiVersion: v1
kind: Service
metadata:
  name: api
  namespace: shop
  annotations: {timeout-lint/worst-case-response: 2m}
spec:
  selector: {app: api}
  ports: [{name: http, port: 80}]
"""
ROUTE = """apiVersion: traefik.io/v1alpha1
kind: IngressRoute
metadata: {name: web, namespace: shop}
spec:
  entryPoints: [ENTRYPOINTS]
  routes:
    - match: Host(`shop.example.com`)
      services:
        - name: api
          port: 80
          TRANSPORT
"""
TRANSPORT = """apiVersion: traefik.io/v1alpha1
kind: ServersTransport
metadata: {name: slow, namespace: shop}
spec:
  forwardingTimeouts:
    dialTimeout: 3s
"""
STATIC = """entryPoints:
  web:
    address: ":80"
  websecure:
    address: ":443"
    transport: {respondingTimeouts: {writeTimeout: 20s}}
serversTransport:
  forwardingTimeouts: {responseHeaderTimeout: 15s, dialTimeout: 7s}
"""


def route(entry_points: str = "websecure", transport: str = "") -> str:
    return ROUTE.replace("ENTRYPOINTS", entry_points).replace("TRANSPORT", transport)


def timeouts(path) -> dict[str, tuple[float, bool]]:
    (hop,) = path.hops
    return {t.setting: (t.seconds, t.explicit) for t in hop.timeouts}


def test_route_without_transport_uses_the_static_default_transport(tree):
    report = tree({"svc.yaml": SERVICE, "route.yaml": route(), "traefik.yml": STATIC})
    (path,) = report.paths
    assert path.entry == "IngressRoute shop/web" and path.app.name == "shop/api"
    found = timeouts(path)
    assert found["serversTransport.forwardingTimeouts.responseHeaderTimeout"] == (15, True)
    assert found["serversTransport.forwardingTimeouts.dialTimeout"] == (7, True)
    assert found["idleConnTimeout"] == (90, False)
    # only the entry point the route listens on
    assert found["entryPoints.websecure.transport.respondingTimeouts.writeTimeout"] == (20, True)
    assert found["entryPoints.websecure.transport.respondingTimeouts.readTimeout"] == (60, False)
    assert not any("entryPoints.web." in setting for setting in found)
    assert path.hops[0].notes == ("static configuration: traefik.yml",)
    assert sorted((f.location.file, f.location.line) for f in report.findings) == [("traefik.yml", 6), ("traefik.yml", 8)]


def test_named_transport_wins_and_its_unset_fields_take_traefik_defaults_not_static_ones(tree):
    report = tree(
        {"svc.yaml": SERVICE, "route.yaml": route(transport="serversTransport: slow"), "st.yaml": TRANSPORT, "traefik.yml": STATIC}
    )
    (path,) = report.paths
    found = timeouts(path)
    assert found["forwardingTimeouts.dialTimeout"] == (3, True)
    assert math.isinf(found["responseHeaderTimeout"][0]) and found["responseHeaderTimeout"][1] is False
    default = next(t for t in path.hops[0].timeouts if t.setting == "responseHeaderTimeout")
    assert default.location.file == "st.yaml" and default.location.line == 2  # the ServersTransport that would take it
    assert default.advice(120) == "set spec.forwardingTimeouts.responseHeaderTimeout on ServersTransport shop/slow to more than 2m"


def test_cross_namespace_and_other_provider_references(tree):
    for reference, note in [
        ("shop-slow@kubernetescrd", "needs allowCrossNamespace"),
        ("slow@file", "comes from Traefik's file provider, which is not read"),
        ("missing", "ServersTransport shop/missing is not in the linted files"),
    ]:
        report = tree({"svc.yaml": SERVICE, "route.yaml": route(transport=f"serversTransport: {reference}"), "st.yaml": TRANSPORT})
        (path,) = report.paths
        assert any(note in n for n in path.hops[0].notes), reference
        dial = timeouts(path).get("forwardingTimeouts.dialTimeout")
        assert (dial == (3, True)) is reference.endswith("@kubernetescrd"), reference


def test_route_without_entry_points_listens_on_all_of_them(tree):
    report = tree({"svc.yaml": SERVICE, "route.yaml": route().replace("  entryPoints: [websecure]\n", ""), "traefik.yml": STATIC})
    (path,) = report.paths
    writes = [s for s in timeouts(path) if s.endswith("writeTimeout")]
    assert writes == [
        "entryPoints.web.transport.respondingTimeouts.writeTimeout",
        "entryPoints.websecure.transport.respondingTimeouts.writeTimeout",
    ]


def test_several_static_configurations_first_file_applies_and_the_rest_are_named(tree):
    other = "entryPoints:\n  websecure:\n    transport: {respondingTimeouts: {writeTimeout: 1s}}\n"
    report = tree({"svc.yaml": SERVICE, "route.yaml": route(), "a/traefik.yml": STATIC, "b/traefik.yaml": other})
    (path,) = report.paths
    assert timeouts(path)["entryPoints.websecure.transport.respondingTimeouts.writeTimeout"] == (20, True)
    notes = path.hops[0].notes
    assert notes[0] == "static configuration: a/traefik.yml" and "b/traefik.yaml" in notes[1]


def test_no_static_configuration_means_traefik_defaults(tree):
    report = tree({"svc.yaml": SERVICE, "route.yaml": route()})
    (path,) = report.paths
    found = timeouts(path)
    assert math.isinf(found["responseHeaderTimeout"][0]) and math.isinf(
        found["entryPoints.websecure.transport.respondingTimeouts.writeTimeout"][0]
    )
    assert "no Traefik static configuration" in path.hops[0].notes[0]
    assert report.findings == ()  # Traefik's defaults never time out a slow backend


def test_traefik_service_and_missing_service_stay_unresolved_with_a_reason(tree):
    text = route().replace(
        "        - name: api\n          port: 80\n", "        - {name: canary, kind: TraefikService}\n        - {name: gone, port: 80}\n"
    )
    report = tree({"svc.yaml": SERVICE, "route.yaml": text})
    assert sorted(p.app.name for p in report.paths) == [
        "Service shop/gone (not found in the linted files)",
        "TraefikService shop/canary (weighted and mirroring services are not followed)",
    ]


INGRESS = """apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
  namespace: shop
  annotations: {traefik.ingress.kubernetes.io/router.entrypoints: "web"}
spec:
  ingressClassName: CLASS
  defaultBackend: {service: {name: api, port: {number: 80}}}
"""


def test_ingress_of_class_traefik_by_class_name_and_by_ingress_class(tree):
    report = tree({"svc.yaml": SERVICE, "ing.yaml": INGRESS.replace("CLASS", "traefik"), "traefik.yml": STATIC})
    (path,) = report.paths
    assert [h.system for h in path.hops] == ["Traefik"]
    assert [s for s in timeouts(path) if s.startswith("entryPoints")] == [
        "entryPoints.web.transport.respondingTimeouts.readTimeout",
        "entryPoints.web.transport.respondingTimeouts.writeTimeout",
        "entryPoints.web.transport.respondingTimeouts.idleTimeout",
    ]
    ingress_class = "apiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata: {name: public}\nspec: {controller: traefik.io/ingress-controller}\n"
    report = tree({"svc.yaml": SERVICE, "ing.yaml": INGRESS.replace("CLASS", "public"), "class.yaml": ingress_class})
    assert [h.system for h in report.paths[0].hops] == ["Traefik"]


def test_service_annotation_names_the_transport_for_an_ingress(tree):
    annotated = SERVICE.replace(
        "annotations: {", "annotations: {traefik.ingress.kubernetes.io/service.serverstransport: shop-slow@kubernetescrd, "
    )
    report = tree({"svc.yaml": annotated, "ing.yaml": INGRESS.replace("CLASS", "traefik"), "st.yaml": TRANSPORT})
    (path,) = report.paths
    assert timeouts(path)["forwardingTimeouts.dialTimeout"] == (3, True)
    bare = SERVICE.replace("annotations: {", "annotations: {traefik.ingress.kubernetes.io/service.serverstransport: slow, ")
    report = tree({"svc.yaml": bare, "ing.yaml": INGRESS.replace("CLASS", "traefik"), "st.yaml": TRANSPORT})
    assert "needs a provider suffix" in report.paths[0].hops[0].notes[0]


def test_static_configuration_from_the_traefik_deployment_arguments(tree):
    deployment = """apiVersion: apps/v1
kind: Deployment
metadata: {name: traefik, namespace: edge}
spec:
  selector: {matchLabels: {app: traefik}}
  template:
    metadata: {labels: {app: traefik}}
    spec:
      containers:
        - name: traefik
          image: traefik:v3.1
          args: ["--entrypoints.websecure.address=:443", "--entrypoints.websecure.transport.respondingtimeouts.writetimeout=90"]
"""
    report = tree({"svc.yaml": SERVICE, "route.yaml": route(), "traefik-deploy.yaml": deployment})
    (path,) = report.paths
    assert path.hops[0].notes == ("static configuration: Deployment edge/traefik container traefik arguments",)
    ((file, line, column),) = [(f.location.file, f.location.line, f.location.column) for f in report.findings]
    assert (file, line, column) == ("traefik-deploy.yaml", 12, 58)
