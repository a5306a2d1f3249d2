"""TL306 ignored-value: each system's dropped values, at the value, with what applies instead."""

from __future__ import annotations

import pytest

from tests.test_rules_no_effect import ingress, kong_ingress, service


def ignored(tree, files: dict[str, str], config: str | None = None) -> list[tuple[str, int, int, str, list]]:
    if config is not None:
        files = {**files, ".timeout-lint.yaml": config}
    report = tree(files, select=("TL306",))
    return [
        (f.location.file, f.location.line, f.location.column, f.message, [(r.location.file, r.location.line) for r in f.related])
        for f in report.findings
    ]


# -- Kong ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "annotation, message",
    [
        (
            'konghq.com/read-timeout: "60s"',
            'konghq.com/read-timeout "60s" is ignored: not an integer number of milliseconds; '
            "Kong's read_timeout default 60s applies instead",
        ),
        (
            'konghq.com/connect-timeout: "0"',
            'konghq.com/connect-timeout "0" is ignored: outside Kong\'s range 1..2147483646 ms; '
            "Kong's connect_timeout default 60s applies instead",
        ),
        (
            'konghq.com/retries: "-1"',
            "konghq.com/retries \"-1\" is ignored: outside Kong's range 0..32767; Kong's retries default 5 applies instead",
        ),
    ],
)
def test_kong_service_annotations(tree, annotation, message):
    ((file, line, column, text, related),) = ignored(tree, {"s.yaml": service(f"    {annotation}")})
    assert (file, line, column, text, related) == ("s.yaml", 7, 5, message, [])


def test_kong_annotation_falls_back_to_the_kongingress_it_names(tree):
    files = {"k.yaml": service('    konghq.com/override: slow\n    konghq.com/read-timeout: "5m"') + "---\n" + kong_ingress()}
    ((_, line, _, text, related),) = ignored(tree, files)
    assert line == 8 and text.endswith("; proxy.read_timeout 300000 ms (5m) applies instead")
    assert related == [("k.yaml", 17)]


def test_kong_quoted_kongingress_integer(tree):
    body = 'proxy:\n  read_timeout: "300000"\n'
    files = {"k.yaml": service("    konghq.com/override: slow") + "---\n" + kong_ingress(body=body)}
    ((_, line, column, text, _),) = ignored(tree, files)
    assert (line, column) == (16, 3)
    assert text == (
        'proxy.read_timeout "300000" is ignored: a string where the CRD requires an integer; '
        "Kong's read_timeout default 60s applies instead"
    )
    # KIC 3.x ignores the whole proxy block: TL301 says so, not this rule
    assert ignored(tree, files, 'kong-ingress-controller: "3.0"\n') == []


def test_kong_declarative_values_kong_refuses(tree):
    deck = "_format_version: '3.0'\nservices:\n  - name: export\n    host: export.internal\n    read_timeout: '300000'\n    routes: [{paths: [/]}]\n"
    ((file, line, _, text, _),) = ignored(tree, {"kong.yaml": deck})
    assert (file, line) == ("kong.yaml", 5)
    assert text == (
        'read_timeout "300000" is ignored: a string where Kong\'s schema requires an integer (Kong refuses the file); '
        "timeout-lint checks Kong's read_timeout default 60s in its place"
    )


# -- ingress-nginx ---------------------------------------------------------------------------------

CONFIG_MAP = "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: ingress-nginx-controller, namespace: ingress-nginx}}\ndata:\n{data}"


def test_ingress_nginx_annotation_falls_back_to_the_config_map(tree):
    files = {
        "i.yaml": ingress('    nginx.ingress.kubernetes.io/proxy-read-timeout: "300s"', class_name="nginx"),
        "c.yaml": CONFIG_MAP.format(data='  proxy-read-timeout: "120"\n'),
    }
    ((file, line, column, text, related),) = ignored(tree, files)
    assert (file, line, column) == ("i.yaml", 7, 5)
    assert text == (
        'nginx.ingress.kubernetes.io/proxy-read-timeout "300s" is ignored: not a whole number of seconds: ingress-nginx '
        "ignores it; proxy-read-timeout 120 s (2m) applies instead"
    )
    assert related == [("c.yaml", 5)]


def test_ingress_nginx_config_map_values_that_do_not_decode(tree):
    files = {"c.yaml": CONFIG_MAP.format(data='  proxy-read-timeout: "60s"\n  proxy-next-upstream-tries: "many"\n')}
    assert [(line, text.split("; ")[-1]) for _, line, _, text, _ in ignored(tree, files)] == [
        (5, "ingress-nginx's proxy-read-timeout default 60s applies instead"),
        (6, "ingress-nginx's proxy-next-upstream-tries default 3 applies instead"),
    ]


def test_ingress_nginx_values_on_other_controllers_ingresses_are_not_its_own(tree):
    files = {"i.yaml": ingress('    nginx.ingress.kubernetes.io/proxy-read-timeout: "300s"', class_name="kong")}
    assert ignored(tree, files) == []  # TL304's


# -- AWS, AGIC, GKE --------------------------------------------------------------------------------


def test_alb_idle_timeout_out_of_range(tree):
    annotation = "    alb.ingress.kubernetes.io/load-balancer-attributes: idle_timeout.timeout_seconds=5000"
    ((_, line, _, text, _),) = ignored(tree, {"i.yaml": ingress(annotation, class_name="alb")})
    assert line == 7
    assert text == (
        'idle_timeout.timeout_seconds "5000" is ignored: outside AWS\'s range 1-4000 seconds; '
        "the ALB's idle_timeout.timeout_seconds default 60s applies instead"
    )


