"""TL401: a value whose magnitude or form suggests the wrong unit (Kong "120" is 120 ms, nginx 30000 is 8h20m)."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from typing import NamedTuple

from timeout_lint.model import Hop, Kind, RequestPath, Severity, Timeout
from timeout_lint.rules.base import Context, Hit, Rule, Scope


class Options(NamedTuple):
    #: a value counted in milliseconds (Kong, HAProxy and Node.js numbers) below this is reported
    min_milliseconds: int = 1000
    #: the same for connect timeouts, which can be short on purpose
    min_connect_milliseconds: int = 100
    #: a value counted in seconds (nginx, Traefik, gunicorn, ingress-nginx ...) from this up, in whole thousands, is reported
    max_seconds: int = 10000
    #: the same for connect timeouts (nginx: "cannot usually exceed 75 seconds")
    max_connect_seconds: int = 1000


# patterns as strings: compiled (and cached by re) on first use, not at start-up
_HAPROXY_PART = r"(\d+)(us|ms|s|m|h|d)"
_GO_TIME_UNIT = r"\.(Nanosecond|Microsecond|Millisecond|Second|Minute|Hour)\b"
_HAPROXY_SECONDS = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}


def _meant_by_parts(raw: str) -> float | None:
    """``1m30s`` as the person who wrote it meant it (every part added up), or None if it is not written that way."""
    parts = re.findall(_HAPROXY_PART, raw)
    if not parts or "".join(number + unit for number, unit in parts) != raw:
        return None
    return sum(int(number) * _HAPROXY_SECONDS[unit] for number, unit in parts)


def _power_of_ten(seconds: float) -> bool:
    """100000, 1000000 ...: written to mean "a very long time", not a number of milliseconds."""
    digits = str(int(seconds))
    return seconds >= 100_000 and digits[0] == "1" and set(digits[1:]) == {"0"}


def _reading(hop: Hop, timeout: Timeout, options: Options) -> tuple[str, float | None] | None:
    """How the value reads against how it was probably meant: (what it is, the seconds probably meant); None if nothing is suspect."""
    from timeout_lint.rules import unit_words as words

    written = f"{timeout.setting} {words.quoted(hop, timeout, timeout.raw)}"
    if timeout.ignored:
        kept = timeout.raw[: len(timeout.raw) - len(timeout.ignored)]
        message = f'{written} is {kept} in {hop.system} (it reads one number with one unit and ignores the rest, "{timeout.ignored}", with a warning)'
        return message, _meant_by_parts(timeout.raw)
    seconds = timeout.seconds
    if math.isinf(seconds) or seconds <= 0:
        return None  # no limit (0 in most systems): nothing to misread
    connect = timeout.kind is Kind.CONNECT
    unit = words.implicit_unit(hop, timeout)
    if hop.system == words.GO and seconds < 1e-3 and not re.search(_GO_TIME_UNIT, timeout.raw):
        unit = "ns"  # a constant without a time unit (WriteTimeout: timeoutSeconds): nanoseconds
    if unit == "ms" or unit == "ns":
        amount = round(seconds * 1000 if unit == "ms" else seconds * 1e9, 6)  # the number as written
        if seconds * 1000 >= (options.min_connect_milliseconds if connect else options.min_milliseconds):
            return None
        meant = amount  # the number was meant as seconds
    elif unit == "s":
        limit = options.max_connect_seconds if connect else options.max_seconds
        if seconds < limit or seconds % 1000 or _power_of_ten(seconds):
            return None
        meant = seconds / 1000  # the number was meant as milliseconds
    else:
        return None
    return f"{written} is {words.reads(seconds, unit)} in {hop.system}{words.unit_phrase(hop, unit)}", meant


def suspicion(hop: Hop, timeout: Timeout, options: Options) -> str | None:
    """Why a timeout's value looks like it is in the wrong unit, with what was probably meant; None if it does not."""
    from timeout_lint.rules import unit_words as words

    reading = _reading(hop, timeout, options)
    if reading is None:
        return None
    message, meant = reading
    fix = words.written_for(hop, timeout, meant) if meant else None
    return message + (f"; for {words.spoken(meant)} write {fix}" if fix else "")


def meant_seconds(hop: Hop, timeout: Timeout, options: Options | None = None) -> float | None:
    """The seconds an explicit value was probably meant to be when it looks like the wrong unit (with this rule's
    default thresholds unless given); None when it does not look wrong, or the meaning cannot be told."""
    if not timeout.explicit:
        return None
    reading = _reading(hop, timeout, options if options is not None else Options())
    return reading[1] if reading is not None else None


def check(path: RequestPath, ctx: Context) -> Iterator[Hit]:
    options = ctx.options if ctx.options is not None else Options()
    for hop in path.hops:
        for timeout in hop.timeouts:
            if not timeout.explicit:
                continue
            message = suspicion(hop, timeout, options)
            if message is not None:
                yield Hit(location=timeout.location, message=message)


RULE = Rule(
    code="TL401",
    name="suspicious-unit",
    severity=Severity.WARNING,
    scope=Scope.PATH,
    summary='A timeout value whose size or form suggests the wrong unit: Kong "120" is 120 ms, nginx 30000 is 8h20m.',
    check=check,
    options=Options,
)
