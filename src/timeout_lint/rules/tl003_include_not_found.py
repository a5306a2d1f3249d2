"""TL003: an nginx include that names no file in the linted tree (or one outside it)."""

from timeout_lint.model import Severity
from timeout_lint.rules.base import problem_rule

RULE = problem_rule(
    "TL003",
    "include-not-found",
    Severity.INFO,
    "An nginx include names no file in the linted tree, or one outside it, so what it holds is not checked.",
)
