"""Gateway API: HTTPRoute timeouts, their places, and what each implementation makes of them."""

from __future__ import annotations

import math

import pytest

from timeout_lint.model import Kind

SERVICE = """
apiVersion: v1
kind: Service
metadata:
  name: export-api
  namespace: shop
  annotations:
    timeout-lint/worst-case-response: 2m
{annotations}
spec: {{selector: {{app: export-api}}}}
"""
CLASSES = """
apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: {name: kong}
spec: {controllerName: konghq.com/kic-gateway-controller}
---
apiVersion: gateway.networking.k8s.io/v1beta1
kind: GatewayClass
metadata: {name: istio}
spec: {controllerName: istio.io/gateway-controller}
---
apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: {name: envoy}
spec: {controllerName: gateway.envoyproxy.io/gatewayclass-controller}
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: kong, namespace: shop}
spec: {gatewayClassName: kong}
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: istio, namespace: shop}
spec: {gatewayClassName: istio}
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: envoy, namespace: shop}
spec: {gatewayClassName: envoy}
"""


def route(gateway: str, rules: str, api_version: str = "gateway.networking.k8s.io/v1") -> str:
    return f"""
apiVersion: {api_version}
kind: HTTPRoute
metadata:
  name: reports
  namespace: shop
spec:
  parentRefs:
    - name: {gateway}
  rules:
{rules}
"""


RULE = """    - matches: [{{path: {{type: PathPrefix, value: /export}}}}]
      timeouts:
{timeouts}
      backendRefs:
        - name: export-api
          port: 80
"""


def lint_route(
    tree, gateway: str, timeouts: str = "        {}", annotations: str = "", extra: dict | None = None, config: str | None = None
):
    files = {
        "gateway.yaml": CLASSES,
        "svc.yaml": SERVICE.format(annotations=annotations),
        "route.yaml": route(gateway, RULE.format(timeouts=timeouts)),
        **(extra or {}),
    }
    if config is not None:
        files[".timeout-lint.yaml"] = config
    return tree(files)


def only_hop(report):
    (path,) = report.paths
    (hop,) = path.hops
    return hop


# -- the parser ----------------------------------------------------------------------------------


def parse_route(tree, text: str):
    from tests.conftest import write_tree
    from timeout_lint.config import ProjectConfig
    from timeout_lint.discover import discover
    from timeout_lint.parse import ParseOptions, parse_all

    root = write_tree(tree.root, {"route.yaml": text})
    inventory = parse_all(discover(["."], str(root)), ProjectConfig(), ParseOptions(str(root)))
    return inventory


def test_parser_pins_durations_and_places(tree):
    inventory = parse_route(
        tree,
        route(
            "public",
            RULE.format(timeouts="        request: 1m30s\n        backendRequest: 1s500ms")
            + "    - timeouts: {request: 0s}\n      backendRefs: [{name: b, namespace: other, kind: Service, weight: 0}]\n",
        ),
    )
    (parsed,) = inventory.custom["gateway.networking.k8s.io/HTTPRoute"]
    first, second = parsed.rules
    assert (first.request.seconds, first.request.raw, first.request.setting) == (90, "1m30s", "timeouts.request")
    assert (first.request.location.line, first.request.location.column) == (12, 9)
    assert (first.backend_request.seconds, first.backend_request.location.line) == (1.5, 13)
    assert (first.location.line, first.location.column) == (10, 7)
    (backend,) = first.backend_refs
    assert (backend.group, backend.kind, backend.namespace, backend.name, backend.port, backend.weight) == (
        "",
        "Service",
        "shop",
        "export-api",
        80,
        None,
    )
    assert second.request.seconds == math.inf  # 0s: no limit
    assert (second.backend_refs[0].namespace, second.backend_refs[0].weight) == ("other", 0)
    (parent,) = parsed.parent_refs
    assert (parent.group, parent.kind, parent.namespace, parent.name) == ("gateway.networking.k8s.io", "Gateway", "shop", "public")


