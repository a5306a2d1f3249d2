"""TL101: an explicitly set timeout on a hop is shorter than what the hop must carry."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import NamedTuple

from timeout_lint.model import Edit, Fix, Hop, Related, RequestPath, Severity, Timeout
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
                fix=_fix(path, hop, timeout, required, needed, margin),
            )


def _fix(path: RequestPath, hop: Hop, timeout: Timeout, required: float, needed: float, margin: Margin) -> Fix | None:
    """The edit --fix makes: the value the setting was evidently meant to have when that is enough, else
    ``margin.fix_value``, what the hop must carry with head room.

    What was meant: the duration the comment on the value's line states (as TL402 reads it:
    ``60000  # 5 minutes`` was meant as 5 minutes); failing such a comment, the value read in the unit
    it was probably written in (as TL401 reads it, with its default thresholds: Kong ``"120"`` was meant
    as 120 s, HAProxy ``timeout server 30`` as 30 s, ``1m30s`` as 90 s). It is written when it is at
    least what the hop needs and the setting takes it, so that one edit says what the author meant and
    resolves TL401 or TL402 with TL101. A comment is never rewritten.
    """
    if timeout.site is None:
        return None
    from timeout_lint.rules.tl402_comment_contradicts_value import stated_for

    meant = stated_for(path, timeout)
    if meant is None:  # a comment that states the duration says what was meant; the unit is guessed only without one
        from timeout_lint.rules.tl401_suspicious_unit import meant_seconds

        meant = meant_seconds(hop, timeout)
    if meant is not None and not math.isinf(meant) and needed <= meant <= timeout.site.maximum:
        return Fix((Edit(timeout.site, meant, needed, hop),))
    return Fix((Edit(timeout.site, margin.fix_value(required), needed, hop),))


RULE = Rule(
    code="TL101",
    name="timeout-shorter-than-worst-case",
    severity=Severity.ERROR,
    scope=Scope.PATH,
    summary="A timeout set on a hop is shorter than the app's declared worst-case response.",
    check=check,
    options=Options,
)
