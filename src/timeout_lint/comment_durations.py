"""The duration a comment states about the value it ends the line of: ``# 10 minutes`` -> 600.0.

People write the intended duration next to a value whose unit is easy to get wrong
(``read_timeout: 10000000  # 10 minutes``); TL402 compares the two. A comment is read as a
statement of the value only when it clearly is one, since a false alarm here costs trust:

- forms read: ``10m``, ``1m30s``, ``1.5h``, ``90 sec``, ``500ms``, ``2 hours 30 minutes``,
  ``2 hours and 30 minutes``, ``2-minute``, ``10,000 ms``, ``two minutes``, ``an hour``,
  ``half an hour``; the units ms, s, m, h, d, w and their English names and abbreviations;
  single-letter units only in lower case (``10M`` is more likely megabytes);
- several durations in one comment must all be the same (``120000 ms = 2 min``), else the comment
  says nothing about the value (``was 30s, now 2m``);
- a comment that compares (``more than``, ``at least``, ``longer than``), refers to another value
  (``default``, ``was``, ``from``, ``instead of``, ``margin``) or to the app (``takes``, ``worst
  case``, ``p99``) is not read, and neither is a suppression comment (``timeout-lint: ...``).

Only the ``re`` module is used and the patterns are compiled on first use: this module is loaded
only when a timeout carries a comment.
"""

from __future__ import annotations

import re
from functools import cache

__all__ = ["stated_duration"]

_UNIT_SECONDS = {
    "ms": 0.001,
    "msec": 0.001,
    "msecs": 0.001,
    "millis": 0.001,
    "millisecond": 0.001,
    "milliseconds": 0.001,
    "s": 1.0,
    "sec": 1.0,
    "secs": 1.0,
    "second": 1.0,
    "seconds": 1.0,
    "m": 60.0,
    "min": 60.0,
    "mins": 60.0,
    "minute": 60.0,
    "minutes": 60.0,
    "h": 3600.0,
    "hr": 3600.0,
    "hrs": 3600.0,
    "hour": 3600.0,
    "hours": 3600.0,
    "d": 86400.0,
    "day": 86400.0,
    "days": 86400.0,
    "w": 604800.0,
    "week": 604800.0,
    "weeks": 604800.0,
}
_WORD_NUMBERS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "forty-five": 45,
    "fifty": 50,
    "sixty": 60,
    "ninety": 90,
    "half a": 0.5,
    "half an": 0.5,
}
#: "a minute", "an hour": only with written units that are never an ordinal ("a second" may be "another one")
_ARTICLE_UNITS = frozenset({"min", "minute", "hr", "hour", "day", "week"})
#: words after which a duration is not a statement of this value (see the module docstring)
_NOT_A_STATEMENT = (
    r"default|defaults|was|were|previously|previous|formerly|originally|old|from|instead|than|least|more|less|over|under|"
    r"above|below|exceeds?|longer|shorter|greater|beyond|minimum|margin|buffer|headroom|slack|grace|every|interval|"
    r"ttl|cache|takes?|taking|needs?|worst|p\d\d|percentile|latency|lasts?|average|typical|typically|usually|expected"
)


@cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    number = r"\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?|\.\d+"
    words = "|".join(sorted((re.escape(w) for w in _WORD_NUMBERS), key=len, reverse=True))
    units = "|".join(sorted(_UNIT_SECONDS, key=len, reverse=True))
    component = re.compile(
        rf"(?P<number>{number}|\b(?:{words}|an?)\b)(?P<separator>[ \t]*-?[ \t]*)(?P<unit>{units})(?![a-z])",
        re.IGNORECASE,
    )
    skip = re.compile(rf"\b(?:{_NOT_A_STATEMENT})\b|[<>≤≥]|timeout-lint:", re.IGNORECASE)
    joiner = re.compile(r"[ \t]*(?:\band\b)?[ \t]*", re.IGNORECASE)
    return component, skip, joiner


def _component(match: re.Match[str]) -> tuple[float, float] | None:
    """(seconds, unit size) of one ``number unit`` match, or None when it is not a duration after all."""
    number, unit = match.group("number"), match.group("unit")
    unit_key = unit.lower()
    if len(unit) == 1 and not unit.islower():
        return None  # 10M, 5S: more likely megabytes or a name than a duration
    if unit_key == "s" and not match.group("separator") and re.fullmatch(r"[45]\d\d", number):
        return None  # 502s, 504s: HTTP status codes in the plural, the usual reason for such a comment
    word = number.lower()
    if word in ("a", "an"):
        if unit_key not in _ARTICLE_UNITS:
            return None
        value = 1.0
    elif word in _WORD_NUMBERS:
        if len(unit) <= 2:
            return None  # "two m": a number in words takes a unit in words
        value = float(_WORD_NUMBERS[word])
    else:
        value = float(number.replace(",", ""))
    return value * _UNIT_SECONDS[unit_key], _UNIT_SECONDS[unit_key]


def _starts_cleanly(text: str, start: int, previous_end: int) -> bool:
    """A number that is not the tail of a word, a version or a decimal (``v1.5h``, ``x10s``, ``1,5 h``)."""
    if start == 0 or start == previous_end:
        return True  # the start, or glued to the previous component (1m30s)
    before = text[start - 1]
    if before.isalnum() or before in "._/":
        return False
    return not (before == "," and start >= 2 and text[start - 2].isdigit())


def durations_in(comment: str) -> list[float]:
    """Every duration a comment writes, compound ones summed (``1h 30m`` is one), in order."""
    component, _skip, joiner = _patterns()
    out: list[float] = []
    previous_end = -1
    previous_unit = 0.0
    for match in component.finditer(comment):
        if not _starts_cleanly(comment, match.start(), previous_end):
            continue
        found = _component(match)
        if found is None:
            continue
        seconds, unit = found
        between = comment[previous_end : match.start()] if previous_end >= 0 else None
        if out and between is not None and joiner.fullmatch(between) and unit < previous_unit:
            out[-1] += seconds  # the next, smaller part of the same duration
        else:
            out.append(seconds)
        previous_end, previous_unit = match.end(), unit
    return out


#: A duration is a number and then its unit: a digit then (after blanks or a hyphen) a letter, or a
#: number in words, which takes a unit in words (every such unit holds one of these)
_DIGIT_THEN_LETTER = re.compile(r"\d[ \t]*-?[ \t]*[^\W\d_]")
_UNIT_WORD_PARTS = ("sec", "min", "hour", "hr", "day", "week", "milli")


def _may_hold_a_duration(comment: str) -> bool:
    """What the duration patterns need, checked cheaply first: most comments on a timeout's line
    (``# expect: TL101``, ``# see RUN-12``) hold no duration, and the patterns are costly to build."""
    lower = comment.lower()
    return _DIGIT_THEN_LETTER.search(comment) is not None or any(part in lower for part in _UNIT_WORD_PARTS)


def stated_duration(comment: str | None) -> float | None:
    """The one duration a comment states, in seconds; None when it states none, several, or not about the value."""
    if not comment or not _may_hold_a_duration(comment):
        return None
    _component_pattern, skip, _joiner = _patterns()
    if skip.search(comment):
        return None
    found = {round(seconds, 3) for seconds in durations_in(comment)}
    if len(found) != 1:
        return None
    return found.pop()
