"""--show-paths: the tree after the findings, and the Mermaid and DOT diagrams, exactly, for the two incidents."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from tests.conftest import REPO
from timeout_lint.lint import LintOptions, lint
from timeout_lint.report import dot, mermaid, render
from timeout_lint.report.paths_tree import format_paths

KONG = "fixtures/kong-csv-export"
NGINX = "fixtures/nginx-slow-handler"


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "timeout_lint", *args], cwd=REPO, capture_output=True, text=True)


def report_of(path: str):
    return lint(LintOptions(paths=(path,), cwd=str(REPO)))


KONG_TREE = """\
Request paths (✗ gives up before the app has answered):

p1: Ingress shop/reports  fixtures/kong-csv-export/k8s/ingress.yaml:2:1
└─ ✗ Kong: Kong service for Service shop/export-api  fixtures/kong-csv-export/k8s/export-api.yaml:23:1
   │    connect    connect_timeout                  60000 ms (60s)  default  fixtures/kong-csv-export/k8s/export-api.yaml:23:1
   │    send       write_timeout                    60000 ms (60s)  default  fixtures/kong-csv-export/k8s/export-api.yaml:23:1
   │  ✗ idle       read_timeout                     60000 ms (60s)  default  fixtures/kong-csv-export/k8s/export-api.yaml:23:1  shorter than the worst case 2m: TL102
   │    keepalive  upstream_keepalive_idle_timeout  60 s            default  fixtures/kong-csv-export/k8s/export-api.yaml:23:1
   │    retries    retries                          5               default  fixtures/kong-csv-export/k8s/export-api.yaml:23:1
   └─ Service shop/export-api: worst case 2m  fixtures/kong-csv-export/k8s/export-api.yaml:29:5
"""

NGINX_TREE = """\
Request paths (✗ gives up before the app has answered):

p1: nginx location / (server _)  fixtures/nginx-slow-handler/nginx/nginx.conf:7:9
└─ ✗ nginx: location / in server _  fixtures/nginx-slow-handler/nginx/nginx.conf:7:9
   │    connect  proxy_connect_timeout  2s  explicit  fixtures/nginx-slow-handler/nginx/nginx.conf:9:13
   │    send     proxy_send_timeout     2s  explicit  fixtures/nginx-slow-handler/nginx/nginx.conf:10:13
   │  ✗ idle     proxy_read_timeout     2s  explicit  fixtures/nginx-slow-handler/nginx/nginx.conf:11:13  shorter than the worst case 10s: TL101
   └─ Go net/http: http.Server at fixtures/nginx-slow-handler/app/main.go:19:10
      │    total  WriteTimeout  10 * time.Minute (10m)  explicit  fixtures/nginx-slow-handler/app/main.go:22:3
      └─ compose service app: worst case 10s  fixtures/nginx-slow-handler/docker-compose.yml:14:7
"""


def test_kong_tree_follows_the_findings_and_precedes_the_summary():
    result = run("--show-paths", KONG)
    assert result.returncode == 1
    findings = run(KONG).stdout.splitlines()
    assert result.stdout == "\n".join([*findings[:-1], "", KONG_TREE, findings[-1]]) + "\n"


def test_nginx_tree_exact():
    assert format_paths(report_of(NGINX)) == NGINX_TREE


def test_bare_show_paths_never_takes_the_next_argument_as_its_value():
    # `--show-paths fixtures/...` lints that directory with the tree; it is not an invalid diagram name
    result = run("--show-paths", NGINX)
    assert result.returncode == 1
    assert NGINX_TREE in result.stdout
    assert run("--show-paths=tree", NGINX).stdout == result.stdout
    assert run("--show-paths=svg", NGINX).returncode == 2


def test_fixed_variant_tree_marks_nothing():
    tree = format_paths(report_of("fixtures/kong-csv-export-fixed-annotations"))
    assert "✗ " not in tree.split("\n", 1)[1]
    assert "idle       konghq.com/read-timeout          300000 ms (5m)  explicit" in tree


KONG_MERMAID = """\
flowchart LR
    n1(["Ingress shop/reports"])
    n2["Kong<br/>Kong service for Service shop/export-api<br/>read_timeout default 60s"]
    n3("Service shop/export-api<br/>worst case 2m")
    n1 --> n2
    n2 --> n3
    classDef failing fill:#fde2e2,stroke:#c62828,stroke-width:2px,color:#7f0000
    class n2 failing
