"""AWS load balancers: ALB attributes on Ingresses and IngressGroups, Classic ELB and NLB annotations on Services."""

from __future__ import annotations

import pytest

from timeout_lint.model import Kind, Side
from timeout_lint.parsers.aws import string_map

APP = """apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop, annotations: {timeout-lint/worst-case-response: "2m"}}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec: {containers: [{name: api, image: api}]}
---
apiVersion: v1
kind: Service
metadata: {name: api, namespace: shop}
spec:
  selector: {app: api}
  ports: [{name: http, port: 80}]
"""
ALB = """apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: {name}
  namespace: shop
  annotations:
{annotations}
spec:
  ingressClassName: alb
  defaultBackend: {{service: {{name: api, port: {{number: 80}}}}}}
"""
LB_SERVICE = """apiVersion: v1
kind: Service
metadata:
  name: api-public
  namespace: shop
  annotations:
{annotations}
spec:
  type: {type}
{extra}  selector: {{app: api}}
  ports:
    - {{name: http, port: 80, targetPort: 8080}}
    - {{name: https, port: 443, targetPort: 8080}}
"""


def alb(annotations: str = "    x: y", name: str = "public") -> str:
    return ALB.format(name=name, annotations=annotations)


def lb_service(annotations: str, type_: str = "LoadBalancer", extra: str = "") -> str:
    return LB_SERVICE.format(annotations=annotations, type=type_, extra=extra)


def only_hop(report):
    (path,) = report.paths
    return path.hops[0]


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("a=b,c=d", {"a": "b", "c": "d"}),
        (" a=b , c=d=e ,", {"a": "b", "c": "d=e"}),
        ("", {}),
        ("a", None),
        ("=b", None),
    ],
)
def test_string_map_as_the_controller_splits_it(raw, expected):
    assert string_map(raw) == expected


def test_alb_idle_timeout_from_load_balancer_attributes(tree):
    report = tree(
        {
            "app.yaml": APP,
            "alb.yaml": alb(
                "    alb.ingress.kubernetes.io/load-balancer-attributes: routing.http2.enabled=true,idle_timeout.timeout_seconds=90"
            ),
        }
    )
    hop = only_hop(report)
    idle, pool = hop.timeouts
    # the same setting is the ALB's keep-alive towards the targets (for TL202)
    assert (pool.kind, pool.side, pool.seconds, pool.location) == (Kind.KEEPALIVE, Side.UPSTREAM, 90.0, idle.location)
    assert (hop.system, idle.kind, idle.side, idle.seconds, idle.raw, idle.unit, idle.explicit) == (
        "AWS ALB",
        Kind.IDLE,
        Side.BOTH,
        90.0,
        "90",
        "s",
        True,
    )
    assert (idle.location.line, idle.location.column) == (7, 5)
    assert [(f.code, f.location.file, f.location.line) for f in report.findings] == [("TL101", "alb.yaml", 7)]


def test_each_idle_timeout_annotation_carries_its_end_of_line_comment(tree):
    alb_report = tree(
        {
            "app.yaml": APP,
            "alb.yaml": alb("    alb.ingress.kubernetes.io/load-balancer-attributes: idle_timeout.timeout_seconds=90  # 90 s for uploads"),
        }
    )
    assert only_hop(alb_report).timeouts[0].comment == "90 s for uploads"
    elb_report = tree({"lb.yaml": lb_service('    service.beta.kubernetes.io/aws-load-balancer-connection-idle-timeout: "90" # elb')})
    elb = next(p for p in elb_report.paths if p.hops[0].system == "AWS Classic ELB")
    assert elb.hops[0].timeouts[0].comment == "elb"
    nlb_report = tree(
        {
            "lb.yaml": lb_service(
                "    service.beta.kubernetes.io/aws-load-balancer-type: external\n"
                "    service.beta.kubernetes.io/aws-load-balancer-listener-attributes.TCP-443: tcp.idle_timeout.seconds=600 # ten minutes"
            ),
        }
    )
    by_entry = {p.entry: p.hops[0].timeouts[0] for p in nlb_report.paths}
    assert by_entry["load balancer of Service shop/api-public port 443"].comment == "ten minutes"
    assert by_entry["load balancer of Service shop/api-public port 80"].comment is None  # the default


