"""HAProxy: units (bare numbers are MILLISECONDS), defaults inheritance, quoting, exact positions."""

from __future__ import annotations

import math
import textwrap

import pytest

from timeout_lint.model import Kind, Side
from timeout_lint.parsers.haproxy import parse_haproxy, parse_server_address, split_line
from timeout_lint.sources import SourceFile


def parse(text: str, quiet: bool = False):
    return parse_haproxy(SourceFile("/etc/haproxy/haproxy.cfg", "haproxy.cfg", textwrap.dedent(text).lstrip("\n")), quiet=quiet)


def proxies(text: str) -> dict:
    result = parse(text)
    return {p.name: p for p in result.config.proxies}


def at(timeout) -> tuple[int, int]:
    return (timeout.location.line, timeout.location.column)


def test_bare_numbers_are_milliseconds_and_units_are_read_once():
    backend = proxies(
        """
        backend app
            timeout server 30
            timeout connect 5s
            timeout queue 1500us
        """
    )["app"]
    server = backend.timeouts["server"]
    assert server.seconds == pytest.approx(0.03)  # 30 ms, not 30 s
    assert (server.raw, server.unit, server.explicit) == ("30", "ms", True)
    assert server.written == "30 ms"
    assert backend.timeouts["connect"].seconds == 5 and backend.timeouts["connect"].unit is None
    assert backend.timeouts["queue"].seconds == pytest.approx(0.002)
    assert any("30 MILLISECONDS" in note for note in backend.notes)


def test_combined_units_are_read_as_haproxy_reads_them():
    backend = proxies("backend app\n    timeout server 1m30s\n")["app"]
    server = backend.timeouts["server"]
    assert (server.seconds, server.raw) == (60, "1m30s")
    assert server.written == "1m30s (60s)"
    assert any("reads it as 1m and ignores '30s'" in note and "write 90s" in note for note in backend.notes)


def test_what_haproxy_ignores_is_recorded_on_the_timeout():
    backend = proxies("backend app\n    timeout server 1m30s\n    timeout connect 5s\n")["app"]
    assert backend.timeouts["server"].ignored == "30s"
    assert backend.timeouts["connect"].ignored == ""


def test_end_of_line_comments_travel_with_the_timeout_even_when_inherited():
    found = proxies(
        """
        defaults
            timeout server 30  # 30 seconds
            timeout connect 5s
        listen app
            timeout client 1m   #   one minute
            timeout tunnel "1h" # "#" inside quotes is no comment, this one is
        """
    )
    app = found["app"]
    assert app.timeouts["server"].comment == "30 seconds"  # from the defaults line, where it is written
    assert at(app.timeouts["server"]) == (2, 5)
    assert app.timeouts["connect"].comment is None
    assert app.timeouts["client"].comment == "one minute"
    assert app.timeouts["tunnel"].comment == '"#" inside quotes is no comment, this one is'


def test_kinds_sides_and_exact_positions():
    found = proxies(
        """
        frontend web
            mode http
            timeout client 30s
            timeout http-request 10s
            timeout http-keep-alive 2s
            default_backend app
        backend app
            mode http
          timeout   server 2m
            timeout connect 5s
            timeout tunnel 1h
        """
    )
    web, app = found["web"], found["app"]
    assert (web.location.line, web.location.column) == (1, 1)
    assert (app.location.line, app.location.column) == (7, 1)
    server = app.timeouts["server"]
    assert (server.kind, server.side, server.seconds) == (Kind.IDLE, Side.UPSTREAM, 120)
    assert at(server) == (9, 3)
    assert app.timeouts["connect"].kind is Kind.CONNECT
    # in mode http the client side is not watched while the server works: not a response limit
    client = web.timeouts["client"]
    assert (client.kind, client.side) == (Kind.SEND, Side.DOWNSTREAM)
    assert web.timeouts["http-request"].kind is Kind.REQUEST_READ
    assert web.timeouts["http-keep-alive"].kind is Kind.KEEPALIVE
    assert "server" not in web.timeouts  # a frontend has no server side
    assert "client" not in app.timeouts


def test_mode_tcp_makes_client_an_idle_limit():
    web = proxies("frontend web\n    mode tcp\n    timeout client 30s\n")["web"]
    assert web.timeouts["client"].kind is Kind.IDLE


