"""TL009: a suppression comment or annotation that silenced nothing in this run."""

from __future__ import annotations

from collections.abc import Iterator

from timeout_lint.model import Severity
from timeout_lint.rules.base import Context, Hit, Model, Rule, Scope


def _not_enabled(selector: str, enabled_codes: frozenset[str]) -> bool:
    from timeout_lint.rules import ALL_RULES

    return not any(rule.matches(selector) for rule in ALL_RULES if rule.code in enabled_codes)


def check(model: Model, ctx: Context) -> Iterator[Hit]:
    for suppression, used in (ctx.suppression_usage or {}).items():
        if not suppression.codes:
            if not used:
                yield Hit(suppression.location, f"{suppression.written} silences nothing; remove it")
            continue
        unused = [code for code in suppression.codes if code not in used]
        if not unused:
            continue
        off = [code for code in unused if _not_enabled(code, ctx.enabled_codes)]
        note = f" ({', '.join(off)} {'is' if len(off) == 1 else 'are'} not enabled)" if off else ""
        if len(unused) == len(suppression.codes):
            yield Hit(suppression.location, f"{suppression.written} silences nothing{note}; remove it")
        else:
            names = ", ".join(unused)
            yield Hit(suppression.location, f"{names} in {suppression.written} silences nothing{note}; remove {names} from it")


RULE = Rule(
    code="TL009",
    name="unused-suppression",
    severity=Severity.WARNING,
    scope=Scope.FINDINGS,
    summary="A suppression comment or annotation silences no finding.",
    check=check,
)