"""

NGINX_MERMAID = """\
flowchart LR
    n1(["nginx location / (server #95;)"])
    n2["nginx<br/>location / in server #95;<br/>proxy_read_timeout 2s"]
    n3["Go net/http<br/>http.Server at fixtures/nginx-slow-handler/app/main.go:19:10<br/>WriteTimeout 10 #42; time.Minute (10m)"]
    n4("compose service app<br/>worst case 10s")
    n1 --> n2
    n2 --> n3
    n3 --> n4
    classDef failing fill:#fde2e2,stroke:#c62828,stroke-width:2px,color:#7f0000
    class n2 failing
"""

KONG_DOT = """\
digraph request_paths {
    rankdir=LR;
    node [fontname="Helvetica", fontsize=11];
    n1 [label="Ingress shop/reports", shape=ellipse];
    n2 [label="Kong\\nKong service for Service shop/export-api\\nread_timeout default 60s", shape=box, color="#c62828", fontcolor="#7f0000", style="filled", fillcolor="#fde2e2", penwidth=2];
    n3 [label="Service shop/export-api\\nworst case 2m", shape=box, style="rounded"];
    n1 -> n2;
    n2 -> n3;
}
"""

NGINX_DOT = """\
digraph request_paths {
    rankdir=LR;
    node [fontname="Helvetica", fontsize=11];
    n1 [label="nginx location / (server _)", shape=ellipse];
    n2 [label="nginx\\nlocation / in server _\\nproxy_read_timeout 2s", shape=box, color="#c62828", fontcolor="#7f0000", style="filled", fillcolor="#fde2e2", penwidth=2];
    n3 [label="Go net/http\\nhttp.Server at fixtures/nginx-slow-handler/app/main.go:19:10\\nWriteTimeout 10 * time.Minute (10m)", shape=box];
    n4 [label="compose service app\\nworst case 10s", shape=box, style="rounded"];
    n1 -> n2;
    n2 -> n3;
    n3 -> n4;
}
"""


@pytest.mark.parametrize(
    ("path", "expected_mermaid", "expected_dot"), [(KONG, KONG_MERMAID, KONG_DOT), (NGINX, NGINX_MERMAID, NGINX_DOT)], ids=["kong", "nginx"]
)
def test_diagrams_exact(path, expected_mermaid, expected_dot):
    report = report_of(path)
    assert mermaid.format_diagram(report) == expected_mermaid
    assert dot.format_diagram(report) == expected_dot


def test_diagram_replaces_the_findings_on_stdout_and_keeps_the_exit_status():
    result = run("--show-paths=mermaid", KONG)
    assert (result.returncode, result.stdout, result.stderr) == (1, KONG_MERMAID, "")
    # whatever --format says: the diagram is what was asked for
    assert run("--format", "sarif", "--show-paths=dot", KONG).stdout == KONG_DOT
    assert run("--show-paths=dot", "fixtures/kong-csv-export-fixed-annotations").returncode == 0


def test_tree_goes_to_stderr_with_json_and_after_the_annotations_with_github():
    result = run("--format", "json", "--show-paths", KONG)
    assert result.returncode == 1
    assert json.loads(result.stdout)["paths"][0]["id"] == "p1"
    assert result.stderr == KONG_TREE
    github = run("--format", "github", "--show-paths", KONG).stdout
    assert github.startswith("::error file=fixtures/kong-csv-export/k8s/export-api.yaml,line=23,")
    assert github.endswith("(1 request path checked).\n\n" + KONG_TREE)


SHARED_HOP = {
    ".timeout-lint.yaml": """
        apps:
          - service: a.internal:8080
            worst-case-response: 90s
          - service: b.internal:8080
            worst-case-response: 10s
        """,
    "nginx/nginx.conf": """
        http {
            upstream backend {
                server a.internal:8080;
                server b.internal:8080;
            }
            server {
                server_name "q\\"x#<y>&`*z" _;
                location / {
                    proxy_read_timeout 30s;
                    proxy_pass http://backend;
                }
            }
        }
        """,
}


def test_paths_through_one_hop_share_its_node_and_it_fails_if_any_path_fails(tree):
    report = tree(SHARED_HOP)
    assert len(report.paths) == 2
    assert mermaid.format_diagram(report) == (
        "flowchart LR\n"
        '    n1(["nginx location / (server q#quot;x#35;#lt;y#gt;#38;#96;#42;z)"])\n'
        '    n2["nginx<br/>location / in server q#quot;x#35;#lt;y#gt;#38;#96;#42;z<br/>proxy_read_timeout 30s"]\n'
        '    n3("upstream a.internal:8080<br/>worst case 90s")\n'
        '    n4("upstream b.internal:8080<br/>worst case 10s")\n'
        "    n1 --> n2\n"
        "    n2 --> n3\n"
        "    n2 --> n4\n"
        "    classDef failing fill:#fde2e2,stroke:#c62828,stroke-width:2px,color:#7f0000\n"
        "    class n2 failing\n"
    )
    # the tree shows each path on its own, so only the path to a is marked
    text = format_paths(report)
    first, second = text.split("\n\np2: ")
    assert "✗ nginx" in first and "✗ idle" in first
    assert "✗" not in second
    assert dot.quote('a "b" \\n') == '"a \\"b\\" \\\\n"'


def test_mermaid_escapes_only_loose_underscores():
    assert mermaid.escape("proxy_read_timeout in server _ and _x_") == "proxy_read_timeout in server #95; and #95;x#95;"


def test_no_paths(tree):
    report = tree({"k8s/svc.yaml": "apiVersion: v1\nkind: Service\nmetadata: {name: a}\n"})
    assert report.paths == ()
    assert format_paths(report) == ""
    assert mermaid.format_diagram(report) == 'flowchart LR\n    none["no request paths found"]\n'
    assert "none [" in dot.format_diagram(report)
    assert render(report, "text", show_paths="tree").stdout == "Found 0 errors in 1 file (0 request paths checked).\n"


def test_mermaid_edge_limit_is_warned_about():
    from timeout_lint.report.pathview import Diagram, Node

    nodes = tuple(Node(f"n{i}", "hop", ("x",)) for i in range(mermaid.MAX_EDGES + 2))
    big = Diagram(nodes, tuple((f"n{i}", f"n{i + 1}") for i in range(mermaid.MAX_EDGES + 1)))
    assert "501 edges" in mermaid.size_warning(big)
    assert mermaid.size_warning(big._replace(edges=big.edges[:-1])) == ""


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz dot is not installed")
@pytest.mark.parametrize("path", [KONG, NGINX, "fixtures/nginx-inherited-timeout"])
def test_dot_output_renders(path):
    source = run("--show-paths=dot", path).stdout
    rendered = subprocess.run(["dot", "-Tsvg"], input=source, capture_output=True, text=True)
    assert rendered.returncode == 0, rendered.stderr
    assert rendered.stderr == ""
    assert "<svg" in rendered.stdout and "read_timeout" in rendered.stdout


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz dot is not installed")
def test_dot_renders_awkward_names(tree):
    source = dot.format_diagram(tree(SHARED_HOP))
    rendered = subprocess.run(["dot", "-Tsvg"], input=source, capture_output=True, text=True)
    assert rendered.returncode == 0 and rendered.stderr == "", rendered.stderr
    assert "q&quot;x#&lt;y&gt;&amp;`*z" in rendered.stdout