def test_unset_timeouts_mean_no_limit_with_haproxys_warning():
    found = proxies("frontend web\n    default_backend app\nbackend app\n    server a app:80\n")
    server = found["app"].timeouts["server"]
    assert server.seconds == math.inf and not server.explicit
    assert (server.location.line, server.location.column) == (3, 1)  # anchored at the backend
    assert "timeout server" in server.hint and "{value}" in server.hint
    client = found["web"].timeouts["client"]
    assert client.seconds == math.inf and (client.location.line, client.location.column) == (1, 1)
    assert any("missing timeouts for backend app (connect, server)" in note for note in found["app"].notes)
    assert found["app"].mode == "tcp"  # HAProxy's default mode


def test_zero_means_no_timeout():
    assert proxies("backend app\n    timeout server 0\n")["app"].timeouts["server"].seconds == math.inf


def test_each_proxy_starts_from_the_last_defaults_above_it():
    found = proxies(
        """
        defaults
            mode http
            timeout server 10s
        backend one
            server a a:80
        defaults
            timeout connect 3s
        backend two
            server b b:80
        """
    )
    one, two = found["one"], found["two"]
    assert one.timeouts["server"].seconds == 10 and one.timeouts["server"].location.line == 3
    assert one.mode == "http"
    # a defaults section without `from` starts empty: two has no server timeout and mode tcp
    assert not two.timeouts["server"].explicit and two.mode == "tcp"
    assert two.timeouts["connect"].seconds == 3


def test_named_defaults_and_defaults_from_defaults():
    found = proxies(
        """
        defaults base
            mode http
            timeout server 1m
        defaults slow from base
            timeout server 5m
        defaults
            timeout server 1s
        backend fast from base
            server a a:80
        backend export from slow
            server b b:80
        backend last
            server c c:80
        """
    )
    assert found["fast"].timeouts["server"].seconds == 60
    assert found["export"].timeouts["server"].seconds == 300 and found["export"].mode == "http"
    assert found["last"].timeouts["server"].seconds == 1


def test_proxy_setting_overrides_its_defaults_and_later_lines_win():
    app = proxies("defaults\n    timeout server 10s\nbackend app\n    timeout server 1m\n    timeout server 2m\n")["app"]
    assert app.timeouts["server"].seconds == 120 and app.timeouts["server"].location.line == 5


def test_unknown_named_defaults_is_a_note_not_a_guess():
    app = proxies("backend app from nowhere\n    server a a:80\n")["app"]
    assert any("'nowhere', which is not in this file" in note for note in app.notes)


def test_timeout_without_the_capability_is_ignored_with_a_note():
    web = proxies("frontend web\n    timeout server 1m\n")["web"]
    assert "server" not in web.timeouts
    assert any("ignores 'timeout server' on line 2" in note for note in web.notes)


def test_servers_backends_and_retries():
    found = proxies(
        """
        frontend web
            use_backend api if { path_beg /api }
            use_backend %[req.hdr(host),lower]
            default_backend app
        backend app
            retries 5
            retry-on conn-failure response-timeout
            server a1 App:8000 check
            server a2 [fd00::1]:8443
            server a3 /run/app.sock
            server-template web 1-3 web.local:80
        """
    )
    web, app = found["web"], found["app"]
    assert [(r.backend, r.dynamic, r.condition) for r in web.use_backends] == [
        ("api", False, "if { path_beg /api }"),
        ("%[req.hdr(host),lower]", True, ""),
    ]
    assert web.default_backend.backend == "app" and web.default_backend.location.line == 4
    assert [(s.name, s.host, s.port) for s in app.servers] == [
        ("a1", "app", 8000),
        ("a2", "fd00::1", 8443),
        ("a3", None, None),
        ("web", "web.local", 80),
    ]
    assert (app.servers[0].location.line, app.servers[0].location.column) == (8, 5)
    assert app.retries.extra_tries == 5 and app.retries.explicit
    assert app.retry_on == ("conn-failure", "response-timeout")
    assert proxies("backend b\n")["b"].retries.extra_tries == 3  # HAProxy's default


