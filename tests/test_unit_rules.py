"""TL401 suspicious-unit and TL402 comment-contradicts-value: thresholds, units per system, exact places and messages."""

from __future__ import annotations

import pytest

from tests.conftest import lint_tree
from timeout_lint.rules.tl401_suspicious_unit import Options as TL401Options

KONG_INGRESS = """apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: reports, namespace: shop}
spec:
  ingressClassName: CLASS
  defaultBackend: {service: {name: export-api, port: {number: 80}}}
"""
SERVICE = """apiVersion: v1
kind: Service
metadata:
  name: export-api
  namespace: shop
  annotations:
ANNOTATIONS
spec:
  ports: [{port: 80}]
"""
KONG_INGRESS_CRD = """apiVersion: configuration.konghq.com/v1
kind: KongIngress
metadata: {name: export-timeouts, namespace: shop}
proxy:
PROXY
"""
DECK = """_format_version: "3.0"
services:
  - name: export-api
    url: http://export-api.shop.svc:8080
FIELDS
    routes:
      - {name: export, paths: [/export]}
"""
NGINX = """http {
    server {
        location / {
            proxy_pass http://app:8080;
DIRECTIVES
        }
    }
}
"""
HAPROXY = """defaults
    mode http
    timeout client 30s
STATEMENTS
frontend www
    bind :80
    default_backend app
backend app
    server a app:8080
"""
COMPOSE = """services:
  app:
    build: ./app
    command: COMMAND
"""
GO = """package main

import (
\t"net/http"
\t"time"
)

func main() {
\ts := &http.Server{
\t\tFIELD
\t}
\ts.ListenAndServe()
}
"""


def kong(annotations: str) -> dict[str, str]:
    return {"ingress.yaml": KONG_INGRESS.replace("CLASS", "kong"), "svc.yaml": SERVICE.replace("ANNOTATIONS", annotations)}


def ingress_nginx(annotation: str) -> dict[str, str]:
    """An ingress-nginx annotation: on the Ingress (line 4), not on the Service."""
    ingress = KONG_INGRESS.replace("CLASS", "nginx").replace("namespace: shop}", f"namespace: shop, annotations: {{{annotation}}}}}")
    return {"ingress.yaml": ingress, "svc.yaml": SERVICE.replace("ANNOTATIONS", "    x: y")}


def behind_nginx(files: dict[str, str]) -> dict[str, str]:
    """An app server's hop is on a path only with something in front of it."""
    return {"nginx/nginx.conf": NGINX.replace("DIRECTIVES", "            proxy_read_timeout 60s;"), **files}


def findings(root, files: dict[str, str], code: str, **rule_options) -> list[tuple[str, int, int, str]]:
    if rule_options:
        options = "\n".join(f"    {key}: {value}" for key, value in rule_options.items())
        files = {**files, ".timeout-lint.yaml": f"rules:\n  {code}:\n{options}\n"}
    report = lint_tree(root, files, select=(code, "TL004"))
    return [(f.location.file, f.location.line, f.location.column or 0, f.message) for f in report.findings]


def messages(root, files: dict[str, str], code: str = "TL401", **rule_options) -> list[str]:
    return [message for *_, message in findings(root, files, code, **rule_options)]


# -- TL401: milliseconds that were meant as seconds ------------------------------------------------


def test_kong_annotation_in_seconds_at_its_line_and_column(tmp_path):
    found = findings(tmp_path, kong('    konghq.com/read-timeout: "120"'), "TL401")
    assert found == [
        ("svc.yaml", 7, 5, 'konghq.com/read-timeout "120" is 120 ms in Kong (milliseconds); for 2 minutes write "120000"'),
    ]


@pytest.mark.parametrize(
    "value, reported",
    [("999", True), ("1000", False), ("60000", False), ("1", True)],
)
def test_kong_threshold_is_one_second(tmp_path, value, reported):
    assert bool(messages(tmp_path, kong(f'    konghq.com/write-timeout: "{value}"'))) is reported


