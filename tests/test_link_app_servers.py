"""App servers as the innermost hop: gunicorn, uvicorn, Node.js and Go, in compose and Kubernetes layouts."""

from __future__ import annotations

import math

from timeout_lint.model import Kind

NGINX = "http { server { location / { proxy_pass http://app:8000; proxy_read_timeout 5m; } } }\n"
GO_SERVER = (
    'package main\nimport ("net/http"; "time")\nfunc main() { s := http.Server{WriteTimeout: 30 * time.Second}; s.ListenAndServe() }\n'
)


def compose(command: str, extra: str = "") -> str:
    return f"services:\n  app:\n    build: ./app\n    command: {command}\n    labels: [timeout-lint/worst-case-response=2m]\n{extra}"


def found(report) -> list[tuple[str, str, int]]:
    return [(f.code, f.location.file, f.location.line) for f in report.findings]


def only_path(report):
    (path,) = report.paths
    return path


def test_sync_gunicorn_timeout_is_a_total_deadline(tree):
    report = tree({"nginx/nginx.conf": NGINX, "compose.yaml": compose("gunicorn --timeout 30 -b 0.0.0.0:8000 app:app"), "app/app.py": ""})
    path = only_path(report)
    assert [h.system for h in path.hops] == ["nginx", "gunicorn"]
    timeout = path.hops[1].timeout(Kind.TOTAL)
    assert (timeout.setting, timeout.seconds, timeout.location.line, timeout.location.column) == ("--timeout", 30, 4, 23)
    assert path.hops[1].name == "gunicorn (sync workers) in compose service app"
    assert found(report) == [("TL101", "compose.yaml", 4)]


def test_app_server_timeouts_carry_the_comment_that_ends_their_line(tree):
    report = tree({"nginx/nginx.conf": NGINX, "compose.yaml": compose("gunicorn --timeout 300 app:app  # five minutes")})
    assert only_path(report).hops[1].timeout(Kind.TOTAL).comment == "five minutes"
    report = tree(
        {
            "nginx/nginx.conf": NGINX,
            "compose.yaml": compose("gunicorn -c conf/gunicorn.py app:app"),
            "app/conf/gunicorn.py": "timeout = (\n    5 * 60\n)  # 5 minutes\n",
        }
    )
    assert only_path(report).hops[1].timeout(Kind.TOTAL).comment == "5 minutes"  # the statement's last line
    report = tree({"nginx/nginx.conf": NGINX, "compose.yaml": compose('["uvicorn", "main:app", "--timeout-keep-alive", "75"] # 75 s')})
    assert only_path(report).hops[1].timeout(Kind.KEEPALIVE).comment == "75 s"


def test_gunicorn_default_timeout_is_reported_at_the_command(tree):
    report = tree({"nginx/nginx.conf": NGINX, "compose.yaml": compose("gunicorn app:app")})
    (finding,) = report.findings
    assert (finding.code, finding.location.line, finding.location.column) == ("TL102", 4, 14)
    assert "gunicorn timeout is not set and its default 30s" in finding.message
    assert "pass --timeout with more than 120 (seconds)" in finding.message


def test_threads_or_async_workers_make_timeout_a_heartbeat(tree):
    for command in ("gunicorn --timeout 30 --threads 4 app:app", "gunicorn -k gevent --timeout 30 app:app"):
        report = tree({"nginx/nginx.conf": NGINX, "compose.yaml": compose(command)})
        hop = only_path(report).hops[1]
        assert hop.response_limits() == ()
        assert any("heartbeat" in note for note in hop.notes)
        assert hop.timeout(Kind.KEEPALIVE).seconds == 2  # gunicorn's default keep-alive
        assert report.findings == ()


def test_config_file_in_the_build_context_is_read_and_the_command_line_wins(tree):
    files = {
        "nginx/nginx.conf": NGINX,
        "compose.yaml": compose("gunicorn -c conf/gunicorn.py app:app"),
        "app/conf/gunicorn.py": "import os\nworkers = 4\ntimeout = 20\nkeepalive = 5\n",
    }
    report = tree(files)
    assert found(report) == [("TL101", "app/conf/gunicorn.py", 3)]
    timeout = only_path(report).hops[1].timeout(Kind.TOTAL)
    assert (timeout.setting, timeout.raw, timeout.location.column) == ("timeout", "20", 1)
    assert any("keepalive 5 has no effect" in n for n in only_path(report).hops[1].notes)
    report = tree({**files, "compose.yaml": compose("gunicorn -c conf/gunicorn.py --timeout 300 app:app")})
    assert report.findings == ()


def test_default_config_file_name_and_uvicorn_workers(tree):
    report = tree(
        {
            "nginx/nginx.conf": NGINX,
            "compose.yaml": compose("gunicorn app:app"),
            "app/gunicorn.conf.py": "worker_class = 'uvicorn.workers.UvicornWorker'\ntimeout = 10\n",
        }
    )
    hop = only_path(report).hops[1]
    assert hop.name == "gunicorn (uvicorn.workers.UvicornWorker workers) in compose service app"
    assert hop.response_limits() == () and report.findings == ()


def test_uvicorn_has_no_response_timeout(tree):
    report = tree({"nginx/nginx.conf": NGINX, "compose.yaml": compose('["uvicorn", "main:app", "--timeout-keep-alive", "75"]')})
    hop = only_path(report).hops[1]
    assert hop.system == "uvicorn" and hop.response_limits() == ()
    keepalive = hop.timeout(Kind.KEEPALIVE)
    assert (keepalive.seconds, keepalive.explicit, keepalive.location.column) == (75, True, 39)
    assert any("no request or response timeout" in note for note in hop.notes)