def test_route_timeouts_carry_their_end_of_line_comments_through_every_implementation(tree):
    timeouts = "        request: 10m  # ten minutes\n        backendRequest: 5m # five minutes"
    inventory = parse_route(tree, route("public", RULE.format(timeouts=timeouts)))
    (parsed,) = inventory.custom["gateway.networking.k8s.io/HTTPRoute"]
    assert (parsed.rules[0].request.comment, parsed.rules[0].backend_request.comment) == ("ten minutes", "five minutes")
    expected = {"timeouts.request": "ten minutes", "timeouts.backendRequest": "five minutes"}
    for gateway in ("kong", "istio", "envoy"):
        hop = only_hop(lint_route(tree, gateway, timeouts))
        comments = {t.setting.split()[0]: t.comment for t in hop.timeouts if t.explicit}  # "... (per try)" on Istio
        assert comments and all(comment == expected[setting] for setting, comment in comments.items()), gateway


@pytest.mark.parametrize(
    "value, reason",
    [("30", "has no unit"), ("1.5s", "whole numbers only"), ("120000ms", "at most 5 digits"), ("1d", "not a Gateway API duration")],
)
def test_parser_keeps_values_the_api_server_refuses(tree, value, reason):
    inventory = parse_route(tree, route("public", RULE.format(timeouts=f"        request: {value}")))
    (parsed,) = inventory.custom["gateway.networking.k8s.io/HTTPRoute"]
    assert parsed.rules[0].request is None
    (invalid,) = parsed.invalid
    assert (invalid.setting, invalid.raw, invalid.location.line, invalid.location.column) == ("timeouts.request", value, 12, 9)
    assert reason in invalid.reason


def test_parser_leaves_other_groups_and_versions_alone(tree):
    inventory = parse_route(
        tree,
        "apiVersion: networking.istio.io/v1beta1\nkind: Gateway\nmetadata: {name: g}\nspec: {}\n---\n"
        + route("public", RULE.format(timeouts="        request: 10s"), api_version="gateway.networking.k8s.io/v1alpha2"),
    )
    assert inventory.custom.get("gateway.networking.k8s.io/Gateway", []) == []
    assert inventory.custom.get("gateway.networking.k8s.io/HTTPRoute") == []


# -- Kong (Kong Ingress Controller) ----------------------------------------------------------------


def test_kong_uses_backend_request_for_all_three_timeouts(tree):
    report = lint_route(tree, "kong", "        request: 10s\n        backendRequest: 90s")
    hop = only_hop(report)
    assert [(t.setting, t.kind, t.seconds, t.explicit) for t in hop.timeouts] == [
        ("timeouts.backendRequest", Kind.CONNECT, 90, True),
        ("timeouts.backendRequest", Kind.IDLE, 90, True),
        ("timeouts.backendRequest", Kind.SEND, 90, True),
        ("upstream_keepalive_idle_timeout", Kind.KEEPALIVE, 60, False),  # kong.conf's, not the route's
    ]
    assert hop.timeout(Kind.IDLE).location.line == 13
    assert "timeouts.request 10s is ignored: Kong Ingress Controller uses only timeouts.backendRequest" in hop.notes
    ignored, finding = report.findings
    assert (finding.code, finding.location.file, finding.location.line) == ("TL101", "route.yaml", 13)
    assert finding.message.startswith("Kong timeouts.backendRequest 90s (idle timeout between reads) is shorter than the worst case 2m")
    assert (ignored.code, ignored.location.line) == ("TL306", 12)
    assert ignored.message == (
        'timeouts.request "10s" is ignored: Kong Ingress Controller uses only timeouts.backendRequest; '
        "timeouts.backendRequest 90s applies instead"
    )


def test_kong_default_is_60s_at_the_rule_with_a_backend_request_hint(tree):
    report = lint_route(tree, "kong", "        request: 5m")
    hop = only_hop(report)
    read = hop.timeout(Kind.IDLE)
    assert (read.setting, read.seconds, read.explicit, read.location.line, read.location.column) == ("read_timeout", 60, False, 10, 7)
    assert (hop.retries.extra_tries, hop.retries.explicit) == (5, False)
    finding, ignored = report.findings
    assert finding.code == "TL102" and "set timeouts.backendRequest on rule 0 of HTTPRoute shop/reports to more than 2m" in finding.message
    assert ignored.code == "TL306" and ignored.message.endswith("Kong's read_timeout default 60s applies instead")


