"""The corpus files of ingress-nginx, the AWS Load Balancer Controller, ingress-gce, the GKE recipes and AGIC.

Linted together: no traceback, every system modelled, and what the files say read the way the
controllers read it.
"""

from __future__ import annotations

import os

import pytest

from tests.conftest import SHARED
from timeout_lint.lint import LintOptions, lint
from timeout_lint.model import Kind

CORPUS = SHARED / "corpus"
REPOSITORIES = (
    "kubernetes__ingress-nginx/",
    "kubernetes-sigs__aws-load-balancer-controller/",
    "kubernetes__ingress-gce/",
    "GoogleCloudPlatform__gke-networking-recipes/",
    "Azure__application-gateway-kubernetes-ingress/",
)

if not CORPUS.is_dir():
    if os.environ.get("TIMEOUT_LINT_REQUIRE_SHARED"):
        raise RuntimeError(f"{CORPUS} is missing; CI must run with ../shared beside the clone")
    pytest.skip("../shared/corpus is not beside this clone", allow_module_level=True)


@pytest.fixture(scope="module")
def report():
    files = []
    with open(CORPUS / "INDEX.tsv") as handle:
        for line in handle:
            name, kind = line.rstrip("\n").split("\t")[:2]
            if kind == "k8s-yaml" and name.startswith(REPOSITORIES) and (CORPUS / name).is_file():
                files.append(name)
    assert len(files) > 200
    return lint(LintOptions(paths=tuple(files), cwd=str(CORPUS)))


def hops(report, system):
    return [(path, hop) for path in report.paths for hop in path.hops if hop.system == system]


def lint_files(*names: str):
    return lint(LintOptions(paths=names, cwd=str(CORPUS)))


NGINX_AWS = "kubernetes__ingress-nginx/deploy/static/provider/aws/deploy.yaml"
NGINX_NLB_TLS = "kubernetes__ingress-nginx/deploy/static/provider/aws/nlb-with-tls-termination/deploy.yaml"
NGINX_CUSTOM_CONFIG = "kubernetes__ingress-nginx/docs/examples/customization/custom-configuration/configmap.yaml"
NGINX_INGRESS = "kubernetes__ingress-nginx/docs/examples/auth/client-certs/ingress.yaml"


def test_lints_without_a_traceback_and_models_every_system(report):
    assert report.unreadable == ()
    found = {hop.system for path in report.paths for hop in path.hops}
    assert {"ingress-nginx", "AWS NLB", "AWS ALB", "GKE Ingress", "Azure Application Gateway"} <= found


def test_the_controller_reads_the_config_map_its_flag_names():
    # deploy.yaml's controller runs with --configmap=$(POD_NAMESPACE)/ingress-nginx-controller, whose data is empty
    report = lint_files(NGINX_AWS, NGINX_INGRESS)
    (_, hop), *_ = hops(report, "ingress-nginx")
    read = next(t for t in hop.timeouts if t.setting == "proxy-read-timeout")
    assert (read.seconds, read.explicit, read.location.file) == (60.0, False, NGINX_INGRESS)
    # the NLB in front of the controller: an entry per listener, each leading into the Ingress
    assert sorted(p.entry for p in report.paths) == [
        "load balancer of Service ingress-nginx/ingress-nginx-controller port 443",
        "load balancer of Service ingress-nginx/ingress-nginx-controller port 80",
    ]


def test_without_a_controller_the_well_known_config_map_counts():
    report = lint_files(NGINX_CUSTOM_CONFIG, NGINX_INGRESS)
    ((_, hop),) = hops(report, "ingress-nginx")
    read = next(t for t in hop.timeouts if t.setting == "proxy-read-timeout")
    assert (read.seconds, read.explicit, read.location.file, read.location.line) == (120.0, True, NGINX_CUSTOM_CONFIG, 11)


def test_config_maps_that_disagree_are_not_guessed_between():
    # the same ConfigMap (ingress-nginx/ingress-nginx-controller) empty in deploy.yaml, read 120 in the example
    report = lint_files(NGINX_AWS, NGINX_CUSTOM_CONFIG, NGINX_INGRESS)
    for _, hop in hops(report, "ingress-nginx"):
        assert not [t for t in hop.timeouts if t.setting == "proxy-read-timeout"]
        (note,) = [n for n in hop.notes if n.startswith("proxy-read-timeout unknown")]
        assert f"not set in ConfigMap ingress-nginx/ingress-nginx-controller at {NGINX_AWS}:324:1" in note
        assert f'"120" in ConfigMap ingress-nginx/ingress-nginx-controller at {NGINX_CUSTOM_CONFIG}:2:1' in note


def test_the_nlb_in_front_of_ingress_nginx_ignores_the_classic_elb_annotation():
    nlb = [hop for _, hop in hops(lint_files(NGINX_NLB_TLS), "AWS NLB")]
    assert sorted(hop.name for hop in nlb) == [
        "NLB listener TCP-80 of Service ingress-nginx/ingress-nginx-controller",
        "NLB listener TLS-443 of Service ingress-nginx/ingress-nginx-controller",
    ]
    for hop in nlb:
        assert (hop.timeouts[0].seconds, hop.timeouts[0].explicit) == (350.0, False)
        assert (
            'service.beta.kubernetes.io/aws-load-balancer-connection-idle-timeout "60" is ignored: it applies to Classic ELBs only'
            in hop.notes
        )


def test_a_backend_config_with_only_a_health_check_leaves_the_30_second_default_at_it():
    name = "GoogleCloudPlatform__gke-networking-recipes/ingress/single-cluster/ingress-custom-http-health-check/custom-http-hc-ingress.yaml"
    ((_, hop),) = hops(lint_files(name), "GKE Ingress")
    timeout = hop.timeout(Kind.TOTAL)
    assert (timeout.seconds, timeout.explicit, timeout.location.line) == (30.0, False, 34)  # the BackendConfig hc-test
    assert timeout.advice(60) == "set spec.timeoutSec on BackendConfig default/hc-test to more than 60 (seconds)"


def test_class_less_gke_recipes_are_not_assumed_to_be_gke():
    name = "GoogleCloudPlatform__gke-networking-recipes/ingress/single-cluster/ingress-asm-multi-backendconfig/istio-ingressgateway-service.yaml"
    report = lint_files(name)
    assert report.paths and all(p.hops[0].system == "ingress controller (no class)" for p in report.paths)