@pytest.mark.parametrize("value, reported", [("99", True), ("100", False), ("500", False), ("5", True)])
def test_connect_timeouts_may_be_short_on_purpose_down_to_100_ms(tmp_path, value, reported):
    assert bool(messages(tmp_path, kong(f'    konghq.com/connect-timeout: "{value}"'))) is reported


def test_kong_ingress_proxy_and_deck_fields_are_integers_without_quotes(tmp_path):
    files = {
        **kong("    konghq.com/override: export-timeouts"),
        "kong-ingress.yaml": KONG_INGRESS_CRD.replace("PROXY", "  read_timeout: 90"),
    }
    assert messages(tmp_path, files) == ["proxy.read_timeout 90 is 90 ms in Kong (milliseconds); for 90 seconds write 90000"]
    deck = {"kong/kong.yaml": DECK.replace("FIELDS", "    read_timeout: 300\n    connect_timeout: 5")}
    assert findings(tmp_path / "deck", deck, "TL401") == [
        ("kong/kong.yaml", 5, 5, "read_timeout 300 is 300 ms in Kong (milliseconds); for 5 minutes write 300000"),
        ("kong/kong.yaml", 6, 5, "connect_timeout 5 is 5 ms in Kong (milliseconds); for 5 seconds write 5000"),
    ]


def test_haproxy_bare_numbers_are_milliseconds_and_its_example_values_pass(tmp_path):
    files = {
        "haproxy/haproxy.cfg": HAPROXY.replace("STATEMENTS", "    timeout server 30\n    timeout connect 5"),
        "compose.yaml": "services:\n  app: {image: app}\n",
    }
    assert findings(tmp_path, files, "TL401") == [
        (
            "haproxy/haproxy.cfg",
            4,
            5,
            "timeout server 30 is 30 ms in HAProxy (a number without a unit is milliseconds); for 30 seconds write 30s",
        ),
        (
            "haproxy/haproxy.cfg",
            5,
            5,
            "timeout connect 5 is 5 ms in HAProxy (a number without a unit is milliseconds); for 5 seconds write 5s",
        ),
    ]
    # HAProxy's own examples: bare milliseconds of a second and more
    files["haproxy/haproxy.cfg"] = HAPROXY.replace("STATEMENTS", "    timeout server 50000\n    timeout connect 5000")
    assert messages(tmp_path, files) == []


def test_haproxy_compound_value_is_read_as_its_first_unit(tmp_path):
    files = {
        "haproxy/haproxy.cfg": HAPROXY.replace("STATEMENTS", "    timeout server 1m30s"),
        "compose.yaml": "services:\n  app: {image: app}\n",
    }
    assert messages(tmp_path, files) == [
        'timeout server 1m30s is 1m in HAProxy (it reads one number with one unit and ignores the rest, "30s", with a warning); '
        "for 90 seconds write 90s"
    ]
    files["haproxy/haproxy.cfg"] = HAPROXY.replace("STATEMENTS", "    timeout server 15min")  # 15 minutes as meant, with a warning
    assert messages(tmp_path, files) == [
        'timeout server 15min is 15m in HAProxy (it reads one number with one unit and ignores the rest, "in", with a warning)'
    ]


def test_node_milliseconds(tmp_path):
    files = behind_nginx(
        {
            "compose.yaml": COMPOSE.replace("COMMAND", "node server.js"),
            "app/server.js": "const http = require('http');\nconst server = http.createServer(h);\nserver.requestTimeout = 30;\nserver.listen(8080);\n",
        }
    )
    assert findings(tmp_path, files, "TL401") == [
        ("app/server.js", 3, 1, "server.requestTimeout 30 is 30 ms in Node.js http (milliseconds); for 30 seconds write 30000"),
    ]


