"""Kong declarative configuration (DB-less kong.yml, decK): services, routes, upstreams, and their paths."""

from __future__ import annotations

import pytest

from timeout_lint.model import Kind

COMPOSE = """
services:
  export-api:
    image: export-api
    labels:
      timeout-lint/worst-case-response: 2m
"""


def kong_paths(tree, deck: str, extra: dict | None = None):
    files = {"kong/kong.yaml": deck, "docker-compose.yml": COMPOSE, **(extra or {})}
    report = tree(files)
    return report.paths, report


def only_hop(paths):
    (path,) = paths
    (hop,) = path.hops
    return path, hop


def timeout(hop, setting):
    return next(t for t in hop.timeouts if t.setting == setting)


def test_service_timeouts_are_milliseconds_at_their_keys(tree):
    paths, report = kong_paths(
        tree,
        """
        _format_version: "3.0"
        services:
          - name: export
            host: export-api
            port: 8080
            connect_timeout: 5000
            read_timeout: 30000
            write_timeout: 45000
            retries: 2
            routes:
              - name: export
                paths: [/export]
        """,
    )
    path, hop = only_hop(paths)
    read = timeout(hop, "read_timeout")
    assert (read.kind, read.seconds, read.raw, read.unit, read.explicit) == (Kind.IDLE, 30, "30000", "ms", True)
    assert (read.location.file, read.location.line, read.location.column) == ("kong/kong.yaml", 7, 5)
    assert (timeout(hop, "connect_timeout").kind, timeout(hop, "connect_timeout").seconds) == (Kind.CONNECT, 5)
    assert (timeout(hop, "write_timeout").kind, timeout(hop, "write_timeout").seconds) == (Kind.SEND, 45)
    assert (hop.retries.extra_tries, hop.retries.explicit) == (2, True)
    assert (hop.system, hop.name) == ("Kong", "Kong service export")
    assert (path.entry, path.entry_location.line, path.entry_location.column) == ("Kong route export", 11, 9)
    assert (path.app.kind, path.app.name) == ("compose service", "export-api")
    # and the explicit retries repeat the slow work: TL204 at `retries: 2`
    assert [(f.code, f.location.line, f.location.column) for f in report.findings] == [("TL101", 7, 5), ("TL204", 9, 5)]


def test_service_timeouts_carry_their_end_of_line_comments(tree):
    paths, _ = kong_paths(
        tree,
        """
        _format_version: "3.0"
        services:
          - name: export
            url: http://export-api:8080
            read_timeout: 600000  # 10 minutes
            write_timeout: 60000
            routes: [{name: export, paths: [/export]}]
        """,
    )
    _, hop = only_hop(paths)
    assert (timeout(hop, "read_timeout").comment, timeout(hop, "write_timeout").comment) == ("10 minutes", None)


def test_defaults_are_anchored_at_the_service_with_a_millisecond_hint(tree):
    paths, report = kong_paths(
        tree,
        """
        _format_version: "3.0"
        services:
          - name: export
            url: http://export-api:8080/
            routes: [{name: export, paths: [/export]}]
        """,
    )
    _, hop = only_hop(paths)
    read = timeout(hop, "read_timeout")
    assert (read.seconds, read.raw, read.unit, read.explicit) == (60, "60000", "ms", False)
    assert (read.location.line, read.location.column) == (3, 5)  # the service entry
    assert (hop.retries.extra_tries, hop.retries.explicit) == (5, False)
    (finding,) = report.findings
    assert finding.code == "TL102" and (finding.location.line, finding.location.column) == (3, 5)
    assert "set read_timeout on Kong service export to more than 120000 (milliseconds)" in finding.message


@pytest.mark.parametrize(
    "value, reason",
    [
        ('"30000"', "a string where Kong's schema requires an integer"),
        ("0", "outside Kong's range 1..2147483646 ms"),
        ("2147483647", "outside Kong's range"),
        ("30000.5", "not an integer number of milliseconds"),
        ("true", "not an integer number of milliseconds"),
        ("30s", "not an integer number of milliseconds"),
    ],
)
def test_values_kong_refuses_are_dropped_and_the_default_is_checked(tree, value, reason):
    paths, _ = kong_paths(
        tree,
        f"""
        _format_version: "3.0"
        services:
          - name: export
            host: export-api
            read_timeout: {value}
            routes: [{{name: export, paths: [/export]}}]
        """,
    )
    _, hop = only_hop(paths)
    assert timeout(hop, "read_timeout").explicit is False
    assert any(reason in note for note in hop.notes)