@pytest.mark.parametrize(
    "address, expected",
    [
        ("10.0.0.5:8080", ("10.0.0.5", 8080, None)),
        ("ipv4@app:80", ("app", 80, None)),
        ("app", ("app", None, None)),
        ("app:+1000", ("app", None, None)),
        ("::1:8080", ("::1", 8080, None)),  # without brackets the port follows the last colon
        ("unix@/run/a.sock", (None, None, "a socket, not a host")),
        (":8080", (None, None, "no host in the address")),
    ],
)
def test_server_addresses(address, expected):
    assert parse_server_address(address) == expected


def test_quoting_escaping_and_comments_follow_haproxys_parse_line():
    assert [w.text for w in split_line(r"""log-format "%ci %t" '$HOME \x41' a\ b c\#d # comment""")] == [
        "log-format",
        "%ci %t",
        r"$HOME \x41",
        "a b",
        "c#d",
    ]
    assert [w.text for w in split_line(r"a \x41 ''")] == ["a", "A", ""]
    words = split_line('  timeout server "${SRV_TIMEOUT}"')
    assert words[2].from_environment and words[0].column == 3
    # a trailing backslash is a character, not a line continuation
    assert [w.text for w in split_line("timeout server 5s \\")] == ["timeout", "server", "5s", "\\"]


def test_environment_values_are_not_guessed():
    app = proxies('backend app\n    timeout server "$SRV_TIMEOUT"\n')["app"]
    assert "server" not in app.timeouts  # neither a value nor HAProxy's default: unknown
    assert any("$SRV_TIMEOUT" in note and "not checked" in note for note in app.notes)
    assert not any("missing timeouts" in note and "server" in note for note in app.notes)


def test_settings_in_conditional_blocks_are_read_and_noted():
    result = parse(
        """
        backend app
        .if defined(SLOW)
            timeout server 5m
        .else
            timeout server 30s
        .endif
        """
    )
    (app,) = result.config.proxies
    assert app.timeouts["server"].seconds == 30 and app.timeouts["server"].location.line == 5
    assert any("conditional block (line 4: .else)" in note for note in app.notes)
    assert result.problems == []


@pytest.mark.parametrize(
    "text, message, line, column",
    [
        ("backend a\n    timeout server 5x\n", "unexpected character 'x' in 'timeout server'", 2, 20),
        ("backend a\n    timeout server 25d\n", "timer overflow", 2, 20),
        ("backend a\n    timeout server\n", "'timeout server' expects an integer value (in milliseconds)", 2, 5),
        ("backend a\n    timeout server 5s 10s\n", "unexpected extra argument '10s'", 2, 23),
        ("backend a\n    timeout serve 5s\n", "(got 'serve')", 2, 13),
        ("backend a\n    srvtimeout 5000\n", "not supported anymore since HAProxy 2.1. Use 'timeout server'", 2, 5),
        ("backend a\n    retries many\n", "'retries' expects an integer argument", 2, 13),
        ('backend a\n    log-format "%ci\n', "unmatched quote", 2, 16),
        ("timeout server 5s\nbackend a\n", "unknown keyword 'timeout' out of section", 1, 1),
        ("backend a\n.endif\n", "'.endif' without a matching '.if'", 2, 1),
        ("backend a\n.if defined(X)\n", "'.if' block is never closed", 2, 1),
        ("frontend\n", "'frontend' needs a name", 1, 1),
    ],
)
def test_what_haproxy_refuses_is_reported_at_its_place(text, message, line, column):
    result = parse(text)
    assert len(result.problems) == 1
    (problem,) = result.problems
    assert problem.rule == "unparsable-input" and message in problem.message
    assert (problem.location.line, problem.location.column) == (line, column)


def test_a_cfg_found_by_extension_is_read_only_if_it_starts_like_haproxy():
    assert parse("[metadata]\nname = x\n", quiet=True) is None
    assert parse("# comment\n\nglobal\n    daemon\n", quiet=True) is not None
    assert parse(".if version_atleast(3.1)\ntraces\n    trace all sink stderr\n.endif\n", quiet=True) is not None
    certain = parse("[metadata]\nname = x\n")
    assert [p.message for p in certain.problems] == ["invalid HAProxy: unknown keyword '[metadata]' out of section"]
