"""TL201: an outer hop gives up before an inner hop would, so the inner hop's longer allowance is dead."""

from __future__ import annotations

from collections.abc import Iterator

from timeout_lint.durations import format_seconds
from timeout_lint.model import Related, RequestPath, Severity
from timeout_lint.rules.base import Context, Hit, Rule, Scope
from timeout_lint.rules.limits import already_too_short, described, response_limit


def check(path: RequestPath, ctx: Context) -> Iterator[Hit]:
    hops = path.hops
    for index, outer in enumerate(hops):
        limit = response_limit(outer)
        if limit is None or already_too_short(path, limit):
            continue  # unbounded, or TL101/TL102 report it as an error on this path
        longer = []
        for inner in hops[index + 1 :]:
            allowance = response_limit(inner)
            # only a value someone chose: an inner default is nobody's decision to contradict
            if allowance is not None and allowance.explicit and allowance.seconds > limit.seconds:
                longer.append((inner, allowance))
        if not longer:
            continue
        inner, allowance = max(longer, key=lambda pair: pair[1].seconds)
        yield Hit(
            location=limit.location,
            message=(
                f"{outer.system} gives up after {format_seconds(limit.seconds)} ({described(limit)}), before {inner.system} "
                f"would ({described(allowance)}): a response slower than {format_seconds(limit.seconds)} is cut off here "
                f"while {inner.system} and the app keep working for a client that is gone (the broken pipe); "
                f"give the outer hop more time than the inner one"
            ),
            related=(Related(allowance.location, f"{inner.system} allows {format_seconds(allowance.seconds)} here"),),
            path=path,
        )


RULE = Rule(
    code="TL201",
    name="outer-hop-gives-up-first",
    severity=Severity.WARNING,
    scope=Scope.PATH,
    summary="An outer hop gives up on a slow response before an inner hop would, so the inner hop's longer timeout is dead.",
    check=check,
)