def test_dropped_values_are_records_with_their_place(tree):
    from tests.conftest import write_tree
    from timeout_lint.config import ProjectConfig
    from timeout_lint.discover import discover
    from timeout_lint.parse import ParseOptions, parse_all

    root = write_tree(
        tree.root,
        {
            "kong.yaml": """
            _format_version: "3.0"
            services:
              - name: export
                host: export-api
                read_timeout: "30000"
                write_timeout: 0
                retries: -1
            """
        },
    )
    inventory = parse_all(discover(["."], str(root)), ProjectConfig(), ParseOptions(str(root)))
    (config,) = inventory.kong_declarative
    assert [(d.setting, d.raw, d.location.line, d.location.column) for d in config.dropped] == [
        ("read_timeout", "30000", 5, 5),
        ("write_timeout", "0", 6, 5),
        ("retries", "-1", 7, 5),
    ]
    assert inventory.kubernetes.services == []  # never read as Kubernetes


def test_null_leaves_the_default_without_a_record(tree):
    paths, _ = kong_paths(
        tree,
        """
        _format_version: "1.1"
        services:
          - name: export
            host: export-api
            read_timeout: null
            write_timeout:
            routes: [{name: export, paths: [/export]}]
        """,
    )
    _, hop = only_hop(paths)
    assert timeout(hop, "read_timeout").explicit is False and hop.notes == ()


def test_values_decK_takes_from_the_environment_are_not_checked(tree):
    paths, report = kong_paths(
        tree,
        """
        _format_version: "3.0"
        services:
          - name: export
            host: export-api
            read_timeout: ${{ env "DECK_READ_TIMEOUT" | toInt }}
            routes: [{name: export, paths: [/export]}]
        """,
    )
    _, hop = only_hop(paths)
    assert hop.timeout(Kind.IDLE) is None
    assert hop.notes == ("read_timeout comes from an environment variable when decK syncs; not checked",)
    assert report.findings == ()


@pytest.mark.parametrize(
    "url, app",
    [
        ("http://export-api:8080/x", "export-api"),  # compose service
        ("https://legacy.example.com", "legacy.example.com:443"),
        ("http://legacy.example.com", "legacy.example.com:80"),
        ("legacy.example.com:443", "legacy.example.com:443"),
    ],
)
def test_url_shorthand(tree, url, app):
    paths, _ = kong_paths(
        tree,
        f"""
        _format_version: "3.0"
        services:
          - name: s
            url: {url}
            routes: [{{name: r, paths: [/]}}]
        """,
    )
    (path,) = paths
    assert path.app.name == app


def test_odd_shapes_do_not_break_the_reader(tree):
    paths, report = kong_paths(
        tree,
        """
        _format_version: "3.0"
        services:
          - name: bad-url
            url: "http://[::1"
            routes: [{name: bad-url, paths: [/a]}]
          - just a string
          - name: list-port
            host: export-api
            port: [80]
            routes: {name: not-a-list}
        routes: {name: not-a-list}
        upstreams: [{name: u, targets: [{target: 8080}, {weight: 5}, "x"]}]
        """,
    )
    (path,) = paths
    assert not path.app.resolved and "no host" in path.app.name
    assert [f.code for f in report.findings] == []


def test_top_level_routes_name_their_service_by_name_or_id(tree):
    paths, _ = kong_paths(
        tree,
        """
        _format_version: "3.0"
        services:
          - name: export
            id: 9f1c7b1e-0000-4000-8000-000000000001
            host: export-api
            read_timeout: 150000
        routes:
          - name: by-name
            service: export
          - name: by-name-map
            service: {name: export}
          - name: by-id
            service: {id: 9f1c7b1e-0000-4000-8000-000000000001}
          - name: nowhere
            service: {name: missing}
            paths: [/missing]
          - name: no-service
            paths: [/plugin-only]
        """,
    )
    by_entry = {p.entry: p for p in paths}
    assert sorted(by_entry) == ["Kong route by-id", "Kong route by-name", "Kong route by-name-map", "Kong route nowhere"]
    assert all(by_entry[name].app.name == "export-api" for name in ("Kong route by-id", "Kong route by-name", "Kong route by-name-map"))
    missing = by_entry["Kong route nowhere"]
    assert missing.hops == () and not missing.app.resolved and "Kong service missing" in missing.app.name
    assert missing.app.location.line == 15  # the reference


