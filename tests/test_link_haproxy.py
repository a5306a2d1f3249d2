"""HAProxy frontends x backends: every candidate backend is a path, servers lead to apps."""

from __future__ import annotations

import math

from timeout_lint.model import Kind

COMPOSE = """services:
  app: {image: app, labels: {timeout-lint/worst-case-response: 2m}}
  api: {image: api, labels: {timeout-lint/worst-case-response: 5s}}
"""


def paths_by_app(report) -> dict:
    return {p.app.name: p for p in report.paths}


def test_every_use_backend_and_the_default_backend_are_paths(tree):
    report = tree(
        {
            "compose.yaml": COMPOSE,
            "haproxy/haproxy.cfg": """
                defaults
                    mode http
                    timeout server 1m
                frontend web
                    use_backend api if { path_beg /api }
                    use_backend api if { path_beg /v2 }
                    default_backend app
                backend app
                    server a app:8000
                backend api
                    server b api:9000
            """,
        }
    )
    found = paths_by_app(report)
    assert sorted(found) == ["api", "app"]  # two rules to api: one path
    hop = found["app"].hops[0]
    assert (hop.system, hop.name) == ("HAProxy", "frontend web -> backend app")
    assert (hop.location.line, found["app"].entry_location.line) == (8, 4)
    assert found["app"].entry == "HAProxy frontend web"
    assert [(f.code, f.location.line) for f in report.findings] == [("TL101", 3)]  # 1m < 2m, for app only


def test_listen_is_its_own_backend_and_reaches_kubernetes_services(tree):
    report = tree(
        {
            "svc.yaml": "apiVersion: v1\nkind: Service\nmetadata:\n  name: api\n  namespace: shop\n"
            "  annotations: {timeout-lint/worst-case-response: 90s}\nspec: {selector: {app: api}}\n",
            "haproxy.cfg": "listen api\n    mode http\n    bind :80\n    timeout server 60s\n    server s1 api.shop.svc.cluster.local:80\n",
        }
    )
    (path,) = report.paths
    assert path.entry == "HAProxy listen api" and path.hops[0].name == "listen api"
    assert path.app.name == "shop/api"
    assert [(f.code, f.location.file, f.location.line) for f in report.findings] == [("TL101", "haproxy.cfg", 4)]


def test_unknown_and_computed_backends_stay_unresolved(tree):
    report = tree(
        {
            "haproxy/haproxy.cfg": "frontend web\n    use_backend %[req.hdr(host)]\n    default_backend missing\n",
        }
    )
    reasons = sorted(p.app.name for p in report.paths)
    assert reasons == [
        "backend %[req.hdr(host)] (the backend name is computed per request)",
        "backend missing (no backend of that name in haproxy/haproxy.cfg)",
    ]
    assert all(not p.app.resolved for p in report.paths)


def test_unset_server_timeout_is_no_limit_and_never_reported(tree):
    report = tree(
        {"compose.yaml": COMPOSE, "haproxy/haproxy.cfg": "frontend web\n    default_backend app\nbackend app\n    server a app:80\n"}
    )
    (path,) = report.paths
    server = path.hops[0].timeout(Kind.IDLE)
    assert server.seconds == math.inf and not server.explicit
    assert any("missing timeouts for backend app" in note for note in path.hops[0].notes)
    assert report.findings == ()


def test_http_mode_client_timeout_is_not_compared_but_tcp_mode_is(tree):
    cfg = "frontend web\n    mode {mode}\n    timeout client 10s\n    default_backend app\nbackend app\n    mode {mode}\n    timeout server 5m\n    server a app:80\n"
    http = tree({"compose.yaml": COMPOSE, "haproxy/haproxy.cfg": cfg.format(mode="http")})
    assert http.findings == ()
    tcp = tree({"compose.yaml": COMPOSE, "haproxy/haproxy.cfg": cfg.format(mode="tcp")})
    assert [(f.code, f.location.line) for f in tcp.findings] == [("TL101", 3)]


def test_tcp_tunnel_replaces_client_and_server(tree):
    report = tree(
        {
            "compose.yaml": COMPOSE,
            "haproxy/haproxy.cfg": "defaults\n    mode tcp\n    timeout client 5s\n    timeout server 5s\n    timeout tunnel 1h\n"
            "frontend web\n    default_backend app\nbackend app\n    server a app:80\n",
        }
    )
    (path,) = report.paths
    limits = [t.setting for t in path.hops[0].response_limits()]
    assert limits == ["timeout tunnel"]
    assert report.findings == ()


def test_retries_and_disabled_frontends(tree):
    report = tree(
        {
            "haproxy/haproxy.cfg": "frontend off\n    disabled\n    default_backend app\nfrontend on\n    default_backend app\n"
            "backend app\n    retry-on all-retryable-errors\n    server a app:80\n",
        }
    )
    (path,) = report.paths
    hop = path.hops[0]
    assert path.entry == "HAProxy frontend on"
    assert (hop.retries.extra_tries, hop.retries.explicit) == (3, False)
    assert any("sent again, up to 3 more times" in note for note in hop.notes)


def test_a_jinja_template_is_skipped_and_said_so(tree):
    report = tree({"haproxy/haproxy.cfg": "backend app\n    timeout server {{ haproxy_timeout }}\n    server a app:80\n"})
    assert [(f.code, f.location.line) for f in report.findings] == [("TL006", 2)]
    assert report.paths == ()
