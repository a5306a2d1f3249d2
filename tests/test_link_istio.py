"""Istio in the graph: where the sidecar hop sits, gateway entries, host names as Istio reads them."""

from __future__ import annotations

import math

from timeout_lint.model import Hop, Role

SERVICE = """apiVersion: v1
kind: Service
metadata:
  name: reports
  namespace: billing
  annotations: {timeout-lint/worst-case-response: 2m}
spec:
  selector: {app: reports}
  ports: [{name: http, port: 80}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: reports, namespace: billing}
spec:
  selector: {matchLabels: {app: reports}}
  template:
    metadata: {labels: {app: reports}}
    spec: {containers: [{name: reports, image: reports}]}
"""
MESH_VS = """apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reports, namespace: billing}
spec:
  hosts: [reports]
  http:
    - route:
        - destination: {host: DESTINATION}
      timeout: 30s
"""
INGRESS = """apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, namespace: billing}
spec:
  ingressClassName: kong
  defaultBackend: {service: {name: reports, port: {number: 80}}}
"""
GATEWAY_VS = """apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: public, namespace: billing}
spec:
  hosts: [reports.example.com]
  gateways: [istio-ingress/public]
  http:
    - route:
        - destination: {host: reports.billing.svc.cluster.local}
      timeout: 5m
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: public, namespace: istio-ingress}
spec: {selector: {istio: ingressgateway}}
"""


def systems(path) -> list[str]:
    return [hop.system for hop in path.hops]


def by_entry(report) -> dict[str, list]:
    out: dict[str, list] = {}
    for path in report.paths:
        out.setdefault(path.entry, []).append(path)
    return out


def test_sidecar_hop_sits_between_the_ingress_hop_and_the_app(tree):
    report = tree({"svc.yaml": SERVICE, "vs.yaml": MESH_VS.replace("DESTINATION", "reports"), "ing.yaml": INGRESS})
    paths = by_entry(report)
    (ingress_path,) = paths["Ingress billing/web"]
    assert systems(ingress_path) == ["Kong", "Istio sidecar"]
    assert ingress_path.hops[1].role is Role.SIDECAR
    (mesh_path,) = paths["VirtualService billing/reports (mesh)"]
    assert systems(mesh_path) == ["Istio sidecar"]  # the mesh entry carries its route; the app node adds no second sidecar
    # one finding for the 30s route timeout, on both paths
    (finding,) = [f for f in report.findings if f.code == "TL101"]
    assert (finding.location.file, finding.location.line, finding.location.column) == ("vs.yaml", 9, 7)
    assert len(finding.paths) == 2


def fake_app_server(linker, owner):
    return (Hop(system="test app server", role=Role.APP_SERVER, name="x", location=owner.meta.location),)


def test_sidecar_comes_before_the_app_server_hop(tree, monkeypatch):
    from timeout_lint.link import core

    monkeypatch.setattr(core, "APP_SERVER_HOPS", core.APP_SERVER_HOPS + ("tests.test_link_istio:fake_app_server",))
    report = tree({"svc.yaml": SERVICE, "vs.yaml": MESH_VS.replace("DESTINATION", "reports"), "ing.yaml": INGRESS})
    (ingress_path,) = by_entry(report)["Ingress billing/web"]
    assert systems(ingress_path) == ["Kong", "Istio sidecar", "test app server"]
    (mesh_path,) = by_entry(report)["VirtualService billing/reports (mesh)"]
    assert systems(mesh_path) == ["Istio sidecar", "test app server"]


def test_gateway_route_is_an_entry_without_the_mesh_sidecar(tree):
    report = tree({"svc.yaml": SERVICE, "vs.yaml": MESH_VS.replace("DESTINATION", "reports"), "gw.yaml": GATEWAY_VS})
    (gateway_path,) = by_entry(report)["Istio gateway istio-ingress/public / VirtualService billing/public"]
    assert systems(gateway_path) == ["Istio ingress gateway"]
    (hop,) = gateway_path.hops
    assert hop.role is Role.INGRESS
    assert hop.response_limits()[0].seconds == 300 and hop.notes == ()
    assert hop.retries.extra_tries == 2 and not hop.retries.explicit  # the mesh default retry policy


def test_gateway_only_virtual_service_adds_no_sidecar(tree):
    report = tree({"svc.yaml": SERVICE, "gw.yaml": GATEWAY_VS, "ing.yaml": INGRESS})
    assert systems(by_entry(report)["Ingress billing/web"][0]) == ["Kong"]


