"""Every scenario under fixtures/ reports exactly what its `# expect: TLxxx` markers say, nothing more.

A scenario that cannot carry markers (binary files) lists its findings in expected-findings.txt
instead, one `CODE path:line:col` a line.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import FIXTURES
from timeout_lint.lint import LintOptions, lint

MARKER = re.compile(r"(?:#|//)\s*expect:\s*((?:TL\d{3}[,\s]*)+)")  # "//" for JavaScript
SCENARIOS = sorted(p.name for p in FIXTURES.iterdir() if p.is_dir())


def expected(root: Path) -> list[tuple[str, int, str]]:
    out = []
    for path in sorted(root.rglob("*")):
        if not path.is_file() or path.suffix in (".md", ".go", ".mod") or path.name == "Dockerfile":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            match = MARKER.search(line)
            if match:
                for code in re.findall(r"TL\d{3}", match.group(1)):
                    out.append((str(path.relative_to(root)), number, code))
    return sorted(out)


def listed(root: Path) -> list[tuple[str, int, str]]:
    out = []
    for line in (root / "expected-findings.txt").read_text().splitlines():
        if line.strip():
            code, place = line.split()
            file, number, column = place.rsplit(":", 2)
            out.append((file, int(number), int(column), code))
    return sorted(out)


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_scenario_reports_exactly_its_markers(scenario):
    root = FIXTURES / scenario
    report = lint(LintOptions(paths=(".",), cwd=str(root)))
    if (root / "expected-findings.txt").exists():
        actual = sorted((f.location.file, f.location.line, f.location.column or 1, f.code) for f in report.findings)
        assert actual == listed(root)
    else:
        assert sorted((f.location.file, f.location.line, f.code) for f in report.findings) == expected(root)


def test_every_failing_scenario_has_a_fixed_variant():
    failing = [
        s for s in SCENARIOS if not s.endswith("-fixed") and "-fixed-" not in s and not (FIXTURES / s / "expected-findings.txt").exists()
    ]
    for scenario in failing:
        assert any(s.startswith(scenario + "-fixed") for s in SCENARIOS), f"{scenario} has no fixed variant"
