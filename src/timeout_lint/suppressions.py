"""Inline suppressions: ``# timeout-lint: disable=TL101 -- reason`` comments and ``timeout-lint/disable`` annotations.

The parse stage collects them per file (``scan`` on the text of every file a parser reads,
``from_annotation`` on Kubernetes objects); the engine matches them against each finding's primary
location and records which of them silenced something.

Comment forms, in any file timeout-lint reads (YAML, nginx, HAProxy, Go with ``//``)::

    proxy_read_timeout 2s;  # timeout-lint: disable=TL101 -- the export streams; first byte in 1s
    # timeout-lint: disable=TL101,TL2 -- one or more codes, prefixes or rule names
    # timeout-lint: disable-file -- every rule, the whole file
    # timeout-lint: disable-file=TL102 -- some rules, the whole file

A comment after code covers its own line; a comment alone on its line covers the next line that is
not itself a comment (so several directives, or a directive and a longer explanation, can be stacked
above one line). The reason is whatever follows `` -- ``.

The comment scanner reads the raw text, because the YAML C composer drops comments and crossplane is
asked for none. It works line by line: a ``#`` inside a quoted string on the same line (a YAML
``"..."`` or ``'...'`` value, an nginx or HAProxy quoted argument, ``\\#`` in HAProxy) is not a
comment. A directive inside a YAML block scalar (``|``) is taken as a comment: such text is usually an
embedded configuration file whose own comments these are.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from typing import NamedTuple

from timeout_lint.model import Location, Problem
from timeout_lint.parsers.declarations import DISABLE_KEY
from timeout_lint.sources import SourceFile

MARKER = "timeout-lint:"
ANNOTATION = DISABLE_KEY
WHOLE_FILE = sys.maxsize  # last_line of a file-wide suppression

# patterns, not compiled regexes: re compiles (and caches) them on first use, so runs without a
# single directive never pay for them
_DIRECTIVE = r"(?P<verb>disable-file|disable)\s*(?:=\s*(?P<codes>.*?))?\s*"
_SELECTOR = r"[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*"


class Suppression(NamedTuple):
    """One directive: the rules it names (none: every rule), why, and the lines it covers."""

    codes: tuple[str, ...]  # codes, prefixes or rule names as written; () silences every rule
    reason: str | None
    location: Location  # the comment or annotation itself (where an unused one is reported)
    first_line: int  # lines of location.file it covers, inclusive
    last_line: int
    form: str  # "comment", "file" or "annotation"

    def covers(self, location: Location) -> bool:
        return location.file == self.location.file and self.first_line <= location.line <= self.last_line

    @property
    def written(self) -> str:
        """The directive as a user would recognise it in a message: ``suppression "disable=TL101"``."""
        if self.form == "annotation":
            return f'annotation "{ANNOTATION}: {", ".join(self.codes)}"'
        verb = "disable-file" if self.form == "file" else "disable"
        return f'suppression "{verb}' + (f"={','.join(self.codes)}" if self.codes else "") + '"'


# -- finding comments -------------------------------------------------------------------------------


def _yaml_comment(line: str) -> int:
    """Index of the ``#`` that starts a YAML comment, or -1. Quotes open only where a value can start."""
    quote = None
    previous = ""  # the last character outside quotes that is not a space
    index = 0
    while index < len(line):
        char = line[index]
        if quote == "'":
            if char == "'":
                if line[index + 1 : index + 2] == "'":  # '' is a quote inside a single-quoted scalar
                    index += 2
                    continue
                quote, previous = None, char
        elif quote == '"':
            if char == "\\":
                index += 2
                continue
            if char == '"':
                quote, previous = None, char
        elif char == "#" and (index == 0 or line[index - 1] in " \t"):
            return index
        elif char in "'\"" and (previous == "" or previous in ":-[{,?") and (index == 0 or line[index - 1] in " \t[{,"):
            quote = char
        elif char not in " \t":
            previous = char
        index += 1
    return -1


def _nginx_comment(line: str) -> int:
    """nginx: ``#`` where a token could start, outside quotes (backslash escapes inside and outside)."""
    quote = None
    token_start = True
    index = 0
    while index < len(line):
        char = line[index]
        if quote is not None:
            if char == "\\":
                index += 2
                continue
            if char == quote:
                quote = None
        elif char in " \t;{}":
            token_start = True
        elif char == "#" and token_start:
            return index
        elif char in "'\"" and token_start:
            quote, token_start = char, False
        elif char == "\\":
            index += 2
            token_start = False
            continue
        else:
            token_start = False
        index += 1
    return -1


def _hash_comment(line: str) -> int:
    """HAProxy and other ``#`` formats: anywhere outside quotes, unless escaped as ``\\#``."""
    quote = None
    index = 0
    while index < len(line):
        char = line[index]
        if char == "\\" and quote != "'":
            index += 2
            continue
        if quote is not None:
            if char == quote:
                quote = None
        elif char == "#":
            return index
        elif char in "'\"":
            quote = char
        index += 1
    return -1


def _go_comment(line: str) -> int:
    """Go: ``//`` outside interpreted ("..."), raw (`...`) and rune ('.') literals."""
    quote = None
    index = 0
    while index < len(line):
        char = line[index]
        if quote is not None:
            if char == "\\" and quote != "`":
                index += 2
                continue
            if char == quote:
                quote = None
        elif line.startswith("//", index):
            return index
        elif char in "\"`'":
            quote = char
        index += 1
    return -1


