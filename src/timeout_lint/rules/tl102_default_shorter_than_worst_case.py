"""TL102: a hop sets nothing, and its platform default is shorter than what the hop must carry."""

from __future__ import annotations

from collections.abc import Iterator

from timeout_lint.durations import format_seconds
from timeout_lint.model import Related, RequestPath, Severity
from timeout_lint.rules.base import Context, Hit, Rule, Scope


def check(path: RequestPath, ctx: Context) -> Iterator[Hit]:
    worst = path.app.worst_case
    if worst is None:
        return
    for hop in path.hops:
        for timeout in hop.response_limits():
            if timeout.explicit:
                continue
            required, what = worst.required(timeout.kind)
            if timeout.seconds >= required:
                continue
            how = f"; {timeout.advice(required)}" if timeout.hint else ""
            yield Hit(
                location=timeout.location,
                message=(
                    f"{hop.system} {timeout.setting} is not set and its default {format_seconds(timeout.seconds)} "
                    f"({timeout.kind.description}) is shorter than the {what} of {path.app.kind} {path.app.name}{how}"
                ),
                related=(Related(worst.location, f"worst case of {path.app.kind} {path.app.name} declared here"),),
                path=path,
            )


RULE = Rule(
    code="TL102",
    name="default-shorter-than-worst-case",
    severity=Severity.ERROR,
    scope=Scope.PATH,
    summary="A hop with nothing set relies on a platform default that is shorter than the app's worst case.",
    check=check,
)