def test_missing_gateway_object_is_noted(tree):
    report = tree({"svc.yaml": SERVICE, "gw.yaml": GATEWAY_VS.split("---")[0]})
    (path,) = report.paths
    assert path.hops[0].notes == ("Gateway istio-ingress/public is not in the linted files",)


def test_default_route_timeout_is_no_limit_anchored_at_the_route(tree):
    report = tree({"svc.yaml": SERVICE, "vs.yaml": MESH_VS.replace("DESTINATION", "reports").replace("      timeout: 30s\n", "")})
    (path,) = report.paths
    timeout = path.hops[0].response_limits()[0]
    assert math.isinf(timeout.seconds) and not timeout.explicit
    assert (timeout.location.line, timeout.location.column) == (7, 7)
    assert "Envoy's own 15s and 5m do not apply" in path.hops[0].notes[-1]
    assert report.findings == ()


def test_destination_host_names_as_istio_reads_them(tree):
    for host, resolved in [
        ("reports", True),
        ("reports.billing.svc.cluster.local", True),
        ("reports.billing", False),  # a host with a dot is taken as written: no such Service name
        ("reports.billing.svc", False),
    ]:
        report = tree({"svc.yaml": SERVICE, "vs.yaml": MESH_VS.replace("DESTINATION", host)})
        (path,) = report.paths
        assert path.app.resolved is resolved, host
        if not resolved:
            assert "Istio reads a host with a dot as written" in path.app.name


def test_short_name_is_in_the_virtual_service_namespace(tree):
    other = MESH_VS.replace("DESTINATION", "reports").replace("namespace: billing", "namespace: other")
    report = tree({"svc.yaml": SERVICE, "vs.yaml": other, "ing.yaml": INGRESS})
    assert systems(by_entry(report)["Ingress billing/web"][0]) == ["Kong"]  # the route is for other/reports
    (mesh_path,) = by_entry(report)["VirtualService other/reports (mesh)"]
    assert not mesh_path.app.resolved and mesh_path.app.name.startswith("Service other/reports")


def test_destination_rule_timeouts_attach_to_the_sidecar(tree):
    rule = """apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reports, namespace: billing}
spec:
  host: reports
  trafficPolicy: {connectionPool: {tcp: {connectTimeout: 3s}, http: {idleTimeout: 75s}}}
"""
    report = tree({"svc.yaml": SERVICE, "vs.yaml": MESH_VS.replace("DESTINATION", "reports"), "dr.yaml": rule})
    (path,) = report.paths
    found = {t.setting: (t.seconds, t.explicit) for t in path.hops[0].timeouts}
    assert found == {
        "timeout": (30, True),
        "connectionPool.tcp.connectTimeout": (3, True),
        "connectionPool.tcp.idleTimeout": (3600, False),
        "connectionPool.http.idleTimeout": (75, True),
    }


def test_several_mesh_routes_to_one_service_are_all_on_the_outside_hop(tree):
    two_routes = MESH_VS.replace("DESTINATION", "reports") + (
        "    - match: [{uri: {prefix: /slow}}]\n"
        "      route: [{destination: {host: reports}}]\n"
        "      timeout: 90s\n"
        "      retries: {attempts: 5}\n"
    )
    report = tree({"svc.yaml": SERVICE, "vs.yaml": two_routes, "ing.yaml": INGRESS})
    (ingress_path,) = by_entry(report)["Ingress billing/web"]
    sidecar = ingress_path.hops[1]
    assert [t.seconds for t in sidecar.response_limits()] == [30, 90]
    assert sidecar.retries.extra_tries == 5
    assert sidecar.name == "http[0] of VirtualService billing/reports, http[1] of VirtualService billing/reports"
    assert sorted((f.location.file, f.location.line) for f in report.findings if f.code == "TL101") == [("vs.yaml", 9), ("vs.yaml", 12)]


def test_per_try_timeout_is_checked_like_the_route_timeout(tree):
    vs = MESH_VS.replace("DESTINATION", "reports").replace("timeout: 30s", "timeout: 10m\n      retries: {attempts: 2, perTryTimeout: 45s}")
    report = tree({"svc.yaml": SERVICE, "vs.yaml": vs})
    ((code, line, message),) = [(f.code, f.location.line, f.message) for f in report.findings]
    assert (code, line) == ("TL101", 10) and "retries.perTryTimeout 45s" in message