#: syntax name -> (finds the comment start in a line or -1, length of the comment marker)
SYNTAXES: dict[str, tuple[Callable[[str], int], int]] = {
    "yaml": (_yaml_comment, 1),
    "nginx": (_nginx_comment, 1),
    "haproxy": (_hash_comment, 1),
    "hash": (_hash_comment, 1),  # Python (gunicorn.conf.py), TOML, shell-like files
    "go": (_go_comment, 2),
    "js": (_go_comment, 2),  # JavaScript and TypeScript: the same // comments and quotes (plus `)
}


# -- reading directives -------------------------------------------------------------------------------


def _known(selectors: list[str]) -> tuple[list[str], list[str]]:
    from timeout_lint.engine import unknown_selectors  # the rule catalogue is loaded with the engine

    unknown = set(unknown_selectors(selectors))
    return [s for s in selectors if s not in unknown], [s for s in selectors if s in unknown]


def _split_codes(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def parse_directive(body: str, location: Location, problems: list[Problem]) -> tuple[str, tuple[str, ...], str | None] | None:
    """``disable=TL101 -- reason`` (the text after ``timeout-lint:``) -> (verb, codes, reason), or None with a problem."""
    directive, separator, reason_text = body.partition("--")
    reason = reason_text.strip() or None if separator else None
    match = re.fullmatch(_DIRECTIVE, directive.strip())
    if match is None:
        problems.append(
            Problem(
                "invalid-configuration",
                f'unknown timeout-lint directive "{directive.strip()}": write "disable=CODES -- reason" or "disable-file -- reason"',
                location,
            )
        )
        return None
    codes_text = match.group("codes")
    selectors = _split_codes(codes_text) if codes_text is not None else []
    if codes_text is not None and not selectors:
        problems.append(Problem("invalid-configuration", f'"{match.group("verb")}=" names no rule', location))
        return None
    malformed = [s for s in selectors if not re.fullmatch(_SELECTOR, s)]
    if malformed:
        problems.append(
            Problem(
                "invalid-configuration",
                f"{', '.join(repr(s) for s in malformed)} is not a rule code, prefix or name"
                " (separate several with commas; the reason goes after ' -- ')",
                location,
            )
        )
        return None
    known, unknown = _known(selectors)
    if unknown:
        problems.append(
            Problem("invalid-configuration", f"unknown rule code, prefix or name in a suppression: {', '.join(unknown)}", location)
        )
        if not known:
            return None
    return match.group("verb"), tuple(known), reason


def _next_code_line(lines: list[str], index: int, find: Callable[[str], int]) -> int:
    """1-based number of the first line after ``index`` (0-based) that is not a comment line of its own.

    With nothing but comments below, the directive covers only its own line."""
    for following in range(index + 1, len(lines)):
        text = lines[following]
        start = find(text)
        if start >= 0 and not text[:start].strip():
            continue  # another comment line: keep looking
        return following + 1
    return index + 1


def scan(source: SourceFile, syntax: str) -> tuple[list[Suppression], list[Problem]]:
    """Every suppression comment in a file; malformed ones are problems at the comment."""
    if MARKER not in source.text:  # nearly every file: no work
        return [], []
    find, width = SYNTAXES[syntax]
    suppressions: list[Suppression] = []
    problems: list[Problem] = []
    lines = source.lines
    for index, text in enumerate(lines):
        if MARKER not in text:
            continue
        start = find(text)
        if start < 0:
            continue
        body = text[start + width :].strip()
        if not body.startswith(MARKER):
            continue
        line = index + 1
        location = source.location(line, start + 1)
        parsed = parse_directive(body[len(MARKER) :], location, problems)
        if parsed is None:
            continue
        verb, codes, reason = parsed
        if verb == "disable-file":
            suppressions.append(Suppression(codes, reason, location, 1, WHOLE_FILE, "file"))
            continue
        own_line = not text[:start].strip()
        last = _next_code_line(lines, index, find) if own_line else line
        suppressions.append(Suppression(codes, reason, location, line, last, "comment"))
    return suppressions, problems


def from_annotation(value: str | None, location: Location, first_line: int, last_line: int) -> tuple[list[Suppression], list[Problem]]:
    """``timeout-lint/disable: "TL101: reason; TL102: other reason"`` on an object spanning the given lines."""
    problems: list[Problem] = []
    suppressions: list[Suppression] = []
    entries = [part.strip() for part in re.split(r"[;\n]", value or "") if part.strip()]
    if not entries:
        problems.append(Problem("invalid-configuration", f'"{ANNOTATION}" names no rule: write "TL101: reason"', location))
    for entry in entries:
        codes_text, separator, reason_text = entry.partition(":")
        reason = reason_text.strip() or None if separator else None
        selectors = _split_codes(codes_text)
        malformed = [s for s in selectors if not re.fullmatch(_SELECTOR, s)]
        if not selectors or malformed:
            problems.append(
                Problem(
                    "invalid-configuration", f'"{ANNOTATION}": "{entry}" does not start with rule codes: write "TL101: reason"', location
                )
            )
            continue
        known, unknown = _known(selectors)
        if unknown:
            problems.append(
                Problem("invalid-configuration", f'"{ANNOTATION}": unknown rule code, prefix or name: {", ".join(unknown)}', location)
            )
        if known:
            suppressions.append(Suppression(tuple(known), reason, location, first_line, last_line, "annotation"))
    return suppressions, problems
