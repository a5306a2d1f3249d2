"""TL011: --cluster could not read some objects (a list the user may not read, a failed request)."""

from timeout_lint.model import Severity
from timeout_lint.rules.base import problem_rule

RULE = problem_rule(
    "TL011",
    "cluster-read-problem",
    Severity.WARNING,
    "Objects --cluster could not read: a list RBAC forbids, or a request that failed.",
    tags=("cluster",),  # its doc's examples run against a cluster (tests/fake_apiserver.py)
)
