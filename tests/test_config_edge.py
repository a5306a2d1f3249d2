"""Declared edges (``edge:`` in .timeout-lint.yaml): validation at file:line, dated defaults, overrides, paths."""

from __future__ import annotations

from timeout_lint.config import load, load_schema
from timeout_lint.defaults import EDGE_SYSTEMS, lookup
from timeout_lint.link.edge import edge_hops
from timeout_lint.model import Kind, Role

APP = """apiVersion: v1
kind: Service
metadata: {name: api, namespace: shop, annotations: {timeout-lint/worst-case-response: "3m"}}
spec:
  selector: {app: api}
  ports: [{name: http, port: 80}]
"""
NGINX = "http { server { location / { proxy_pass http://api.shop:80; proxy_read_timeout 10m; } } }\n"


def read(tmp_path, text):
    path = tmp_path / ".timeout-lint.yaml"
    path.write_text(text)
    config = load(str(path), ".timeout-lint.yaml")
    return config, [(p.location.line, p.location.column, p.message) for p in config.problems]


def test_known_system_and_named_edge(tmp_path):
    config, problems = read(tmp_path, "edge:\n  - system: cloudflare\n  - name: corporate-proxy\n    idle: 100s\n    total: 1h\n")
    assert problems == []
    cloudflare, proxy = config.edge
    assert (cloudflare.system, cloudflare.name, cloudflare.timeouts, cloudflare.location.line) == ("cloudflare", None, (), 2)
    assert [(key, seconds, raw, loc.line, loc.column) for key, seconds, raw, loc in proxy.timeouts] == [
        ("idle", 100.0, "100s", 4, 5),
        ("total", 3600.0, "1h", 5, 5),
    ]


def test_errors_point_at_their_line_and_valid_entries_survive(tmp_path):
    config, problems = read(
        tmp_path,
        "edge:\n"
        "  - system: akamai\n"
        "  - name: proxy\n"
        "  - idle: 100s\n"
        "  - name: lb\n    idle: 100\n"
        "  - name: ok\n    first-byte: 30s\n    colour: red\n"
        "  - system: cloudflare\n",
    )
    assert [(line, column) for line, column, _ in problems] == [(2, 13), (3, 5), (4, 5), (6, 11), (9, 5)]
    messages = [m for _, _, m in problems]
    assert messages[0].startswith("edge[0].system: 'akamai' is not one of")
    assert messages[1] == "edge[1]: proxy needs at least one of first-byte, idle, total"
    assert messages[2] == "edge[2]: give the system (cloudflare) or a name"
    assert messages[3] == 'edge[3].idle: "100" has no unit: write it as "100s", "100m" or "100ms"'
    assert messages[4] == "edge[4]: unknown key 'colour'"
    assert [e.system for e in config.edge] == ["cloudflare"]


def test_schema_lists_the_known_systems():
    schema = load_schema()
    assert schema["properties"]["edge"]["items"]["properties"]["system"]["enum"] == sorted(EDGE_SYSTEMS)


def test_cloudflare_default_is_dated_and_sourced(tmp_path):
    config, _ = read(tmp_path, "edge:\n  - system: cloudflare\n")
    (hop,) = edge_hops(config)
    (timeout,) = hop.timeouts
    assert (hop.system, hop.role, timeout.kind, timeout.seconds, timeout.explicit) == (
        "Cloudflare",
        Role.EDGE,
        Kind.FIRST_BYTE,
        125.0,
        False,
    )
    assert (timeout.location.file, timeout.location.line) == (".timeout-lint.yaml", 2)
    default = lookup("cloudflare", "proxy_read_timeout")
    assert default.checked == "2026-11" and "#32243" in default.source and "100 s" in default.source
    assert "set first-byte on this edge entry to more than 3m" in timeout.advice(180)


def test_written_values_override_a_known_systems_default(tmp_path):
    config, _ = read(tmp_path, "edge:\n  - system: cloudflare\n    name: cdn\n    first-byte: 600s\n    idle: 30s\n")
    (hop,) = edge_hops(config)
    assert (hop.system, hop.name) == ("Cloudflare", "edge cdn")
    assert [(t.kind, t.setting, t.seconds, t.explicit, t.location.line) for t in hop.timeouts] == [
        (Kind.FIRST_BYTE, "proxy_read_timeout", 600.0, True, 4),
        (Kind.IDLE, "idle", 30.0, True, 5),
    ]


def test_edges_front_every_path_in_order(tree):
    report = tree(
        {
            ".timeout-lint.yaml": "edge:\n  - system: cloudflare\n  - name: corporate-proxy\n    idle: 100s\n",
            "svc.yaml": APP,
            "nginx/nginx.conf": NGINX,
            "nginx/other.conf": "server { listen 81; location /b { proxy_pass http://api.shop:80; proxy_read_timeout 10m; } }\n",
        }
    )
    assert len(report.paths) == 2
    for path in report.paths:
        assert [h.system for h in path.hops] == ["Cloudflare", "corporate-proxy", "nginx"]
    assert [(f.code, f.location.file, f.location.line) for f in report.findings] == [
        ("TL102", ".timeout-lint.yaml", 2),  # 125 s < 3m
        ("TL101", ".timeout-lint.yaml", 4),  # 100 s < 3m
    ]


def test_no_edge_no_front_hops(tree):
    report = tree({"svc.yaml": APP, "nginx/nginx.conf": NGINX})
    assert [h.system for h in report.paths[0].hops] == ["nginx"]


def test_zero_durations_the_schema_lets_through_are_problems_not_tracebacks(tmp_path):
    config, problems = read(
        tmp_path, "apps:\n  - service: a\n    worst-case-response: 0s\nedge:\n  - name: proxy\n    idle: 0m\n  - system: cloudflare\n"
    )
    assert problems == [
        (3, 26, 'apps[0].worst-case-response: "0s" must be longer than zero'),
        (6, 11, 'edge[0].idle: "0m" must be longer than zero'),
    ]
    assert config.apps == [] and [e.system for e in config.edge] == ["cloudflare"]
