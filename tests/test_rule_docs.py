"""Every registered rule has a doc with the fixed headings, and the doc's examples run:
the failing example yields exactly the output the doc shows, the fix yields nothing from that rule."""

from __future__ import annotations

import re

import pytest

from tests.conftest import lint_tree
from tests.fake_apiserver import lint_cluster_example
from timeout_lint.docs import HEADINGS, rule_doc
from timeout_lint.report.text import format_finding
from timeout_lint.rules import ALL_RULES

FILE_TITLE = re.compile(r"^`([^`]+)`:\s*$")
FENCE = re.compile(r"^```")


def sections(doc: str) -> dict[str, str]:
    out: dict[str, str] = {}
    current = None
    in_fence = False
    for line in doc.splitlines():
        if FENCE.match(line):
            in_fence = not in_fence
        if not in_fence and line.startswith("## "):
            current = line[3:].strip()
            out[current] = ""
        elif current is not None:
            out[current] += line + "\n"
    return out


def examples(section: str) -> tuple[dict[str, str], list[str] | None]:
    """Files (from "`path`:" followed by a fence) and the expected output ("timeout-lint reports:")."""
    files: dict[str, str] = {}
    output: list[str] | None = None
    lines = section.splitlines()
    index = 0
    pending = None
    while index < len(lines):
        line = lines[index]
        title = FILE_TITLE.match(line)
        if title:
            pending = title.group(1)
        elif line.strip().lower().startswith("timeout-lint reports"):
            pending = "<output>"
        elif FENCE.match(line) and pending is not None:
            body = []
            index += 1
            while not FENCE.match(lines[index]):
                body.append(lines[index])
                index += 1
            if pending == "<output>":
                output = body
            else:
                files[pending] = "\n".join(body) + "\n"
            pending = None
        index += 1
    return files, output


def run_example(rule, root, files):
    """Lint an example's files; a cluster rule's examples are read from a fake cluster too (tests/fake_apiserver.py)."""
    if "cluster" in rule.tags:
        return lint_cluster_example(root, files, select=(rule.code,))
    return lint_tree(root, files, select=(rule.code,))


@pytest.fixture(params=ALL_RULES, ids=lambda rule: rule.code)
def rule(request):
    return request.param


def test_doc_exists_with_every_heading_in_order(rule):
    doc = rule_doc(rule.code)
    assert doc is not None, f"rules/{rule.code}.md is missing"
    assert doc.splitlines()[0] == f"# {rule.code} {rule.name}"
    meta = f"Severity: {rule.severity.value} · Scope: {rule.scope.value} · Since: {rule.since}"
    assert meta + (" · Off by default" if not rule.enabled_by_default else "") in doc.splitlines()[2]
    found = [line[3:].strip() for line in doc.splitlines() if line.startswith("## ")]
    assert found == list(HEADINGS)


def test_failing_example_fires_exactly_as_shown(rule, tmp_path):
    parts = sections(rule_doc(rule.code))
    files, output = examples(parts["Failing example"])
    assert files, "the failing example has no files"
    assert output, "the failing example does not show what timeout-lint reports"
    report = run_example(rule, tmp_path, files)
    shown = [line for f in report.findings for line in format_finding(f).splitlines()]
    assert shown == output
    assert report.findings and all(f.code == rule.code for f in report.findings)


def test_fix_stays_silent(rule, tmp_path):
    parts = sections(rule_doc(rule.code))
    failing, _ = examples(parts["Failing example"])
    fixed, _ = examples(parts["Fix"])
    assert fixed, "the fix shows no files"
    files = {**failing, **fixed}
    report = run_example(rule, tmp_path, files)
    assert [f.code for f in report.findings] == []
