"""Node.js http.Server timeouts: literal milliseconds only, with Node's defaults and exact positions."""

from __future__ import annotations

import math
import textwrap

import pytest

from timeout_lint.model import Kind
from timeout_lint.parsers.node import parse_node
from timeout_lint.sources import SourceFile


def servers(text: str, name: str = "server.js"):
    return parse_node(SourceFile(f"/app/{name}", name, textwrap.dedent(text).lstrip("\n"))).servers


def by_setting(server) -> dict:
    return {t.setting: t for t in server.timeouts}


def test_assignments_options_and_set_timeout():
    (server,) = servers(
        """
        const http = require("node:http");
        const server = http.createServer({ requestTimeout: 10_000 }, handler);
        server.keepAliveTimeout = 65000;
        server.setTimeout(120000);
        server.listen(8080);
        """
    )
    found = by_setting(server)
    timeout = found["server.timeout"]
    assert (timeout.seconds, timeout.raw, timeout.unit, timeout.kind) == (120, "120000", "ms", Kind.IDLE)
    assert (timeout.location.line, timeout.location.column) == (4, 1)
    request = found["server.requestTimeout"]
    assert (request.seconds, request.kind, request.location.column) == (10, Kind.REQUEST_READ, 36)
    assert found["server.keepAliveTimeout"].kind is Kind.KEEPALIVE and found["server.keepAliveTimeout"].seconds == 65
    # headersTimeout defaults to min(requestTimeout, 60000)
    assert found["server.headersTimeout"].seconds == 10 and not found["server.headersTimeout"].explicit
    assert (server.location.line, server.location.column) == (2, 16)


def test_each_value_carries_the_line_comment_after_it():
    (server,) = servers(
        """
        const server = http.createServer({
          requestTimeout: 30000, // 30 seconds
          headersTimeout: 20000,
        }, handler);
        server.keepAliveTimeout = 65000; // longer than the ALB's 60 s
        server.setTimeout(120000); /* not a line comment */
        server.timeout = 90000 // ninety seconds, "quoted // part" kept
        """
    )
    found = by_setting(server)
    assert found["server.requestTimeout"].comment == "30 seconds"
    assert found["server.headersTimeout"].comment is None
    assert found["server.keepAliveTimeout"].comment == "longer than the ALB's 60 s"
    assert found["server.timeout"].comment == 'ninety seconds, "quoted // part" kept'  # the last one set wins
    (set_timeout,) = servers("const s = http.createServer(h);\ns.setTimeout(120000); // two minutes\n")
    assert by_setting(set_timeout)["server.timeout"].comment == "two minutes"


def test_defaults_when_nothing_is_set():
    (server,) = servers("import express from 'express';\nconst app = express();\napp.listen(3000);\n")
    found = by_setting(server)
    assert found["server.timeout"].seconds == math.inf and not found["server.timeout"].explicit
    assert found["server.requestTimeout"].seconds == 300
    assert found["server.headersTimeout"].seconds == 60
    assert found["server.keepAliveTimeout"].seconds == 5


def test_zero_disables_and_non_literals_are_not_guessed():
    (server,) = servers("const s = http.createServer(h);\ns.timeout = 0;\ns.keepAliveTimeout = config.keepAlive;\n")
    found = by_setting(server)
    assert found["server.timeout"].seconds == math.inf and found["server.timeout"].explicit
    assert "server.keepAliveTimeout" not in found
    assert [(u.setting, u.expression) for u in server.unevaluated] == [("server.keepAliveTimeout", "config.keepAlive")]


def test_typescript_and_chained_servers():
    (server,) = servers(
        "import { createServer, Server } from 'http';\nconst s: Server = createServer(app);\ns.timeout = 90_000 as number;\n",
        name="main.ts",
    )
    assert by_setting(server)["server.timeout"].seconds == 90
    (chained,) = servers("http.createServer({ headersTimeout: 5000 }, h).listen(80);\n")
    assert by_setting(chained)["server.headersTimeout"].seconds == 5


@pytest.mark.parametrize("text", ["const x = 1;\n", "socket.setTimeout(5000);\nother.timeout = 5;\n"])
def test_files_without_servers(text):
    assert servers(text) == []