def test_go_duration_without_a_unit_counts_nanoseconds(tmp_path):
    files = behind_nginx({"compose.yaml": COMPOSE.replace("COMMAND", "/app"), "app/main.go": GO.replace("FIELD", "WriteTimeout: 30,")})
    assert findings(tmp_path, files, "TL401") == [
        (
            "app/main.go",
            10,
            3,
            "WriteTimeout 30 is 30 ns in Go net/http (a time.Duration counts nanoseconds); for 30 seconds write 30 * time.Second",
        ),
    ]
    files["app/main.go"] = GO.replace("FIELD", "WriteTimeout: 30 * time.Second,")
    assert messages(tmp_path, files) == []
    files["app/main.go"] = GO.replace("FIELD", "WriteTimeout: 500 * time.Microsecond,")  # tiny, but with its unit
    assert messages(tmp_path, files) == []
    files["app/main.go"] = GO.replace("\nfunc main", "\nconst writeSeconds = 45\n\nfunc main").replace(
        "FIELD", "WriteTimeout: writeSeconds,"
    )
    assert messages(tmp_path, files) == [
        "WriteTimeout writeSeconds is 45 ns in Go net/http (a time.Duration counts nanoseconds); for 45 seconds write 45 * time.Second"
    ]


# -- TL401: seconds that were meant as milliseconds ------------------------------------------------


def test_nginx_bare_milliseconds_at_the_directive(tmp_path):
    files = {"nginx/nginx.conf": NGINX.replace("DIRECTIVES", "            proxy_read_timeout 30000;")}
    assert findings(tmp_path, files, "TL401") == [
        (
            "nginx/nginx.conf",
            5,
            13,
            "proxy_read_timeout 30000 is 8h20m in nginx (a number without a unit is seconds); for 30 seconds write 30s",
        ),
    ]


@pytest.mark.parametrize(
    "value, reported",
    [
        ("9000", False),  # below 10000 s
        ("10000", True),
        ("11000", True),
        ("60000", True),
        ("86400", False),  # a day: not whole thousands (WebSocket proxies)
        ("12345", False),
        ("100000", False),  # powers of ten mean "very long"
        ("1000000", False),
        ("30000s", False),  # written with a unit: meant as written
        ("600", False),
    ],
)
def test_nginx_seconds_threshold(tmp_path, value, reported):
    files = {"nginx/nginx.conf": NGINX.replace("DIRECTIVES", f"            proxy_read_timeout {value};")}
    assert bool(messages(tmp_path, files)) is reported


@pytest.mark.parametrize("value, reported", [("5000", True), ("1000", True), ("75", False), ("100000", False)])
def test_nginx_connect_timeouts_in_thousands_of_seconds(tmp_path, value, reported):
    files = {"nginx/nginx.conf": NGINX.replace("DIRECTIVES", f"            proxy_connect_timeout {value};")}
    assert bool(messages(tmp_path, files)) is reported


def test_ingress_nginx_annotation_keeps_its_quotes(tmp_path):
    annotation = 'nginx.ingress.kubernetes.io/proxy-read-timeout: "60000"'
    assert messages(tmp_path, ingress_nginx(annotation)) == [
        'nginx.ingress.kubernetes.io/proxy-read-timeout "60000" is 16h40m in ingress-nginx (seconds); for 60 seconds write "60"'
    ]


def test_gunicorn_timeout_in_milliseconds(tmp_path):
    files = behind_nginx({"compose.yaml": COMPOSE.replace("COMMAND", "gunicorn --timeout 30000 app:app")})
    assert findings(tmp_path, files, "TL401") == [
        ("compose.yaml", 4, 23, "--timeout 30000 is 8h20m in gunicorn (seconds); for 30 seconds write 30"),
    ]


