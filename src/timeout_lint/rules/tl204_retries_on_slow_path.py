"""TL204: retries set on a path whose responses are slow: every late failure repeats the slow work."""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from timeout_lint.model import Related, RequestPath, Severity
from timeout_lint.options import Seconds
from timeout_lint.rules.base import Context, Hit, Rule, Scope
from timeout_lint.rules.limits import retries_after_timeouts


class Options(NamedTuple):
    #: a worst case at least this long makes a path slow
    slow: Seconds = Seconds(30.0, "30s")


def check(path: RequestPath, ctx: Context) -> Iterator[Hit]:
    worst = path.app.worst_case
    slow = ctx.options.slow if ctx.options is not None else Options().slow
    if worst is None or worst.total < slow.seconds:
        return
    for hop in path.hops:
        retries = hop.retries
        if retries is None or not retries.explicit or retries.extra_tries <= 0:
            continue  # defaults are reported nowhere: only a number someone chose is questioned
        if not retries_after_timeouts(retries.on):
            continue  # only failed connections are retried: the app never saw the request
        # the message names no app, so one finding covers every slow path through this setting
        yield Hit(
            location=retries.location,
            message=(
                f"{hop.system} {retries.setting} {retries.raw} sends a request that failed late (a timeout, an error "
                f"response) again, up to {retries.extra_tries} more time{'' if retries.extra_tries == 1 else 's'}, on a slow "
                f"path (a worst case of {slow.raw} or more): the app does the slow work again each time; retry only fast, "
                f"idempotent requests, or turn the retries off on this path"
            ),
            related=(Related(worst.location, f"worst case {worst.total_raw} of {path.app.kind} {path.app.name}"),),
            path=path,
        )


RULE = Rule(
    code="TL204",
    name="retries-on-slow-path",
    severity=Severity.WARNING,
    scope=Scope.PATH,
    summary="Retries are set on a path whose worst case is long, so a late failure repeats the slow work.",
    check=check,
    options=Options,
)
