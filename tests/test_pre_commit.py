"""The pre-commit hook, proven with pre-commit itself: ``pre-commit try-repo`` against a copy of this tree.

pre-commit installs timeout-lint from the copy into an environment of its own (through pip and the
configured package index), then runs the hook in a scratch repository holding the Kong incident: it
must fail with the finding, and pass once the fix is committed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, REPO

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

# what .gitignore keeps out of a clone, so the copy is what a user would get from the repository
NOT_IN_A_CLONE = (
    ".git",
    ".venv",
    "__pycache__",
    "*.pyc",
    "*.egg-info",
    "build",
    "dist",
    ".pytest_cache",
    ".hypothesis",
    ".ruff_cache",
    ".timeout-lint-cache",
)


def git(cwd: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=timeout-lint tests", "-c", "user.email=tests@invalid", "-c", "commit.gpgsign=false", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
        env=os.environ,
    )


@pytest.fixture(scope="module")
def environment(tmp_path_factory) -> dict[str, str]:
    home = tmp_path_factory.mktemp("pre-commit-home")
    gitconfig = home / "gitconfig"
    gitconfig.write_text("")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PRE_COMMIT", "GIT_"))}
    # one pre-commit home for the module: the hook's environment is built once and reused
    return {**env, "PRE_COMMIT_HOME": str(home / "cache"), "GIT_CONFIG_GLOBAL": str(gitconfig), "GIT_CONFIG_NOSYSTEM": "1"}


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory, environment) -> Path:
    """This working tree, uncommitted changes included, as a git repository with everything committed."""
    repo = tmp_path_factory.mktemp("hook") / "timeout-lint"
    shutil.copytree(REPO, repo, symlinks=True, ignore=shutil.ignore_patterns(*NOT_IN_A_CLONE))
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "hook under test")
    return repo


def consumer(root: Path, *scenarios: str) -> Path:
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    for scenario in scenarios:
        shutil.copytree(FIXTURES / scenario, root, symlinks=True, dirs_exist_ok=True)
    git(root, "init", "-q")
    git(root, "add", "-A")  # try-repo --all-files runs on what git tracks
    return root


def try_repo(hook_repo: Path, cwd: Path, environment: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(hook_repo), "timeout-lint", "--all-files"],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=environment,
        timeout=600,
    )


def test_hook_fails_on_the_incident_and_passes_on_the_fix(hook_repo, environment, tmp_path):
    failing = try_repo(hook_repo, consumer(tmp_path / "shop", "kong-csv-export"), environment)
    assert failing.returncode == 1, failing.stdout + failing.stderr
    assert "timeout-lint" in failing.stdout and "Failed" in failing.stdout
    assert "k8s/export-api.yaml:23:1: TL102 error: Kong read_timeout is not set" in failing.stdout
    assert "Found 1 error in 2 files (1 request path checked)." in failing.stdout

    fixed = try_repo(hook_repo, consumer(tmp_path / "shop", "kong-csv-export-fixed-annotations"), environment)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert "Passed" in fixed.stdout and "TL102" not in fixed.stdout


def test_hook_is_skipped_when_no_file_it_reads_is_in_the_repository(hook_repo, environment, tmp_path):
    root = tmp_path / "docs-only"
    root.mkdir()
    (root / "README.md").write_text("nothing to lint\n")
    (root / "Makefile").write_text("all:\n")
    git(root, "init", "-q")
    git(root, "add", "-A")
    result = try_repo(hook_repo, root, environment)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "(no files to check)Skipped" in result.stdout


def test_hook_with_fix_writes_the_fix_and_stops_the_commit_for_review(hook_repo, environment, tmp_path):
    root = consumer(tmp_path / "shop", "kong-csv-export")
    revision = subprocess.run(["git", "rev-parse", "HEAD"], cwd=hook_repo, capture_output=True, text=True, check=True).stdout.strip()
    (root / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {hook_repo}\n    rev: {revision}\n    hooks:\n      - id: timeout-lint\n        args: [--fix]\n"
    )
    git(root, "add", "-A")
    command = [sys.executable, "-m", "pre_commit", "run", "--all-files"]
    first = subprocess.run(command, cwd=root, capture_output=True, text=True, env=environment, timeout=600)
    assert first.returncode == 1, first.stdout + first.stderr
    assert "files were modified by this hook" in first.stdout
    assert 'konghq.com/read-timeout: "150000"' in (root / "k8s" / "export-api.yaml").read_text()
    git(root, "add", "-A")
    second = subprocess.run(command, cwd=root, capture_output=True, text=True, env=environment, timeout=600)
    assert second.returncode == 0, second.stdout + second.stderr
