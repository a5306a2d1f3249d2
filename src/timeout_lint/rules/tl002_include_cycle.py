"""TL002: nginx includes that lead back to a file already being included."""

from timeout_lint.model import Severity
from timeout_lint.rules.base import problem_rule

RULE = problem_rule(
    "TL002",
    "include-cycle",
    Severity.WARNING,
    "An nginx include leads back to a file that is already being included; it is not followed again.",
)
