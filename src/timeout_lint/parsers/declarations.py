"""Declarations of an app's worst case: annotations, labels, and entries of .timeout-lint.yaml."""

from __future__ import annotations

from typing import NamedTuple

from timeout_lint.durations import DurationError, parse_declared
from timeout_lint.model import Location, Problem, WorstCase

WORST_CASE_KEY = "timeout-lint/worst-case-response"
FIRST_BYTE_KEY = "timeout-lint/first-byte"
DISABLE_KEY = "timeout-lint/disable"  # inline suppression on a Kubernetes object (suppressions.py)


class Entry(NamedTuple):
    """One ``key: value`` of an annotation or label map, with positions."""

    key: str
    value: str | None
    location: Location  # the key
    value_location: Location
    quoted: bool = True


class AppDeclaration(NamedTuple):
    """A `.timeout-lint.yaml` apps entry: which service, and its worst case."""

    service: str
    namespace: str | None
    worst_case: WorstCase
    location: Location


def duration_entry(entry: Entry, problems: list[Problem]) -> float | None:
    """Seconds from a declaration value, or None with a problem at the value."""
    if entry.value is None:
        problems.append(Problem("invalid-configuration", f'"{entry.key}" has no value', entry.value_location))
        return None
    try:
        return parse_declared(entry.value)
    except DurationError as exc:
        problems.append(Problem("invalid-configuration", f'"{entry.key}": {exc}', entry.value_location))
        return None


def worst_case_from_entries(*maps: dict[str, Entry], problems: list[Problem]) -> WorstCase | None:
    """The worst case declared in the first of the given annotation/label maps that declares one."""
    for entries in maps:
        worst = entries.get(WORST_CASE_KEY)
        first = entries.get(FIRST_BYTE_KEY)
        if worst is None:
            if first is not None:
                problems.append(
                    Problem(
                        "invalid-configuration",
                        f'"{FIRST_BYTE_KEY}" needs "{WORST_CASE_KEY}" next to it; it is ignored on its own',
                        first.location,
                    )
                )
            continue
        total = duration_entry(worst, problems)
        if total is None:
            return None
        first_byte = duration_entry(first, problems) if first is not None else None
        if first_byte is not None and first_byte > total:
            problems.append(
                Problem(
                    "invalid-configuration",
                    f'"{FIRST_BYTE_KEY}" {first.value} is longer than the worst-case response {worst.value}',
                    first.value_location,
                )
            )
            first_byte = None
        return WorstCase(
            total=total,
            total_raw=worst.value or "",
            location=worst.location,
            first_byte=first_byte,
            first_byte_raw=first.value if first_byte is not None and first is not None else None,
        )
    return None
