"""Shared helpers: lint a tree of files written from a dict, and read findings compactly."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest

from timeout_lint.engine import Selection
from timeout_lint.lint import LintOptions, Report, lint

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "fixtures"
SHARED = REPO.parent / "shared"


def write_tree(root: Path, files: dict[str, str | bytes]) -> Path:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content).lstrip("\n"), encoding="utf-8")
    return root


def lint_tree(root: Path, files: dict[str, str | bytes] | None = None, select: tuple[str, ...] = (), **options) -> Report:
    if files:
        write_tree(root, files)
    return lint(LintOptions(paths=(".",), cwd=str(root), selection=Selection(select=select), **options))


def codes_at(report: Report) -> list[tuple[str, str, int]]:
    """(code, file, line) of every finding, in output order."""
    return [(f.code, f.location.file, f.location.line) for f in report.findings]


@pytest.fixture
def tree(tmp_path):
    """Write files and lint them: ``tree({"a.yaml": "..."})`` returns the Report."""

    def run(files: dict[str, str | bytes], select: tuple[str, ...] = (), **options) -> Report:
        return lint_tree(tmp_path, files, select, **options)

    run.root = tmp_path
    return run


@pytest.fixture
def in_dir(monkeypatch):
    def change(path):
        monkeypatch.chdir(path)

    return change


os.environ.setdefault("NO_COLOR", "1")
# run by GitHub Actions, the command line would default to annotations; the tests expect text unless they ask
os.environ.pop("GITHUB_ACTIONS", None)
