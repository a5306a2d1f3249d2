"""Istio: VirtualService route timeouts and retries, DestinationRule pools, Gateways; units, defaults, positions."""

from __future__ import annotations

import math

import pytest

from timeout_lint.config import ProjectConfig
from timeout_lint.model import Kind
from timeout_lint.parse import Inventory, read_kubernetes
from timeout_lint.sources import SourceFile


def parsed(text: str, kind: str) -> tuple[list, list]:
    """The parsed objects of one custom kind, and every problem found."""
    from timeout_lint.lazy import load
    from timeout_lint.parsers.kubernetes import CUSTOM_RESOURCES

    inventory = Inventory(config=ProjectConfig())
    read_kubernetes(SourceFile("/x/m.yaml", "m.yaml", text), inventory)
    objects = [load(CUSTOM_RESOURCES[kind])(meta, doc) for meta, doc in inventory.kubernetes.custom.get(kind, [])]
    problems = list(inventory.problems) + [p for o in objects for p in getattr(o, "problems", ())]
    return objects, problems


VS = """apiVersion: networking.istio.io/{version}
kind: VirtualService
metadata:
  name: reports
  namespace: billing
spec:
  hosts: [reports]
  http:
    - name: export
      route:
        - destination:
            host: reports
            port: {{number: 80}}
      timeout: {timeout}
      retries:
        attempts: 3
        perTryTimeout: 20s
    - route:
        - destination: {{host: reports.billing.svc.cluster.local, subset: v2}}
"""


@pytest.mark.parametrize("version", ["v1", "v1beta1", "v1alpha3"])
def test_route_timeout_is_a_total_deadline_at_its_key(version):
    (vs,), problems = parsed(VS.format(version=version, timeout="1m"), "networking.istio.io/VirtualService")
    assert problems == []
    first, second = vs.http
    assert (first.timeout.seconds, first.timeout.raw, first.timeout.kind, first.timeout.explicit) == (60, "1m", Kind.TOTAL, True)
    assert (first.timeout.location.line, first.timeout.location.column) == (14, 7)
    assert first.timeout.location.pointer == "spec.http[0].timeout"
    assert first.label == "http[0] (export)" and (first.location.line, first.location.column) == (9, 7)
    assert [(d.host, d.port, d.subset, d.location.line) for d in first.destinations] == [("reports", 80, None, 12)]
    assert [(d.host, d.subset) for d in second.destinations] == [("reports.billing.svc.cluster.local", "v2")]
    assert second.timeout is None and second.retries is None  # the defaults apply (see the linker)


@pytest.mark.parametrize("raw, seconds", [("500ms", 0.5), ("10s", 10), ("1.5s", 1.5), ("2m", 120), ("1h", 3600), ('"90s"', 90)])
def test_durations_take_go_syntax(raw, seconds):
    (vs,), problems = parsed(VS.format(version="v1", timeout=raw), "networking.istio.io/VirtualService")
    assert problems == [] and vs.http[0].timeout.seconds == pytest.approx(seconds)


@pytest.mark.parametrize(
    "raw, message", [("10", "not a duration with a unit"), ('"10"', "missing unit"), ("0s", "under 1ms"), ("10x", "invalid duration")]
)
def test_invalid_durations_are_reported_at_the_value_and_ignored(raw, message):
    (vs,), problems = parsed(VS.format(version="v1", timeout=raw), "networking.istio.io/VirtualService")
    (problem,) = problems
    assert problem.rule == "invalid-configuration" and message in problem.message
    assert (problem.location.line, problem.location.column) == (14, 16)
    assert vs.http[0].timeout is None


def test_retries_attempts_and_per_try_timeout():
    (vs,), _ = parsed(VS.format(version="v1", timeout="1m"), "networking.istio.io/VirtualService")
    route = vs.http[0]
    assert (route.retries.extra_tries, route.retries.explicit, route.retries.location.line) == (3, True, 16)
    per_try = route.per_try_timeout
    assert (per_try.setting, per_try.seconds, per_try.kind, per_try.location.line, per_try.location.column) == (
        "retries.perTryTimeout",
        20,
        Kind.TOTAL,
        17,
        9,
    )


