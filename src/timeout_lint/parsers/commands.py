"""Container commands as words with positions, and which program a command runs.

Compose ``command:`` (a string or a list) and Kubernetes ``command:``/``args:`` become ``Arg``s, each
with the line and column where its text starts. A shell script run with ``sh -c "..."`` is split
into its own words, and a program is found in it after ``exec``, ``&&``, ``;`` or environment
assignments. Nothing is run; shell expansion is not performed (``$TIMEOUT`` stays as written).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple

from timeout_lint.lazy import Patterns
from timeout_lint.model import Location

if TYPE_CHECKING:
    from timeout_lint.yamlnodes import Y

_SHELLS = frozenset({"sh", "bash", "ash", "dash", "zsh", "ksh"})
_SEPARATORS = frozenset({"&&", "||", ";", "|", "&"})
_RE = Patterns(python=(r"^python(\d+(\.\d+)?)?$", 0), assignment=(r"^[A-Za-z_][A-Za-z0-9_]*=", 0))
#: words after which the next word is the program that runs (exec gunicorn, poetry run gunicorn ...)
_WRAPPERS = frozenset({"exec", "nohup", "time", "run", "run-program", "ddtrace-run", "opentelemetry-instrument", "dumb-init", "--", "env"})
_SWITCH_USER = frozenset({"gosu", "su-exec"})
_PYTHON_FLAGS = frozenset({"-u", "-O", "-OO", "-B", "-s", "-S", "-E", "-I", "-q", "-b", "-bb"})


class Arg(NamedTuple):
    text: str
    location: Location
    exact: bool = False  # the text is written verbatim from `location` on, so positions inside it are known
    comment: str | None = None  # a comment at the end of the line the word is written on


class Invocation(NamedTuple):
    """A program found in a command, and the words given to it."""

    program: str  # "gunicorn", "uvicorn"
    word: Arg  # the program's own word (or `python`), where a missing option would go
    args: tuple[Arg, ...]


def _split(text: str) -> list[str]:
    import shlex  # only commands written as one string need it

    try:
        return shlex.split(text, comments=False)
    except ValueError:  # an unbalanced quote: the words as the line shows them
        return text.split()


def _offset(lines: list[str], line: int, column: int) -> int:
    return sum(len(text) + 1 for text in lines[: line - 1]) + column - 1


def _position(lines_starts: list[int], offset: int) -> tuple[int, int]:
    import bisect

    index = bisect.bisect_right(lines_starts, offset) - 1
    return index + 1, offset - lines_starts[index] + 1


def yaml_args(node: Y | None) -> tuple[Arg, ...]:
    """A command node (string or list) as words, each at the place it is written."""
    if node is None:
        return ()
    source = node.ctx.source
    if node.is_seq:
        out = []
        for item in node.seq():
            if not item.is_scalar or item.text is None:
                continue
            location = item.location
            if item.quoted:
                location = location._replace(column=location.column + 1)
            line_text = source.line_text(location.line)
            exact = line_text[location.column - 1 : location.column - 1 + len(item.text)] == item.text
            # a YAML comment can only follow the scalar's end; inside a block scalar "#" is text
            comment = source.comment_at(item.node.end_mark.line + 1) if not item.block_scalar else None
            out.append(Arg(item.text, location, exact, comment))
        return tuple(out)
    if not node.is_scalar or not node.text:
        return ()
    # a string: split like a shell, then find each word, in order, in the written text
    lines = source.text.split("\n")
    starts = [0]
    for text in lines[:-1]:
        starts.append(starts[-1] + len(text) + 1)
    position = _offset(lines, node.line, node.column)
    last_line = node.node.end_mark.line + 1
    end = _offset(lines, last_line, node.node.end_mark.column + 1)
    # a YAML comment can only follow the scalar's end; inside a block scalar "#" is text
    comment = source.comment_at(last_line) if not node.block_scalar else None
    out = []
    for word in _split(node.text):
        found = source.text.find(word, position, end) if word else -1
        if found < 0:
            out.append(Arg(word, node.location))
            continue
        line, column = _position(starts, found)
        out.append(Arg(word, source.location(line, column, node.pointer), True, comment if line == last_line else None))
        position = found + len(word)
    return tuple(out)


def _inner(script: Arg) -> list[Arg]:
    """The words of a shell script given with ``-c``, located inside the script's own text."""
    out = []
    position = 0
    for word in _split(script.text):
        found = script.text.find(word, position) if word else -1
        if found < 0 or not script.exact:
            out.append(Arg(word, script.location))
            continue
        before = script.text[:found]
        newlines = before.count("\n")
        if newlines:
            location = script.location._replace(line=script.location.line + newlines, column=found - before.rfind("\n"))
        else:
            location = script.location._replace(column=script.location.column + found)
        on_last_line = newlines == script.text.count("\n")  # the script's comment ends its last line
        out.append(Arg(word, location, True, script.comment if on_last_line else None))
        position = found + len(word)
    return out


def expand_shells(args: Sequence[Arg]) -> list[Arg]:
    """``sh -c "a && b"`` becomes ``a && b`` as words; other words are kept."""
    out: list[Arg] = []
    index = 0
    while index < len(args):
        arg = args[index]
        name = os.path.basename(arg.text)
        if name in _SHELLS:
            # sh [-e -x ...] -c SCRIPT: the script's words replace the shell
            cursor = index + 1
            while cursor < len(args) and args[cursor].text.startswith("-") and args[cursor].text != "-c":
                cursor += 1
            if cursor + 1 < len(args) and args[cursor].text == "-c":
                out.extend(expand_shells(_inner(args[cursor + 1])))
                index = cursor + 2
                continue
        out.append(arg)
        index += 1
    return out


def _runs_next(words: Sequence[Arg], index: int) -> bool:
    """Whether the word at ``index`` is in command position: a program, not an argument of another one."""
    if index == 0:
        return True
    before = words[index - 1].text
    if before in _SEPARATORS or before in _WRAPPERS or _RE.assignment.match(before):
        return True
    name = os.path.basename(before)
    if name.endswith(".sh") or "entrypoint" in name:  # docker-entrypoint.sh gunicorn ...: the script execs "$@"
        return True
    return index >= 2 and os.path.basename(words[index - 2].text) in _SWITCH_USER  # gosu app gunicorn ...


def find_program(args: Sequence[Arg], programs: frozenset[str]) -> Invocation | None:
    """The first of ``programs`` the command runs, directly or as ``python -m <program>``.

    Only a word in command position counts: ``pip install gunicorn && gunicorn app`` runs the
    second one.
    """
    words = expand_shells(args)
    for index, arg in enumerate(words):
        if not _runs_next(words, index):
            continue
        name = os.path.basename(arg.text)
        found = None
        if name in programs:
            found, start = name, index + 1
        elif _RE.python.match(name):
            flag = index + 1
            while flag < len(words) and words[flag].text in _PYTHON_FLAGS:
                flag += 1
            if flag + 1 < len(words) and words[flag].text == "-m" and words[flag + 1].text in programs:
                found, start = words[flag + 1].text, flag + 2
        if found is None:
            continue
        end = start
        while end < len(words) and words[end].text not in _SEPARATORS:
            end += 1
        return Invocation(found, arg, tuple(words[start:end]))
    return None
