"""Stage 5: run the selected rules over the model and build findings.

The engine is the only place findings are made: it stamps code, name and severity on each hit,
merges hits that say the same thing about the same place (one setting on many paths), and sorts.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from timeout_lint.model import Finding, Related, RequestPath, Severity
from timeout_lint.rules import ALL_RULES
from timeout_lint.rules.base import Context, Hit, Model, Rule, Scope


@dataclass(frozen=True)
class Selection:
    """Which rules run: ruff-style prefixes (``TL1``, ``TL101``); the longest matching prefix decides."""

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()

    def enabled(self, rule: Rule) -> bool:
        best_length = -1
        verdict = rule.enabled_by_default
        for prefixes, on in ((self.select, True), (self.extend_select, True), (self.ignore, False)):
            for prefix in prefixes:
                if _matches(rule, prefix) and len(prefix) >= best_length:
                    best_length = len(prefix)
                    verdict = on
        if self.select and best_length < 0:
            return False  # an explicit select list names everything that runs
        return verdict


def _matches(rule: Rule, prefix: str) -> bool:
    prefix = prefix.strip()
    return prefix.upper() == "ALL" or rule.code.startswith(prefix.upper()) or rule.name == prefix


def unknown_selectors(selectors: Iterable[str], rules: Sequence[Rule] = ALL_RULES) -> list[str]:
    return [s for s in selectors if not any(_matches(rule, s) for rule in rules)]


def _hits(rule: Rule, model: Model, options: object) -> Iterable[Hit]:
    ctx = Context(model, options)
    if rule.scope is Scope.PATH:
        for path in model.paths:
            yield from rule.check(path, ctx)
    else:
        yield from rule.check(model, ctx)


def _message(hit_message: str, paths: list[RequestPath]) -> str:
    if not paths:
        return hit_message
    more = f" (and {len(paths) - 1} more request paths)" if len(paths) > 1 else ""
    return f"{hit_message}; path: {paths[0].describe()}{more}"


def run(
    model: Model,
    selection: Selection = Selection(),
    rules: Sequence[Rule] = ALL_RULES,
    severities: dict[str, Severity] | None = None,
    options: dict[str, object] | None = None,
) -> list[Finding]:
    severities = severities or {}
    options = options or {}
    grouped: dict[tuple, tuple[Rule, Hit, list[RequestPath], list[Related]]] = {}
    for rule in rules:
        if not selection.enabled(rule):
            continue
        for hit in _hits(rule, model, options.get(rule.code, rule.options() if rule.options else None)):
            key = (rule.code, hit.location, hit.message)
            if key not in grouped:
                grouped[key] = (rule, hit, [], [])
            _, _, paths, related = grouped[key]
            if hit.path is not None and hit.path not in paths:
                paths.append(hit.path)
            for item in hit.related:
                if item not in related:
                    related.append(item)
    findings = []
    for (_code, location, message), (rule, _hit, paths, related) in grouped.items():
        paths.sort(key=lambda p: p.key)
        findings.append(
            Finding(
                code=rule.code,
                name=rule.name,
                severity=severities.get(rule.code, rule.severity),
                message=_message(message, paths),
                location=location,
                related=tuple(sorted(related, key=lambda r: (r.location.sort_key, r.message))),
                paths=tuple(paths),
            )
        )
    findings.sort(key=lambda f: f.sort_key)
    return findings
