"""TL006: a Helm or Jinja template, reported once instead of as a cascade of YAML errors."""

from timeout_lint.model import Severity
from timeout_lint.rules.base import problem_rule

RULE = problem_rule(
    "TL006",
    "skipped-template",
    Severity.INFO,
    "A template (Helm, Jinja) is not linted itself; lint what it renders to.",
)
