"""Rule selection by prefix and the merging of one finding reached through many paths."""

from __future__ import annotations

from timeout_lint.engine import Selection
from timeout_lint.rules import ALL_RULES, BY_CODE


def enabled(selection: Selection) -> set[str]:
    return {rule.code for rule in ALL_RULES if selection.enabled(rule)}


def test_default_is_every_default_rule():
    assert enabled(Selection()) == {r.code for r in ALL_RULES if r.enabled_by_default}


def test_longest_prefix_wins():
    assert enabled(Selection(select=("TL1",))) == {"TL101", "TL102"}
    assert enabled(Selection(select=("TL1",), ignore=("TL102",))) == {"TL101"}
    assert enabled(Selection(select=("TL101",), ignore=("TL1",))) == {"TL101"}
    assert "TL101" not in enabled(Selection(ignore=("TL",)))
    assert enabled(Selection(select=("timeout-shorter-than-worst-case",))) == {"TL101"}


def test_codes_names_and_families_are_unique_and_well_formed():
    import re

    assert len(BY_CODE) == len(ALL_RULES)
    assert len({r.name for r in ALL_RULES}) == len(ALL_RULES)
    for rule in ALL_RULES:
        assert re.fullmatch(r"TL\d{3}", rule.code)
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule.name)
        assert rule.summary.endswith(".")


def test_one_setting_on_many_paths_is_one_finding(tree):
    report = tree(
        {
            ".timeout-lint.yaml": "apps:\n  - service: app.internal\n    worst-case-response: 90s\n",
            "nginx/nginx.conf": "http {\n  proxy_read_timeout 30s;\n"
            "  server { server_name a; location / { proxy_pass http://app.internal; } }\n"
            "  server { server_name b; location / { proxy_pass http://app.internal; } }\n}\n",
        }
    )
    (finding,) = report.findings
    assert len(finding.paths) == 2 and "(and 1 more request paths)" in finding.message


def test_command_line_layer_over_project_file_layer():
    file_layer = Selection(select=("TL1",), ignore=("TL102",))
    assert enabled(Selection(base=file_layer)) == {"TL101"}
    assert enabled(Selection(extend_select=("TL102",), base=file_layer)) == {"TL101", "TL102"}
    assert enabled(Selection(ignore=("TL1",), base=file_layer)) == set()
    assert enabled(Selection(select=("TL30",), base=file_layer)) == {"TL301", "TL302", "TL303", "TL304", "TL305", "TL306"}  # afresh
    assert enabled(Selection(select=("TL102",), base=Selection(ignore=("TL102",)))) == {"TL102"}
