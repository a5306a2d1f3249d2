"""--fix for HAProxy: edited as text at the exact line the model holds, checked with the linter's own reader.

``set`` rewrites the value word of a ``timeout`` statement; ``put`` adds ``timeout <name> <value>`` as
the last statement of the section that starts at the site, indented like the statements in it, and
never inside a ``.if`` block. Every line is split again as HAProxy splits it: the statements must be
the old ones with exactly these values replaced and these statements added, or the file is left alone.
"""

from __future__ import annotations

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
    removed: list[tuple[str, ...]] = []
    added: list[tuple[str, ...]] = []
    for order, change in enumerate(changes):
        site = change.site
        index = site.location.line - 1
        if not 0 <= index < len(starts):
            raise FixError(f"line {site.location.line} is not in the file any more")
        words = _words(line_at(text, starts, index))
        if site.action == "set":
            if len(words) < 3 or words[0].text != "timeout" or words[2].text != site.fragment:
                raise FixError(f"the value {site.fragment!r} is not where the model says it is")
            begin = offset(starts, site.location.line, words[2].column)
            if text[begin : begin + len(site.fragment)] != site.fragment:
                raise FixError(f"the value {site.fragment!r} is quoted or escaped; not rewritten")
            splices.append(Splice(begin, begin + len(site.fragment), change.text))
            kept = keep_comment_column(text, begin + len(site.fragment), len(change.text) - len(site.fragment))
            if kept is not None:
                splices.append(kept)
            removed.append(tuple(w.text for w in words))
            added.append((*(w.text for w in words[:2]), change.text, *(w.text for w in words[3:])))
        elif site.action == "put" and len(site.path) == 1:
            statement = f"{site.path[0]} {change.text}"
            splices.append(_statement(text, starts, index, statement, order))
            added.append(tuple(statement.split()))
        else:
            raise FixError(f"HAProxy cannot take a {site.action} edit")  # a bug in the parser that made the Site
    result = apply_splices(text, splices)
    _verify(text, result, removed, added)
    return result


def _words(line: str):
    from timeout_lint.parsers.haproxy import _Invalid, split_line

    try:
        return split_line(line)
    except _Invalid as exc:
        raise FixError(f"a line does not read as HAProxy ({exc.message})") from None


def _statement(text: str, starts: list[int], header: int, statement: str, order: int) -> Splice:
    """Insert ``statement`` after the last statement of the section whose header is line ``header``."""
    from timeout_lint.parsers.haproxy import SECTION_KEYWORDS

    last = header
    indent = None
    depth = 0
    depth_at_last = 0
    for index in range(header + 1, len(starts)):
        words = _words(line_at(text, starts, index))
        if not words:
            continue
        keyword = words[0].text
        if keyword in SECTION_KEYWORDS:
            break
        if keyword == ".if":
            depth += 1
        elif keyword == ".endif":
            depth -= 1
        if indent is None and not keyword.startswith("."):
            indent = indentation(line_at(text, starts, index))
        last, depth_at_last = index, depth
    if depth_at_last != 0:
        raise FixError("the section ends inside a .if block; the setting is not added there")
    at = starts[last + 1] if last + 1 < len(starts) else len(text)
    prefix = "" if text.endswith("\n") or at < len(text) else newline(text)
    return Splice(at, at, f"{prefix}{indent if indent else '    '}{statement}{newline(text)}", order)


def _statements(text: str) -> Counter:
    return Counter(tuple(w.text for w in words) for words in map(_words, text.splitlines()) if words)


def _verify(before: str, after: str, removed: list[tuple[str, ...]], added: list[tuple[str, ...]]) -> None:
    old, new = _statements(before), _statements(after)
    if old - new != Counter(removed) or new - old != Counter(added):
        raise FixError("the edit would change more than the timeout (checked with HAProxy's line syntax)")
