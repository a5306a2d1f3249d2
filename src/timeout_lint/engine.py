"""Stage 5: run the selected rules over the model and build findings.

The engine is the only place findings are made: it stamps code, name, severity and suppression on
each hit, merges hits that say the same thing about the same place (one setting on many paths), and
sorts. Rules of Scope.FINDINGS run last, with what the suppression bookkeeping found.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, NamedTuple

from timeout_lint.model import Edit, Finding, Fix, Location, Related, RequestPath, Severity
from timeout_lint.rules import ALL_RULES
from timeout_lint.rules.base import Context, Hit, Model, Rule, Scope

if TYPE_CHECKING:
    from timeout_lint.suppressions import Suppression


class Selection(NamedTuple):
    """Which rules run: ruff-style prefixes (``TL1``, ``TL101``); the longest matching prefix decides.

    ``base`` is the layer below (the project file under the command line): a layer with ``select``
    starts afresh, one without starts from what ``base`` enables.
    """

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    base: Selection | None = None

    def enabled(self, rule: Rule) -> bool:
        best_length = -1
        verdict = self.base.enabled(rule) if self.base is not None else rule.enabled_by_default
        for prefixes, on in ((self.select, True), (self.extend_select, True), (self.ignore, False)):
            for prefix in prefixes:
                if _matches(rule, prefix) and len(prefix) >= best_length:
                    best_length = len(prefix)
                    verdict = on
        if self.select and best_length < 0:
            return False  # an explicit select list names everything that runs
        return verdict


#: the selection of a run that selects nothing itself: every rule enabled by default
EVERY_DEFAULT_RULE = Selection()


def _matches(rule: Rule, prefix: str) -> bool:
    return rule.matches(prefix)


def unknown_selectors(selectors: Iterable[str], rules: Sequence[Rule] = ALL_RULES) -> list[str]:
    return [s for s in selectors if not any(_matches(rule, s) for rule in rules)]


def _hits(rule: Rule, model: Model, ctx: Context) -> Iterable[Hit]:
    if rule.scope is Scope.PATH:
        for path in model.paths:
            yield from rule.check(path, ctx)
    else:
        yield from rule.check(model, ctx)


def rule_options(rule: Rule, given: object) -> object:
    """The options a rule runs with: its defaults, an instance of its options type, or a mapping as written in the project file."""
    if given is None:
        return rule.options() if rule.options is not None else None
    if isinstance(given, Mapping):
        from timeout_lint.options import build

        return build(rule.options, given, rule.code)
    if rule.options is None or not isinstance(given, rule.options):
        raise TypeError(f"options for {rule.code} must be {rule.options.__name__ if rule.options else 'None'}, not {type(given).__name__}")
    return given


class _Suppressions:
    """Matches findings against the inline suppressions, and remembers which selectors of each silenced something."""

    _ORDER = {"comment": 0, "annotation": 1, "file": 2}  # the closest one gives the reason

    def __init__(self, suppressions: Iterable[Suppression]):
        self.by_file: dict[str, list[Suppression]] = {}
        self.usage: dict[Suppression, set[str]] = {}
        for suppression in suppressions:
            self.by_file.setdefault(suppression.location.file, []).append(suppression)
            self.usage.setdefault(suppression, set())
        for entries in self.by_file.values():
            entries.sort(key=lambda s: (self._ORDER.get(s.form, 3), -s.first_line))

    def stamp(self, rule: Rule, finding: Finding) -> Finding:
        reason_from = None
        for suppression in self.by_file.get(finding.location.file, ()):
            if not suppression.covers(finding.location):
                continue
            if not suppression.codes:
                used = {""}
            else:
                used = {code for code in suppression.codes if _matches(rule, code)}
            if not used:
                continue
            self.usage[suppression] |= used
            if reason_from is None:
                reason_from = suppression
        if reason_from is None:
            return finding
        return finding._replace(suppressed=True, suppression_reason=reason_from.reason)


def _build(
    rules: Sequence[Rule],
    model: Model,
    contexts: Callable[[Rule], Context],
    severities: Mapping[str, Severity],
) -> list[tuple[Rule, Finding]]:
    grouped: dict[tuple, tuple[Rule, Hit, list[RequestPath], list[Related], list[Edit]]] = {}
    for rule in rules:
        for hit in _hits(rule, model, contexts(rule)):
            key = (rule.code, hit.location, hit.message)
            if key not in grouped:
                grouped[key] = (rule, hit, [], [], [])
            _, _, paths, related, edits = grouped[key]
            if hit.path is not None and hit.path not in paths:
                paths.append(hit.path)
            for item in hit.related:
                if item not in related:
                    related.append(item)
            # one setting on several paths: the fix carries the edit for every hop it was found on
            for edit in hit.fix.edits if hit.fix is not None else ():
                if edit not in edits:
                    edits.append(edit)
    out = []
    for (_code, location, message), (rule, _hit, paths, related, edits) in grouped.items():
        paths.sort(key=lambda p: p.key)
        finding = Finding(
            code=rule.code,
            name=rule.name,
            severity=severities.get(rule.code, rule.severity),
            message=_message(message, paths),
            location=location,
            related=tuple(sorted(related, key=lambda r: (r.location.sort_key, r.message))),
            paths=tuple(paths),
            fix=Fix(tuple(edits)) if edits else None,
        )
        out.append((rule, finding))
    return out


def _message(hit_message: str, paths: list[RequestPath]) -> str:
    if not paths:
        return hit_message
    more = f" (and {len(paths) - 1} more request paths)" if len(paths) > 1 else ""
    return f"{hit_message}; path: {paths[0].describe()}{more}"


def run(
    model: Model,
    selection: Selection = EVERY_DEFAULT_RULE,
    rules: Sequence[Rule] = ALL_RULES,
    severities: dict[str, Severity] | None = None,
    options: dict[str, object] | None = None,
    per_file_ignored: Callable[[Rule, Location], bool] | None = None,
) -> list[Finding]:
    """Every finding of the selected rules, suppressed ones included (stamped ``suppressed``), sorted.

    ``options`` maps a code to its options (an instance of the rule's options type, or a mapping as
    written in the project file); ``per_file_ignored`` drops findings outright, before suppressions
    are matched, so a suppression made redundant by it is reported as unused.
    """
    severities = severities or {}
    given = options or {}
    enabled = [rule for rule in rules if selection.enabled(rule)]
    settings = {rule.code: rule_options(rule, given.get(rule.code)) for rule in enabled}
    suppressions = _Suppressions(getattr(model.inventory, "suppressions", ()) if model.inventory is not None else ())

    def keep(pairs: list[tuple[Rule, Finding]]) -> list[Finding]:
        kept = [(r, f) for r, f in pairs if per_file_ignored is None or not per_file_ignored(r, f.location)]
        return [suppressions.stamp(r, f) for r, f in kept]

    first = [r for r in enabled if r.scope is not Scope.FINDINGS]
    findings = keep(_build(first, model, lambda rule: Context(model, settings[rule.code]), severities))
    last = [r for r in enabled if r.scope is Scope.FINDINGS]
    if last:
        usage = {s: frozenset(used) for s, used in suppressions.usage.items()}
        codes = frozenset(rule.code for rule in enabled)
        findings += keep(_build(last, model, lambda rule: Context(model, settings[rule.code], usage, codes), severities))
    findings.sort(key=lambda f: f.sort_key)
    return findings
