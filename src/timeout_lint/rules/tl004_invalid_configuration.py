"""TL004: a bad value in .timeout-lint.yaml or in a timeout-lint/* annotation or label."""

from timeout_lint.model import Severity
from timeout_lint.rules.base import problem_rule

RULE = problem_rule(
    "TL004",
    "invalid-configuration",
    Severity.ERROR,
    "A value in .timeout-lint.yaml or a timeout-lint/* annotation or label is not valid.",
)
