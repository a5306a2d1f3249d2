"""TL203: a hop's retries, each with its own timeout, take longer than an outer hop waits."""

from __future__ import annotations

import math
from collections.abc import Iterator

from timeout_lint.durations import format_seconds
from timeout_lint.model import Hop, Kind, Related, RequestPath, Severity
from timeout_lint.rules.base import Context, Hit, Rule, Scope
from timeout_lint.rules.limits import described, response_limit, retries_after_timeouts


def try_budget(hop: Hop) -> tuple[float, str] | None:
    """How long one try at this hop can take before the next starts, and how to say so; None if unbounded."""
    connect = hop.timeout(Kind.CONNECT)
    connect_seconds = connect.seconds if connect is not None and not math.isinf(connect.seconds) else 0.0
    if hop.retries is not None and not retries_after_timeouts(hop.retries.on):
        if not connect_seconds:
            return None
        return connect_seconds, f"{format_seconds(connect_seconds)} to connect"
    limit = response_limit(hop)
    if limit is None:
        return None
    if connect_seconds:
        return (
            limit.seconds + connect_seconds,
            f"{format_seconds(connect_seconds)} to connect and {format_seconds(limit.seconds)} to answer",
        )
    return limit.seconds, f"{format_seconds(limit.seconds)} to answer"


def check(path: RequestPath, ctx: Context) -> Iterator[Hit]:
    for index, hop in enumerate(path.hops):
        retries = hop.retries
        if retries is None or not retries.explicit or retries.extra_tries <= 0:
            continue  # a number someone chose: default retries are the platform's, not a contradiction in the config
        per_try = try_budget(hop)
        if per_try is None:
            continue
        tries = retries.extra_tries + 1
        budget = min(tries * per_try[0], retries.window + per_try[0])  # no new try after the retry window
        deadlines = [(outer, limit) for outer in path.hops[:index] if (limit := response_limit(outer)) is not None]
        deadlines = [(outer, limit) for outer, limit in deadlines if limit.seconds < budget]
        if not deadlines:
            continue
        outer, limit = min(deadlines, key=lambda pair: pair[1].seconds)  # the hop that gives up first
        fit = max(1, int(limit.seconds // per_try[0]))
        yield Hit(
            location=retries.location,
            message=(
                f"{hop.system} tries up to {tries} times ({retries.setting} {retries.raw}), "
                f"each try up to {per_try[1]}: {format_seconds(budget)} in all, but {outer.system} gives up after "
                f"{format_seconds(limit.seconds)} ({described(limit)}), so at most {fit} of those tries can ever finish"
            ),
            related=(Related(limit.location, f"{outer.system} gives up after {format_seconds(limit.seconds)} here"),),
            path=path,
        )


RULE = Rule(
    code="TL203",
    name="retries-exceed-outer-deadline",
    severity=Severity.WARNING,
    scope=Scope.PATH,
    summary="A hop's retries, each with its own timeout, add up to more than an outer hop waits for the answer.",
    check=check,
)
