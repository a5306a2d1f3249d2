"""TL005: one app with several different worst-case declarations."""

from __future__ import annotations

from collections.abc import Iterator

from timeout_lint.durations import format_seconds
from timeout_lint.model import Related, Severity
from timeout_lint.rules.base import Context, Hit, Model, Rule, Scope


def check(model: Model, ctx: Context) -> Iterator[Hit]:
    reported: set[tuple] = set()
    for path in model.paths:
        app = path.app
        values = {(d.total, d.first_byte) for d in app.declarations}
        if len(values) < 2:
            continue
        key = (app.kind, app.name)
        if key in reported:
            continue
        reported.add(key)
        ordered = sorted(app.declarations, key=lambda d: d.location.sort_key)
        first, others = ordered[0], ordered[1:]
        listed = ", ".join(f"{d.total_raw} at {d.location}" for d in others)
        yield Hit(
            location=first.location,
            message=(
                f"{app.kind} {app.name} declares its worst case {first.total_raw} here and differently elsewhere "
                f"({listed}); the longest, {format_seconds(app.worst_case.total)}, is checked"
            ),
            related=tuple(Related(d.location, f"another worst case of {app.kind} {app.name}") for d in others),
        )


RULE = Rule(
    code="TL005",
    name="conflicting-declarations",
    severity=Severity.WARNING,
    scope=Scope.MODEL,
    summary="An app's worst case is declared more than once, with different values.",
    check=check,
)
