"""TL012: kinds --cluster looked for that the cluster does not serve (CRDs of systems it does not run)."""

from timeout_lint.model import Severity
from timeout_lint.rules.base import problem_rule

RULE = problem_rule(
    "TL012",
    "cluster-kind-not-served",
    Severity.INFO,
    "Kinds timeout-lint reads that the cluster does not serve (CRDs of systems it does not run), named once.",
    tags=("cluster",),  # its doc's examples run against a cluster (tests/fake_apiserver.py)
)
