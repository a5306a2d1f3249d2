"""TL402: the comment next to a value states another duration than the value means (``10000000  # 10 minutes``)."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import NamedTuple

from timeout_lint.model import RequestPath, Severity, Timeout
from timeout_lint.options import Percent
from timeout_lint.rules.base import Context, Hit, Rule, Scope


class Options(NamedTuple):
    #: how far the value may be from the duration the comment states, as a share of that duration
    tolerance: Percent = Percent(10.0, "10%")


def _settings_by_line(path: RequestPath) -> dict[tuple[str, int], set[tuple[str, str]]]:
    """The explicit settings of a path by the line they are written on."""
    settings_by_line: dict[tuple[str, int], set[tuple[str, str]]] = {}
    for hop in path.hops:
        for timeout in hop.timeouts:
            if timeout.explicit:
                key = (timeout.location.file, timeout.location.line)
                settings_by_line.setdefault(key, set()).add((timeout.setting, timeout.raw))
    return settings_by_line


def stated_for(path: RequestPath, timeout: Timeout, settings_by_line: dict | None = None) -> float | None:
    """The duration the comment ending ``timeout``'s line states about it; None when it states none (or "0"), or when
    the line holds another setting too, which the comment may be about just as well."""
    if not timeout.explicit or not timeout.comment:
        return None
    # a comment ends a line, not a value: on a line with several settings it may be about any of them
    lines = settings_by_line if settings_by_line is not None else _settings_by_line(path)
    if len(lines[(timeout.location.file, timeout.location.line)]) > 1:
        return None
    from timeout_lint.comment_durations import stated_duration

    stated = stated_duration(timeout.comment)
    return stated if stated is not None and stated > 0 else None  # "0" means "no limit" to most systems


def check(path: RequestPath, ctx: Context) -> Iterator[Hit]:
    candidates = [(hop, t) for hop in path.hops for t in hop.timeouts if t.explicit and t.comment]
    if not candidates:
        return
    from timeout_lint.rules import unit_words as words

    tolerance = (ctx.options if ctx.options is not None else Options()).tolerance
    settings_by_line = _settings_by_line(path)
    for hop, timeout in candidates:
        stated = stated_for(path, timeout, settings_by_line)
        if stated is None:
            continue  # no duration, several, or "0"
        if not math.isinf(timeout.seconds) and abs(timeout.seconds - stated) <= tolerance.of(stated):
            continue
        unit = words.implicit_unit(hop, timeout)
        fix = words.written_for(hop, timeout, stated)
        advice = f"for {words.spoken(stated)} write {fix}, or correct the comment" if fix else "correct the value or the comment"
        yield Hit(
            location=timeout.location,
            message=(
                f"{timeout.setting} {words.quoted(hop, timeout, timeout.raw)} {'means' if math.isinf(timeout.seconds) else 'is'} "
                f"{words.reads(timeout.seconds, unit)} in "
                f"{hop.system}{words.unit_phrase(hop, unit)}, but the comment on its line says {words.spoken(stated)}; {advice}"
            ),
        )


RULE = Rule(
    code="TL402",
    name="comment-contradicts-value",
    severity=Severity.WARNING,
    scope=Scope.PATH,
    summary="The comment next to a timeout states another duration than the value means: read_timeout: 10000000  # 10 minutes.",
    check=check,
    options=Options,
)
