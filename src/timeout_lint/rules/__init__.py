"""The rule catalogue: every rule, listed explicitly, one module each.

Code families: TL0xx input and configuration, TL1xx response time against the declared worst case,
TL2xx ordering between hops, TL3xx settings that have no effect, TL4xx units, TL5xx coverage.
"""

from __future__ import annotations

from timeout_lint.rules import (
    tl001_unparsable_input,
    tl002_include_cycle,
    tl003_include_not_found,
    tl004_invalid_configuration,
    tl005_conflicting_declarations,
    tl006_skipped_template,
    tl007_skipped_input,
    tl008_invalid_object,
    tl009_unused_suppression,
    tl010_suppression_without_reason,
    tl011_cluster_read_problem,
    tl012_cluster_kind_not_served,
    tl101_timeout_shorter_than_worst_case,
    tl102_default_shorter_than_worst_case,
    tl201_outer_hop_gives_up_first,
    tl202_keepalive_outlives_upstream,
    tl203_retries_exceed_outer_deadline,
    tl204_retries_on_slow_path,
    tl301_kongingress_proxy_deprecated,
    tl302_kongingress_proxy_on_ingress,
    tl303_annotation_on_wrong_object,
    tl304_annotation_for_other_class,
    tl305_unknown_annotation,
    tl306_ignored_value,
    tl401_suspicious_unit,
    tl402_comment_contradicts_value,
    tl501_unresolved_reference,
    tl502_undeclared_worst_case,
    tl503_unbounded_hop,
)
from timeout_lint.rules.base import Rule

ALL_RULES: tuple[Rule, ...] = (
    tl001_unparsable_input.RULE,
    tl002_include_cycle.RULE,
    tl003_include_not_found.RULE,
    tl004_invalid_configuration.RULE,
    tl005_conflicting_declarations.RULE,
    tl006_skipped_template.RULE,
    tl007_skipped_input.RULE,
    tl008_invalid_object.RULE,
    tl009_unused_suppression.RULE,
    tl010_suppression_without_reason.RULE,
    tl011_cluster_read_problem.RULE,
    tl012_cluster_kind_not_served.RULE,
    tl101_timeout_shorter_than_worst_case.RULE,
    tl102_default_shorter_than_worst_case.RULE,
    tl201_outer_hop_gives_up_first.RULE,
    tl202_keepalive_outlives_upstream.RULE,
    tl203_retries_exceed_outer_deadline.RULE,
    tl204_retries_on_slow_path.RULE,
    tl301_kongingress_proxy_deprecated.RULE,
    tl302_kongingress_proxy_on_ingress.RULE,
    tl303_annotation_on_wrong_object.RULE,
    tl304_annotation_for_other_class.RULE,
    tl305_unknown_annotation.RULE,
    tl306_ignored_value.RULE,
    tl401_suspicious_unit.RULE,
    tl402_comment_contradicts_value.RULE,
    tl501_unresolved_reference.RULE,
    tl502_undeclared_worst_case.RULE,
    tl503_unbounded_hop.RULE,
)

BY_CODE: dict[str, Rule] = {rule.code: rule for rule in ALL_RULES}
BY_NAME: dict[str, Rule] = {rule.name: rule for rule in ALL_RULES}