def test_traefik_bare_number_is_seconds(tmp_path):
    files = {
        "svc.yaml": SERVICE.replace("ANNOTATIONS", "    x: y").replace("export-api", "api"),
        "route.yaml": (
            "apiVersion: traefik.io/v1alpha1\nkind: IngressRoute\nmetadata: {name: web, namespace: shop}\nspec:\n"
            "  routes:\n    - match: Host(`a`)\n      services: [{name: api, port: 80, serversTransport: slow}]\n"
        ),
        "transport.yaml": (
            "apiVersion: traefik.io/v1alpha1\nkind: ServersTransport\nmetadata: {name: slow, namespace: shop}\n"
            "spec:\n  forwardingTimeouts:\n    responseHeaderTimeout: 120000\n"
        ),
    }
    assert findings(tmp_path, files, "TL401") == [
        (
            "transport.yaml",
            6,
            5,
            "forwardingTimeouts.responseHeaderTimeout 120000 is 1d9h20m in Traefik (a number without a unit is seconds); "
            "for 2 minutes write 2m",
        ),
    ]


# -- TL401: options, and what is never reported ----------------------------------------------------


def test_thresholds_are_options(tmp_path):
    files = kong('    konghq.com/read-timeout: "3000"\n    konghq.com/connect-timeout: "500"')
    assert messages(tmp_path, files) == []
    stricter = messages(tmp_path, files, **{"min-milliseconds": 5000, "min-connect-milliseconds": 1000})
    assert stricter == [
        'konghq.com/read-timeout "3000" is 3s in Kong (milliseconds); for 50 minutes write "3000000"',
        'konghq.com/connect-timeout "500" is 500 ms in Kong (milliseconds); for 8 minutes 20 seconds write "500000"',
    ]
    nginx = {
        "nginx/nginx.conf": NGINX.replace("DIRECTIVES", "            proxy_read_timeout 5000;\n            proxy_connect_timeout 300;")
    }
    assert messages(tmp_path / "n", nginx) == []
    assert len(messages(tmp_path / "n", nginx, **{"max-seconds": 5000, "max-connect-seconds": 300})) == 1  # 300 is no whole thousand
    assert TL401Options() == TL401Options(1000, 100, 10000, 1000)


def test_defaults_no_limit_and_values_with_units_are_never_reported(tmp_path):
    # nothing set: Kong's default 60000 ms is a default, not a value someone wrote
    assert messages(tmp_path, kong("    x: y")) == []
    files = {
        "haproxy/haproxy.cfg": HAPROXY.replace("STATEMENTS", "    timeout server 0\n    timeout connect 500ms"),
        "compose.yaml": "services:\n  app: {image: app}\n",
    }
    assert messages(tmp_path / "h", files) == []  # 0: no limit; 500ms: a unit is written


def test_the_same_value_on_several_paths_is_one_finding(tmp_path):
    files = {
        **kong('    konghq.com/read-timeout: "120"'),
        "ingress2.yaml": KONG_INGRESS.replace("CLASS", "kong").replace("name: reports", "name: other"),
    }
    report = lint_tree(tmp_path, files, select=("TL401",))
    assert len(report.paths) == 2 and len(report.findings) == 1


# -- TL402 -----------------------------------------------------------------------------------------


def test_kong_ingress_value_against_its_comment(tmp_path):
    files = {
        **kong("    konghq.com/override: export-timeouts"),
        "kong-ingress.yaml": KONG_INGRESS_CRD.replace(
            "PROXY", "  read_timeout: 10000000  # 10 minutes\n  write_timeout: 125000 # ~2 minutes"
        ),
    }
    assert findings(tmp_path, files, "TL402") == [
        (
            "kong-ingress.yaml",
            5,
            3,
            "proxy.read_timeout 10000000 is 2h46m40s in Kong (milliseconds), but the comment on its line says 10 minutes; "
            "for 10 minutes write 600000, or correct the comment",
        ),
    ]


