"""TL001: a file that cannot be read as what it claims to be (broken YAML or nginx, binary, bad bytes)."""

from timeout_lint.model import Severity
from timeout_lint.rules.base import problem_rule

RULE = problem_rule(
    "TL001",
    "unparsable-input",
    Severity.ERROR,
    "A file cannot be read: invalid YAML or nginx syntax, binary content, bytes that are not UTF-8.",
)