def test_alb_default_is_60_seconds_at_the_ingress(tree):
    report = tree({"app.yaml": APP, "alb.yaml": alb()})
    idle = only_hop(report).timeout(Kind.IDLE)
    assert (idle.seconds, idle.explicit, idle.location.line) == (60.0, False, 2)
    assert idle.advice(120) == (
        "set idle_timeout.timeout_seconds in the annotation alb.ingress.kubernetes.io/load-balancer-attributes "
        "on Ingress shop/public to more than 120 (seconds, at most 4000)"
    )
    assert [f.code for f in report.findings] == ["TL102"]


@pytest.mark.parametrize(
    "annotation",
    [
        "    alb.ingress.kubernetes.io/load-balancer-attributes: idle_timeout.timeout_seconds=5000",  # above AWS's 4000
        "    alb.ingress.kubernetes.io/load-balancer-attributes: idle_timeout.timeout_seconds=10m",
        "    alb.ingress.kubernetes.io/load-balancer-attributes: idle_timeout.timeout_seconds",  # not key=value
        '    alb.ingress.kubernetes.io/connection-idle-timeout: "600"',  # no such annotation (aws-lbc #727)
    ],
)
def test_alb_values_aws_does_not_take_leave_the_default(tree, annotation):
    idle = only_hop(tree({"app.yaml": APP, "alb.yaml": alb(annotation)})).timeout(Kind.IDLE)
    assert (idle.seconds, idle.explicit) == (60.0, False)


def test_alb_attributes_apply_to_every_ingress_of_the_group(tree):
    group = "    alb.ingress.kubernetes.io/group.name: shop\n"
    report = tree(
        {
            "app.yaml": APP,
            "a.yaml": alb(group + "    alb.ingress.kubernetes.io/load-balancer-attributes: idle_timeout.timeout_seconds=300", name="a"),
            "b.yaml": alb(group.rstrip("\n"), name="b"),
            "c.yaml": alb(name="c"),  # its own group: the default
        }
    )
    by_entry = {p.entry: p.hops[0] for p in report.paths}
    assert by_entry["Ingress shop/b"].timeouts[0].seconds == 300.0
    assert by_entry["Ingress shop/b"].timeouts[0].location.file == "a.yaml"
    assert by_entry["Ingress shop/b"].name == "ALB of IngressGroup shop"
    assert (by_entry["Ingress shop/c"].timeouts[0].seconds, by_entry["Ingress shop/c"].timeouts[0].explicit) == (60.0, False)


def test_alb_group_members_that_disagree_leave_the_timeout_unknown(tree):
    group = "    alb.ingress.kubernetes.io/group.name: shop\n    alb.ingress.kubernetes.io/load-balancer-attributes: idle_timeout.timeout_seconds="
    report = tree({"app.yaml": APP, "a.yaml": alb(group + "300", name="a"), "b.yaml": alb(group + "30", name="b")})
    for path in report.paths:
        assert path.hops[0].timeouts == ()
        assert any("set different values" in note for note in path.hops[0].notes)
    assert report.findings == ()


def test_classic_elb_idle_timeout(tree):
    report = tree(
        {
            "app.yaml": APP,
            "lb.yaml": lb_service('    service.beta.kubernetes.io/aws-load-balancer-connection-idle-timeout: "90"'),
        }
    )
    (path,) = report.paths
    assert path.entry == "load balancer of Service shop/api-public"
    (idle,) = path.hops[0].timeouts
    assert (path.hops[0].system, idle.seconds, idle.side, idle.location.line, idle.location.column) == (
        "AWS Classic ELB",
        90.0,
        Side.BOTH,
        7,
        5,
    )
    assert path.app.name == "shop/api-public"


def test_classic_elb_default_and_what_is_not_an_aws_load_balancer(tree):
    report = tree({"app.yaml": APP, "lb.yaml": lb_service('    service.beta.kubernetes.io/aws-load-balancer-internal: "true"')})
    (idle,) = report.paths[0].hops[0].timeouts
    assert (idle.seconds, idle.explicit, idle.location.line) == (60.0, False, 2)
    assert "aws-load-balancer-connection-idle-timeout on Service shop/api-public" in idle.advice(120)
    # nothing says AWS, or not a LoadBalancer: no load balancer entry
    assert tree({"app.yaml": APP, "lb.yaml": lb_service("    x: y")}).paths == ()
    assert (
        tree(
            {"app.yaml": APP, "lb.yaml": lb_service('    service.beta.kubernetes.io/aws-load-balancer-internal: "true"', "NodePort")}
        ).paths
        == ()
    )


