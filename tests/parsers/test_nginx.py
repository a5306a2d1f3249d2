"""The nginx parser: inheritance, includes, upstreams, targets, defaults and exact locations."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import write_tree
from timeout_lint.model import Kind
from timeout_lint.parsers.nginx import parse_nginx, parse_target


def routes(root: Path, files: dict[str, str], names: list[str] | None = None, **kwargs):
    write_tree(root, files)
    candidates = [(str(root / n), True, False) for n in (names or list(files))]
    return parse_nginx(candidates, [str(root)], str(root), **kwargs)


def effective(route, setting):
    return next(t for t in route.timeouts if t.setting == setting)


def test_location_inherits_from_server_and_http_innermost_wins(tmp_path):
    result = routes(
        tmp_path,
        {
            "nginx.conf": """
            events {}
            http {
                proxy_read_timeout 30s;
                proxy_send_timeout 10s;
                server {
                    proxy_read_timeout 45s;
                    location / {
                        proxy_pass http://app:8080;
                    }
                    location /slow {
                        proxy_read_timeout 5m;
                        proxy_pass http://app:8080;
                    }
                }
            }
            """
        },
    )
    assert not result.problems
    first, second = result.routes
    assert (effective(first, "proxy_read_timeout").raw, effective(first, "proxy_read_timeout").location.line) == ("45s", 6)
    assert effective(first, "proxy_send_timeout").location.line == 4  # from http
    assert effective(second, "proxy_read_timeout").seconds == 300
    assert effective(second, "proxy_read_timeout").location.line == 11


def test_an_inherited_value_carries_the_comment_of_the_line_it_is_set_on(tmp_path):
    result = routes(
        tmp_path,
        {
            "nginx.conf": """
            http {
                proxy_read_timeout 300;  # 5 minutes
                server {
                    location / {
                        proxy_pass http://app:8080;
                        proxy_send_timeout 60s; # "quoted # text" is part of the comment
                        proxy_connect_timeout "5s";
                    }
                }
            }
            """
        },
    )
    (route,) = result.routes
    assert effective(route, "proxy_read_timeout").comment == "5 minutes"  # set in http, inherited
    assert effective(route, "proxy_send_timeout").comment == '"quoted # text" is part of the comment'
    assert effective(route, "proxy_connect_timeout").comment is None


def test_default_applies_at_the_location_block(tmp_path):
    result = routes(tmp_path, {"nginx.conf": "http {\n  server {\n    location /api {\n      proxy_pass http://api;\n    }\n  }\n}\n"})
    route = result.routes[0]
    read = effective(route, "proxy_read_timeout")
    assert not read.explicit and read.seconds == 60 and read.kind is Kind.IDLE
    assert (read.location.line, read.location.column) == (3, 5)
    assert "proxy_read_timeout" in read.hint


def test_nested_location_inherits_from_enclosing_location(tmp_path):
    result = routes(
        tmp_path,
        {"nginx.conf": "http { server { location /a { proxy_read_timeout 7s;\n location /a/b { proxy_pass http://x:1; } } } }\n"},
    )
    assert effective(result.routes[0], "proxy_read_timeout").seconds == 7


def test_include_glob_relative_to_including_file_reports_at_http_line(tmp_path):
    result = routes(
        tmp_path,
        {
            "etc/nginx.conf": "http {\n    proxy_read_timeout 2s;\n    include conf.d/*.conf;\n}\n",
            "etc/conf.d/b.conf": "server { server_name b; location / { proxy_pass http://b:80; } }\n",
            "etc/conf.d/a.conf": "server { server_name a; location / { proxy_pass http://a:80; } }\n",
        },
    )
    assert [r.server_names for r in result.routes] == [("a",), ("b",)]  # glob order, each once
    read = effective(result.routes[0], "proxy_read_timeout")
    assert (read.location.file, read.location.line, read.location.column) == ("etc/nginx.conf", 2, 5)


def test_included_file_is_not_also_read_on_its_own(tmp_path):
    result = routes(
        tmp_path,
        {
            "nginx.conf": "http { proxy_read_timeout 9s; include sites/*.conf; }\n",
            "sites/x.conf": "server { location / { proxy_pass http://x:80; } }\n",
        },
    )
    assert len(result.routes) == 1
    assert effective(result.routes[0], "proxy_read_timeout").seconds == 9


def test_absolute_include_is_matched_by_its_tail_inside_the_tree(tmp_path):
    result = routes(
        tmp_path,
        {
            "nginx/nginx.conf": "http { include /etc/nginx/conf.d/*.conf; }\n",
            "nginx/conf.d/x.conf": "server { location / { proxy_pass http://x:80; } }\n",
        },
    )
    assert len(result.routes) == 1 and result.routes[0].config == "nginx/nginx.conf"


def test_include_cycle_is_reported_and_not_followed_twice(tmp_path):
    result = routes(
        tmp_path,
        {
            "nginx.conf": "http {\n  include a.conf;\n  server { location / { proxy_pass http://x:80; } }\n}\n",
            "a.conf": "include b.conf;\n",
            "b.conf": "include a.conf;\n",
        },
        names=["nginx.conf"],
    )
    cycles = [p for p in result.problems if p.rule == "include-cycle"]
    assert len(cycles) == 1
    assert cycles[0].location.file == "b.conf" and cycles[0].location.line == 1
    assert "a.conf -> b.conf -> a.conf" in cycles[0].message
    assert len(result.routes) == 1


def test_self_include(tmp_path):
    result = routes(tmp_path, {"nginx.conf": "http { include nginx.conf; }\n"})
    assert [p.rule for p in result.problems] == ["include-cycle"]


def test_missing_relative_include_is_noted(tmp_path):
    result = routes(tmp_path, {"nginx.conf": "http {\n  include snippets/proxy.conf;\n}\n"})
    assert [(p.rule, p.location.line) for p in result.problems] == [("include-not-found", 2)]


def test_include_outside_the_root_is_not_followed(tmp_path):
    outside = tmp_path / "outside.conf"
    outside.write_text("proxy_read_timeout 1s;\n")
    root = tmp_path / "root"
    root.mkdir()
    files = {"nginx.conf": "http {\n  include ../outside.conf;\n  server { location / { proxy_pass http://x:80; } }\n}\n"}
    result = routes(root, files)
    assert effective(result.routes[0], "proxy_read_timeout").explicit is False
    assert "outside the linted paths" in result.problems[0].message
    followed = parse_nginx([(str(root / "nginx.conf"), True, False)], [str(root)], str(root), allow_outside_root=True)
    assert effective(followed.routes[0], "proxy_read_timeout").seconds == 1


def test_upstream_block_and_targets(tmp_path):
    result = routes(
        tmp_path,
        {
            "nginx.conf": """
            http {
                upstream backend {
                    server app1:8080 weight=2;
                    server app2:8080;
                }
                server {
                    location / { proxy_pass http://backend; }
                    location /v { proxy_pass http://$host$request_uri; }
                    location /php { fastcgi_pass php:9000; fastcgi_read_timeout 3m; }
                }
            }
            """
        },
    )
    upstream_route, variable_route, php_route = result.routes
    assert [(s.host, s.port, s.location.line) for s in upstream_route.upstream.servers] == [("app1", 8080, 3), ("app2", 8080, 4)]
    assert variable_route.target.host is None and "variable" in variable_route.target.unresolved_reason
    assert php_route.pass_directive == "fastcgi_pass"
    assert effective(php_route, "fastcgi_read_timeout").seconds == 180


def test_parse_target_forms():
    def parts(raw, directive="proxy_pass"):
        t = parse_target(raw, directive)
        return (t.scheme, t.host, t.port, t.explicit_port)

    assert parts("http://app:8080/x") == ("http", "app", 8080, True)
    assert parts("https://API.example.com") == ("https", "api.example.com", 443, False)
    assert parts("php:9000", "fastcgi_pass") == (None, "php", 9000, True)
    assert parse_target("unix:/run/app.sock", "proxy_pass").host is None


def test_bad_values_are_problems_at_their_line(tmp_path):
    result = routes(
        tmp_path,
        {
            "nginx.conf": "http {\n server {\n  location / {\n   proxy_read_timeout 30s1m;\n   proxy_send_timeout 1m 30s;\n   proxy_pass http://x:80;\n  }\n }\n}\n"
        },
    )
    messages = sorted((p.location.line, p.message) for p in result.problems)
    assert messages[0][0] == 4 and "largest first" in messages[0][1]
    assert messages[1][0] == 5 and "invalid number of arguments" in messages[1][1]
    assert effective(result.routes[0], "proxy_read_timeout").explicit is False  # the bad value is not used


def test_broken_nginx_is_a_problem_not_a_crash(tmp_path):
    result = routes(tmp_path, {"nginx.conf": "http {\n  server {\n    location / {\n      proxy_pass http://x\n"})
    assert result.problems and result.problems[0].rule == "unparsable-input"
    assert result.routes == []


def test_non_nginx_conf_is_skipped_quietly_unless_certain(tmp_path):
    write_tree(tmp_path, {"supervisord.conf": "[program:web]\ncommand=gunicorn app:app\n"})
    quiet = parse_nginx([(str(tmp_path / "supervisord.conf"), False, False)], [str(tmp_path)], str(tmp_path))
    assert quiet.problems == [] and quiet.routes == []
    loud = parse_nginx([(str(tmp_path / "supervisord.conf"), True, True)], [str(tmp_path)], str(tmp_path))
    assert loud.problems and loud.problems[0].rule == "unparsable-input"


def test_fragment_with_top_level_locations_is_a_server_context(tmp_path):
    result = routes(tmp_path, {"conf.d/locations.conf": "location /x { proxy_pass http://x:80; proxy_read_timeout 3s; }\n"})
    assert effective(result.routes[0], "proxy_read_timeout").seconds == 3


def test_relative_include_resolves_against_the_main_config_like_nginx(tmp_path):
    # nginx's prefix is the directory of nginx.conf, even inside an included file
    # (the same layout as crossplane's includes-globbed test configuration)
    result = routes(
        tmp_path,
        {
            "nginx.conf": "http { include servers/*.conf; }\n",
            "servers/one.conf": "server { listen 8080; include locations/*.conf; }\n",
            "servers/locations/not-included.conf": "garbage that must never be read\n",
            "locations/api.conf": "location /api { proxy_pass http://api:80; }\n",
        },
        names=["nginx.conf", "servers/one.conf", "locations/api.conf"],
    )
    assert [r.path for r in result.routes] == ["/api"]
    assert result.problems == []


def test_a_file_that_only_might_be_nginx_counts_once_a_real_config_includes_it(tmp_path):
    write_tree(tmp_path, {"nginx.conf": "http { include extra.conf; }\n", "extra.conf": "server { listen 80\n"})
    candidates = [(str(tmp_path / "extra.conf"), False, False), (str(tmp_path / "nginx.conf"), True, False)]
    result = parse_nginx(candidates, [str(tmp_path)], str(tmp_path))
    assert [(p.rule, p.location.file) for p in result.problems] == [("unparsable-input", "extra.conf")]


def test_upstream_connection_cache_keepalive_only_when_connections_are_reused(tmp_path):
    def keepalive(route):
        return next((t for t in route.timeouts if t.kind is Kind.KEEPALIVE), None)

    result = routes(
        tmp_path,
        {
            "nginx.conf": """
            http {
                upstream cached { server app:8000; keepalive 16; keepalive_timeout 90s; }
                upstream default_timeout { server app:8000; keepalive 16; }
                upstream uncached { server app:8000; }
                server {
                    proxy_http_version 1.1;
                    location /a { proxy_pass http://cached; }
                    location /b { proxy_pass http://default_timeout; }
                    location /c { proxy_pass http://uncached; }
                    location /d { proxy_http_version 1.0; proxy_pass http://cached; }
                }
            }
            """
        },
    )
    a, b, c, d = result.routes
    assert (keepalive(a).seconds, keepalive(a).explicit, keepalive(a).location.line) == (90, True, 2)
    assert (keepalive(b).seconds, keepalive(b).explicit, keepalive(b).location.line) == (60, False, 3)
    assert keepalive(c) is None  # no `keepalive N`: no cache of idle connections at all
    assert keepalive(d) is None  # HTTP/1.0 to the upstream: every connection is closed after the response
