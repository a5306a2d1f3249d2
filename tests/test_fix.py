"""--fix and --diff end to end: every failing scenario fixed to its golden diff, nothing else written.

The golden diffs live in tests/snapshots/fix/<scenario>.diff: a unified diff determines the fixed
file exactly, so comparing it compares the whole resulting file. Rerun with
TIMEOUT_LINT_UPDATE_SNAPSHOTS=1 after reading every changed diff.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, REPO, write_tree
from timeout_lint.cli import main
from timeout_lint.fix import unified_diff
from timeout_lint.lint import LintOptions, lint

GOLDEN = REPO / "tests" / "snapshots" / "fix"
#: failing scenarios whose TL101/TL102 findings --fix leaves alone, and why
NOT_FIXABLE = {
    # edges declared in .timeout-lint.yaml describe hops no file configures: rewriting the declaration
    # would silence the finding while the edge keeps its limit
    "cloudflare-edge": "declared edges",
    # app source code (Go, Node.js, gunicorn.conf.py) is a program, not a setting: never rewritten
    "node-kubernetes-source": "Node.js source",
}
SCENARIOS = sorted(
    p.name
    for p in FIXTURES.iterdir()
    if p.is_dir()
    and "-fixed" not in p.name
    and any(f.code in ("TL101", "TL102") for f in lint(LintOptions(paths=(".",), cwd=str(p))).findings)
)


def files_of(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file() and not p.is_symlink()}


def snapshot(root: Path) -> dict[str, tuple[int, int, int]]:
    out = {}
    for directory, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            info = os.lstat(os.path.join(directory, name))
            out[os.path.join(directory, name)] = (info.st_size, info.st_mtime_ns, info.st_mode)
    return out


def run(args: list[str], cwd: Path, monkeypatch, capsys) -> tuple[int, str, str]:
    monkeypatch.chdir(cwd)
    status = main(args)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_every_failing_scenario_is_fixed_or_listed_as_not_fixable():
    assert set(NOT_FIXABLE) <= set(SCENARIOS)
    missing = [s for s in SCENARIOS if s not in NOT_FIXABLE and not (GOLDEN / f"{s}.diff").exists()]
    assert not missing or os.environ.get("TIMEOUT_LINT_UPDATE_SNAPSHOTS"), (
        f"{missing}: give their timeouts a Site (model.Site) so that --fix can write them, or list them in NOT_FIXABLE with the reason"
    )


@pytest.mark.parametrize("scenario", [s for s in SCENARIOS if s not in NOT_FIXABLE])
def test_fix_writes_the_golden_diff_and_leaves_no_tl101_or_tl102(scenario, tmp_path, monkeypatch, capsys):
    tree = tmp_path / scenario
    shutil.copytree(FIXTURES / scenario, tree, symlinks=True)
    before = files_of(tree)
    status, out, err = run(["--fix", "."], tree, monkeypatch, capsys)
    after = files_of(tree)
    assert set(after) == set(before), "--fix added or removed a file"
    diff = "".join(
        unified_diff(name, before[name].decode("utf-8-sig"), after[name].decode("utf-8-sig"))
        for name in sorted(after)
        if after[name] != before[name]
    )
    golden = GOLDEN / f"{scenario}.diff"
    if os.environ.get("TIMEOUT_LINT_UPDATE_SNAPSHOTS") or not golden.exists():
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(diff)
    assert diff == golden.read_text()
    # a fix is small: each hunk changes lines one for one, or adds a few (a new BackendConfig is eight)
    for hunk in diff.split("\n@@")[1:]:
        removed = [line for line in hunk.splitlines()[1:] if line.startswith("-")]
        added = [line for line in hunk.splitlines()[1:] if line.startswith("+")]
        assert len(removed) <= 2 and len(added) - len(removed) <= 8, hunk
    # every comment is still there
    for name, content in before.items():
        old_comments = [line.split("#", 1)[1] for line in content.decode("utf-8", "replace").splitlines() if "#" in line]
        new_comments = [line.split("#", 1)[1] for line in after[name].decode("utf-8", "replace").splitlines() if "#" in line]
        assert old_comments == new_comments, name
    remaining = [f for f in lint(LintOptions(paths=(".",), cwd=str(tree))).findings if f.code in ("TL101", "TL102")]
    assert remaining == []
    assert "timeout-lint: fixed " in err
    assert "TL101" not in out and "TL102" not in out  # the report printed is the state after the fix
    if scenario != "hostile-input":
        assert status == 0


@pytest.mark.parametrize("scenario", ["kong-csv-export", "gke-backendconfig", "haproxy-compose-export", "ingress-nginx"])
def test_diff_prints_what_fix_writes_and_writes_nothing(scenario, tmp_path, monkeypatch, capsys):
    tree = tmp_path / scenario
    shutil.copytree(FIXTURES / scenario, tree, symlinks=True)
    before = snapshot(tmp_path)
    status, out, err = run(["--diff", "."], tree, monkeypatch, capsys)
    assert snapshot(tmp_path) == before
    assert out == (GOLDEN / f"{scenario}.diff").read_text()
    assert status == 1  # as without --fix: the findings are still there
    assert "--fix would fix" in err


def test_diff_exit_status_is_the_lint_status_when_nothing_is_fixable(monkeypatch, capsys):
    status, out, err = run(["--diff", "."], FIXTURES / "cloudflare-edge", monkeypatch, capsys)
    assert (status, out) == (1, "")
    assert "nothing for --fix to change" in err
    status, out, _ = run(["--diff", "."], FIXTURES / "kong-csv-export-fixed-annotations", monkeypatch, capsys)
    assert (status, out) == (0, "")


def test_fix_reports_what_remains_and_exits_on_it(tmp_path, monkeypatch, capsys):
    tree = tmp_path / "edge"
    shutil.copytree(FIXTURES / "cloudflare-edge", tree)
    before = files_of(tree)
    status, out, err = run(["--fix", "--format", "json", "."], tree, monkeypatch, capsys)
    assert status == 1
    assert files_of(tree) == before
    assert {f["rule"] for f in json.loads(out)["findings"]} == {"TL101", "TL102"}


def test_fix_json_output_is_the_state_after_the_fix(tmp_path, monkeypatch, capsys):
    tree = tmp_path / "kong"
    shutil.copytree(FIXTURES / "kong-csv-export", tree)
    status, out, err = run(["--fix", "--format", "json", "."], tree, monkeypatch, capsys)
    assert status == 0
    assert json.loads(out)["findings"] == []
    assert err == "timeout-lint: fixed 1 finding in 1 file (k8s/export-api.yaml)\n"


def test_the_first_incident_gets_the_kong_annotation_on_the_service(tmp_path, monkeypatch, capsys):
    tree = tmp_path / "kong"
    shutil.copytree(FIXTURES / "kong-csv-export", tree)
    run(["--fix", "."], tree, monkeypatch, capsys)
    text = (tree / "k8s" / "export-api.yaml").read_text()
    assert '    timeout-lint/worst-case-response: "2m"\n    konghq.com/read-timeout: "150000"\nspec:\n' in text


# -- what --fix decides ---------------------------------------------------------------------------

SHARED_HTTP_BLOCK = {
    "nginx/nginx.conf": """
        events {}
        http {
            proxy_read_timeout 30s;  # every location of this file
            server {
                listen 80;
                location /export {
                    proxy_pass http://export:8080;
                }
                location /health {
                    proxy_pass http://health:8080;
                }
            }
        }
    """,
    ".timeout-lint.yaml": """
        apps:
          - service: export
            worst-case-response: 2m
    """,
}


def test_a_shared_setting_is_not_widened_for_a_path_that_does_not_need_it(tmp_path, monkeypatch, capsys):
    write_tree(tmp_path, SHARED_HTTP_BLOCK)
    status, _, err = run(["--fix", "."], tmp_path, monkeypatch, capsys)
    text = (tmp_path / "nginx" / "nginx.conf").read_text()
    assert "    proxy_read_timeout 30s;  # every location of this file\n" in text  # /health keeps it
    assert (
        "        location /export {\n            proxy_pass http://export:8080;\n            proxy_read_timeout 2m30s;\n        }\n" in text
    )
    assert status == 0


def test_a_shared_setting_every_user_needs_is_raised_in_place(tmp_path, monkeypatch, capsys):
    files = dict(SHARED_HTTP_BLOCK)
    files[".timeout-lint.yaml"] = """
        apps:
          - service: export
            worst-case-response: 2m
          - service: health
            worst-case-response: 90s
    """
    write_tree(tmp_path, files)
    run(["--fix", "."], tmp_path, monkeypatch, capsys)
    text = (tmp_path / "nginx" / "nginx.conf").read_text()
    assert "    proxy_read_timeout 2m30s;  # every location of this file\n" in text  # the larger need wins
    assert text.count("proxy_read_timeout") == 1


KONG_SHARED = {
    "k8s/kong.yaml": """
        apiVersion: configuration.konghq.com/v1
        kind: KongIngress
        metadata:
          name: slow
          namespace: shop
        proxy:
          read_timeout: 30000
        ---
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: shop
          namespace: shop
        spec:
          ingressClassName: kong
          rules:
            - http:
                paths:
                  - path: /export
                    pathType: Prefix
                    backend:
                      service: {name: export, port: {number: 80}}
                  - path: /search
                    pathType: Prefix
                    backend:
                      service: {name: search, port: {number: 80}}
    """,
    "k8s/services.yaml": """
        apiVersion: v1
        kind: Service
        metadata:
          name: export
          namespace: shop
          annotations:
            konghq.com/override: slow
            timeout-lint/worst-case-response: 2m
        spec:
          ports: [{port: 80}]
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: search
          namespace: shop
          annotations:
            konghq.com/override: slow
            timeout-lint/worst-case-response: 5s
        spec:
          ports: [{port: 80}]
    """,
}


def test_a_shared_kongingress_is_left_alone_and_the_failing_service_gets_its_annotation(tmp_path, monkeypatch, capsys):
    write_tree(tmp_path, KONG_SHARED)
    kong_before = (tmp_path / "k8s" / "kong.yaml").read_text()
    status, _, _ = run(["--fix", "--select", "TL1", "."], tmp_path, monkeypatch, capsys)
    assert (tmp_path / "k8s" / "kong.yaml").read_text() == kong_before
    services = (tmp_path / "k8s" / "services.yaml").read_text()
    assert '    timeout-lint/worst-case-response: 2m\n    konghq.com/read-timeout: "150000"\nspec:' in services
    assert services.count("konghq.com/read-timeout") == 1
    assert status == 0


def test_a_kongingress_every_service_needs_is_raised_in_place_as_an_integer(tmp_path, monkeypatch, capsys):
    write_tree(tmp_path, KONG_SHARED)
    services = tmp_path / "k8s" / "services.yaml"
    services.write_text(services.read_text().replace("worst-case-response: 5s", "worst-case-response: 90s"))
    before = services.read_text()
    status, _, _ = run(["--fix", "--select", "TL1", "."], tmp_path, monkeypatch, capsys)
    assert services.read_text() == before
    assert "proxy:\n  read_timeout: 150000\n---" in (tmp_path / "k8s" / "kong.yaml").read_text()  # the larger need: 2m
    assert status == 0


def test_a_configured_margin_is_written_exactly(tmp_path, monkeypatch, capsys):
    shutil.copytree(FIXTURES / "kong-deck-export", tmp_path / "t")
    write_tree(tmp_path / "t", {".timeout-lint.yaml": "rules:\n  TL101: {margin: 10%}\n"})
    run(["--fix", "."], tmp_path / "t", monkeypatch, capsys)
    assert "    read_timeout: 132000      # expect: TL101\n" in (tmp_path / "t" / "kong" / "kong.yaml").read_text()


def test_a_value_above_what_the_system_takes_is_not_written(tmp_path, monkeypatch, capsys):
    shutil.copytree(FIXTURES / "aws-alb", tmp_path / "t")
    path = tmp_path / "t" / "k8s" / "export-api.yaml"
    path.write_text(path.read_text().replace('"2m"', '"2h"'))
    before = files_of(tmp_path / "t")
    status, _, err = run(["--fix", "--select", "TL102", "."], tmp_path / "t", monkeypatch, capsys)
    assert status == 1
    assert "k8s/alb.yaml:3:1: TL102: it needs more than 1h6m40s, the most this setting takes" in err
    changed = {name for name, data in files_of(tmp_path / "t").items() if data != before[name]}
    assert "k8s/alb.yaml" not in changed


# the value: what the setting was meant to be (TL402's comment, TL401's unit), when that is enough
DECK_READ_TIMEOUT = "    read_timeout: 30000       # expect: TL101\n"


@pytest.mark.parametrize(
    ("written", "fixed", "left"),
    [
        # the comment says what was meant, and it is enough: that is written, and TL402 goes too
        ("60000  # 5 minutes", "300000  # 5 minutes", []),
        # not enough (the worst case is 2m): --fix's own value; the comment is never rewritten, so TL402 says it is stale
        ("60000  # 90 seconds", "150000  # 90 seconds", ["TL402"]),
        ("60000  # one minute", "150000  # one minute", ["TL402"]),
        # more than Kong takes (2^31-2 ms): --fix's own value
        ("60000  # 30 days", "150000  # 30 days", ["TL402"]),
        # seconds written where Kong reads milliseconds (TL401): the seconds meant, when enough
        ("300", "300000", []),
        ("90", "150000", []),
        # a comment that states the value as it is beats the unit TL401 suspects: 120 ms was meant, and is not enough
        ("120  # 120 ms", "150000  # 120 ms", ["TL402"]),
    ],
)
def test_fix_writes_what_the_value_was_meant_to_be_when_that_is_enough(written, fixed, left, tmp_path, monkeypatch, capsys):
    shutil.copytree(FIXTURES / "kong-deck-export", tmp_path / "t")
    path = tmp_path / "t" / "kong" / "kong.yaml"
    path.write_text(path.read_text().replace(DECK_READ_TIMEOUT, f"    read_timeout: {written}\n"))
    status, out, _ = run(["--fix", "--format", "json", "."], tmp_path / "t", monkeypatch, capsys)
    assert f"    read_timeout: {fixed}\n" in path.read_text()
    assert sorted(f["rule"] for f in json.loads(out)["findings"]) == left
    assert status == 0


def test_an_haproxy_value_with_two_units_is_fixed_to_what_its_parts_add_up_to(tmp_path, monkeypatch, capsys):
    shutil.copytree(FIXTURES / "haproxy-bare-milliseconds", tmp_path / "t")
    compose = tmp_path / "t" / "docker-compose.yml"
    compose.write_text(compose.read_text().replace("worst-case-response: 8s", "worst-case-response: 75s"))
    config = tmp_path / "t" / "haproxy" / "haproxy.cfg"
    config.write_text(config.read_text().replace("    timeout server 30  # expect: TL101, TL401\n", "    timeout server 1m30s\n"))
    status, out, _ = run(["--fix", "."], tmp_path / "t", monkeypatch, capsys)
    assert "    timeout server 90s\n" in config.read_text()  # HAProxy read 1m30s as 1m; 90 s was meant, and is enough
    assert "TL401" not in out and "TL101" not in out
    assert status == 0


def test_a_keep_alive_view_of_a_setting_never_carries_its_site():
    """An ALB's or a Classic ELB's idle timeout is also its keep-alive towards the targets: the linker adds a
    KEEPALIVE copy of the same setting. Only the idle timeout carries the Site, so that --fix writes the setting
    through what bounds a response and never through the copy (which no TL101/TL102 fix may target)."""
    from timeout_lint.model import Kind

    copies = []
    for root in sorted(p for p in FIXTURES.iterdir() if p.is_dir()):
        for path in lint(LintOptions(paths=(".",), cwd=str(root))).paths:
            for hop in path.hops:
                limits = {(t.setting, t.location) for t in hop.response_limits()}
                copies += [t for t in hop.timeouts if t.kind is Kind.KEEPALIVE and (t.setting, t.location) in limits]
    assert {t.setting for t in copies} >= {
        "idle_timeout.timeout_seconds",
        "service.beta.kubernetes.io/aws-load-balancer-connection-idle-timeout",
    }
    assert [t for t in copies if t.site is not None] == []


def test_a_suppressed_finding_is_not_fixed(tmp_path, monkeypatch, capsys):
    shutil.copytree(FIXTURES / "nginx-slow-handler", tmp_path / "t")
    conf = tmp_path / "t" / "nginx" / "nginx.conf"
    conf.write_text(conf.read_text().replace("# expect: TL101", "# timeout-lint: disable=TL101 -- a probe, not the export"))
    before = files_of(tmp_path / "t")
    status, _, err = run(["--fix", "."], tmp_path / "t", monkeypatch, capsys)
    assert files_of(tmp_path / "t") == before
    assert status == 0
    assert "nothing for --fix to change" in err


def test_a_file_with_input_problems_is_never_written(tmp_path, monkeypatch, capsys):
    shutil.copytree(FIXTURES / "kong-csv-export", tmp_path / "t")
    path = tmp_path / "t" / "k8s" / "export-api.yaml"
    # a duplicate key: the object is still read (and still fails), but the file has a TL001
    path.write_text(
        path.read_text().replace(
            "  name: export-api\n  namespace: shop\n  annotations:",
            "  name: export-api\n  namespace: shop\n  namespace: shop\n  annotations:",
            1,
        )
    )
    before = path.read_bytes()
    status, out, err = run(["--fix", "."], tmp_path / "t", monkeypatch, capsys)
    assert path.read_bytes() == before
    assert "TL001" in out and "TL102" in out
    assert "has input problems (TL001, TL007): --fix never writes a file it could not read" in err
    assert status == 1


def test_the_hostile_tree_gets_its_real_fix_and_no_bad_file_is_touched(tmp_path, monkeypatch, capsys):
    tree = tmp_path / "hostile"
    shutil.copytree(FIXTURES / "hostile-input", tree, symlinks=True)
    before = files_of(tree)
    run(["--fix", "."], tree, monkeypatch, capsys)
    after = files_of(tree)
    assert [name for name in sorted(after) if after[name] != before[name]] == ["k8s/export-api.yaml"]


def test_standard_input_is_never_written_and_fix_exits_as_lint(monkeypatch, capsys):
    import io

    text = (FIXTURES / "kong-csv-export" / "k8s" / "export-api.yaml").read_text() + "---\n"
    text += (FIXTURES / "kong-csv-export" / "k8s" / "ingress.yaml").read_text()
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(text.encode())))
    status, out, err = run(["--fix", "-"], FIXTURES, monkeypatch, capsys)
    assert status == 1
    assert "<stdin>:23:1: TL102" in out
    assert "<stdin> is not a file --fix can write" in err


# -- writing --------------------------------------------------------------------------------------


def test_an_interrupted_write_leaves_the_original_and_no_temporary_file(tmp_path, monkeypatch, capsys):
    tree = tmp_path / "t"
    shutil.copytree(FIXTURES / "kong-csv-export", tree)
    before = files_of(tree)

    def crash(source, destination):
        raise OSError("disk gone between the temporary file and the rename")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="disk gone"):
        run(["--fix", "."], tree, monkeypatch, capsys)
    assert files_of(tree) == before
    assert sorted(p.name for p in (tree / "k8s").iterdir()) == ["export-api.yaml", "ingress.yaml"]


def test_fix_keeps_the_mode_and_writes_through_a_symbolic_link(tmp_path, monkeypatch, capsys):
    tree = tmp_path / "t"
    shutil.copytree(FIXTURES / "kong-csv-export", tree)
    real = tree / "k8s" / "export-api.yaml"
    shared = tmp_path / "shared-export-api.yaml"
    real.rename(shared)
    real.symlink_to(shared)
    shared.chmod(0o640)
    run(["--fix", "."], tree, monkeypatch, capsys)
    assert real.is_symlink()
    assert 'konghq.com/read-timeout: "150000"' in shared.read_text()
    assert shared.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["shared-export-api.yaml", "t"]


def test_a_file_changed_since_it_was_read_is_not_overwritten(tmp_path):
    from timeout_lint.fix import FileFix, write

    path = tmp_path / "a.yaml"
    path.write_text("a: 1\n")
    fix = FileFix(str(path), "a.yaml", b"a: 0\n", b"a: 2\n")
    assert write([fix]) == ["a.yaml"]
    assert path.read_text() == "a: 1\n"


def test_the_readme_fix_session_is_real(tmp_path):
    import re
    import subprocess
    import sys

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    (session,) = re.findall(r"^```console\n\$ timeout-lint --fix (\S+)\n(.*?)^```$", readme, re.MULTILINE | re.DOTALL)
    path, shown = session
    shutil.copytree(REPO / path, tmp_path / path)
    result = subprocess.run([sys.executable, "-m", "timeout_lint", "--fix", path], cwd=tmp_path, capture_output=True, text=True)
    assert result.stderr + result.stdout == shown
    assert result.returncode == 0


def test_backend_request_is_raised_with_the_request_it_may_not_exceed(tmp_path, monkeypatch, capsys):
    shutil.copytree(FIXTURES / "gateway-api-request-timeout", tmp_path / "t")
    route = tmp_path / "t" / "k8s" / "route.yaml"
    # a retry block: Istio keeps request as the route timeout and backendRequest per try, both too short
    route.write_text(
        route.read_text().replace(
            "        request: 30s  # expect: TL101\n",
            "        request: 30s\n        backendRequest: 20s\n      retry:\n        attempts: 1\n",
        )
    )
    status, _, _ = run(["--fix", "."], tmp_path / "t", monkeypatch, capsys)
    assert "        request: 2m30s\n        backendRequest: 2m30s\n" in route.read_text()
    assert status == 0


def test_backend_request_is_not_written_above_a_request_that_is_not_raised(tmp_path, monkeypatch, capsys):
    shutil.copytree(FIXTURES / "gateway-api-kong-default", tmp_path / "t")
    route = tmp_path / "t" / "k8s" / "route.yaml"
    route.write_text(route.read_text().replace("request: 5m", "request: 1m"))  # Kong ignores it; the API server does not
    before = route.read_bytes()
    status, _, err = run(["--fix", "."], tmp_path / "t", monkeypatch, capsys)
    assert route.read_bytes() == before
    assert "TL102: it needs more than 60s, the setting it may not exceed (raise that one first)" in err
    assert status == 1


@pytest.mark.parametrize(
    ("command", "fixed"),
    [
        (
            "    command: gunicorn --bind 0.0.0.0:8000 reports:app\n",
            "    command: gunicorn --timeout 150 --bind 0.0.0.0:8000 reports:app\n",
        ),
        ('    command: ["gunicorn", "reports:app"]\n', '    command: ["gunicorn", "--timeout", "150", "reports:app"]\n'),
        (
            "    command:\n      - gunicorn\n      - reports:app\n",
            '    command:\n      - gunicorn\n      - "--timeout"\n      - "150"\n      - reports:app\n',
        ),
    ],
)
def test_gunicorn_without_timeout_gets_the_option_after_its_name(command, fixed, tmp_path, monkeypatch, capsys):
    shutil.copytree(FIXTURES / "gunicorn-sync-timeout", tmp_path / "t")
    path = tmp_path / "t" / "docker-compose.yml"
    compose = path.read_text().replace(
        "    command: gunicorn --workers 4 --timeout 30 --bind 0.0.0.0:8000 reports:app  # expect: TL101\n", command
    )
    path.write_text(compose)
    status, _, _ = run(["--fix", "."], tmp_path / "t", monkeypatch, capsys)
    assert path.read_text() == compose.replace(command, fixed)
    assert status == 0


def test_a_byte_order_mark_and_crlf_line_endings_are_kept(tmp_path, monkeypatch, capsys):
    shutil.copytree(FIXTURES / "kong-csv-export", tmp_path / "t")
    path = tmp_path / "t" / "k8s" / "export-api.yaml"
    original = b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n")
    path.write_bytes(original)
    status, _, _ = run(["--fix", "."], tmp_path / "t", monkeypatch, capsys)
    added = b'    timeout-lint/worst-case-response: "2m"\r\n    konghq.com/read-timeout: "150000"\r\n'
    assert path.read_bytes() == original.replace(b'    timeout-lint/worst-case-response: "2m"\r\n', added)
    assert status == 0