SERVICE = "apiVersion: v1\nkind: Service\nmetadata: {name: api, namespace: shop}\nspec: {selector: {app: api}}\n"
INGRESS_NGINX = "http { server { location / { proxy_pass http://api.shop:80; proxy_read_timeout 10m; } } }\n"


def deployment(container: str, annotations: str = "{timeout-lint/worst-case-response: 2m}") -> str:
    return (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api, namespace: shop, annotations: " + annotations + "}\n"
        "spec:\n  selector: {matchLabels: {app: api}}\n  template:\n    metadata: {labels: {app: api}}\n"
        "    spec:\n      containers:\n" + container
    )


def test_gunicorn_in_a_kubernetes_container(tree):
    container = (
        '        - name: web\n          image: api\n          command: ["/bin/sh", "-c"]\n          args: ["exec gunicorn -t 45 app:app"]\n'
    )
    report = tree({"svc.yaml": SERVICE, "deploy.yaml": deployment(container), "nginx/nginx.conf": INGRESS_NGINX})
    hop = only_path(report).hops[1]
    assert hop.name == "gunicorn (sync workers) in container web of Deployment shop/api"
    (finding,) = report.findings
    assert (finding.code, finding.location.file, finding.location.line, finding.location.column) == ("TL101", "deploy.yaml", 13, 33)


def test_declared_source_directory_for_a_kubernetes_workload_node_server(tree):
    report = tree(
        {
            ".timeout-lint.yaml": "apps:\n  - service: api\n    namespace: shop\n    worst-case-response: 2m\n    source: services/api\n",
            "svc.yaml": SERVICE,
            "deploy.yaml": deployment("        - {name: api, image: api}\n", annotations="{}"),
            "nginx/nginx.conf": INGRESS_NGINX,
            "services/api/src/server.js": "const server = require('http').createServer(app);\nserver.timeout = 60000;\nserver.listen(80);\n",
            "services/other/server.js": "const s = require('http').createServer(app);\ns.timeout = 1;\n",
        }
    )
    hop = only_path(report).hops[1]
    assert hop.system == "Node.js http"
    assert found(report) == [("TL101", "services/api/src/server.js", 2)]


def test_source_annotation_on_a_workload_reads_go(tree):
    report = tree(
        {
            "k8s/svc.yaml": SERVICE,
            "k8s/deploy.yaml": deployment(
                "        - {name: api, image: api}\n", annotations="{timeout-lint/worst-case-response: 2m, timeout-lint/source: ../cmd/api}"
            ),
            "nginx/nginx.conf": INGRESS_NGINX,
            "cmd/api/main.go": GO_SERVER,
        }
    )
    assert [h.system for h in only_path(report).hops] == ["nginx", "Go net/http"]
    assert found(report) == [("TL101", "cmd/api/main.go", 3)]


def test_compose_label_source_and_files_elsewhere_are_never_read(tree):
    report = tree(
        {
            "compose.yaml": "services:\n  app:\n    image: app\n    labels:\n      timeout-lint/worst-case-response: 2m\n      timeout-lint/source: ./backend\n",
            "nginx/nginx.conf": NGINX,
            "backend/main.go": GO_SERVER,
            "elsewhere/main.go": GO_SERVER.replace("30 * time.Second", "time.Second"),
        }
    )
    assert found(report) == [("TL101", "backend/main.go", 3)]
    assert report.files_read == 3  # compose, nginx, backend/main.go


def test_bad_source_declarations_are_reported_at_their_line(tree):
    report = tree(
        {
            ".timeout-lint.yaml": "apps:\n  - service: app\n    worst-case-response: 2m\n    source: missing/dir\n",
            "compose.yaml": "services:\n  app:\n    image: app\n    labels: {timeout-lint/source: nowhere}\n",
        }
    )
    assert [(f.code, f.location.file, f.location.line) for f in report.findings] == [
        ("TL004", ".timeout-lint.yaml", 4),
        ("TL004", "compose.yaml", 4),
    ]


def test_javascript_beside_a_python_server_is_not_an_app_server(tree):
    report = tree(
        {
            "nginx/nginx.conf": NGINX,
            "compose.yaml": compose("gunicorn --timeout 300 app:app"),
            "app/static/dev.js": "const s = require('http').createServer(h);\ns.timeout = 5;\n",
        }
    )
    assert [h.system for h in only_path(report).hops] == ["nginx", "gunicorn"]
    assert report.findings == ()


def test_gunicorn_timeout_zero_means_no_limit(tree):
    report = tree({"nginx/nginx.conf": NGINX, "compose.yaml": compose("gunicorn --timeout 0 app:app")})
    assert only_path(report).hops[1].timeout(Kind.TOTAL).seconds == math.inf
    assert [f.code for f in report.findings] == ["TL503"]  # no limit: a note, not an error


def test_a_config_file_with_side_effects_is_read_and_never_run(tree):
    marker = tree.root / "ran"
    conf = f"import os, pathlib\npathlib.Path({str(marker)!r}).write_text('ran')\nos._exit(1)\ntimeout = 300\n"
    report = tree({"nginx/nginx.conf": NGINX, "compose.yaml": compose("gunicorn app:app"), "app/gunicorn.conf.py": conf})
    assert not marker.exists()
    assert only_path(report).hops[1].timeout(Kind.TOTAL).seconds == 300  # read as a constant all the same
    assert report.findings == ()
