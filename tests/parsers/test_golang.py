"""Go http.Server literals read with tree-sitter; durations evaluated only when constant."""

from __future__ import annotations

import math

import pytest

from timeout_lint.model import Kind
from timeout_lint.parsers.golang import parse_go
from timeout_lint.sources import SourceFile

PROGRAM = """package main

import (
	"net/http"
	t "time"
)

const exportTimeout = 2 * t.Minute
const factor = 3

func main() {{
	srv := &http.Server{{
		Addr:         ":8080",
		{field}
	}}
	srv.ListenAndServe()
}}
"""


def server(field: str):
    result = parse_go(SourceFile("/app/main.go", "app/main.go", PROGRAM.format(field=field)))
    (found,) = result.servers
    return found


@pytest.mark.parametrize(
    "expression, seconds",
    [
        ("10 * t.Minute", 600),
        ("t.Second * 10", 10),
        ("90 * t.Second", 90),
        ("exportTimeout", 120),
        ("factor * exportTimeout", 360),
        ("t.Duration(30) * t.Second", 30),
        ("(1*t.Hour + 30*t.Minute)", 5400),
        ("500 * t.Millisecond", 0.5),
        ("0", math.inf),
    ],
)
def test_write_timeout_expressions(expression, seconds):
    found = server(f"WriteTimeout: {expression},")
    write = next(x for x in found.timeouts if x.setting == "WriteTimeout")
    assert write.seconds == pytest.approx(seconds)
    assert write.kind is Kind.TOTAL and write.explicit
    assert (write.location.line, write.location.column) == (14, 3)


@pytest.mark.parametrize(
    "field, comment",
    [
        ("WriteTimeout: 10 * t.Minute, // ten minutes", "ten minutes"),
        ("WriteTimeout: 10 * t.Minute,", None),
        ("WriteTimeout: 10 * t.Minute, /* block */", None),
        ("WriteTimeout: exportTimeout, //2m", "2m"),
    ],
)
def test_the_line_comment_after_a_value_travels_with_it(field, comment):
    write = next(x for x in server(field).timeouts if x.setting == "WriteTimeout")
    assert write.comment == comment


def test_unevaluated_expression_is_kept_not_guessed():
    found = server("WriteTimeout: cfg.Timeout,")
    assert [(u.field, u.expression) for u in found.unevaluated] == [("WriteTimeout", "cfg.Timeout")]
    assert not any(x.setting == "WriteTimeout" for x in found.timeouts)


def test_missing_write_timeout_is_the_go_default_no_limit():
    found = server("ReadTimeout: 5 * t.Second,")
    write = next(x for x in found.timeouts if x.setting == "WriteTimeout")
    assert write.seconds == math.inf and not write.explicit
    assert next(x for x in found.timeouts if x.setting == "ReadTimeout").kind is Kind.REQUEST_READ


def test_listen_and_serve_has_no_timeouts():
    source = 'package main\nimport "net/http"\nfunc main() { http.ListenAndServe(":80", nil) }\n'
    (found,) = parse_go(SourceFile("/m.go", "m.go", source)).servers
    assert found.location.line == 3 and found.timeouts[0].seconds == math.inf


def test_files_without_net_http_are_not_parsed():
    assert parse_go(SourceFile("/m.go", "m.go", "package x\nfunc f() {}\n")).servers == []
