"""What timeout-lint never does, each claim of the README's "What timeout-lint never does" proven here,
and the hostile-input scenario run as a user would run it."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import FIXTURES, REPO, write_tree
from timeout_lint.cli import main
from timeout_lint.lint import LintOptions, lint
from timeout_lint.report.json import format_report as json_report
from timeout_lint.report.text import format_report as text_report

HOSTILE = FIXTURES / "hostile-input"


def test_hostile_tree_names_every_bad_file_still_reports_the_real_error_and_exits_one():
    result = subprocess.run(
        [sys.executable, "-m", "timeout_lint", "fixtures/hostile-input"], cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 1
    assert result.stderr == ""
    named = {line.split(":", 1)[0] for line in result.stdout.splitlines() if line.startswith("fixtures/")}
    expected = {
        "fixtures/hostile-input/" + line.split()[1].split(":")[0] for line in (HOSTILE / "expected-findings.txt").read_text().splitlines()
    }
    assert named == expected
    assert "fixtures/hostile-input/k8s/export-api.yaml:23:1: TL102 error" in result.stdout


def snapshot(root) -> dict[str, tuple[int, int]]:
    out = {}
    for directory, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            path = os.path.join(directory, name)
            info = os.lstat(path)
            out[path] = (info.st_size, info.st_mtime_ns)
    return out


def test_never_writes_anything_without_fix(tmp_path, monkeypatch):
    tree = tmp_path / "tree"
    shutil.copytree(FIXTURES, tree, symlinks=True)
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    monkeypatch.chdir(tree)
    before = snapshot(tmp_path)
    # --diff shows what --fix would write, and writes nothing either
    for args in (["."], ["--format", "json", "."], ["--select", "TL1", "kong-csv-export"], ["--diff", "."]):
        main(args)
    assert snapshot(tmp_path) == before


def test_never_touches_the_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("timeout-lint tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    report = lint(LintOptions(paths=(".",), cwd=str(FIXTURES)))
    assert report.findings


def test_never_executes_what_it_reads(tmp_path):
    marker = tmp_path / "was-here"
    write_tree(
        tmp_path,
        {
            "k8s/tag.yaml": f"apiVersion: v1\nkind: Service\nmetadata:\n  name: !!python/object/apply:os.system ['touch {marker}']\n",
            "k8s/new.yaml": f"!!python/object/new:os.system ['touch {marker}']\n",
        },
    )
    lint(LintOptions(paths=(".",), cwd=str(tmp_path)))
    assert not marker.exists()


def test_never_follows_includes_out_of_the_linted_tree(tmp_path):
    (tmp_path / "secret.conf").write_text("proxy_read_timeout 1s;\n")
    write_tree(tmp_path, {"site/nginx.conf": "http {\n  include ../secret.conf;\n  server { location / { proxy_pass http://a:80; } }\n}\n"})
    report = lint(LintOptions(paths=("site",), cwd=str(tmp_path)))
    assert [f.code for f in report.findings] == ["TL003"]
    (path,) = report.paths
    read = next(t for t in path.hops[0].timeouts if t.setting == "proxy_read_timeout")
    assert read.explicit is False  # the outside value was not read


@pytest.mark.parametrize("formatter", [text_report, json_report])
def test_output_does_not_depend_on_the_order_of_directory_listings(monkeypatch, formatter):
    normal = formatter(lint(LintOptions(paths=(".",), cwd=str(FIXTURES))))
    real_walk, real_listdir, real_glob = os.walk, os.listdir, __import__("glob").glob

    def reversed_walk(top, *args, **kwargs):
        for directory, dirnames, filenames in real_walk(top, *args, **kwargs):
            dirnames.reverse()
            filenames.reverse()
            yield directory, dirnames, filenames

    monkeypatch.setattr(os, "walk", reversed_walk)
    monkeypatch.setattr(os, "listdir", lambda path=".": list(reversed(real_listdir(path))))
    monkeypatch.setattr("glob.glob", lambda pattern, **kw: list(reversed(real_glob(pattern, **kw))))
    assert formatter(lint(LintOptions(paths=(".",), cwd=str(FIXTURES)))) == normal


def test_a_document_indented_a_thousand_levels_deep_is_named_not_read(tmp_path):
    levels = "".join(" " * depth + "a:\n" for depth in range(1, 1_100))
    (tmp_path / "deep.yaml").write_text("apiVersion: v1\nkind: ConfigMap\ndata:\n" + levels)
    report = lint(LintOptions(paths=(".",), cwd=str(tmp_path)))
    assert [(f.code, str(f.location)) for f in report.findings] == [("TL007", "deep.yaml:1:1")]
    assert "levels deep" in report.findings[0].message


@given(st.text(alphabet="[{ \n-a:&", max_size=400))
def test_the_cheap_signs_of_an_oversized_document_agree_with_the_full_pattern(text):
    from timeout_lint.yamlnodes import _RE, may_be_oversized

    padded = text.replace("-", " " * 150)  # runs of spaces long enough to matter
    assert may_be_oversized(padded) == ("&" in padded or _RE.deep_signature.search(padded) is not None)