def test_upstream_targets_are_the_next_hop(tree):
    paths, _ = kong_paths(
        tree,
        """
        _format_version: "3.0"
        services:
          - name: pool
            host: export-pool
            routes: [{name: pool, paths: [/]}]
        upstreams:
          - name: export-pool
            targets:
              - target: export-api:8080
              - target: "[fd00::5]:9000"
              - target: 10.0.0.7
              - target: 10.0.0.8:80
                weight: 0
        targets:
          - target: legacy:7000
            upstream: export-pool
        """,
    )
    assert sorted(p.app.name for p in paths) == ["10.0.0.7:8000", "export-api", "fd00::5:9000", "legacy:7000"]
    target = next(p for p in paths if p.app.name == "10.0.0.7:8000")
    assert (target.app.location.line, target.app.location.column) == (11, 17)


def test_an_upstream_without_targets_is_unresolved(tree):
    paths, _ = kong_paths(
        tree,
        """
        _format_version: "3.0"
        services:
          - {name: pool, host: export-pool, routes: [{name: pool, paths: [/]}]}
        upstreams:
          - name: export-pool
        """,
    )
    (path,) = paths
    assert not path.app.resolved and "no targets" in path.app.name


def test_stream_services_and_routes_are_not_http_paths(tree):
    paths, _ = kong_paths(
        tree,
        """
        _format_version: "3.0"
        services:
          - name: db
            protocol: tcp
            host: postgres
            routes: [{name: db, protocols: [tcp], destinations: [{port: 5432}]}]
          - name: web
            host: export-api
            routes:
              - {name: web-tls, protocols: [tls], snis: [a.example.com]}
              - {name: web, protocols: [http, https], paths: [/]}
        """,
    )
    assert [p.entry for p in paths] == ["Kong route web"]


def test_service_host_resolves_to_a_kubernetes_service_or_a_declared_host(tree):
    paths, report = kong_paths(
        tree,
        """
        _format_version: "3.0"
        services:
          - {name: k8s, host: api.shop.svc.cluster.local, port: 80, routes: [{name: k8s, paths: [/k8s]}]}
          - {name: legacy, host: legacy.internal, port: 9000, routes: [{name: legacy, paths: [/legacy]}]}
        """,
        {
            "k8s/svc.yaml": """
            apiVersion: v1
            kind: Service
            metadata:
              name: api
              namespace: shop
              annotations: {timeout-lint/worst-case-response: 90s}
            spec: {selector: {app: api}}
            """,
            ".timeout-lint.yaml": "apps:\n  - service: legacy.internal:9000\n    worst-case-response: 5m\n",
        },
    )
    assert sorted((p.app.kind, p.app.name, p.app.worst_case.total) for p in paths) == [
        ("Service", "shop/api", 90),
        ("upstream", "legacy.internal:9000", 300),
    ]
    # Kong's default 60 s is shorter than both; each finding is at its own service entry
    assert [(f.code, f.location.line, f.location.column) for f in report.findings] == [("TL102", 3, 5), ("TL102", 4, 5)]


def test_references_resolve_across_the_files_of_one_directory(tree):
    paths, _ = kong_paths(
        tree,
        """
        _format_version: "3.0"
        routes:
          - {name: export, service: {name: export}, paths: [/export]}
        """,
        {
            "kong/services.yaml": '_format_version: "3.0"\nservices:\n  - {name: export, host: pool, read_timeout: 150000}\n'
            "upstreams:\n  - {name: pool, targets: [{target: 'export-api:8080'}]}\n",
            "other/kong.yaml": '_format_version: "3.0"\nservices:\n  - {name: export, host: elsewhere}\n',
        },
    )
    (path,) = paths
    assert path.app.name == "export-api"
    assert timeout(path.hops[0], "read_timeout").location.file == "kong/services.yaml"


def test_a_file_with_both_kinds_of_document_reads_each_with_its_parser(tree, monkeypatch):
    import timeout_lint.yamlnodes as yamlnodes

    composed = []
    real = yamlnodes.compose_all

    def counting(text):
        composed.append(text)
        return real(text)

    monkeypatch.setattr(yamlnodes, "compose_all", counting)
    report = tree(
        {
            "mixed.yaml": """
            _format_version: "3.0"
            kind: Service
            services:
              - {name: export, host: export-api, routes: [{name: export, paths: [/]}]}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: export-api, namespace: shop}
            """,
            "values.yaml": "replicaCount: 2\nimage: {repository: x}\n",  # neither kind: nor _format_version:
        }
    )
    assert len(composed) == 1  # mixed.yaml once; values.yaml never
    (path,) = report.paths
    assert path.entry == "Kong route export"
    assert path.app.kind == "Service" and path.app.name == "shop/export-api"  # bare name, unique in the tree
