"""`-` reads manifests from standard input: helm template and kustomize build output, as files would be."""

from __future__ import annotations

import io
import subprocess
import sys
import textwrap

from tests.conftest import FIXTURES, REPO, write_tree
from timeout_lint.lint import LintOptions, lint
from timeout_lint.rendered import template_origins
from timeout_lint.sources import SourceFile

#: `helm template` output: `---` and a `# Source:` comment before every document, a List, a blank
#: document, a document that is a bare scalar, a ServiceAccount nothing reads.
HELM_STREAM = textwrap.dedent(
    """\
    ---
    # Source: shop/templates/serviceaccount.yaml
    apiVersion: v1
    kind: ServiceAccount
    metadata:
      name: export-api
    ---
    # Source: shop/templates/service.yaml
    apiVersion: v1
    kind: Service
    metadata:
      name: export-api
      namespace: shop
      annotations:
        konghq.com/read-timeout: "30000"
    spec:
      selector:
        app: export-api
      ports:
        - name: http
          port: 80
          targetPort: 8080
    ---
    ---
    # Source: shop/templates/banner.yaml
    rendered by helm
    ---
    # Source: shop/templates/workloads.yaml
    apiVersion: v1
    kind: List
    items:
      - apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: export-api
          namespace: shop
          annotations:
            timeout-lint/worst-case-response: "2m"
        spec:
          selector:
            matchLabels:
              app: export-api
          template:
            metadata:
              labels:
                app: export-api
            spec:
              containers:
                - name: export-api
                  image: registry.example.com/shop/export-api:1.14.2
    ---
    # Source: shop/templates/ingress.yaml
    apiVersion: networking.k8s.io/v1
    kind: Ingress
    metadata:
      name: reports
      namespace: shop
    spec:
      ingressClassName: kong
      rules:
        - host: reports.example.com
          http:
            paths:
              - path: /export
                pathType: Prefix
                backend:
                  service:
                    name: export-api
                    port:
                      name: http
    """
)


def lint_stdin(data: bytes | str, *paths: str, cwd=REPO, **options):
    data = data.encode() if isinstance(data, str) else data
    return lint(LintOptions(paths=(*paths, "-"), cwd=str(cwd), stdin=io.BytesIO(data), **options))


def comparable(report, rename: dict[str, str]):
    """Findings with file names mapped, everything else kept: codes, lines, columns, messages, related places."""

    def where(location):
        return (rename.get(location.file, location.file), location.line, location.column, location.pointer)

    return [
        (f.code, f.severity, where(f.location), f.message, [(where(r.location), r.message) for r in f.related]) for f in report.findings
    ]


def test_stdin_and_the_same_file_on_disk_give_the_same_findings(tmp_path):
    write_tree(tmp_path, {"rendered.yaml": HELM_STREAM})
    from_file = lint(LintOptions(paths=("rendered.yaml",), cwd=str(tmp_path)))
    from_stdin = lint_stdin(HELM_STREAM, cwd=tmp_path)
    assert from_file.findings  # the comparison below compares something
    assert comparable(from_stdin, {"<stdin>": "rendered.yaml"}) == comparable(from_file, {})
    assert [p.describe() for p in from_stdin.paths] == [p.describe() for p in from_file.paths]
    assert from_stdin.files_read == from_file.files_read == 1


def test_helm_stream_is_reported_at_stream_lines_and_names_each_template():
    report = lint_stdin(HELM_STREAM)
    finding, bare_value = report.findings
    assert (finding.code, str(finding.location)) == ("TL101", "<stdin>:15:5")
    # the banner template renders to a bare value, which kubectl would refuse: TL008, at its line
    assert (bare_value.code, str(bare_value.location)) == ("TL008", "<stdin>:26:1")
    assert finding.message.startswith(
        "Kong konghq.com/read-timeout 30000 ms (30s) (idle timeout between reads) is shorter than the worst case 2m"
    )
    assert [(str(r.location), r.message) for r in finding.related] == [
        ("<stdin>:8:1", "rendered from shop/templates/service.yaml"),
        # the List's Deployment, rendered from another template, says which
        ("<stdin>:38:9", "worst case of Service shop/export-api declared here (rendered from shop/templates/workloads.yaml)"),
    ]
    assert [p.describe() for p in report.paths] == [
        "Ingress shop/reports -> Kong (konghq.com/read-timeout 30000 ms (30s)) -> Service shop/export-api (worst case 2m)"
    ]


