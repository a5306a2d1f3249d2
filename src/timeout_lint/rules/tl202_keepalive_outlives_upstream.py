"""TL202: a proxy keeps idle connections to the next hop open longer than the next hop keeps them."""

from __future__ import annotations

import math
from collections.abc import Iterator

from timeout_lint.durations import format_seconds
from timeout_lint.model import Related, RequestPath, Severity
from timeout_lint.rules.base import Context, Hit, Rule, Scope
from timeout_lint.rules.limits import described, idle_pool, server_keepalive


def check(path: RequestPath, ctx: Context) -> Iterator[Hit]:
    for outer, inner in zip(path.hops, path.hops[1:], strict=False):
        pool = idle_pool(outer)
        server = server_keepalive(inner)
        if pool is None or server is None or math.isinf(server.seconds) or pool.seconds < server.seconds:
            continue
        yield Hit(
            location=pool.location,
            message=(
                f"{outer.system} keeps idle connections to {inner.system} for {format_seconds(pool.seconds)} "
                f"({described(pool)}), but {inner.system} closes an idle connection after {format_seconds(server.seconds)} "
                f"({described(server)}): {outer.system} can send a request on a connection {inner.system} is closing, "
                f"and the client gets a 502 now and then; keep {inner.system}'s keep-alive longer than {outer.system}'s"
            ),
            related=(
                Related(
                    server.location, f"{inner.system} keep-alive set here" if server.explicit else f"{inner.system} default applies here"
                ),
            ),
            path=path,
        )


RULE = Rule(
    code="TL202",
    name="keepalive-outlives-upstream",
    severity=Severity.WARNING,
    scope=Scope.PATH,
    summary="A proxy keeps idle upstream connections longer than the server behind it keeps them, which causes sporadic 502s.",
    check=check,
)