def test_kong_service_annotations_beat_backend_request(tree):
    report = lint_route(tree, "kong", "        backendRequest: 30s", '    konghq.com/read-timeout: "180000"\n    konghq.com/retries: "1"')
    hop = only_hop(report)
    assert (hop.timeout(Kind.IDLE).setting, hop.timeout(Kind.IDLE).seconds) == ("konghq.com/read-timeout", 180)
    assert (hop.timeout(Kind.CONNECT).setting, hop.timeout(Kind.CONNECT).seconds) == ("timeouts.backendRequest", 30)
    assert hop.retries.extra_tries == 1
    # the one retry chosen here repeats a slow export: TL204, at the annotation
    assert [(f.code, f.location.file) for f in report.findings] == [("TL204", "svc.yaml")]


def test_kong_rules_with_the_same_backends_share_the_last_backend_request(tree):
    rules = RULE.format(timeouts="        backendRequest: 3m") + RULE.format(timeouts="        request: 1m").replace("/export", "/other")
    report = tree({"gateway.yaml": CLASSES, "svc.yaml": SERVICE.format(annotations=""), "route.yaml": route("kong", rules)})
    second = next(p for p in report.paths if p.entry == "HTTPRoute shop/reports rule 1")
    read = second.hops[0].timeout(Kind.IDLE)
    assert (read.seconds, read.location.line) == (180, 12)  # rule 0's value, where it is written
    assert any("rules with the same backendRefs share one Kong service" in note for note in second.hops[0].notes)
    (ignored,) = report.findings  # rule 1's request, which Kong never reads; rule 0's backendRequest applies to it
    assert (ignored.code, ignored.location.line, ignored.related[0].location.line) == ("TL306", 18, 12)


def test_kong_refuses_a_zero_backend_request(tree):
    report = lint_route(tree, "kong", "        backendRequest: 0s")
    hop = only_hop(report)
    assert hop.timeout(Kind.IDLE).explicit is False
    assert any("becomes 0 ms, outside Kong's range" in note for note in hop.notes)


@pytest.mark.parametrize("version, annotation_applies", [(None, True), ('"2.12"', False), ('"3.1"', True)])
def test_kong_2x_skips_annotations_of_a_service_with_a_kongingress(tree, version, annotation_applies):
    kong_ingress = "apiVersion: configuration.konghq.com/v1\nkind: KongIngress\nmetadata: {name: slow, namespace: shop}\nproxy: {read_timeout: 300000}\n"
    report = lint_route(
        tree,
        "kong",
        "        {}",
        '    konghq.com/override: slow\n    konghq.com/read-timeout: "180000"',
        {"ki.yaml": kong_ingress},
        None if version is None else f"kong-ingress-controller: {version}\n",
    )
    read = only_hop(report).timeout(Kind.IDLE)
    assert read.explicit is annotation_applies  # and never the KongIngress's 300000
    assert read.seconds == (180 if annotation_applies else 60)


# -- Istio -----------------------------------------------------------------------------------------


def test_istio_request_is_the_route_timeout(tree):
    report = lint_route(tree, "istio", "        request: 30s")
    hop = only_hop(report)
    assert hop.system == "Istio gateway"
    assert [(t.setting, t.kind, t.seconds) for t in hop.timeouts] == [("timeouts.request", Kind.TOTAL, 30)]
    (finding,) = report.findings
    assert (finding.code, finding.location.line, finding.location.column) == ("TL101", 12, 9)


def test_istio_backend_request_without_retry_replaces_the_route_timeout(tree):
    report = lint_route(tree, "istio", "        request: 5m\n        backendRequest: 1m")
    hop = only_hop(report)
    assert [(t.setting, t.seconds) for t in hop.timeouts] == [("timeouts.backendRequest", 60)]
    assert any("timeouts.request 5m is replaced by timeouts.backendRequest" in note for note in hop.notes)
    assert [(f.code, f.location.line) for f in report.findings] == [("TL306", 12), ("TL101", 13)]


def test_istio_backend_request_with_retry_is_per_try(tree):
    files = {
        "gateway.yaml": CLASSES,
        "svc.yaml": SERVICE.format(annotations=""),
        "route.yaml": route(
            "istio", RULE.format(timeouts="        request: 5m\n        backendRequest: 3m") + "      retry: {attempts: 2}\n"
        ),
    }
    hop = only_hop(tree(files))
    assert [(t.setting, t.kind, t.seconds) for t in hop.timeouts] == [
        ("timeouts.request", Kind.TOTAL, 300),
        ("timeouts.backendRequest (per try)", Kind.TOTAL, 180),
    ]


