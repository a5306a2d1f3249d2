"""TL007: input left unread for safety: too large, an alias bomb, nested too deep, a symlink loop."""

from timeout_lint.model import Severity
from timeout_lint.rules.base import problem_rule

RULE = problem_rule(
    "TL007",
    "skipped-input",
    Severity.WARNING,
    "Input left unread to keep the run bounded: a file above the size limit, a YAML document whose aliases "
    "expand past a million values or that nests over a thousand levels, a directory symlink loop.",
)