def test_template_origins_cover_each_document_with_a_source_comment():
    source = SourceFile("<stdin>", "<stdin>", HELM_STREAM)
    origins = [(o.first_line, o.last_line, o.template, o.comment.line) for o in template_origins(source)]
    assert origins == [
        (1, 6, "shop/templates/serviceaccount.yaml", 2),
        (7, 22, "shop/templates/service.yaml", 8),
        # line 23 is a blank document: no Source, no origin
        (24, 26, "shop/templates/banner.yaml", 25),
        (27, 50, "shop/templates/workloads.yaml", 28),
        (51, 70, "shop/templates/ingress.yaml", 52),
    ]


def test_kustomize_output_has_no_template_to_name():
    stream = HELM_STREAM.replace("# Source: ", "# from: ")
    finding, _bare_value = lint_stdin(stream).findings
    assert [r.message for r in finding.related] == ["worst case of Service shop/export-api declared here"]


def test_stdin_combines_with_paths():
    """The Ingress on standard input, the Service and Deployment in a file."""
    ingress = (FIXTURES / "kong-csv-export" / "k8s" / "ingress.yaml").read_text()
    report = lint_stdin(ingress, "fixtures/kong-csv-export/k8s/export-api.yaml")
    (finding,) = report.findings
    assert str(finding.location) == "fixtures/kong-csv-export/k8s/export-api.yaml:23:1"
    assert report.paths[0].entry_location.file == "<stdin>"
    assert report.files_read == 2