@pytest.mark.parametrize(
    "statement, message",
    [
        (
            "timeout server 30 # 30 seconds",
            "timeout server 30 is 30 ms in HAProxy (a number without a unit is milliseconds), but the comment on its line says "
            "30 seconds; for 30 seconds write 30s, or correct the comment",
        ),
        (
            "timeout server 2m  # 90 s",
            "timeout server 2m is 2m in HAProxy, but the comment on its line says 90 seconds; for 90 seconds write 90s, or correct the comment",
        ),
        (
            "timeout server 0  # 1 hour",
            "timeout server 0 means no limit in HAProxy (a number without a unit is milliseconds), but the comment on its line says "
            "1 hour; for 1 hour write 1h, or correct the comment",
        ),
        ("timeout server 90s  # 1m30s", None),
        ("timeout server 60000  # 1 minute", None),
        ("timeout server 60000  # Kong's default is 60s too", None),
    ],
)
def test_haproxy_values_against_their_comments(tmp_path, statement, message):
    files = {"haproxy/haproxy.cfg": HAPROXY.replace("STATEMENTS", f"    {statement}"), "compose.yaml": "services:\n  app: {image: app}\n"}
    assert messages(tmp_path, files, "TL402") == ([message] if message else [])


@pytest.mark.parametrize(
    "directive, reported",
    [
        ("proxy_read_timeout 300;  # 3 minutes", True),
        ("proxy_read_timeout 300;  # 5 minutes", False),
        ("proxy_read_timeout 130s;  # 2 minutes", False),  # 8%: within 10%
        ("proxy_read_timeout 135s;  # 2 minutes", True),  # 12.5%
        ("proxy_read_timeout 300;  # timeout-lint: disable=TL101 -- the export takes 10m", False),
        ("proxy_read_timeout 300; proxy_send_timeout 60s;  # 5 minutes", False),  # which one does it mean?
    ],
)
def test_nginx_values_against_their_comments_with_the_default_tolerance(tmp_path, directive, reported):
    files = {"nginx/nginx.conf": NGINX.replace("DIRECTIVES", f"            {directive}")}
    assert bool(messages(tmp_path, files, "TL402")) is reported


def test_tolerance_is_an_option(tmp_path):
    files = {"nginx/nginx.conf": NGINX.replace("DIRECTIVES", "            proxy_read_timeout 135s;  # 2 minutes")}
    assert messages(tmp_path, files, "TL402", tolerance="15%") == []
    assert len(messages(tmp_path, files, "TL402", tolerance=5)) == 1
    report = lint_tree(tmp_path, {**files, ".timeout-lint.yaml": "rules:\n  TL402:\n    tolerance: lots\n"}, select=("TL402", "TL004"))
    # the bad value is reported where it is written, and the rule runs with its default
    assert [(f.code, f.location.line) for f in report.findings] == [("TL004", 3), ("TL402", 5)]


def test_go_and_node_line_comments(tmp_path):
    files = behind_nginx(
        {
            "compose.yaml": COMPOSE.replace("COMMAND", "/app"),
            "app/main.go": GO.replace("FIELD", "WriteTimeout: 10 * time.Second, // 10 minutes"),
        }
    )
    assert messages(tmp_path, files, "TL402") == [
        "WriteTimeout 10 * time.Second is 10s in Go net/http, but the comment on its line says 10 minutes; "
        "for 10 minutes write 10 * time.Minute, or correct the comment"
    ]
    files = behind_nginx(
        {
            "compose.yaml": COMPOSE.replace("COMMAND", "node server.js"),
            "app/server.js": "const server = require('http').createServer(h);\nserver.keepAliveTimeout = 6500; // 65 seconds\nserver.listen(1);\n",
        }
    )
    assert messages(tmp_path / "node", files, "TL402") == [
        "server.keepAliveTimeout 6500 is 6.5s in Node.js http (milliseconds), but the comment on its line says 65 seconds; "
        "for 65 seconds write 65000, or correct the comment"
    ]


def test_annotation_and_gunicorn_values_against_their_comments(tmp_path):
    ingress = ingress_nginx('nginx.ingress.kubernetes.io/proxy-read-timeout: "300"')
    ingress["ingress.yaml"] = ingress["ingress.yaml"].replace('"300"}}', '"300"}}  # 10 minutes')
    assert messages(tmp_path, ingress, "TL402") == [
        'nginx.ingress.kubernetes.io/proxy-read-timeout "300" is 5m in ingress-nginx (seconds), but the comment on its line says '
        '10 minutes; for 10 minutes write "600", or correct the comment'
    ]
    files = behind_nginx({"compose.yaml": COMPOSE.replace("COMMAND", "gunicorn --timeout 120 app:app  # 1 minute")})
    assert findings(tmp_path / "g", files, "TL402") == [
        (
            "compose.yaml",
            4,
            23,
            "--timeout 120 is 2m in gunicorn (seconds), but the comment on its line says 60 seconds; for 60 seconds write 60, "
            "or correct the comment",
        ),
    ]


