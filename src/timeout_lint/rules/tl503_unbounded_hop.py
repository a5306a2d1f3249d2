"""TL503: a hop set to wait for ever (0, disabled) on a request path."""

from __future__ import annotations

import math
from collections.abc import Iterator

from timeout_lint.model import RequestPath, Severity
from timeout_lint.rules.base import Context, Hit, Rule, Scope


def check(path: RequestPath, ctx: Context) -> Iterator[Hit]:
    for index, hop in enumerate(path.hops):
        behind = path.hops[index + 1].system if index + 1 < len(path.hops) else f"{path.app.kind} {path.app.name}"
        for timeout in hop.response_limits():
            if timeout.explicit and math.isinf(timeout.seconds):
                yield Hit(
                    location=timeout.location,
                    message=(
                        f"{hop.system} {timeout.setting} {timeout.raw} means no limit: a request stuck in {behind} "
                        f"holds this hop's connection until something else gives up (a choice, if it is one, "
                        f"that the hops in front of it must be able to carry)"
                    ),
                    path=path,
                )


RULE = Rule(
    code="TL503",
    name="unbounded-hop",
    severity=Severity.INFO,
    scope=Scope.PATH,
    summary="A hop is set to wait for ever (0, disabled) for the hop behind it.",
    check=check,
)