def test_cli_reads_standard_input_once_even_when_named_twice():
    stream = (FIXTURES / "kong-csv-export" / "k8s" / "export-api.yaml").read_text() + "---\n"
    stream += (FIXTURES / "kong-csv-export" / "k8s" / "ingress.yaml").read_text()
    result = subprocess.run([sys.executable, "-m", "timeout_lint", "-", "-"], input=stream, cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith("<stdin>:23:1: TL102 error: Kong read_timeout is not set and its default 60s")
    assert lines[1] == "    <stdin>:29:5: worst case of Service shop/export-api declared here"
    assert lines[2] == "Found 1 error in 1 file (1 request path checked)."


def test_cli_combines_a_directory_with_standard_input(tmp_path):
    """`timeout-lint nginx/ -`: nginx in the repository in front of rendered manifests."""
    write_tree(
        tmp_path,
        {
            "nginx/nginx.conf": "http { server { location / { proxy_pass http://export-api.shop.svc.cluster.local; proxy_read_timeout 90s; } } }\n"
        },
    )
    stream = (FIXTURES / "kong-csv-export" / "k8s" / "export-api.yaml").read_text()
    result = subprocess.run(
        [sys.executable, "-m", "timeout_lint", "nginx", "-"], input=stream, cwd=tmp_path, capture_output=True, text=True
    )
    assert result.returncode == 1
    assert result.stdout.splitlines()[:2] == [
        "nginx/nginx.conf:1:83: TL101 error: nginx proxy_read_timeout 90s (idle timeout between reads) is shorter than the worst case "
        "2m of Service shop/export-api; path: nginx location / (server _) -> nginx (proxy_read_timeout 90s) -> Service shop/export-api "
        "(worst case 2m)",
        "    <stdin>:29:5: worst case of Service shop/export-api declared here",
    ]


def test_binary_standard_input_is_a_finding_not_a_crash():
    """A chart archive piped by mistake (`cat chart.tgz | timeout-lint -`)."""
    for stream in (b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03", b"apiVersion: v1\nkind: Service\x00\n"):
        report = lint_stdin(stream)
        assert [(f.code, str(f.location), f.message) for f in report.findings] == [
            ("TL001", "<stdin>:1:1", "binary file (contains NUL bytes), not linted")
        ]
        assert report.files_read == 0


def test_undecodable_bytes_are_reported_at_their_line_and_the_rest_is_read():
    stream = (FIXTURES / "kong-csv-export" / "k8s" / "export-api.yaml").read_bytes()
    stream = stream.replace(b"# the slowest legitimate response", b"# the slowest \xe9 response")
    stream += b"---\n" + (FIXTURES / "kong-csv-export" / "k8s" / "ingress.yaml").read_bytes()
    report = lint_stdin(stream)
    assert [(f.code, str(f.location)) for f in report.findings] == [("TL102", "<stdin>:23:1"), ("TL001", "<stdin>:28:19")]
    assert report.findings[1].message == "not valid UTF-8 (byte 0xe9); read with the bad bytes replaced"


def test_empty_standard_input_is_an_error():
    """An empty pipe usually means the command before it failed; passing would hide that."""
    for stream in (b"", b"---\n# Source: shop/templates/nothing.yaml\n---\n"):
        report = lint_stdin(stream)
        assert [(f.code, str(f.location), f.message) for f in report.findings] == [
            ("TL001", "<stdin>:1:1", "standard input is empty: nothing linted (did the command before the pipe fail?)")
        ]


def test_non_manifest_standard_input_is_an_error():
    (finding,) = lint_stdin("server_name example.com\nproxy_read_timeout 2s\n").findings
    assert finding.code == "TL001" and str(finding.location) == "<stdin>:1:1"
    assert finding.message.startswith("standard input holds no Kubernetes object (`kind:`) and no compose `services:`")


def test_objects_of_other_kinds_only_are_not_an_error():
    assert lint_stdin("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n").findings == ()


def test_invalid_yaml_on_standard_input_is_located():
    (finding,) = lint_stdin("apiVersion: v1\nkind: Service\nmetadata:\n  name: [a\n").findings
    assert finding.code == "TL001" and finding.message.startswith("invalid YAML")
    assert finding.location.file == "<stdin>" and finding.location.line == 5


def test_standard_input_above_the_size_limit_is_not_read():
    (finding,) = lint_stdin(HELM_STREAM, max_bytes=100).findings
    assert (finding.code, str(finding.location)) == ("TL001", "<stdin>:1:1")
    assert finding.message == "input is above the 100-byte limit (--max-file-size); not linted"


def test_compose_config_output_on_standard_input(tmp_path):
    """`docker compose config | timeout-lint nginx app -`: compose's resolved file, with absolute build contexts."""
    scenario = FIXTURES / "nginx-slow-handler"
    stream = textwrap.dedent(
        f"""\
        name: shop
        services:
          app:
            build:
              context: {scenario / "app"}
              dockerfile: Dockerfile
            labels:
              timeout-lint/worst-case-response: 10s
            networks:
              default: null
          nginx:
            image: nginx:1.27
            networks:
              default: null
        networks:
          default:
            name: shop_default
        """
    )
    report = lint_stdin(stream, str(scenario / "nginx"), str(scenario / "app"), cwd=tmp_path)
    (finding,) = report.findings
    assert finding.code == "TL101" and finding.location.file.endswith("nginx/nginx.conf")
    assert finding.paths[0].describe() == (
        "nginx location / (server _) -> nginx (proxy_read_timeout 2s) -> Go net/http (WriteTimeout 10 * time.Minute (10m)) "
        "-> compose service app (worst case 10s)"
    )
    assert [(str(r.location), r.message) for r in finding.related] == [("<stdin>:8:7", "worst case of compose service app declared here")]
