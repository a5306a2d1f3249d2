"""--cluster: objects read through the Kubernetes API, linted with the same model as files.

No cluster runs in CI: tests/fake_apiserver.py answers the list requests the way kube-apiserver does,
and each test writes a kubeconfig that points at it.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from urllib.parse import unquote

import pytest
import yaml

from tests.conftest import FIXTURES, REPO, write_tree
from tests.fake_apiserver import REAL_RESOURCES, FakeApiServer, Served, serving_everything_read
from timeout_lint.cli import main
from timeout_lint.cluster import CLUSTER_RESOURCES, ClusterError, ClusterOptions, ClusterResource, object_uri, read_cluster
from timeout_lint.lint import LintOptions, lint
from timeout_lint.model import Location
from timeout_lint.parsers.kubernetes import CUSTOM_RESOURCES

INCIDENT = FIXTURES / "kong-csv-export"
INCIDENT_FIXED = FIXTURES / "kong-csv-export-fixed-kongingress"
#: a cluster with every system's CRDs but Kong's
WITHOUT_KONG = {key: served for key, served in serving_everything_read().items() if served.group != "configuration.konghq.com"}


def manifests(*roots) -> list[dict]:
    return [
        doc
        for root in roots
        for path in sorted(root.rglob("*.yaml"))
        if path.name != ".timeout-lint.yaml"
        for doc in yaml.safe_load_all(path.read_text())
        if doc
    ]


def in_namespace(docs: list[dict], namespace: str) -> list[dict]:
    out = json.loads(json.dumps(docs))
    for doc in out:
        doc["metadata"]["namespace"] = namespace
    return out


@pytest.fixture
def cluster(tmp_path, monkeypatch):
    """``api, kubeconfig = cluster(manifests, **server_options)``; the working directory is an empty tmp dir."""
    servers = []
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("KUBECONFIG", raising=False)

    def start(docs, context="kind-shop", namespace="shop", **options):
        api = FakeApiServer(docs, **options).__enter__()
        servers.append(api)
        return api, str(api.kubeconfig(tmp_path / f"kubeconfig-{len(servers)}", context, namespace))

    yield start
    for api in servers:
        api.__exit__(None, None, None)


def lint_cluster(kubeconfig, *paths, cwd=None, **cluster_options):
    options = ClusterOptions(kubeconfig=kubeconfig, **cluster_options)
    return lint(LintOptions(paths=paths, cwd=str(cwd or os.getcwd()), cluster=options))


# -- the first incident, from the cluster ---------------------------------------------------------


def test_first_incident_from_the_cluster_gives_the_fixtures_findings(cluster):
    api, kubeconfig = cluster(manifests(INCIDENT))
    from_cluster = lint_cluster(kubeconfig)
    from_files = lint(LintOptions(paths=(".",), cwd=str(INCIDENT)))
    assert from_files.findings and len(from_cluster.findings) == len(from_files.findings)
    for live, static in zip(from_cluster.findings, from_files.findings, strict=True):
        assert (live.code, live.severity, live.message) == (static.code, static.severity, static.message)
        assert [r.message for r in live.related] == [r.message for r in static.related]
        assert [r.location.pointer for r in live.related] == [r.location.pointer for r in static.related]
    (finding,) = from_cluster.findings
    # the default is anchored at the object (the file's `kind:` line), the worst case at its annotation
    assert finding.location == Location("cluster://kind-shop/shop/Service/export-api", 1, 1, "")
    assert finding.related[0].location == Location(
        "cluster://kind-shop/shop/Service/export-api", 1, 1, "metadata.annotations.timeout-lint/worst-case-response"
    )
    assert [p.describe() for p in from_cluster.paths] == [p.describe() for p in from_files.paths]
    assert (from_cluster.objects_read, from_cluster.files_read) == (3, 0)


def test_first_incident_text_output(cluster, capsys):
    _, kubeconfig = cluster(manifests(INCIDENT))
    assert main(["--cluster", "--kubeconfig", kubeconfig]) == 1
    assert capsys.readouterr().out.splitlines() == [
        "cluster://kind-shop/shop/Service/export-api:1:1: TL102 error: Kong read_timeout is not set and its default 60s (idle timeout "
        "between reads) is shorter than the worst case 2m of Service shop/export-api; set the annotation konghq.com/read-timeout on "
        'Service shop/export-api to more than "120000" (milliseconds); path: Ingress shop/reports -> Kong (read_timeout default 60s) '
        "-> Service shop/export-api (worst case 2m)",
        "    cluster://kind-shop/shop/Service/export-api#metadata.annotations.timeout-lint/worst-case-response:1:1: worst case of "
        "Service shop/export-api declared here",
        "Found 1 error in 3 cluster objects (1 request path checked).",
    ]


def test_first_incident_json_output(cluster, capsys):
    _, kubeconfig = cluster(manifests(INCIDENT))
    assert main(["--cluster", "--kubeconfig", kubeconfig, "--format", "json"]) == 1
    document = json.loads(capsys.readouterr().out)
    (finding,) = document["findings"]
    assert {k: finding[k] for k in ("rule", "path", "line", "column")} == {
        "rule": "TL102",
        "path": "cluster://kind-shop/shop/Service/export-api",
        "line": 1,
        "column": 1,
    }
    assert finding["related"][0]["pointer"] == "metadata.annotations.timeout-lint/worst-case-response"
    assert document["summary"]["cluster_objects"] == 3 and document["summary"]["files"] == 0


def test_kongingress_from_the_cluster_with_the_repositorys_project_file(cluster, tmp_path, capsys):
    """The fixed variant: KongIngress proxy timeouts (KIC 2.12 declared in the repository's .timeout-lint.yaml)."""
    (tmp_path / ".timeout-lint.yaml").write_text((INCIDENT_FIXED / ".timeout-lint.yaml").read_text())
    api, kubeconfig = cluster(manifests(INCIDENT_FIXED))
    from_files = lint(LintOptions(paths=(".",), cwd=str(INCIDENT_FIXED)))
    assert main(["--cluster", "--kubeconfig", kubeconfig]) == 0
    out = capsys.readouterr().out.splitlines()
    (static,) = from_files.findings
    (related,) = static.related
    assert out == [
        f"cluster://kind-shop/shop/Service/export-api#metadata.annotations.konghq.com/override:1:1: TL301 warning: {static.message}",
        f"    cluster://kind-shop/shop/KongIngress/export-timeouts#proxy:1:1: {related.message}",
        "Found 0 errors, 1 warning in 1 file and 4 cluster objects (1 request path checked).",
    ]
    assert "/apis/configuration.konghq.com/v1/namespaces/shop/kongingresses?limit=500" in api.requests


# -- what is read, and how ------------------------------------------------------------------------


def test_requests_cover_every_kind_in_the_contexts_namespace(cluster):
    api, kubeconfig = cluster([])
    lint_cluster(kubeconfig)
    assert [unquote(r) for r in api.requests] == [  # client versions differ in which characters they escape
        "/apis/networking.k8s.io/v1/namespaces/shop/ingresses?limit=500",
        "/apis/networking.k8s.io/v1/ingressclasses?limit=500",
        "/api/v1/namespaces/shop/services?limit=500",
        "/apis/apps/v1/namespaces/shop/deployments?limit=500",
        "/apis/apps/v1/namespaces/shop/statefulsets?limit=500",
        "/apis/apps/v1/namespaces/shop/daemonsets?limit=500",
        "/api/v1/namespaces/shop/configmaps?labelSelector=app.kubernetes.io/component=controller&limit=500",
        "/apis/configuration.konghq.com/v1/namespaces/shop/kongingresses?limit=500",
        "/apis/configuration.konghq.com/v1beta1/namespaces/shop/kongupstreampolicies?limit=500",
        "/apis/gateway.networking.k8s.io/v1/gatewayclasses?limit=500",
        "/apis/gateway.networking.k8s.io/v1/namespaces/shop/gateways?limit=500",
        "/apis/gateway.networking.k8s.io/v1/namespaces/shop/httproutes?limit=500",
        "/apis/networking.istio.io/v1/namespaces/shop/virtualservices?limit=500",
        "/apis/networking.istio.io/v1/namespaces/shop/destinationrules?limit=500",
        "/apis/networking.istio.io/v1/namespaces/shop/gateways?limit=500",
        "/apis/traefik.io/v1alpha1/namespaces/shop/ingressroutes?limit=500",
        "/apis/traefik.io/v1alpha1/namespaces/shop/serverstransports?limit=500",
        "/apis/traefik.containo.us/v1alpha1/namespaces/shop/ingressroutes?limit=500",
        "/apis/traefik.containo.us/v1alpha1/namespaces/shop/serverstransports?limit=500",
        "/apis/cloud.google.com/v1/namespaces/shop/backendconfigs?limit=500",
    ]


def shop_and_billing() -> list[dict]:
    return in_namespace(manifests(INCIDENT), "shop") + in_namespace(manifests(INCIDENT), "billing")


def read_objects(kubeconfig, **options) -> list[str]:
    return [item.name for item in read_cluster(ClusterOptions(kubeconfig=kubeconfig, **options)).inputs]


def test_namespace_defaults_to_the_contexts(cluster):
    _, kubeconfig = cluster(shop_and_billing())
    assert read_objects(kubeconfig) == [
        "cluster://kind-shop/shop/Ingress/reports",
        "cluster://kind-shop/shop/Service/export-api",
        "cluster://kind-shop/shop/Deployment/export-api",
    ]


def test_context_without_a_namespace_reads_default(cluster):
    api, kubeconfig = cluster(shop_and_billing(), namespace=None)
    assert read_objects(kubeconfig) == []
    assert "/api/v1/namespaces/default/services?limit=500" in api.requests


def test_namespace_flags_choose_namespaces(cluster):
    _, kubeconfig = cluster(shop_and_billing())
    assert read_objects(kubeconfig, namespaces=("billing",)) == [
        "cluster://kind-shop/billing/Ingress/reports",
        "cluster://kind-shop/billing/Service/export-api",
        "cluster://kind-shop/billing/Deployment/export-api",
    ]
    both = read_objects(kubeconfig, namespaces=("shop", "billing"))
    assert len(both) == 6 and {name.split("/")[3] for name in both} == {"shop", "billing"}


def test_all_namespaces_lists_cluster_wide(cluster):
    api, kubeconfig = cluster(shop_and_billing())
    report = lint_cluster(kubeconfig, all_namespaces=True)
    assert sorted(str(f.location) for f in report.findings) == [
        "cluster://kind-shop/billing/Service/export-api:1:1",
        "cluster://kind-shop/shop/Service/export-api:1:1",
    ]
    assert "/apis/networking.k8s.io/v1/ingresses?limit=500" in api.requests
    assert "/api/v1/services?limit=500" in api.requests
    assert not any("/namespaces/" in r for r in api.requests)


def test_cli_namespace_and_all_namespaces_exclude_each_other(capsys):
    assert main(["--cluster", "-n", "shop", "-A"]) == 2
    assert "not allowed with argument" in capsys.readouterr().err


def test_cluster_flags_without_cluster_are_a_usage_error(capsys):
    assert main(["--namespace", "shop", "--context", "prod", "."]) == 2
    assert capsys.readouterr().err == "timeout-lint: error: --context, --namespace require --cluster\n"


def test_large_lists_are_read_in_pages(cluster):
    services = [
        {"apiVersion": "v1", "kind": "Service", "metadata": {"name": f"api-{i}", "namespace": "shop"}, "spec": {"ports": [{"port": 80}]}}
        for i in range(5)
    ]
    api, kubeconfig = cluster(services, page_size=2)
    assert read_objects(kubeconfig) == [f"cluster://kind-shop/shop/Service/api-{i}" for i in range(5)]
    pages = [r for r in api.requests if "/services?" in r]
    assert len(pages) == 3 and "continue=" in pages[1] and "continue=" in pages[2]


def test_objects_are_serialised_without_what_the_server_adds(cluster):
    docs = manifests(INCIDENT)
    docs[1]["metadata"]["annotations"]["note"] = "café \x85 ☕ \u2028 end"  # a NEL and a line separator: YAML line breaks
    _, kubeconfig = cluster(docs)
    inputs = {item.name: item for item in read_cluster(ClusterOptions(kubeconfig=kubeconfig)).inputs}
    service = inputs["cluster://kind-shop/shop/Service/export-api"]
    assert service.fields_only
    manifest = yaml.safe_load(service.data.decode())  # YAML reads it back
    assert (manifest["apiVersion"], manifest["kind"]) == ("v1", "Service")  # put back: list items have neither
    assert "status" not in manifest and "managedFields" not in manifest["metadata"]
    assert set(manifest["metadata"]["annotations"]) == {"timeout-lint/worst-case-response", "note"}  # no last-applied copy
    assert manifest["metadata"]["annotations"]["note"] == "café \x85 ☕ \u2028 end"
    assert manifest["spec"]["clusterIP"]  # what the server set in spec stays


def test_context_names_with_slashes_stay_one_uri_segment():
    context = "arn:aws:eks:eu-west-1:123456789012:cluster/prod"
    assert object_uri(context, "Service", "api", "shop") == "cluster://arn:aws:eks:eu-west-1:123456789012:cluster%2Fprod/shop/Service/api"
    assert object_uri("prod", "IngressClass", "kong") == "cluster://prod/IngressClass/kong"
    assert object_uri("prod", "KongIngress", namespace="*") == "cluster://prod/*/KongIngress"


def test_combined_with_a_repository_nginx_in_front(cluster, tmp_path, capsys):
    write_tree(
        tmp_path,
        {
            "nginx/nginx.conf": "http {\n  server {\n    location / {\n      proxy_pass http://export-api.shop.svc.cluster.local;\n      proxy_read_timeout 90s;\n    }\n  }\n}\n"
        },
    )
    _, kubeconfig = cluster(manifests(INCIDENT))
    assert main(["--cluster", "--kubeconfig", kubeconfig, "nginx"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("cluster://kind-shop/shop/Service/export-api:1:1: TL102 error: Kong read_timeout is not set")
    assert out[2] == (
        "nginx/nginx.conf:5:7: TL101 error: nginx proxy_read_timeout 90s (idle timeout between reads) is shorter than the worst case 2m "
        "of Service shop/export-api; path: nginx location / (server _) -> nginx (proxy_read_timeout 90s) -> Service shop/export-api "
        "(worst case 2m)"
    )
    assert out[3] == (
        "    cluster://kind-shop/shop/Service/export-api#metadata.annotations.timeout-lint/worst-case-response:1:1: worst case of "
        "Service shop/export-api declared here"
    )
    assert out[-1] == "Found 2 errors in 1 file and 3 cluster objects (2 request paths checked)."


def test_combined_with_standard_input(cluster):
    """The Ingress from `helm template` on standard input, the Service it names in the cluster."""
    import io

    docs = manifests(INCIDENT)
    _, kubeconfig = cluster([d for d in docs if d["kind"] != "Ingress"])
    ingress = (INCIDENT / "k8s" / "ingress.yaml").read_bytes()
    options = ClusterOptions(kubeconfig=kubeconfig)
    report = lint(LintOptions(paths=("-",), cwd=os.getcwd(), stdin=io.BytesIO(ingress), cluster=options))
    (finding,) = report.findings
    assert finding.location.file == "cluster://kind-shop/shop/Service/export-api"
    assert report.paths[0].entry_location.file == "<stdin>"


# -- what cannot be read --------------------------------------------------------------------------

READ_ALL_BUT_KONG = {
    "rules": [
        {"apiGroups": [""], "resources": ["services", "configmaps"], "verbs": ["list"]},
        {"apiGroups": ["apps"], "resources": ["deployments", "statefulsets", "daemonsets"], "verbs": ["get", "list", "watch"]},
        {"apiGroups": ["networking.k8s.io"], "resources": ["*"], "verbs": ["list"]},
        {
            "apiGroups": ["gateway.networking.k8s.io", "networking.istio.io", "traefik.io", "traefik.containo.us", "cloud.google.com"],
            "resources": ["*"],
            "verbs": ["list"],
        },
    ]
}


def test_forbidden_list_is_a_warning_and_the_rest_is_linted(cluster):
    _, kubeconfig = cluster(manifests(INCIDENT_FIXED), cluster_role=READ_ALL_BUT_KONG)
    report = lint_cluster(kubeconfig)
    assert [(f.code, str(f.location)) for f in report.findings] == [
        ("TL011", "cluster://kind-shop/shop/KongIngress:1:1"),
        ("TL011", "cluster://kind-shop/shop/KongUpstreamPolicy:1:1"),
        # the KongIngress that would have set the timeouts was not read: the default applies in the model
        ("TL102", "cluster://kind-shop/shop/Service/export-api:1:1"),
    ]
    assert report.findings[0].message == (
        'cannot list KongIngress in namespace shop: kongingresses.configuration.konghq.com is forbidden: User "system:serviceaccount:ci:'
        'timeout-lint" cannot list resource "kongingresses" in API group "configuration.konghq.com" in the namespace "shop" '
        "(403 Forbidden); they are not checked (timeout-lint needs list on kongingresses.configuration.konghq.com)"
    )


def test_forbidden_cluster_wide_list(cluster):
    role = {"rules": [{"apiGroups": ["*"], "resources": ["*"], "verbs": ["list"]}]}
    role["rules"][0]["resources"] = [
        "ingresses", "services", "deployments", "statefulsets", "daemonsets", "configmaps", "kongingresses", "kongupstreampolicies",
        "gatewayclasses", "gateways", "httproutes", "virtualservices", "destinationrules", "ingressroutes", "serverstransports",
        "backendconfigs",
    ]  # fmt: skip
    _, kubeconfig = cluster([], cluster_role=role)
    (problem,) = read_cluster(ClusterOptions(kubeconfig=kubeconfig, all_namespaces=True)).problems
    assert problem.location == Location("cluster://kind-shop/IngressClass", 1, 1)
    assert problem.message.startswith("cannot list IngressClass: ingressclasses.networking.k8s.io is forbidden: User ")
    assert "at the cluster scope (403 Forbidden)" in problem.message


def test_missing_crd_group_is_one_warning(cluster, capsys):
    """No Kong on this cluster: /apis/configuration.konghq.com/v1 answers `404 page not found`."""
    api, kubeconfig = cluster(manifests(INCIDENT), resources=WITHOUT_KONG)
    assert main(["--cluster", "--kubeconfig", kubeconfig]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0] == (
        "cluster://kind-shop:1:1: TL012 info: not served by this cluster, so not read: KongIngress (configuration.konghq.com/v1), "
        "KongUpstreamPolicy (configuration.konghq.com/v1beta1) (a custom resource whose CRD is not installed, or an API version it lacks)"
    )
    assert out[1].startswith("cluster://kind-shop/shop/Service/export-api:1:1: TL102 error:")
    assert out[3] == "Found 1 error, 1 info in 3 cluster objects (1 request path checked)."


def test_missing_crd_is_asked_for_once_however_many_namespaces(cluster):
    api, kubeconfig = cluster([], resources=WITHOUT_KONG)
    read = read_cluster(ClusterOptions(kubeconfig=kubeconfig, namespaces=("shop", "billing", "ops")))
    assert len(read.problems) == 1
    assert sum("kongingresses" in r for r in api.requests) == 1


def test_a_later_version_is_tried_when_the_first_is_not_served(cluster):
    """A row lists versions preferred first; a 404 (plain, or a NotFound Status) moves to the next."""
    resources = {**serving_everything_read(), "KongIngress": Served("configuration.konghq.com", "v1beta1", "kongingresses", True, True)}
    docs = [{"apiVersion": "configuration.konghq.com/v1beta1", "kind": "KongIngress", "metadata": {"name": "k", "namespace": "shop"}}]
    api, kubeconfig = cluster(docs, resources=resources)
    rows = (
        ClusterResource("KongIngress", "configuration.konghq.com", ("v1", "v1beta1"), "kongingresses"),
        ClusterResource("Ingress", "networking.k8s.io", ("v1alpha9", "v1"), "ingresses"),  # a served group, an unknown version
        ClusterResource("Widget", "networking.k8s.io", ("v1",), "widgets"),  # a served group/version, no such resource
    )
    read = read_cluster(ClusterOptions(kubeconfig=kubeconfig), rows)
    assert [item.name for item in read.inputs] == ["cluster://kind-shop/shop/KongIngress/k"]
    assert json.loads(read.inputs[0].data)["apiVersion"] == "configuration.konghq.com/v1beta1"
    (problem,) = read.problems
    assert "Widget (networking.k8s.io/v1)" in problem.message and "KongIngress" not in problem.message


def test_server_errors_are_warnings(cluster, monkeypatch):
    api, kubeconfig = cluster(manifests(INCIDENT))
    original = api.answer

    def failing(target, authorization):
        if "/deployments" in target:
            return api._status(500, "InternalError", "etcdserver: request timed out")
        if "/statefulsets" in target:
            return 200, "application/json", b"<html>proxy error</html>"
        return original(target, authorization)

    monkeypatch.setattr(api, "answer", failing)
    read = read_cluster(ClusterOptions(kubeconfig=kubeconfig))
    assert [p.message for p in read.problems] == [
        "cannot list Deployment in namespace shop: etcdserver: request timed out (500 Internal Server Error); they are not checked",
        "cannot list StatefulSet in namespace shop: the answer is not a Kubernetes list (Expecting value: line 1 column 1 (char 0)); "
        "they are not checked",
    ]
    assert len(read.inputs) == 2  # the Ingress and the Service


# -- a cluster that cannot be used: usage errors ----------------------------------------------------


def test_no_kubeconfig(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("KUBECONFIG", str(tmp_path / "missing"))
    assert main(["--cluster"]) == 2
    assert (
        capsys.readouterr().err
        == f"timeout-lint: error: --cluster: no kubeconfig at {tmp_path / 'missing'} (set KUBECONFIG or pass --kubeconfig)\n"
    )


def test_kubeconfig_from_the_environment(cluster, monkeypatch):
    _, kubeconfig = cluster(manifests(INCIDENT))
    monkeypatch.setenv("KUBECONFIG", os.pathsep.join(["/nonexistent/config", kubeconfig]))
    assert len(read_objects(None)) == 3


def test_unknown_context(cluster, capsys):
    _, kubeconfig = cluster([])
    assert main(["--cluster", "--kubeconfig", kubeconfig, "--context", "prod"]) == 2
    assert (
        capsys.readouterr().err == f"timeout-lint: error: --cluster: kubeconfig {kubeconfig} has no context prod; its contexts: kind-shop\n"
    )


def test_unreachable_cluster(tmp_path, capsys):
    import socket

    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": "c", "cluster": {"server": f"https://127.0.0.1:{port}"}}],
        "users": [{"name": "u", "user": {"token": "t"}}],
        "contexts": [{"name": "prod", "context": {"cluster": "c", "user": "u"}}],
        "current-context": "prod",
    }
    (tmp_path / "kubeconfig").write_text(json.dumps(config))
    assert main(["--cluster", "--kubeconfig", str(tmp_path / "kubeconfig")]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"timeout-lint: error: --cluster: cannot reach the cluster of context prod at https://127.0.0.1:{port}: ")
    assert "Connection refused" in err and err.count("\n") == 1


def test_refused_credentials(cluster, capsys):
    api, kubeconfig = cluster([])
    api.token = "rotated"
    assert main(["--cluster", "--kubeconfig", kubeconfig]) == 2
    assert capsys.readouterr().err == (
        f"timeout-lint: error: --cluster: the cluster of context kind-shop at {api.url} refused the credentials (401 Unauthorized): "
        "Unauthorized\n"
    )
    assert len(api.requests) == 1  # nothing more is tried


def test_without_the_client_installed(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "kubernetes", None)  # import kubernetes raises ImportError
    (tmp_path / "kubeconfig").write_text("{}")
    with pytest.raises(ClusterError, match=re.escape("--cluster needs the Kubernetes client: pip install 'timeout-lint[cluster]'")):
        read_cluster(ClusterOptions(kubeconfig=str(tmp_path / "kubeconfig")))


# -- nothing of this without --cluster --------------------------------------------------------------

NO_CLUSTER_RUN = textwrap.dedent(
    """\
    import io, socket, sys
    attempts = []
    sys.addaudithook(lambda event, args: attempts.append((event, args)) if event.startswith("socket.") else None)
    sys.stdin = io.TextIOWrapper(io.BytesIO(open(sys.argv[1], "rb").read()))
    from timeout_lint.cli import main
    code = main(["fixtures/kong-csv-export", "fixtures/nginx-slow-handler", "-"])
    loaded = sorted(m for m in sys.modules if m == "kubernetes" or m.startswith(("kubernetes.", "urllib3", "timeout_lint.cluster")))
    print(code, loaded, attempts, file=sys.stderr)
    """
)


def test_without_cluster_nothing_imports_the_client_or_touches_the_network(tmp_path):
    stream = tmp_path / "stream.yaml"
    stream.write_bytes((INCIDENT_FIXED / "k8s" / "export-api.yaml").read_bytes())
    result = subprocess.run([sys.executable, "-c", NO_CLUSTER_RUN, str(stream)], cwd=REPO, capture_output=True, text=True)
    assert result.stderr.strip().splitlines()[-1] == "1 [] []", result.stderr
    assert "<stdin>" in result.stdout  # standard input was read: the run went through every input path


def test_the_audit_hook_would_see_a_connection():
    """The check above can fail: a connection attempt is an audit event it records."""
    probe = NO_CLUSTER_RUN.replace(
        "from timeout_lint.cli import main", "socket.socket().connect_ex(('127.0.0.1', 9))\nfrom timeout_lint.cli import main"
    )
    result = subprocess.run([sys.executable, "-c", probe, os.devnull], cwd=REPO, capture_output=True, text=True)
    assert "socket.connect" in result.stderr


# -- the table ------------------------------------------------------------------------------------


def test_every_custom_resource_is_read_from_clusters():
    # a CUSTOM_RESOURCES key is a kind, or "group/kind" where two groups share a kind name
    assert set(CUSTOM_RESOURCES) <= {row.kind for row in CLUSTER_RESOURCES} | {f"{row.group}/{row.kind}" for row in CLUSTER_RESOURCES}


def test_rows_name_the_apis_real_groups_and_plurals():
    for row in CLUSTER_RESOURCES:
        if row.kind in REAL_RESOURCES:
            real = REAL_RESOURCES[row.kind]
            assert (row.group, real.version in row.versions, row.plural, row.namespaced) == (real.group, True, real.plural, real.namespaced)


def test_readme_cluster_role_grants_every_list_the_cluster_mode_makes():
    readme = (REPO / "README.md").read_text()
    block = re.search(r"```yaml\n(apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\n.*?)```", readme, re.DOTALL)
    assert block is not None, "README shows no ClusterRole"
    role = yaml.safe_load(block.group(1))
    for row in CLUSTER_RESOURCES:
        assert FakeApiServer(cluster_role=role)._allowed(row.group, row.plural), (
            f"README's ClusterRole does not grant list on {row.qualified}"
        )
