"""GitHub annotations (exact lines, @actions/core escaping, auto-selection) and text colour (terminal only)."""

from __future__ import annotations

import io
import os
import subprocess
import sys

import pytest

from tests.conftest import REPO
from timeout_lint.cli import output_format, use_colour
from timeout_lint.lint import LintOptions, Report, lint
from timeout_lint.model import Finding, Location, Related, Severity
from timeout_lint.report.github import annotation, escape_data, escape_property
from timeout_lint.report.github import format_report as github_report
from timeout_lint.report.text import format_finding
from timeout_lint.report.text import format_report as text_report

KONG_MESSAGE = (
    "Kong read_timeout is not set and its default 60s (idle timeout between reads) is shorter than the worst case 2m of Service "
    'shop/export-api; set the annotation konghq.com/read-timeout on Service shop/export-api to more than "120000" (milliseconds); '
    "path: Ingress shop/reports -> Kong (read_timeout default 60s) -> Service shop/export-api (worst case 2m)"
)


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "GITHUB_ACTIONS", "TERM")}
    return {**env, **extra}


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "timeout_lint", *args], cwd=REPO, capture_output=True, text=True, env=env or clean_env())


def fixture(name: str) -> Report:
    return lint(LintOptions(paths=(f"fixtures/{name}",), cwd=str(REPO)))


# --- github -------------------------------------------------------------------------------------


def test_github_kong_incident_exact():
    assert github_report(fixture("kong-csv-export")).splitlines() == [
        "::error file=fixtures/kong-csv-export/k8s/export-api.yaml,line=23,col=1,title=TL102 default-shorter-than-worst-case::"
        + KONG_MESSAGE
        + "%0Afixtures/kong-csv-export/k8s/export-api.yaml:29:5: worst case of Service shop/export-api declared here",
        "Found 1 error in 2 files (1 request path checked).",
    ]


def test_github_nginx_incident_exact():
    assert github_report(fixture("nginx-slow-handler")).splitlines() == [
        "::error file=fixtures/nginx-slow-handler/nginx/nginx.conf,line=11,col=13,title=TL101 timeout-shorter-than-worst-case::"
        "nginx proxy_read_timeout 2s (idle timeout between reads) is shorter than the worst case 10s of compose service app; "
        "path: nginx location / (server _) -> nginx (proxy_read_timeout 2s) -> Go net/http (WriteTimeout 10 * time.Minute (10m)) "
        "-> compose service app (worst case 10s)"
        "%0Afixtures/nginx-slow-handler/docker-compose.yml:14:7: worst case of compose service app declared here",
        "Found 1 error in 3 files (1 request path checked).",
    ]


def test_escaping_is_that_of_actions_core():
    # packages/core/src/command.ts: escapeData % \r \n; escapeProperty also : and ,
    assert escape_data("100% done\r\nnext: a,b") == "100%25 done%0D%0Anext: a,b"
    assert escape_property("100% done\r\nnext: a,b") == "100%25 done%0D%0Anext%3A a%2Cb"
    # % first, so an escape already in the text is not decoded by the runner
    assert escape_data("%0A") == "%250A"


def test_annotation_escapes_properties_and_message_and_levels():
    finding = Finding(
        "TL002",
        "include-cycle",
        Severity.WARNING,
        "a: b, 5%\nmore",
        Location("dir,x/a:b.conf", 4, None),
        related=(Related(Location("c.conf", 2, 3), "included here"),),
    )
    assert annotation(finding) == (
        "::warning file=dir%2Cx/a%3Ab.conf,line=4,title=TL002 include-cycle::a: b, 5%25%0Amore%0Ac.conf:2:3: included here"
    )
    assert annotation(finding._replace(severity=Severity.INFO)).startswith("::notice file=")
    assert annotation(finding._replace(severity=Severity.ERROR)).startswith("::error file=")


def test_suppressed_findings_are_not_annotated():
    report = fixture("kong-csv-export")
    (finding,) = report.findings
    quiet = report._replace(findings=(finding._replace(suppressed=True),))
    assert github_report(quiet).splitlines() == ["Found 0 errors in 2 files (1 request path checked)."]


