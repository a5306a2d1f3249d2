"""Declarations of an app's worst case: annotations, labels, and entries of .timeout-lint.yaml."""

from __future__ import annotations

from typing import NamedTuple

from timeout_lint.durations import DurationError, parse_declared
from timeout_lint.model import Location, Problem, WorstCase

WORST_CASE_KEY = "timeout-lint/worst-case-response"
FIRST_BYTE_KEY = "timeout-lint/first-byte"
MAX_GAP_KEY = "timeout-lint/max-gap"
DISABLE_KEY = "timeout-lint/disable"  # inline suppression on a Kubernetes object (suppressions.py)


class Entry(NamedTuple):
    """One ``key: value`` of an annotation or label map, with positions."""

    key: str
    value: str | None
    location: Location  # the key
    value_location: Location
    quoted: bool = True
    comment: str | None = None  # a comment at the end of the value's line


class AnnotationNames(NamedTuple):
    """The annotations one system reads under its prefix, for TL305 (each system's parser keeps its own)."""

    prefix: str  # "konghq.com/"
    system: str  # who reads them, for messages: "Kong Ingress Controller"
    known: frozenset[str]  # names after the prefix that the system reads (or read in earlier releases)
    #: True when ``known`` lists every name the system reads, so that any other name is a mistake; False when the
    #: list cannot be complete (it changes with every release), and only names that look like a timeout are flagged
    complete: bool
    #: the names that set timeouts: an unknown name close to one of them is flagged even when the list is incomplete
    timeout_names: tuple[str, ...] = ()
    families: tuple[str, ...] = ()  # name prefixes that stand for many names ("headers." for konghq.com/headers.x-foo)
    #: (name, what to write instead) for names people write for another setting
    instead: tuple[tuple[str, str], ...] = ()
    #: the ingress controller (link/kubernetes.py) that reads them on an Ingress; None for Services or any object
    controller: str | None = None


#: timeout-lint's own keys, as annotations or labels; its whole list
ANNOTATION_NAMES = AnnotationNames(
    prefix="timeout-lint/",
    system="timeout-lint",
    # and "source", parsers/appsource.py SOURCE_KEY
    known=frozenset({*(key.removeprefix("timeout-lint/") for key in (WORST_CASE_KEY, FIRST_BYTE_KEY, MAX_GAP_KEY, DISABLE_KEY)), "source"}),
    complete=True,
    timeout_names=("worst-case-response", "first-byte", "max-gap"),
)


class AppDeclaration(NamedTuple):
    """A `.timeout-lint.yaml` apps entry: which service, and its worst case."""

    service: str
    namespace: str | None
    worst_case: WorstCase
    location: Location
    source: str | None = None  # absolute directory with the app's source code (`source:`)
    source_location: Location | None = None


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
        gap = entries.get(MAX_GAP_KEY)
        if worst is None:
            for alone in (first, gap):
                if alone is not None:
                    problems.append(
                        Problem(
                            "invalid-configuration",
                            f'"{alone.key}" needs "{WORST_CASE_KEY}" next to it; it is ignored on its own',
                            alone.location,
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
        max_gap = duration_entry(gap, problems) if gap is not None else None
        if max_gap is not None and max_gap > total:
            problems.append(
                Problem(
                    "invalid-configuration",
                    f'"{MAX_GAP_KEY}" {gap.value} is longer than the worst-case response {worst.value}',
                    gap.value_location,
                )
            )
            max_gap = None
        return WorstCase(
            total=total,
            total_raw=worst.value or "",
            location=worst.location,
            first_byte=first_byte,
            first_byte_raw=first.value if first_byte is not None and first is not None else None,
            max_gap=max_gap,
            max_gap_raw=gap.value if max_gap is not None and gap is not None else None,
        )
    return None
