"""TL101: an explicitly set timeout on a hop is shorter than what the hop must carry."""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

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
            if not timeout.explicit:
                continue
            required, what = worst.required(timeout.kind)
            needed = margin.applied_to(required)
            if timeout.seconds >= needed:
                continue
            yield Hit(
                location=timeout.location,
                message=(
                    f"{hop.system} {timeout.setting} {timeout.written} ({timeout.kind.description}) is shorter "
                    f"than the {what} of {path.app.kind} {path.app.name}{margin.describe(required)}"
                ),
                related=(Related(worst.location, f"worst case of {path.app.kind} {path.app.name} declared here"),),
                path=path,
                fix=Fix((Edit(timeout.site, margin.fix_value(required), needed, hop),)) if timeout.site is not None else None,
            )


RULE = Rule(
    code="TL101",
    name="timeout-shorter-than-worst-case",
    severity=Severity.ERROR,
    scope=Scope.PATH,
    summary="A timeout set on a hop is shorter than the app's declared worst-case response.",
    check=check,
    options=Options,
)
