"""TL010: a suppression that does not say why."""

from __future__ import annotations

from collections.abc import Iterator

from timeout_lint.model import Severity
from timeout_lint.rules.base import Context, Hit, Model, Rule, Scope


def check(model: Model, ctx: Context) -> Iterator[Hit]:
    for suppression in getattr(model.inventory, "suppressions", ()):
        if suppression.reason:
            continue
        if suppression.form == "annotation":
            how = f'write "{", ".join(suppression.codes)}: why" in the annotation'
        else:
            how = 'add " -- why" after the codes'
        yield Hit(suppression.location, f"{suppression.written} gives no reason; {how}")


RULE = Rule(
    code="TL010",
    name="suppression-without-reason",
    severity=Severity.WARNING,
    scope=Scope.MODEL,
    summary="A suppression comment or annotation does not say why the finding is accepted.",
    check=check,
)
