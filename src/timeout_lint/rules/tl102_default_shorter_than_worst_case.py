"""TL102: a hop sets nothing, and its platform default is shorter than what the hop must carry."""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from timeout_lint.durations import format_seconds
from timeout_lint.model import Edit, Fix, Related, RequestPath, Severity
from timeout_lint.options import Margin
from timeout_lint.rules.base import Context, Hit, Rule, Scope


class Options(NamedTuple):
    #: head room required above what the hop must carry: a duration ("30s") or a percentage ("10%")
    margin: Margin = Margin()


def check(path: RequestPath, ctx: Context) -> Iterator[Hit]:
    worst = path.app.worst_case
    if worst is None:
        return
    margin = ctx.options.margin if ctx.options is not None else Margin()
    for hop in path.hops:
        for timeout in hop.response_limits():
            if timeout.explicit:
                continue
            required, what = worst.required(timeout.kind)
            needed = margin.applied_to(required)
            if timeout.seconds >= needed:
                continue
            how = f"; {timeout.advice(needed)}" if timeout.hint else ""
            yield Hit(
                location=timeout.location,
                message=(
                    f"{hop.system} {timeout.setting} is not set and its default {format_seconds(timeout.seconds)} "
                    f"({timeout.kind.description}) is shorter than the {what} of {path.app.kind} {path.app.name}"
                    f"{margin.describe(required)}{how}"
                ),
                related=(Related(worst.location, f"worst case of {path.app.kind} {path.app.name} declared here"),),
                path=path,
                fix=Fix((Edit(timeout.site, margin.fix_value(required), needed, hop),)) if timeout.site is not None else None,
            )


RULE = Rule(
    code="TL102",
    name="default-shorter-than-worst-case",
    severity=Severity.ERROR,
    scope=Scope.PATH,
    summary="A hop with nothing set relies on a platform default that is shorter than the app's worst case.",
    check=check,
    options=Options,
)