@pytest.mark.parametrize("attempts", ["", "        attempts: 0\n"])
def test_retries_without_attempts_turn_retries_off_and_per_try_timeout_with_them(attempts):
    text = VS.format(version="v1", timeout="1m").replace("        attempts: 3\n", attempts)
    (vs,), problems = parsed(text, "networking.istio.io/VirtualService")
    route = vs.http[0]
    assert problems == []
    assert route.retries.extra_tries == 0 and route.per_try_timeout is None
    assert "has no effect" in route.notes[0]


def test_gateways_mesh_and_references():
    text = VS.format(version="v1", timeout="1m").replace(
        "  hosts: [reports]\n", "  hosts: [reports]\n  gateways: [mesh, public, istio-ingress/edge]\n"
    )
    (vs,), _ = parsed(text, "networking.istio.io/VirtualService")
    assert vs.applies_to_mesh
    assert vs.gateway_refs() == [("billing", "public"), ("istio-ingress", "edge")]
    only_gateway = text.replace("[mesh, public, istio-ingress/edge]", "[public]")
    (vs,), _ = parsed(only_gateway, "networking.istio.io/VirtualService")
    assert not vs.applies_to_mesh


DR = """apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reports, namespace: billing}
spec:
  host: reports
  trafficPolicy:
    connectionPool:
      tcp:
        connectTimeout: 2s
        idleTimeout: 30m
      http:
        idleTimeout: 90s
"""


def test_destination_rule_connection_pool_kinds_and_positions():
    (rule,), problems = parsed(DR, "networking.istio.io/DestinationRule")
    assert problems == [] and rule.host == "reports" and rule.host_location.line == 5
    found = {key: (t.kind, t.seconds, t.location.line, t.location.column) for key, t in rule.pool.items()}
    assert found == {
        ("tcp", "connectTimeout"): (Kind.CONNECT, 2, 9, 9),
        ("tcp", "idleTimeout"): (Kind.KEEPALIVE, 1800, 10, 9),
        ("http", "idleTimeout"): (Kind.KEEPALIVE, 90, 12, 9),
    }


def test_every_duration_carries_its_end_of_line_comment():
    text = VS.format(version="v1", timeout="10m  # ten minutes").replace("perTryTimeout: 20s", "perTryTimeout: 20s # per try")
    (vs,), problems = parsed(text, "networking.istio.io/VirtualService")
    assert problems == []
    assert (vs.http[0].timeout.comment, vs.http[0].per_try_timeout.comment) == ("ten minutes", "per try")
    (rule,), _ = parsed(DR.replace("idleTimeout: 90s", "idleTimeout: 90s  # keep-alive"), "networking.istio.io/DestinationRule")
    assert {key: t.comment for key, t in rule.pool.items()} == {
        ("tcp", "connectTimeout"): None,
        ("tcp", "idleTimeout"): None,
        ("http", "idleTimeout"): "keep-alive",
    }


def test_only_istio_gateways_are_read_as_istio_gateways():
    text = """apiVersion: networking.istio.io/v1beta1
kind: Gateway
metadata: {name: public, namespace: istio-ingress}
spec:
  selector: {istio: ingressgateway}
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: other}
spec: {gatewayClassName: x}
"""
    (gateway,), _ = parsed(text, "networking.istio.io/Gateway")
    assert gateway.meta.name == "public" and gateway.selector == {"istio": "ingressgateway"}


def test_default_route_timeout_is_no_limit_and_envoy_15s_is_kept_apart():
    from timeout_lint.defaults import lookup

    assert math.isinf(lookup("istio", "timeout").seconds)
    assert lookup("envoy", "route timeout").seconds == 15
    assert lookup("envoy", "stream_idle_timeout").seconds == 300


def test_null_fields_are_unset_not_errors():
    text = VS.format(version="v1", timeout="null").replace("perTryTimeout: 20s", "perTryTimeout:")
    (vs,), problems = parsed(text, "networking.istio.io/VirtualService")
    assert problems == []
    assert vs.http[0].timeout is None and vs.http[0].per_try_timeout is None and vs.http[0].retries.extra_tries == 3
