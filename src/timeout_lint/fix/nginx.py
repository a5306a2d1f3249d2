"""--fix for nginx: edited as text at the exact place the model holds, checked with crossplane's lexer.

``set`` rewrites a directive's argument (quotes kept); ``put`` adds ``name value;`` as the last
directive of the block opened by the directive at the site (a ``location``), indented like the
directives already in it. The result is lexed again: its tokens must be the old ones with exactly
these arguments replaced and these directives added (and its braces balanced), or the file is left alone.
"""

from __future__ import annotations

import io
from collections import Counter

from timeout_lint.fix.text import (
    Change,
    FixError,
    Splice,
    apply_splices,
    indentation,
    keep_comment_column,
    line_at,
    line_starts,
    newline,
    offset,
)


def apply(text: str, changes: list[Change]) -> str:
    starts = line_starts(text)
    splices: list[Splice] = []
    removed: list[str] = []
    added: list[str] = []
    for order, change in enumerate(changes):
        site = change.site
        start = offset(starts, site.location.line, site.location.column)
        if site.action == "set":
            begin, end = _argument(text, start, site.fragment)
            splices.append(Splice(begin, end, change.text))
            kept = keep_comment_column(text, end, len(change.text) - len(site.fragment), skip="\"';")
            if kept is not None:
                splices.append(kept)
            removed.append(site.fragment)
            added.append(change.text)
        elif site.action == "put" and len(site.path) == 1:
            splices.append(_directive(text, starts, start, f"{site.path[0]} {change.text};", order))
            added.extend((site.path[0], change.text, ";"))
        else:
            raise FixError(f"nginx cannot take a {site.action} edit")  # a bug in the parser that made the Site
    result = apply_splices(text, splices)
    _verify(text, result, removed, added)
    return result


def _skip_blanks(text: str, position: int) -> int:
    while position < len(text) and text[position] in " \t\r\n":
        position += 1
    return position


def _argument(text: str, start: int, written: str) -> tuple[int, int]:
    """The span of a directive's single argument, inside its quotes if it has any."""
    position = start
    while position < len(text) and text[position] not in " \t\r\n;{":
        position += 1  # the directive's name
    position = _skip_blanks(text, position)
    quote = text[position : position + 1]
    if quote in ('"', "'"):
        position += 1
    if text[position : position + len(written)] != written:
        raise FixError(f"the value {written!r} is not where the model says it is")
    end = position + len(written)
    following = text[end : end + 1]
    if (quote in ('"', "'") and following != quote) or (quote not in ('"', "'") and following not in (";", " ", "\t", "\r", "\n")):
        raise FixError(f"the value {written!r} is not where the model says it is")
    return position, end


def _block(text: str, start: int) -> tuple[int, int]:
    """Offsets of the ``{`` and the matching ``}`` of the block the directive at ``start`` opens."""
    depth = 0
    opened = -1
    position = start
    while position < len(text):
        char = text[position]
        if char == "#":
            newline_at = text.find("\n", position)
            position = len(text) if newline_at < 0 else newline_at
            continue
        if char in ('"', "'"):
            position += 1
            while position < len(text) and text[position] != char:
                position += 2 if text[position] == "\\" else 1
        elif char == ";" and depth == 0:
            break  # a directive without a block
        elif char == "{":
            depth += 1
            if opened < 0:
                opened = position
        elif char == "}":
            depth -= 1
            if depth == 0 and opened >= 0:
                return opened, position
        position += 1
    raise FixError("the block the setting belongs in was not found")


def _directive(text: str, starts: list[int], start: int, directive: str, order: int) -> Splice:
    """Insert ``directive`` as the last one of the block opened at ``start``."""
    opened, closing = _block(text, start)
    import bisect

    closing_line = bisect.bisect_right(starts, closing) - 1
    opened_line = bisect.bisect_right(starts, opened) - 1
    before = text[starts[closing_line] : closing]
    if closing_line > opened_line and not before.strip():
        # `}` on a line of its own: a new line above it, indented like the block's first directive
        indent = None
        for index in range(opened_line + 1, closing_line):
            line = line_at(text, starts, index)
            if line.strip() and not line.lstrip().startswith(("#", "}")):
                indent = indentation(line)
                break
        if indent is None:
            unit = "\t" if before.startswith("\t") else "    "
            indent = before + unit
        return Splice(starts[closing_line], starts[closing_line], f"{indent}{directive}{newline(text)}", order)
    # a block written on one line: `location / { proxy_pass http://app; }`
    space = "" if text[closing - 1 : closing] in (" ", "\t") else " "
    return Splice(closing, closing, f"{space}{directive} ", order)


def _tokens(text: str) -> list[str]:
    from crossplane.lexer import _balance_braces, _lex_file_object

    try:
        tokens = list(_lex_file_object(io.StringIO(text)))
        list(_balance_braces(iter(tokens)))
    except Exception as exc:  # crossplane raises its own errors on unbalanced input
        raise FixError(f"the edited file does not read as nginx ({exc})") from None
    return [token for token, _line, _quoted in tokens]


def _verify(before: str, after: str, removed: list[str], added: list[str]) -> None:
    """The edited text's tokens are the old ones less ``removed`` plus ``added``: nothing else moved."""
    old, new = Counter(_tokens(before)), Counter(_tokens(after))
    if old - new != Counter(removed) or new - old != Counter(added):
        raise FixError("the edit would change more than the timeout (checked with nginx's tokenizer)")