# -- the words and option types the two rules use ----------------------------------------------------


@pytest.mark.parametrize(
    "written, value, raw",
    [("10%", 10.0, "10%"), ("2.5 %", 2.5, "2.5 %"), (15, 15.0, "15%"), ("0", 0.0, "0%"), (7.5, 7.5, "7.5%")],
)
def test_percent_option_forms(written, value, raw):
    from timeout_lint.options import Percent

    assert Percent.parse(written) == Percent(value, raw)
    assert Percent.parse(written).of(200) == pytest.approx(2 * value)


@pytest.mark.parametrize("written", ["lots", "10s", "-5%", True, [10], {"a": 1}])
def test_bad_percentages(written):
    from timeout_lint.options import Percent

    with pytest.raises(ValueError):
        Percent.parse(written)


@pytest.mark.parametrize(
    "seconds, spoken, single, go",
    [
        (120, "2 minutes", "2m", "2 * time.Minute"),
        (60, "60 seconds", "60s", "1 * time.Minute"),
        (90, "90 seconds", "90s", "90 * time.Second"),
        (150, "2 minutes 30 seconds", "150s", "150 * time.Second"),
        (1, "1 second", "1s", "1 * time.Second"),
        (0.5, "500 milliseconds", "500ms", "500 * time.Millisecond"),
        (1.5, "1.5 seconds", "1500ms", "1500 * time.Millisecond"),
        (3600, "1 hour", "1h", "1 * time.Hour"),
        (86400, "1 day", "24h", "24 * time.Hour"),
        (10000, "2 hours 46 minutes 40 seconds", "10000s", "10000 * time.Second"),
    ],
)
def test_durations_in_words_and_in_one_unit(seconds, spoken, single, go):
    from timeout_lint.rules import unit_words

    assert unit_words.spoken(seconds) == spoken
    assert unit_words.single_unit(seconds) == single
    assert unit_words.go_expression(seconds) == go


def test_advice_is_left_out_where_the_setting_cannot_take_the_value(tmp_path):
    # gunicorn takes whole seconds: "1.5 seconds" cannot be written, so only the contradiction is said
    files = behind_nginx({"compose.yaml": COMPOSE.replace("COMMAND", "gunicorn --timeout 30 app:app  # 1.5 seconds")})
    assert messages(tmp_path, files, "TL402") == [
        "--timeout 30 is 30s in gunicorn (seconds), but the comment on its line says 1.5 seconds; correct the value or the comment"
    ]


def test_httproute_durations_on_kong_carry_their_unit_and_are_not_milliseconds(tmp_path):
    files = {
        "svc.yaml": SERVICE.replace("ANNOTATIONS", "    x: y"),
        "gateway.yaml": (
            "apiVersion: gateway.networking.k8s.io/v1\nkind: GatewayClass\nmetadata: {name: kong}\n"
            "spec: {controllerName: konghq.com/kic-gateway-controller}\n---\n"
            "apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: {name: kong, namespace: shop}\n"
            "spec: {gatewayClassName: kong}\n"
        ),
        "route.yaml": (
            "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: r, namespace: shop}\n"
            "spec:\n  parentRefs: [{name: kong}]\n  rules:\n    - timeouts: {backendRequest: 500ms}\n"
            "      backendRefs: [{name: export-api, port: 80}]\n"
        ),
    }
    report = lint_tree(tmp_path, files, select=("TL401",))
    assert [hop.system for path in report.paths for hop in path.hops] == ["Kong"]
    assert report.findings == ()  # a Go duration on Kong: 500ms is what it says
