"""--fix and --diff on the command line: lint, plan, write (or show), lint again.

Like ruff, the report printed after --fix is the state after the fix: what is left, and the exit
status follows it. --diff prints what --fix would write and writes nothing; its exit status is the
one the run would have without --fix.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, TextIO

from timeout_lint.fix import plan, write

if TYPE_CHECKING:
    from timeout_lint.lint import LintOptions, Report


def _count(number: int, word: str) -> str:
    return f"{number} {word}{'' if number == 1 else 's'}"


def _files(names: list[str]) -> str:
    """``2 files (a.yaml, b.conf)``; past five names, the count alone."""
    listed = f" ({', '.join(names)})" if len(names) <= 5 else ""
    return _count(len(names), "file") + listed


def fix_and_lint(options: LintOptions, write_files: bool, stdout: TextIO, stderr: TextIO) -> Report:
    from timeout_lint.lint import lint

    if "-" in options.paths:
        # standard input is read once and linted twice; it is never written
        import sys

        stream = options.stdin if options.stdin is not None else sys.stdin.buffer
        data = stream.read(options.max_bytes + 1)
        options = options._replace(stdin=io.BytesIO(data))

        def again(base: LintOptions) -> LintOptions:
            return base._replace(stdin=io.BytesIO(data))
    else:

        def again(base: LintOptions) -> LintOptions:
            return base

    first = lint(again(options._replace(show_suppressed=True)))
    result = plan(first.findings, first.paths, first.root, first.unparsed)
    for item in sorted(result.not_fixed, key=lambda n: n.finding.sort_key):
        stderr.write(f"timeout-lint: not fixed: {item.finding.location}: {item.finding.code}: {item.reason}\n")
    before = first._replace(findings=tuple(f for f in first.findings if options.show_suppressed or not f.suppressed))
    if not write_files:
        for fix in result.files:
            stdout.write(fix.diff())
        if result.files:
            stderr.write(
                f"timeout-lint: --fix would fix {_count(len(result.fixed), 'finding')} in {_files([f.display for f in result.files])}\n"
            )
        else:
            stderr.write("timeout-lint: nothing for --fix to change\n")
        return before
    changed = write(result.files)
    for display in changed:
        stderr.write(f"timeout-lint: not fixed: {display} changed while timeout-lint ran; run it again\n")
    written = [fix for fix in result.files if fix.display not in changed]
    if not written:
        stderr.write("timeout-lint: nothing for --fix to change\n")
        return before
    fixed = [item for item in result.fixed if not item.files & set(changed)]
    stderr.write(f"timeout-lint: fixed {_count(len(fixed), 'finding')} in {_files([fix.display for fix in written])}\n")
    return lint(again(options))
