"""GKE Ingress: BackendConfig timeoutSec, how a Service port finds its BackendConfig, the class annotation."""

from __future__ import annotations

import pytest

from timeout_lint.model import Kind

SERVICE = """apiVersion: v1
kind: Service
metadata:
  name: api
  namespace: shop
  annotations:
    timeout-lint/worst-case-response: "2m"
{annotations}
spec:
  selector: {{app: api}}
  ports:
    - {{name: http, port: 80, targetPort: 8080}}
    - {{name: admin, port: 9000, targetPort: 9000}}
"""
INGRESS = """apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: shop
  namespace: shop
  annotations:
{annotations}
spec:
{spec}  defaultBackend: {{service: {{name: api, port: {port}}}}}
"""
BACKEND_CONFIG = """apiVersion: {api}
kind: BackendConfig
metadata: {{name: {name}, namespace: shop}}
spec:
{spec}
"""


def service(annotations: str = "") -> str:
    return SERVICE.format(annotations=annotations)


def ingress(port: str = "{number: 80}", annotations: str = "    kubernetes.io/ingress.class: gce", spec: str = "") -> str:
    return INGRESS.format(annotations=annotations, spec=spec, port=port)


def backend_config(name: str, spec: str = "  timeoutSec: 300", api: str = "cloud.google.com/v1") -> str:
    return BACKEND_CONFIG.format(name=name, spec=spec, api=api)


def gke_hop(tree, files: dict[str, str]):
    report = tree({"ingress.yaml": ingress(), **files})
    (path,) = report.paths
    (hop,) = path.hops
    return hop, report


def test_timeout_sec_is_a_total_deadline_in_seconds_at_its_line(tree):
    hop, report = gke_hop(
        tree,
        {
            "svc.yaml": service('    cloud.google.com/backend-config: \'{"default": "slow"}\''),
            "bc.yaml": backend_config("slow", "  timeoutSec: 60\n  healthCheck: {timeoutSec: 5}"),
        },
    )
    timeout = hop.timeout(Kind.TOTAL)
    assert (hop.system, timeout.kind, timeout.seconds, timeout.raw, timeout.unit, timeout.explicit) == (
        "GKE Ingress",
        Kind.TOTAL,
        60.0,
        "60",
        "s",
        True,
    )
    assert (timeout.location.file, timeout.location.line, timeout.location.column) == ("bc.yaml", 5, 3)
    assert [(f.code, f.location.file, f.location.line) for f in report.findings] == [("TL101", "bc.yaml", 5)]


def test_timeout_sec_carries_its_end_of_line_comment(tree):
    hop, _ = gke_hop(
        tree,
        {
            "svc.yaml": service('    cloud.google.com/backend-config: \'{"default": "slow"}\''),
            "bc.yaml": backend_config("slow", "  timeoutSec: 300  # five minutes"),
        },
    )
    assert hop.timeouts[0].comment == "five minutes"


def test_no_backend_config_means_the_30_second_default_at_the_service(tree):
    hop, report = gke_hop(tree, {"svc.yaml": service()})
    timeout = hop.timeout(Kind.TOTAL)
    assert (timeout.seconds, timeout.explicit, timeout.location.file, timeout.location.line) == (30.0, False, "svc.yaml", 2)
    assert timeout.advice(120) == (
        "attach a BackendConfig with spec.timeoutSec of more than 120 (seconds) to Service shop/api port http "
        "with the annotation cloud.google.com/backend-config"
    )
    assert [f.code for f in report.findings] == ["TL102"]


def test_health_check_timeout_is_not_a_request_timeout(tree):
    hop, _ = gke_hop(
        tree,
        {
            "svc.yaml": service('    cloud.google.com/backend-config: \'{"default": "hc"}\''),
            "bc.yaml": backend_config("hc", "  healthCheck:\n    timeoutSec: 600"),
        },
    )
    timeout = hop.timeout(Kind.TOTAL)
    assert (timeout.seconds, timeout.explicit, timeout.location.file) == (30.0, False, "bc.yaml")
    assert timeout.advice(120) == "set spec.timeoutSec on BackendConfig shop/hc to more than 120 (seconds)"


