"""Reading input files once: bytes to text, with binary and encoding problems reported, not raised."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cached_property

from timeout_lint.lazy import Patterns
from timeout_lint.model import Location, Problem

#: Files above this size are reported and skipped (configurable with --max-file-size).
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
#: The name standard input (the PATH ``-``) is shown by.
STDIN = "<stdin>"


@dataclass(frozen=True)
class SourceFile:
    """One input's text, with the name to show for it."""

    path: str  # absolute path on disk, "<stdin>", or a cluster object's URI
    display: str  # as the user would click it
    text: str
    #: An input with no text a user can open (an object read from a cluster, serialised here): every
    #: location in it is line 1, column 1 of the object, and the field path (Location.pointer) says where.
    fields_only: bool = False

    def location(self, line: int, column: int | None = None, pointer: str = "") -> Location:
        if self.fields_only:
            # the `kind:` key is where a manifest's object is anchored; here that is the object itself
            return Location(self.display, 1, 1, "" if pointer == "kind" else pointer)
        return Location(self.display, line, column, pointer)

    def line_text(self, line: int) -> str:
        lines = self.lines
        return lines[line - 1] if 0 < line <= len(lines) else ""

    def comment_at(self, line: int) -> str | None:
        """The ``#`` comment ending a line, without the ``#``: outside quotes and after a blank, as
        YAML, nginx and HAProxy read it. None when the line has none."""
        text = self.line_text(line)
        if "#" not in text:  # most lines: nothing to scan
            return None
        quote = None
        for index, char in enumerate(text):
            if quote:
                if char == quote:
                    quote = None
            elif char in "\"'":
                quote = char
            elif char == "#" and (index == 0 or text[index - 1] in " \t"):
                return text[index + 1 :].strip()
        return None

    def comment_after(self, line: int, column: int, marker: str = "//") -> str | None:
        """The ``//`` comment that ends a line after code ending at ``column`` (1-based, characters), with
        only blanks and ``,;)`` between them, as in ``WriteTimeout: 10 * time.Minute, // ten minutes``."""
        rest = self.line_text(line)[column - 1 :].lstrip(" \t,;)")
        return rest[len(marker) :].strip() if rest.startswith(marker) else None

    @cached_property
    def lines(self) -> list[str]:
        """Split only when a parser asks (nginx columns, suppression comments)."""
        return self.text.splitlines()


def display_path(path: str, cwd: str) -> str:
    """Relative to the working directory when that is shorter to click, else absolute."""
    if path == "<stdin>":
        return path
    try:
        rel = os.path.relpath(path, cwd)
    except ValueError:  # another drive on Windows
        return path
    return path if rel.startswith(".." + os.sep + ".." + os.sep) else rel


def decode(data: bytes, path: str, display: str, fields_only: bool = False) -> tuple[SourceFile | None, list[Problem]]:
    """Bytes to a SourceFile; binary input is refused, undecodable bytes are replaced and reported."""
    problems: list[Problem] = []
    if b"\x00" in data[:8192]:
        problems.append(Problem("unparsable-input", "binary file (contains NUL bytes), not linted", Location(display, 1, 1)))
        return None, problems
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        problems.append(
            Problem(
                "unparsable-input",
                f"not valid UTF-8 (byte 0x{data[exc.start]:02x}); read with the bad bytes replaced",
                Location(display, line, column),
            )
        )
        text = data.decode("utf-8", errors="replace")
    return SourceFile(path, display, text, fields_only), problems


def read_memory(
    data: bytes, name: str, max_bytes: int = DEFAULT_MAX_BYTES, fields_only: bool = False
) -> tuple[SourceFile | None, list[Problem]]:
    """Bytes that are no file (standard input, a cluster object), through the same checks as a file."""
    if len(data) > max_bytes:
        message = f"input is above the {max_bytes}-byte limit (--max-file-size); not linted"
        return None, [Problem("unparsable-input", message, Location(name, 1, 1))]
    return decode(data, name, name, fields_only)


def read(path: str, display: str, max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[SourceFile | None, list[Problem]]:
    """Read a file; every failure becomes a Problem at the file."""
    try:
        size = os.path.getsize(path)
        if size > max_bytes:
            return None, [
                Problem(
                    "skipped-input",
                    f"file is {size:,} bytes, above the {max_bytes:,}-byte limit (--max-file-size); not linted",
                    Location(display, 1, 1),
                )
            ]
        with open(path, "rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        return None, [Problem("unparsable-input", f"cannot read file: {exc.strerror or exc}", Location(display, 1, 1))]
    return decode(data, path, display)


_RE = Patterns(template=(r"\{\{-?\s*[^}]*\}\}|\{%-?.*?%\}", 0))


def template_problem(source: SourceFile) -> Problem | None:
    match = _RE.template.search(source.text)
    if match is None:
        return None
    line = source.text.count("\n", 0, match.start()) + 1
    if source.text[match.start() - 1 : match.start()] == "$":  # decK's ${{ env "DECK_..." }}
        message = "a decK template, not linted; lint the file `deck file render --populate-env-vars FILE -o OUT.yaml` writes"
    else:
        message = "a Helm/Jinja template, not linted; lint its rendered output (helm template . | timeout-lint -)"
    return Problem("skipped-template", message, source.location(line, 1))
