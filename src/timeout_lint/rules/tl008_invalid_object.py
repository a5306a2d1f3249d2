"""TL008: a Kubernetes document timeout-lint cannot use as written."""

from timeout_lint.model import Severity
from timeout_lint.rules.base import problem_rule

RULE = problem_rule(
    "TL008",
    "invalid-object",
    Severity.WARNING,
    "A Kubernetes document timeout-lint cannot use: not an object, an API version of a known kind it does not "
    "read, or a value of the wrong type where a timeout, annotation or declaration is read.",
)
