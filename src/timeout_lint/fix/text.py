"""What every fix module shares: the change it is given, its error, and splicing text at offsets."""

from __future__ import annotations

from typing import NamedTuple

from timeout_lint.model import Site


class FixError(Exception):
    """A file --fix will not change, and why (shown to the user as is)."""


class Change(NamedTuple):
    """One edit, ready to write: the site and the text that goes there.

    ``text`` is what is written: for ``set`` the new fragment (``--timeout 150``), for ``put`` and
    ``insert`` the entry with its value (``idle_timeout.timeout_seconds=150``). ``value`` is the value
    alone (``150``), which a module needs to write a YAML document's typed field.
    """

    site: Site
    text: str
    value: str


class Splice(NamedTuple):
    start: int  # character offsets in the original text
    end: int
    text: str
    order: int = 0  # several insertions at one offset keep this order


def apply_splices(text: str, splices: list[Splice]) -> str:
    """The text with every splice applied; overlapping replacements are a FixError."""
    ordered = sorted(splices, key=lambda s: (s.start, s.end, s.order))
    for before, after in zip(ordered, ordered[1:], strict=False):
        if after.start < before.end:
            raise FixError("two edits overlap in this file")
    out = []
    position = 0
    for splice in ordered:
        out.append(text[position : splice.start])
        out.append(splice.text)
        position = splice.end
    out.append(text[position:])
    return "".join(out)


def line_starts(text: str) -> list[int]:
    """The offset of each line's first character (lines end at \\n; a \\r before it stays in the line)."""
    starts = [0]
    index = text.find("\n")
    while index >= 0:
        starts.append(index + 1)
        index = text.find("\n", index + 1)
    return starts


def offset(starts: list[int], line: int, column: int | None) -> int:
    """The offset of a 1-based line and column."""
    if not 1 <= line <= len(starts):
        raise FixError(f"line {line} is not in the file any more")
    return starts[line - 1] + (column or 1) - 1


def newline(text: str) -> str:
    """The file's line ending: \\r\\n when its first line ends so, else \\n."""
    first = text.find("\n")
    return "\r\n" if first > 0 and text[first - 1] == "\r" else "\n"


def line_at(text: str, starts: list[int], index: int) -> str:
    """Line ``index`` (0-based) without its ending."""
    end = starts[index + 1] if index + 1 < len(starts) else len(text)
    return text[starts[index] : end].rstrip("\r\n")


def indentation(line: str) -> str:
    return line[: len(line) - len(line.lstrip(" \t"))]


def keep_comment_column(text: str, end: int, growth: int, skip: str = "", floor: int = 2) -> Splice | None:
    """Keep a column of aligned comments aligned when the value ending at ``end`` grows or shrinks by ``growth``.

    Only blanks beyond ``floor`` (two, as yamllint asks before a comment) are taken as alignment: they
    absorb a longer value, or grow for a shorter one. A comment written right after the usual blanks
    just moves with its line. ``skip``: characters between the value and the blanks (nginx's ``;``).
    """
    position = end
    while position < len(text) and text[position] in skip:
        position += 1
    blanks = position
    while blanks < len(text) and text[blanks] == " ":
        blanks += 1
    count = blanks - position
    if not growth or count <= floor or text[blanks : blanks + 1] != "#":
        return None
    wanted = max(count - growth, floor)
    return Splice(position, blanks, " " * wanted) if wanted != count else None
