"""The command line end to end, as a user runs it: exact lines, exit codes, JSON shape."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from tests.conftest import REPO, write_tree


def run(*args: str, cwd=REPO) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "timeout_lint", *args], cwd=cwd, capture_output=True, text=True)


def test_console_script_is_installed():
    # next to the interpreter running the tests, whether or not the environment is activated
    script = shutil.which("timeout-lint", path=os.path.dirname(sys.executable))
    assert script is not None
    result = subprocess.run([script, "--version"], capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout.startswith("timeout-lint ")


def test_incident_kong_default_read_timeout():
    result = run("fixtures/kong-csv-export")
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines == [
        "fixtures/kong-csv-export/k8s/export-api.yaml:23:1: TL102 error: Kong read_timeout is not set and its default "
        "60s (idle timeout between reads) is shorter than the worst case 2m of Service shop/export-api; set the "
        'annotation konghq.com/read-timeout on Service shop/export-api to more than "120000" (milliseconds); '
        "path: Ingress shop/reports -> Kong (read_timeout default 60s) -> Service shop/export-api (worst case 2m)",
        "    fixtures/kong-csv-export/k8s/export-api.yaml:29:5: worst case of Service shop/export-api declared here",
        "Found 1 error in 2 files (1 request path checked).",
    ]


def test_incident_nginx_two_seconds_in_front_of_go():
    result = run("fixtures/nginx-slow-handler")
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "fixtures/nginx-slow-handler/nginx/nginx.conf:11:13: TL101 error: nginx proxy_read_timeout 2s (idle timeout "
        "between reads) is shorter than the worst case 10s of compose service app; path: nginx location / (server _) "
        "-> nginx (proxy_read_timeout 2s) -> Go net/http (WriteTimeout 10 * time.Minute (10m)) -> compose service app "
        "(worst case 10s)",
        "    fixtures/nginx-slow-handler/docker-compose.yml:14:7: worst case of compose service app declared here",
        "Found 1 error in 3 files (1 request path checked).",
    ]


def test_inherited_value_is_reported_where_it_is_set():
    result = run("fixtures/nginx-inherited-timeout")
    assert result.returncode == 1
    assert result.stdout.startswith("fixtures/nginx-inherited-timeout/nginx/nginx.conf:10:5: TL101 error: nginx proxy_read_timeout 30s")


@pytest.mark.parametrize(
    "scenario",
    ["kong-csv-export-fixed-kongingress", "kong-csv-export-fixed-annotations", "nginx-slow-handler-fixed", "nginx-inherited-timeout-fixed"],
)
def test_fixed_variants_exit_zero(scenario):
    result = run(f"fixtures/{scenario}")
    assert result.returncode == 0, result.stdout
    assert " 0 errors" in result.stdout


def test_paths_are_relative_to_the_working_directory():
    result = run(".", cwd=REPO / "fixtures" / "nginx-slow-handler")
    assert result.stdout.startswith("nginx/nginx.conf:11:13: TL101 error:")


def test_json_output():
    result = run("--format", "json", "fixtures/kong-csv-export")
    assert result.returncode == 1
    document = json.loads(result.stdout)
    (finding,) = document["findings"]
    assert {k: finding[k] for k in ("rule", "severity", "path", "line", "column")} == {
        "rule": "TL102",
        "severity": "error",
        "path": "fixtures/kong-csv-export/k8s/export-api.yaml",
        "line": 23,
        "column": 1,
    }
    assert finding["request_path"] == "Ingress shop/reports -> Kong (read_timeout default 60s) -> Service shop/export-api (worst case 2m)"
    assert finding["related"][0]["line"] == 29
    (path,) = document["paths"]
    assert path["id"] == finding["request_paths"][0]
    (hop,) = path["hops"]
    read = next(t for t in hop["timeouts"] if t["setting"] == "read_timeout")
    assert read == {
        "kind": "idle",
        "setting": "read_timeout",
        "seconds": 60.0,
        "unlimited": False,
        "raw": "60000",
        "unit": "ms",
        "explicit": False,
        "source": {"path": "fixtures/kong-csv-export/k8s/export-api.yaml", "line": 23, "column": 1, "pointer": "kind"},
        "default_source": read["default_source"],
    }
    assert "services.lua" in read["default_source"]


def test_select_and_ignore_by_prefix():
    assert run("--ignore", "TL1", "fixtures/kong-csv-export").returncode == 0
    assert run("--select", "TL3", "fixtures/kong-csv-export").returncode == 0
    assert run("--select", "TL10", "fixtures/kong-csv-export").returncode == 1


def test_usage_errors_exit_two():
    assert run("--select", "TL999", ".").returncode == 2
    missing = run("no/such/dir")
    assert missing.returncode == 2 and "no/such/dir" in missing.stderr
    assert run("--config", "nope.yaml", ".").returncode == 2
    assert run("--format", "xml", ".").returncode == 2


def test_unreadable_path_does_not_stop_the_rest():
    result = run("fixtures/nginx-slow-handler", "no/such/dir")
    assert result.returncode == 2
    assert "TL101" in result.stdout


def test_clean_tree_exits_zero(tmp_path):
    write_tree(tmp_path, {"k8s/svc.yaml": "apiVersion: v1\nkind: Service\nmetadata: {name: a}\n"})
    result = run(".", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout == "Found 0 errors in 1 file (0 request paths checked).\n"


def test_explicit_config_file(tmp_path):
    write_tree(
        tmp_path,
        {
            "conf/project.yaml": "apps:\n  - service: slow.internal\n    worst-case-response: 5m\n",
            "nginx/nginx.conf": "http { server { location / { proxy_pass http://slow.internal; } } }\n",
        },
    )
    result = run("--config", "conf/project.yaml", "nginx", cwd=tmp_path)
    assert result.returncode == 1
    assert "TL102" in result.stdout and "proxy_read_timeout" in result.stdout


SUPPRESSED_TREE = {
    "docker-compose.yml": "services:\n  app:\n    build: ./app\n    labels:\n      timeout-lint/worst-case-response: 10s\n",
    "nginx/nginx.conf": "http {\n    server {\n        location / {\n            proxy_pass http://app:8080;\n"
    "            proxy_read_timeout 2s;  # timeout-lint: disable=TL101 -- health checks only\n        }\n    }\n}\n",
}


def test_suppressed_findings_are_hidden_and_do_not_fail(tmp_path):
    write_tree(tmp_path, SUPPRESSED_TREE)
    result = run(".", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout == "Found 0 errors in 2 files (1 request path checked, 1 suppressed).\n"


def test_show_suppressed_text(tmp_path):
    write_tree(tmp_path, SUPPRESSED_TREE)
    result = run("--show-suppressed", ".", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout.splitlines() == [
        "nginx/nginx.conf:5:13: TL101 error (suppressed: health checks only): nginx proxy_read_timeout 2s (idle timeout between "
        "reads) is shorter than the worst case 10s of compose service app; path: nginx location / (server _) -> nginx "
        "(proxy_read_timeout 2s) -> compose service app (worst case 10s)",
        "    docker-compose.yml:5:7: worst case of compose service app declared here",
        "Found 0 errors in 2 files (1 request path checked, 1 suppressed).",
    ]


def test_show_suppressed_json(tmp_path):
    write_tree(tmp_path, SUPPRESSED_TREE)
    document = json.loads(run("--format", "json", ".", cwd=tmp_path).stdout)
    assert document["findings"] == [] and document["summary"]["suppressed"] == 1
    document = json.loads(run("--format", "json", "--show-suppressed", ".", cwd=tmp_path).stdout)
    (finding,) = document["findings"]
    assert (finding["rule"], finding["line"], finding["suppressed"], finding["suppression_reason"]) == (
        "TL101",
        5,
        True,
        "health checks only",
    )
    assert document["summary"]["errors"] == 0 and document["summary"]["suppressed"] == 1


def test_fail_on_warning(tmp_path):
    # an include cycle is a warning (TL002): not a failure unless fail-on says so
    write_tree(tmp_path, {"nginx/a.conf": "include a.conf;\n", "nginx/nginx.conf": "http { include a.conf; }\n"})
    result = run(".", cwd=tmp_path)
    assert "TL002 warning" in result.stdout and result.returncode == 0
    assert run("--fail-on", "warning", ".", cwd=tmp_path).returncode == 1
    write_tree(tmp_path, {".timeout-lint.yaml": "fail-on: warning\n"})
    assert run(".", cwd=tmp_path).returncode == 1
    assert run("--fail-on", "error", ".", cwd=tmp_path).returncode == 0  # the command line wins
    write_tree(tmp_path, {".timeout-lint.yaml": "fail-on: warning\nignore: [include-cycle]\n"})
    assert run(".", cwd=tmp_path).returncode == 0
    write_tree(
        tmp_path, {".timeout-lint.yaml": "fail-on: warning\n", "nginx/a.conf": "include a.conf;  # timeout-lint: disable=TL002 -- demo\n"}
    )
    assert run(".", cwd=tmp_path).returncode == 0  # suppressed findings never fail
    assert run("--fail-on", "notice", ".", cwd=tmp_path).returncode == 2


def test_command_line_selection_and_exclude_flags(tmp_path):
    write_tree(
        tmp_path,
        {
            ".timeout-lint.yaml": "select: [TL3]\nexclude: [legacy]\n",
            "legacy/a.yaml": "kind: [\n",
            "k8s/b.yaml": "kind: [\n",
        },
    )
    assert run(".", cwd=tmp_path).stdout.startswith("Found 0 errors")
    result = run("--extend-select", "TL001", ".", cwd=tmp_path)
    assert result.returncode == 1 and [line.split(":")[0] for line in result.stdout.splitlines()[:-1]] == ["k8s/b.yaml"]
    result = run("--extend-select", "TL001", "--exclude", "k8s", ".", cwd=tmp_path)  # replaces the file's exclude
    assert [line.split(":")[0] for line in result.stdout.splitlines()[:-1]] == ["legacy/a.yaml"]
    result = run("--extend-select", "TL001", "legacy/a.yaml", cwd=tmp_path)  # named explicitly: linted
    assert result.returncode == 1
    result = run("--extend-select", "TL001", "--force-exclude", "legacy/a.yaml", cwd=tmp_path)
    assert result.returncode == 0
    assert run("--extend-select", "TL999", ".", cwd=tmp_path).returncode == 2


def test_explain_prints_the_rule_doc():
    from timeout_lint.docs import rule_doc

    for argument in ("TL101", "tl101", "timeout-shorter-than-worst-case"):
        result = run("--explain", argument)
        assert result.returncode == 0
        assert result.stdout == rule_doc("TL101")
    assert result.stdout.startswith("# TL101 timeout-shorter-than-worst-case\n") and "## Options" in result.stdout
    missing = run("--explain", "TL999")
    assert missing.returncode == 2 and missing.stdout == "" and "TL999" in missing.stderr


def test_list_rules_table_and_json():
    from timeout_lint.rules import ALL_RULES

    result = run("--list-rules")
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["code", "name", "severity", "default", "summary"]
    assert len(lines) == len(ALL_RULES) + 1
    row = next(line for line in lines if line.startswith("TL009"))
    assert row.split()[:4] == ["TL009", "unused-suppression", "warning", "on"]
    assert row.endswith("A suppression comment or annotation silences no finding.")
    document = json.loads(run("--list-rules", "--format", "json").stdout)
    assert [r["code"] for r in document["rules"]] == [r.code for r in ALL_RULES]
    tl101 = next(r for r in document["rules"] if r["code"] == "TL101")
    assert tl101 == {
        "code": "TL101",
        "name": "timeout-shorter-than-worst-case",
        "severity": "error",
        "enabled_by_default": True,
        "scope": "path",
        "since": "0.1.0",
        "options": {"margin": "0"},
        "summary": "A timeout set on a hop is shorter than the app's declared worst-case response.",
    }