def test_nlb_listener_attributes_per_port(tree):
    report = tree(
        {
            "app.yaml": APP,
            "lb.yaml": lb_service(
                "    service.beta.kubernetes.io/aws-load-balancer-type: external\n"
                "    service.beta.kubernetes.io/aws-load-balancer-listener-attributes.TCP-443: tcp.idle_timeout.seconds=600"
            ),
        }
    )
    by_entry = {p.entry: p.hops[0].timeouts[0] for p in report.paths}
    port_80 = by_entry["load balancer of Service shop/api-public port 80"]
    port_443 = by_entry["load balancer of Service shop/api-public port 443"]
    assert (port_80.seconds, port_80.explicit, port_80.setting) == (350.0, False, "TCP-80 tcp.idle_timeout.seconds")
    assert "listener-attributes.TCP-80 on Service shop/api-public to more than 400" in port_80.advice(400)
    assert (port_443.seconds, port_443.explicit, port_443.location.line, port_443.location.column) == (600.0, True, 8, 5)


def test_nlb_from_load_balancer_class(tree):
    report = tree(
        {
            "app.yaml": APP,
            "lb.yaml": lb_service(
                "    service.beta.kubernetes.io/aws-load-balancer-listener-attributes.TCP-80: tcp.idle_timeout.seconds=60",
                extra="  loadBalancerClass: service.k8s.aws/nlb\n",
            ),
        }
    )
    seconds = sorted(p.hops[0].timeouts[0].seconds for p in report.paths)
    assert seconds == [60.0, 350.0]
    assert {p.hops[0].system for p in report.paths} == {"AWS NLB"}


def test_in_tree_nlb_reads_no_listener_attributes_and_ignores_the_elb_annotation(tree):
    report = tree(
        {
            "app.yaml": APP,
            "lb.yaml": lb_service(
                "    service.beta.kubernetes.io/aws-load-balancer-type: nlb\n"
                '    service.beta.kubernetes.io/aws-load-balancer-connection-idle-timeout: "3600"\n'
                "    service.beta.kubernetes.io/aws-load-balancer-listener-attributes.TCP-80: tcp.idle_timeout.seconds=600"
            ),
        }
    )
    for path in report.paths:
        (idle,) = path.hops[0].timeouts
        assert (idle.seconds, idle.explicit) == (350.0, False)
        assert "in-tree cloud provider cannot change" in idle.advice(400)
        notes = " ".join(path.hops[0].notes)
        assert "applies to Classic ELBs only" in notes and "reads no listener attributes" in notes


def test_nlb_tls_listener_is_fixed_at_350_seconds(tree):
    report = tree(
        {
            "app.yaml": APP,
            "lb.yaml": lb_service(
                "    service.beta.kubernetes.io/aws-load-balancer-type: external\n"
                "    service.beta.kubernetes.io/aws-load-balancer-ssl-cert: arn:aws:acm:eu-west-1:123456789012:certificate/x\n"
                "    service.beta.kubernetes.io/aws-load-balancer-ssl-ports: https\n"
                "    service.beta.kubernetes.io/aws-load-balancer-listener-attributes.TLS-443: tcp.idle_timeout.seconds=600"
            ),
        }
    )
    by_entry = {p.entry: p.hops[0] for p in report.paths}
    tls = by_entry["load balancer of Service shop/api-public port 443"]
    assert tls.name == "NLB listener TLS-443 of Service shop/api-public"
    assert (tls.timeouts[0].seconds, tls.timeouts[0].explicit) == (350.0, False)
    assert "fixed at 350 s" in tls.timeouts[0].advice(400)
    assert by_entry["load balancer of Service shop/api-public port 80"].name == "NLB listener TCP-80 of Service shop/api-public"


def test_classic_elb_keeps_connections_to_instances_only_with_http_listeners(tree):
    def hop_of(annotations: str):
        report = tree({"app.yaml": APP, "lb.yaml": lb_service(annotations)})
        return report.paths[0].hops[0]

    tcp = hop_of('    service.beta.kubernetes.io/aws-load-balancer-connection-idle-timeout: "90"')
    assert tcp.timeout(Kind.KEEPALIVE) is None  # a TCP listener passes connections through
    http = hop_of(
        '    service.beta.kubernetes.io/aws-load-balancer-connection-idle-timeout: "90"\n'
        "    service.beta.kubernetes.io/aws-load-balancer-backend-protocol: http"
    )
    assert (http.timeout(Kind.KEEPALIVE).seconds, http.timeout(Kind.KEEPALIVE).side) == (90.0, Side.UPSTREAM)