def test_nlb_listener_attribute_on_the_in_tree_nlb(tree):
    annotations = (
        "    service.beta.kubernetes.io/aws-load-balancer-type: nlb\n"
        "    service.beta.kubernetes.io/aws-load-balancer-listener-attributes.TCP-80: tcp.idle_timeout.seconds=600"
    )
    ((_, line, _, text, _),) = ignored(tree, {"s.yaml": service(annotations, "LoadBalancer")})
    assert line == 8
    assert text == (
        'service.beta.kubernetes.io/aws-load-balancer-listener-attributes.TCP-80 "tcp.idle_timeout.seconds=600" is ignored: '
        "the in-tree AWS cloud provider reads no listener attributes; the NLB's TCP-80 tcp.idle_timeout.seconds default "
        "5m50s applies instead"
    )


def test_classic_elb_idle_timeout_on_an_nlb(tree):
    annotations = (
        "    service.beta.kubernetes.io/aws-load-balancer-type: external\n"
        '    service.beta.kubernetes.io/aws-load-balancer-connection-idle-timeout: "600"'
    )
    ((_, line, _, text, _),) = ignored(tree, {"s.yaml": service(annotations, "LoadBalancer")})
    assert line == 8 and text.endswith(
        "it applies to Classic ELBs only; the NLB listeners' idle timeouts apply instead (TCP-80 tcp.idle_timeout.seconds 350 s (5m50s))"
    )


def test_agic_request_timeout_with_a_unit(tree):
    annotation = '    appgw.ingress.kubernetes.io/request-timeout: "60s"'
    ((_, _, _, text, _),) = ignored(tree, {"i.yaml": ingress(annotation, class_name="azure/application-gateway")})
    assert text.endswith("not a whole number of seconds: AGIC keeps 30; Application Gateway's request-timeout default 30s applies instead")


def test_gke_backend_config_timeout_the_crd_refuses(tree):
    config = "apiVersion: cloud.google.com/v1\nkind: BackendConfig\nmetadata: {name: slow, namespace: shop}\nspec:\n  timeoutSec: '300'\n"
    ((_, line, _, text, _),) = ignored(tree, {"b.yaml": config})
    assert (line, text) == (
        5,
        'spec.timeoutSec "300" is ignored: not an integer: the CRD refuses it; GKE\'s timeoutSec default 30s applies instead',
    )


# -- Traefik, Gateway API, Istio -------------------------------------------------------------------


def test_traefik_servers_transport_value_that_becomes_zero(tree):
    transport = (
        "apiVersion: traefik.io/v1alpha1\nkind: ServersTransport\nmetadata: {name: slow, namespace: shop}\n"
        "spec:\n  forwardingTimeouts:\n    dialTimeout: ten seconds\n"
    )
    ((_, line, column, text, _),) = ignored(tree, {"t.yaml": transport})
    assert (line, column) == (6, 5)
    assert text == (
        'forwardingTimeouts.dialTimeout "ten seconds" is ignored: neither a duration nor a whole number of seconds: Traefik '
        "logs an error and sets 0; 0 applies instead: no dialTimeout limit at all (not even Traefik's default 30s)"
    )


ROUTE = """apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {{name: reports, namespace: shop}}
spec:
  parentRefs: [{{name: gw}}]
  rules:
    - backendRefs: [{{name: export-api, port: 80}}]
      timeouts:
{timeouts}"""
GATEWAY = (
    "apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: {{name: gw, namespace: shop}}\nspec: {{gatewayClassName: {name}}}\n"
)


def test_gateway_api_value_the_api_server_refuses(tree):
    files = {"r.yaml": ROUTE.format(timeouts="        request: 90\n"), "g.yaml": GATEWAY.format(name="other")}
    ((_, line, _, text, _),) = ignored(tree, files)
    assert (line, text) == (
        9,
        'timeouts.request "90" is ignored: it has no unit: write "90s" or "90ms", so the API server refuses the HTTPRoute; '
        "none of HTTPRoute shop/reports applies until it is fixed",
    )


def test_istio_zero_backend_request(tree):
    files = {"r.yaml": ROUTE.format(timeouts="        request: 5m\n        backendRequest: 0s\n"), "g.yaml": GATEWAY.format(name="istio")}
    ((_, line, _, text, related),) = ignored(tree, files)
    assert (line, text) == (10, 'timeouts.backendRequest "0s" is ignored: Istio skips a zero duration; timeouts.request 5m applies instead')
    assert related == [("r.yaml", 9)]


def test_istio_per_try_timeout_without_retries(tree):
    virtual_service = """apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reports, namespace: shop}
spec:
  hosts: [reports]
  http:
    - timeout: 5m
      retries: {attempts: 0, perTryTimeout: 30s}
      route: [{destination: {host: reports}}]
"""
    ((_, line, column, text, related),) = ignored(tree, {"vs.yaml": virtual_service})
    assert (line, column) == (8, 30)
    assert text == (
        'retries.perTryTimeout "30s" is ignored: retries.attempts is 0, so Istio sets no retry policy; '
        "the route timeout 5m applies instead, to every try"
    )
    assert related == [("vs.yaml", 7)]