def test_github_format_is_chosen_in_github_actions_unless_a_format_is_given():
    assert output_format(None, {"GITHUB_ACTIONS": "true"}) == "github"
    assert output_format(None, {}) == "text"
    assert output_format(None, {"GITHUB_ACTIONS": "false"}) == "text"
    assert output_format("text", {"GITHUB_ACTIONS": "true"}) == "text"
    auto = run("fixtures/kong-csv-export", env=clean_env(GITHUB_ACTIONS="true"))
    assert auto.returncode == 1 and auto.stdout.startswith("::error file=fixtures/kong-csv-export/k8s/export-api.yaml,line=23,")
    explicit = run("--format", "text", "fixtures/kong-csv-export", env=clean_env(GITHUB_ACTIONS="true"))
    assert explicit.stdout.startswith("fixtures/kong-csv-export/k8s/export-api.yaml:23:1: TL102 error:")


# --- text colour --------------------------------------------------------------------------------


class Stream(io.StringIO):
    def __init__(self, tty: bool) -> None:
        super().__init__()
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


@pytest.mark.parametrize(
    ("tty", "environ", "expected"),
    [
        (True, {}, True),
        (False, {}, False),
        (True, {"NO_COLOR": "1"}, False),
        (True, {"NO_COLOR": ""}, True),  # no-color.org: present and not empty
        (False, {"FORCE_COLOR": "1"}, True),
        (True, {"NO_COLOR": "1", "FORCE_COLOR": "1"}, False),
        (True, {"TERM": "dumb"}, False),
    ],
)
def test_colour_decision(tty, environ, expected):
    assert use_colour(Stream(tty), environ) is expected


def test_colour_needs_a_stream_that_says_it_is_a_terminal():
    assert use_colour(object(), {}) is False


def test_text_colour_exact():
    (finding,) = fixture("kong-csv-export").findings
    assert format_finding(finding, colour=True).splitlines() == [
        f"\x1b[1mfixtures/kong-csv-export/k8s/export-api.yaml:23:1\x1b[0m: \x1b[1m\x1b[31mTL102 error\x1b[0m: {KONG_MESSAGE}",
        "    \x1b[2mfixtures/kong-csv-export/k8s/export-api.yaml:29:5\x1b[0m: worst case of Service shop/export-api declared here",
    ]
    assert "\x1b" not in text_report(fixture("kong-csv-export"))


def test_no_colour_in_a_pipe_and_colour_when_forced():
    piped = run("--show-paths", "fixtures/kong-csv-export")
    assert piped.returncode == 1 and "\x1b" not in piped.stdout and "TL102 error" in piped.stdout
    forced = run("--show-paths", "fixtures/kong-csv-export", env=clean_env(FORCE_COLOR="1"))
    assert "\x1b[1m\x1b[31mTL102 error\x1b[0m" in forced.stdout
    assert "\x1b" not in run("fixtures/kong-csv-export", env=clean_env(FORCE_COLOR="1", NO_COLOR="1")).stdout
    # machine formats never carry colour, forced or not
    assert "\x1b" not in run("--format", "json", "fixtures/kong-csv-export", env=clean_env(FORCE_COLOR="1")).stdout


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
@pytest.mark.parametrize(("environ", "coloured"), [({}, True), ({"NO_COLOR": "1"}, False)])
def test_colour_on_a_real_terminal_unless_no_color(environ, coloured):
    import pty

    leader, follower = pty.openpty()
    chunks = []
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "timeout_lint", "fixtures/kong-csv-export"],
            cwd=REPO,
            stdout=follower,
            stderr=subprocess.DEVNULL,
            env=clean_env(TERM="xterm", **environ),
        )
        os.close(follower)  # the child holds its own copy; reading ends when it exits
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # EIO: the terminal closed
                break
            if not chunk:
                break
            chunks.append(chunk)
        process.wait(timeout=60)
    finally:
        os.close(leader)
    output = b"".join(chunks).decode("utf-8")
    assert process.returncode == 1
    assert "TL102" in output
    assert ("\x1b[" in output) is coloured
