"""TL004: a bad value in the project file, in a timeout-lint/* annotation or label, or in a suppression."""

from timeout_lint.model import Severity
from timeout_lint.rules.base import problem_rule

RULE = problem_rule(
    "TL004",
    "invalid-configuration",
    Severity.ERROR,
    "A value in the project file, a timeout-lint/* annotation or label, or a suppression comment is not valid.",
)
