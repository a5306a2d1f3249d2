"""Every registered rule has a doc with the fixed headings, and the doc's examples run:
the failing example yields exactly the output the doc shows, the fix yields nothing, and an example
in "Options" (usually with a `.timeout-lint.yaml` setting the option) yields what it shows.

Examples run as `timeout-lint --extend-select CODE .` would: the default rules plus the rule itself
(so rules about other rules' findings, TL009, can be shown), with any `.timeout-lint.yaml` among the
example's files read as the project file (an example may set options, or ignore another rule)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import write_tree
from tests.fake_apiserver import lint_cluster_example
from timeout_lint.docs import HEADINGS, rule_doc
from timeout_lint.engine import Selection
from timeout_lint.lint import LintOptions, Report, lint
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


def run_example(rule, root: Path, files: dict[str, str]) -> Report:
    """Lint an example's files; a cluster rule's examples are read from a fake cluster too (tests/fake_apiserver.py)."""
    if "cluster" in rule.tags:
        return lint_cluster_example(root, files, select=(rule.code,))
    write_tree(root, files)
    return lint(LintOptions(paths=(".",), cwd=str(root), selection=Selection(extend_select=(rule.code,))))


def shown(report: Report) -> list[str]:
    return [line for f in report.findings for line in format_finding(f).splitlines()]


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
    assert shown(report) == output
    assert report.findings and all(f.code == rule.code for f in report.findings)


def test_fix_stays_silent(rule, tmp_path):
    parts = sections(rule_doc(rule.code))
    failing, _ = examples(parts["Failing example"])
    fixed, _ = examples(parts["Fix"])
    assert fixed, "the fix shows no files"
    files = {**failing, **fixed}
    report = run_example(rule, tmp_path, files)
    assert [f.code for f in report.findings] == []


def test_options_example_runs_as_shown(rule, tmp_path):
    """An example under "Options" is complete on its own; it shows what it reports, or nothing if it shows no output."""
    files, output = examples(sections(rule_doc(rule.code))["Options"])
    if rule.options is None:
        assert not files, f"{rule.code} takes no options but its doc shows an options example"
        return
    assert files, f"{rule.code} takes options; its doc needs an example that sets them"
    assert ".timeout-lint.yaml" in files, "the options example must show the project file that sets them"
    report = run_example(rule, tmp_path, files)
    assert not [f for f in report.findings if f.code == "TL004"], "the options example's project file is invalid"
    assert shown(report) == (output or [])


def test_every_option_is_documented(rule):
    from timeout_lint.options import option_key

    options = sections(rule_doc(rule.code))["Options"]
    for name in rule.options._fields if rule.options is not None else ():
        assert f"`{option_key(name)}`" in options, f"option {option_key(name)} of {rule.code} is not in its doc"