@pytest.mark.parametrize(
    "refs, port, chosen",
    [
        ('{"default": "d", "ports": {"80": "by-number", "http": "by-name"}}', "{number: 80}", "by-name"),
        ('{"default": "d", "ports": {"80": "by-number", "http": "by-name"}}', "{name: http}", "by-name"),
        ('{"default": "d", "ports": {"80": "by-number"}}', "{name: http}", "by-number"),
        ('{"default": "d", "ports": {"9000": "by-number"}}', "{number: 80}", "d"),
        ('{"default": "d"}', "{number: 80}", "d"),
    ],
)
def test_port_name_then_number_then_default(tree, refs, port, chosen):
    seconds = {"by-name": 101, "by-number": 102, "d": 103}
    files = {
        "ingress.yaml": ingress(port),
        "svc.yaml": service(f"    cloud.google.com/backend-config: '{refs}'"),
        **{f"{name}.yaml": backend_config(name, f"  timeoutSec: {value}") for name, value in seconds.items()},
    }
    (path,) = tree(files).paths
    assert path.hops[0].timeouts[0].seconds == seconds[chosen]


def test_ga_annotation_wins_over_the_beta_one_and_v1beta1_reads_the_same(tree):
    hop, _ = gke_hop(
        tree,
        {
            "svc.yaml": service(
                '    beta.cloud.google.com/backend-config: \'{"default": "old"}\'\n'
                '    cloud.google.com/backend-config: \'{"default": "new"}\''
            ),
            "old.yaml": backend_config("old", "  timeoutSec: 10"),
            "new.yaml": backend_config("new", "  timeoutSec: 200", api="cloud.google.com/v1beta1"),
        },
    )
    assert hop.timeout(Kind.TOTAL).seconds == 200.0


@pytest.mark.parametrize(
    "refs, note",
    [
        ("{not json", "is not valid JSON"),
        ('["slow"]', "is not a JSON object"),
        ('{"default": "missing"}', "BackendConfig shop/missing is not in the linted files"),
    ],
)
def test_what_cannot_be_resolved_stays_unknown(tree, refs, note):
    hop, report = gke_hop(tree, {"svc.yaml": service(f"    cloud.google.com/backend-config: '{refs}'")})
    assert hop.timeout(Kind.TOTAL) is None
    assert any(note in n for n in hop.notes)
    assert report.findings == ()


@pytest.mark.parametrize("value", ['"300"', "0", "-5", "2.5"])
def test_timeout_sec_the_crd_refuses_leaves_the_default(tree, value):
    hop, _ = gke_hop(
        tree,
        {
            "svc.yaml": service('    cloud.google.com/backend-config: \'{"default": "slow"}\''),
            "bc.yaml": backend_config("slow", f"  timeoutSec: {value}"),
        },
    )
    assert (hop.timeout(Kind.TOTAL).seconds, hop.timeout(Kind.TOTAL).explicit) == (30.0, False)
    assert any("spec.timeoutSec" in n for n in hop.notes)


def test_another_groups_backend_config_kind_does_not_apply(tree):
    hop, _ = gke_hop(
        tree,
        {
            "svc.yaml": service('    cloud.google.com/backend-config: \'{"default": "slow"}\''),
            "bc.yaml": backend_config("slow", "  timeoutSec: 300", api="example.com/v1"),
        },
    )
    assert hop.timeout(Kind.TOTAL) is None and any("not in the linted files" in n for n in hop.notes)


@pytest.mark.parametrize("cls", ["gce", "gce-internal", "gce-regional-external"])
def test_gke_classes_count_only_in_the_annotation(tree, cls):
    annotated = tree({"ingress.yaml": ingress(annotations=f"    kubernetes.io/ingress.class: {cls}"), "svc.yaml": service()})
    assert annotated.paths[0].hops[0].system == "GKE Ingress"
    spec_only = tree({"ingress.yaml": ingress(annotations="    x: y", spec=f"  ingressClassName: {cls}\n"), "svc.yaml": service()})
    hop = spec_only.paths[0].hops[0]
    assert hop.system == f"ingress controller ({cls})"
    assert "only from the annotation" in hop.notes[0]


def test_class_less_ingress_is_not_assumed_to_be_gke(tree):
    report = tree({"ingress.yaml": ingress(annotations="    x: y"), "svc.yaml": service()})
    assert report.paths[0].hops[0].system == "ingress controller (no class)"


def test_the_load_balancers_backend_keepalive_is_fixed_at_600_seconds(tree):
    hop, _ = gke_hop(tree, {"svc.yaml": service("")})
    keepalive = hop.timeout(Kind.KEEPALIVE)
    assert (keepalive.seconds, keepalive.explicit, keepalive.side.value) == (600.0, False, "upstream")
