"""TL502: an app that requests reach, with no worst case declared (off by default)."""

from __future__ import annotations

from collections.abc import Iterator

from timeout_lint.model import Severity
from timeout_lint.rules.base import Context, Hit, Model, Rule, Scope


def check(model: Model, ctx: Context) -> Iterator[Hit]:
    reached: dict[tuple[str, str], list] = {}
    for path in model.paths:
        app = path.app
        if app.worst_case is None and app.resolved and app.location is not None:
            reached.setdefault((app.kind, app.name), []).append(path)
    for (kind, name), paths in reached.items():
        app = paths[0].app
        count = f"{len(paths)} request path{'' if len(paths) == 1 else 's'}"
        yield Hit(
            location=app.location,
            message=(
                f"{kind} {name} declares no worst case, so the timeouts on its {count} are checked against nothing; "
                f"declare it with the annotation or label timeout-lint/worst-case-response, or under apps: in .timeout-lint.yaml"
            ),
        )


RULE = Rule(
    code="TL502",
    name="undeclared-worst-case",
    severity=Severity.INFO,
    scope=Scope.MODEL,
    summary="An app that request paths reach declares no worst case, so nothing on its paths is checked.",
    check=check,
    enabled_by_default=False,
)
