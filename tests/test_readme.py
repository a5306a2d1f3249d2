"""The README shows real output: every ```text block that starts with ``$ timeout-lint ...`` is run and
compared, the Mermaid diagram is the one timeout-lint draws, and the pre-commit and CI snippets are valid."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys

import pytest
import yaml

from tests.conftest import REPO
from timeout_lint.cli import build_parser

README = (REPO / "README.md").read_text(encoding="utf-8")
BLOCK = re.compile(r"^```(\w*)\n(.*?)^```$", re.MULTILINE | re.DOTALL)
BLOCKS = [(m.group(1), m.group(2)) for m in BLOCK.finditer(README)]
SESSIONS = [body for lang, body in BLOCKS if lang == "text" and body.startswith("$ timeout-lint ")]


def run(args: list[str]) -> str:
    result = subprocess.run([sys.executable, "-m", "timeout_lint", *args], cwd=REPO, capture_output=True, text=True)
    assert result.returncode in (0, 1), result.stderr
    return result.stdout


@pytest.mark.parametrize("session", SESSIONS, ids=lambda s: s.splitlines()[0])
def test_shown_output_is_real(session):
    command, _, shown = session.partition("\n")
    _prompt, _program, *args = shlex.split(command)
    assert run(args) == shown


def test_sessions_were_found():
    assert len(SESSIONS) >= 3


def test_mermaid_diagram_is_the_first_incident():
    (diagram,) = [body for lang, body in BLOCKS if lang == "mermaid"]
    assert diagram == run(["--show-paths=mermaid", "fixtures/kong-csv-export"])


def yaml_block(marker: str) -> str:
    (body,) = [body for lang, body in BLOCKS if lang == "yaml" and marker in body]
    return body


def test_pre_commit_snippet_is_a_valid_config(tmp_path):
    config = tmp_path / ".pre-commit-config.yaml"
    config.write_text(yaml_block("repo: https://github.com/timeout-lint/timeout-lint"), encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "pre_commit", "validate-config", str(config)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    (repo,) = yaml.safe_load(config.read_text())["repos"]
    assert repo["hooks"][0]["id"] == yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())[0]["id"]


def test_hook_manifest_is_valid():
    result = subprocess.run(
        [sys.executable, "-m", "pre_commit", "validate-manifest", str(REPO / ".pre-commit-hooks.yaml")], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_workflow_example_runs_timeout_lint_as_documented():
    workflow = yaml.safe_load(yaml_block("upload-sarif"))
    steps = [step for job in workflow["jobs"].values() for step in job["steps"]]
    commands = [step["run"] for step in steps if step.get("run", "").startswith("timeout-lint")]
    assert commands == ["timeout-lint k8s/", "timeout-lint --format sarif k8s/ > timeout-lint.sarif"]
    for command in commands:
        build_parser().parse_args(shlex.split(command.split(">")[0])[1:])  # the options exist
    upload = next(step for step in steps if step.get("uses", "").startswith("github/codeql-action/upload-sarif@"))
    assert upload["with"]["sarif_file"] == "timeout-lint.sarif"
    assert workflow["jobs"]["code-scanning"]["permissions"]["security-events"] == "write"