def test_istio_skips_a_zero_backend_request(tree):
    hop = only_hop(lint_route(tree, "istio", "        request: 30s\n        backendRequest: 0s"))
    assert [(t.setting, t.seconds) for t in hop.timeouts] == [("timeouts.request", 30)]
    assert "timeouts.backendRequest 0s sets nothing: Istio skips a zero duration" in hop.notes


def test_istio_without_timeouts_has_no_route_timeout(tree):
    report = lint_route(tree, "istio")
    (default,) = only_hop(report).timeouts
    assert (default.explicit, default.seconds, default.kind) == (False, math.inf, Kind.TOTAL)
    assert report.findings == ()


# -- any other implementation ----------------------------------------------------------------------


def test_other_implementations_keep_the_spec_meaning_and_assume_no_default(tree):
    report = lint_route(tree, "envoy", "        backendRequest: 90s")
    hop = only_hop(report)
    assert hop.system == "Gateway API (gateway.envoyproxy.io/gatewayclass-controller)"
    assert [(t.setting, t.kind, t.seconds) for t in hop.timeouts] == [("timeouts.backendRequest", Kind.TOTAL, 90)]
    assert any("timeouts.request is not set: its default is implementation-specific" in note for note in hop.notes)
    assert [(f.code, f.location.line) for f in report.findings] == [("TL101", 12)]


def test_zero_means_no_limit(tree):
    report = lint_route(tree, "envoy", "        request: 0s")
    assert only_hop(report).timeouts[0].seconds == math.inf
    assert [f.code for f in report.findings] == ["TL503"]  # no limit, which is reported as a note


def test_unknown_gateway_and_class_inferred_from_its_name(tree):
    gateways = (
        "apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: {name: edge, namespace: shop}\nspec: {gatewayClassName: kong}\n"
    )
    files = {
        "gw.yaml": gateways,
        "svc.yaml": SERVICE.format(annotations=""),
        "route.yaml": route("edge", RULE.format(timeouts="        {}")).replace(
            "    - name: edge\n", "    - name: edge\n    - name: gone\n"
        ),
    }
    report = tree(files)
    by_entry = {p.entry: p.hops[0] for p in report.paths}
    assert sorted(by_entry) == ["HTTPRoute shop/reports rule 0 on Gateway shop/edge", "HTTPRoute shop/reports rule 0 on Gateway shop/gone"]
    kong = by_entry["HTTPRoute shop/reports rule 0 on Gateway shop/edge"]
    assert kong.system == "Kong" and "GatewayClass kong is not in the linted files; kong assumed from its name" in kong.notes
    unknown = by_entry["HTTPRoute shop/reports rule 0 on Gateway shop/gone"]
    assert unknown.system == "Gateway API (implementation unknown)" and unknown.timeouts == ()


def test_backends_other_kinds_other_namespaces_and_zero_weights(tree):
    rule = """    - backendRefs:
        - {name: export-api, namespace: shop, port: 80}
        - {name: imported, kind: ServiceImport, group: multicluster.x-k8s.io}
        - {name: canary, port: 80, weight: 0}
"""
    files = {
        "gateway.yaml": CLASSES,
        "svc.yaml": SERVICE.format(annotations=""),
        "route.yaml": route("envoy", rule).replace("namespace: shop\nspec", "namespace: web\nspec"),
    }
    report = tree(files)
    assert sorted((p.app.name, p.app.resolved) for p in report.paths) == [
        ("multicluster.x-k8s.io/ServiceImport web/imported (a backend kind timeout-lint does not model)", False),
        ("shop/export-api", True),
    ]


def test_odd_shapes_do_not_break_the_reader(tree):
    report = tree(
        {
            "route.yaml": """
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata: {name: odd, namespace: shop}
            spec:
              parentRefs: "kong"
              rules:
                - timeouts: [10s]
                  backendRefs: {name: x}
                - timeouts: {request: {seconds: 10}, backendRequest: 10}
                  backendRefs: ["x", {port: 80}, {name: y, port: http, weight: "5"}]
                - "just a string"
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata: {name: empty}
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: g}
            spec: [1, 2]
            """
        }
    )
    (path,) = report.paths
    assert path.entry == "HTTPRoute shop/odd rule 1" and path.app.name.startswith("Service shop/y")
    (hop,) = path.hops
    assert 'timeouts.request "" is a mapping where a duration belongs; the API server refuses this HTTPRoute' in hop.notes
    assert any('timeouts.backendRequest "10" has no unit' in note for note in hop.notes)
