"""The on-disk cache (--cache): off unless asked for, the same report cold or warm, safe when shared."""

from __future__ import annotations

import os
import pickle
import shutil
import subprocess
import sys

import pytest

from tests.conftest import FIXTURES, write_tree
from timeout_lint import cache as cache_module
from timeout_lint import parse
from timeout_lint.cli import main
from timeout_lint.lint import LintOptions, lint
from timeout_lint.report.json import format_report

SERVICE = """
apiVersion: v1
kind: Service
metadata:
  name: api
  annotations:
    timeout-lint/worst-case-response: "2m"
spec:
  selector: {app: api}
  ports: [{port: 80}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: api
  annotations:
    nginx.ingress.kubernetes.io/proxy-read-timeout: "30"
spec:
  ingressClassName: nginx
  rules:
    - http:
        paths:
          - path: /
            pathType: Prefix
            backend: {service: {name: api, port: {number: 80}}}
"""


@pytest.fixture
def project(tmp_path):
    root = tmp_path / "project"
    shutil.copytree(FIXTURES / "kong-csv-export", root)
    write_tree(root, {"k8s/api.yaml": SERVICE})
    return root


def run(root, **options) -> str:
    return format_report(lint(LintOptions(paths=(".",), cwd=str(root), jobs=1, **options)))


def entries(directory) -> list[str]:
    return sorted(os.path.join(d, f) for d, _, files in os.walk(directory) for f in files if not f.startswith((".", "CACHEDIR")))


def refuse_to_parse(monkeypatch):
    def fail(*args, **kwargs):
        raise AssertionError("a file was parsed although its cache entry is there")

    monkeypatch.setattr(parse, "read_file", fail)


def test_a_warm_run_parses_nothing_and_gives_the_same_report(project, tmp_path, monkeypatch):
    cold = run(project, cache_dir=str(tmp_path / "c"))
    assert len(entries(tmp_path / "c")) == 3  # the three manifests
    refuse_to_parse(monkeypatch)
    assert run(project, cache_dir=str(tmp_path / "c")) == cold
    monkeypatch.undo()
    assert run(project) == cold


def test_a_changed_file_is_read_again(project, tmp_path):
    run(project, cache_dir=str(tmp_path / "c"))
    (project / "k8s" / "api.yaml").write_text(SERVICE.replace('"30"', '"300"'))
    assert run(project, cache_dir=str(tmp_path / "c")) == run(project)
    assert len(entries(tmp_path / "c")) == 4


def test_the_cache_directory_is_marked_never_to_be_committed(project, tmp_path):
    run(project, cache=True)
    directory = project / ".timeout-lint-cache"
    assert (directory / ".gitignore").read_text().splitlines()[-1] == "*"
    assert (directory / "CACHEDIR.TAG").read_text().startswith("Signature: 8a477f597d28d172789f06886806bc55")
    assert entries(directory)
    assert run(project, cache=True) == run(project)  # and its own files are not linted


@pytest.mark.parametrize("damage", ["truncate", "garbage", "other key", "empty"])
def test_a_damaged_entry_is_a_miss_and_is_rewritten(project, tmp_path, damage):
    expected = run(project, cache_dir=str(tmp_path / "c"))
    for path in entries(tmp_path / "c"):
        data = open(path, "rb").read()
        damaged = {
            "truncate": data[: len(data) // 2],
            "garbage": os.urandom(200),
            "other key": data.replace(data[19:25], b"000000", 1),
            "empty": b"",
        }
        with open(path, "wb") as handle:
            handle.write(damaged[damage])
    assert run(project, cache_dir=str(tmp_path / "c")) == expected
    for path in entries(tmp_path / "c"):
        assert cache_module.Cache(str(tmp_path / "c")).get(os.path.basename(os.path.dirname(path)) + os.path.basename(path)) is not None


class Boom:
    def __reduce__(self):
        return (os.system, ("touch pwned",))


def test_an_entry_never_runs_code(project, tmp_path):
    run(project, cache_dir=str(tmp_path / "c"))
    for path in entries(tmp_path / "c"):
        key = os.path.basename(os.path.dirname(path)) + os.path.basename(path)
        with open(path, "wb") as handle:
            handle.write(cache_module._MAGIC + key.encode() + pickle.dumps(Boom()))
    assert run(project, cache_dir=str(tmp_path / "c")) == run(project)
    assert not (project / "pwned").exists() and not os.path.exists("pwned")


def test_concurrent_runs_share_one_cache(project, tmp_path):
    expected = run(project)
    command = [sys.executable, "-m", "timeout_lint", "--format", "json", "--cache-dir", str(tmp_path / "c"), "."]
    runs = [subprocess.Popen(command, cwd=project, stdout=subprocess.PIPE, text=True) for _ in range(4)]
    outputs = [process.communicate(timeout=120)[0] for process in runs]
    assert all(output == expected for output in outputs)
    assert run(project, cache_dir=str(tmp_path / "c")) == expected
    assert not [f for d, _, files in os.walk(tmp_path / "c") for f in files if f.startswith(".tmp-")]  # no temporary file left


def test_an_unwritable_cache_is_a_warning_and_the_run_goes_on(project, tmp_path, capsys):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    assert run(project, cache_dir=str(blocker)) == run(project)
    err = capsys.readouterr().err
    assert err.count("warning: cannot write the cache") == 1


def test_nothing_is_written_without_a_cache_asked_for(project):
    write_tree(project, {".timeout-lint.yaml": "select: [TL]\n"})
    before = sorted(os.walk(project))
    run(project)
    run(project, cache=False)
    assert sorted(os.walk(project)) == before


@pytest.mark.parametrize(
    ("settings", "flags", "where"),
    [
        ("cache: true\n", {}, ".timeout-lint-cache"),
        ("cache-dir: build/tl-cache\n", {}, "build/tl-cache"),
        ("cache: true\ncache-dir: build/tl-cache\n", {}, "build/tl-cache"),
        ("cache: false\ncache-dir: build/tl-cache\n", {}, None),
        ("cache: true\n", {"cache": False}, None),  # --no-cache wins over the file
        ("", {"cache": True}, ".timeout-lint-cache"),
        ("cache: false\n", {"cache": True}, ".timeout-lint-cache"),
        ("cache: true\n", {"cache_dir": "elsewhere"}, "elsewhere"),
    ],
)
def test_where_the_cache_goes(project, settings, flags, where):
    write_tree(project, {".timeout-lint.yaml": settings + "select: [TL]\n"})
    run(project, **flags)
    found = [name for name in (".timeout-lint-cache", "build/tl-cache", "elsewhere") if (project / name).is_dir()]
    assert found == ([where] if where else [])


def test_cache_settings_are_validated(project):
    write_tree(project, {".timeout-lint.yaml": "cache: sometimes\ncache-dir: ''\n"})
    findings = lint(LintOptions(paths=(".",), cwd=str(project))).findings
    assert [(f.code, f.location.line) for f in findings if f.code == "TL004"] == [("TL004", 1), ("TL004", 2)]


def test_cli_flags(project, monkeypatch, capsys):
    monkeypatch.chdir(project)
    assert main(["--cache", "--no-cache", "."]) == 2  # one or the other
    capsys.readouterr()
    main(["--cache-dir", "c", "--format", "json", "."])
    assert entries(project / "c")
