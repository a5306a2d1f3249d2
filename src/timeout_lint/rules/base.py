"""What a rule is: metadata plus a pure function from a subject of the model to hits.

The rule declares its scope (what it looks at); the engine walks the model, calls the rule, and
turns each Hit into a Finding with the code, name, severity and suppression stamped on.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from timeout_lint.model import Fix, Location, Problem, Related, RequestPath, Severity

if TYPE_CHECKING:
    from timeout_lint.config import ProjectConfig
    from timeout_lint.link.core import Linker
    from timeout_lint.parse import Inventory
    from timeout_lint.suppressions import Suppression


class Scope(enum.Enum):
    PATH = "path"  # called once per request path
    MODEL = "model"  # called once with the whole model
    #: called once after every other rule, with what the engine's suppression bookkeeping found
    #: (Context.suppression_usage); for rules about the suppressions themselves
    FINDINGS = "findings"


@dataclass(frozen=True, eq=False, repr=False)  # compared by identity; no generated __eq__/__repr__ to pay for at start-up
class Model:
    """What rules see: every request path, the parsed inventory, and input problems."""

    paths: tuple[RequestPath, ...]
    inventory: Inventory
    problems: tuple[Problem, ...]
    #: the linker that built the paths: its lookups and per-system decisions (which controller serves an Ingress)
    linker: Linker | None = None

    @property
    def config(self) -> ProjectConfig:
        return self.inventory.config

    def linked(self) -> Linker:
        """The linker that built the paths, so that a rule gets the linker's own answers; a fresh one over the
        inventory when the model was made without it (its answers are the same, only rebuilt)."""
        if self.linker is None:
            from timeout_lint.link.core import Linker

            object.__setattr__(self, "linker", Linker(self.inventory))
        return self.linker


class Hit(NamedTuple):
    """What a rule yields: where, what, and the other places involved."""

    location: Location
    message: str
    related: tuple[Related, ...] = ()
    path: RequestPath | None = None
    fix: Fix | None = None  # what --fix would write; the rule describes it, fix/ applies it


class Context(NamedTuple):
    model: Model
    options: object = None  # the rule's options instance (its defaults unless configured)
    #: Scope.FINDINGS only: each suppression with the selectors of it that silenced a finding
    suppression_usage: dict[Suppression, frozenset[str]] | None = None
    #: Scope.FINDINGS only: the codes of the rules that ran
    enabled_codes: frozenset[str] = frozenset()


class Rule(NamedTuple):
    """A rule: its code, name, severity and summary, and the check that finds its hits."""

    code: str  # stable, in a family: TL0xx input, TL1xx response time, TL2xx ordering, TL3xx no effect ...
    name: str  # kebab-case
    severity: Severity
    scope: Scope
    summary: str  # one line, for --list-rules and SARIF
    check: Callable[[object, Context], Iterable[Hit]]
    enabled_by_default: bool = True
    options: type | None = None  # a NamedTuple of the rule's options, each with its default (see options.py)
    since: str = "0.1.0"
    tags: tuple[str, ...] = ()

    def matches(self, selector: str) -> bool:
        """Whether a selector names this rule: ALL, a code prefix (``TL1``, ``TL101``) or its name."""
        selector = selector.strip()
        return selector.upper() == "ALL" or self.code.startswith(selector.upper()) or self.name == selector


def problem_rule(code: str, name: str, severity: Severity, summary: str, tags: tuple[str, ...] = ()) -> Rule:
    """A TL0xx rule: reports the input problems the parsers recorded under its name."""

    def check(model: Model, ctx: Context) -> Iterable[Hit]:
        for problem in model.problems:
            if problem.rule == name:
                yield Hit(problem.location, problem.message)

    check.__name__ = name.replace("-", "_")
    return Rule(code=code, name=name, severity=severity, scope=Scope.MODEL, summary=summary, check=check, tags=tags)
