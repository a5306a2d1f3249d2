"""SARIF 2.1.0: exact results for the two incidents, and every fixture's output valid against the schema."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import FIXTURES, REPO, SHARED
from timeout_lint.engine import Selection
from timeout_lint.lint import LintOptions, Report, lint
from timeout_lint.model import Finding, Location, Related, Severity
from timeout_lint.report.sarif import document, fingerprint, format_report
from timeout_lint.rules import ALL_RULES, BY_CODE

SCHEMA_PATH = SHARED / "reference" / "sarif-schema-2.1.0.json"
SCENARIOS = sorted(p.name for p in FIXTURES.iterdir() if p.is_dir())


@pytest.fixture(scope="module")
def validator():
    if not SCHEMA_PATH.is_file():
        if os.environ.get("TIMEOUT_LINT_REQUIRE_SHARED"):
            raise RuntimeError(f"{SCHEMA_PATH} is missing; CI must run with ../shared beside the clone")
        pytest.skip("../shared/reference is not beside this clone")
    from jsonschema.validators import validator_for

    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    cls = validator_for(schema)  # the schema says draft-04 in its $schema
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def errors(validator, sarif: dict) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(sarif)]


def at(uri: str, line: int, column: int) -> dict:
    return {"artifactLocation": {"uri": uri, "uriBaseId": "%SRCROOT%"}, "region": {"startLine": line, "startColumn": column}}


def step(uri: str, line: int, column: int, text: str) -> dict:
    return {"location": {"physicalLocation": at(uri, line, column), "message": {"text": text}}, "nestingLevel": 0}


def run_of(scenario: str) -> dict:
    (run,) = document(lint(LintOptions(paths=(f"fixtures/{scenario}",), cwd=str(REPO))))["runs"]
    return run


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_every_fixture_is_valid_sarif(scenario, validator):
    sarif = json.loads(format_report(lint(LintOptions(paths=(f"fixtures/{scenario}",), cwd=str(REPO)))))
    assert errors(validator, sarif) == []


def test_the_validator_rejects_what_the_schema_forbids(validator):
    sarif = document(lint(LintOptions(paths=("fixtures/kong-csv-export",), cwd=str(REPO))))
    result = sarif["runs"][0]["results"][0]
    result["locations"][0]["physicalLocation"]["region"]["startLine"] = 0
    result["level"] = "fatal"
    del result["message"]
    found = errors(validator, sarif)
    assert any("'message' is a required property" in e for e in found)
    assert any("0 is less than the minimum of 1" in e for e in found)
    assert any("'fatal' is not one of" in e for e in found)


def test_kong_incident_result():
    run = run_of("kong-csv-export")
    file = "fixtures/kong-csv-export/k8s/export-api.yaml"
    path = "Ingress shop/reports -> Kong (read_timeout default 60s) -> Service shop/export-api (worst case 2m)"
    assert run["results"] == [
        {
            "ruleId": "TL102",
            "ruleIndex": [r.code for r in ALL_RULES].index("TL102"),
            "level": "error",
            "message": {
                "text": "Kong read_timeout is not set and its default 60s (idle timeout between reads) is shorter than the worst case 2m of "
                'Service shop/export-api; set the annotation konghq.com/read-timeout on Service shop/export-api to more than "120000" '
                f"(milliseconds); path: {path}"
            },
            "locations": [{"physicalLocation": at(file, 23, 1)}],
            "partialFingerprints": {"timeoutLint/v1": "0a6e5b9b03e5b2ac17d45824d73c9df1"},
            "relatedLocations": [
                {"id": 1, "physicalLocation": at(file, 29, 5), "message": {"text": "worst case of Service shop/export-api declared here"}}
            ],
            "codeFlows": [
                {
                    "message": {"text": path},
                    "threadFlows": [
                        {
                            "locations": [
                                step("fixtures/kong-csv-export/k8s/ingress.yaml", 2, 1, "Ingress shop/reports"),
                                step(file, 23, 1, "Kong (read_timeout default 60s)"),
                                step(file, 29, 5, "Service shop/export-api (worst case 2m)"),
                            ]
                        }
                    ],
                }
            ],
        }
    ]


def test_nginx_incident_result():
    run = run_of("nginx-slow-handler")
    conf, compose = "fixtures/nginx-slow-handler/nginx/nginx.conf", "fixtures/nginx-slow-handler/docker-compose.yml"
    path = (
        "nginx location / (server _) -> nginx (proxy_read_timeout 2s) -> Go net/http (WriteTimeout 10 * time.Minute (10m)) "
        "-> compose service app (worst case 10s)"
    )
    (result,) = run["results"]
    assert result == {
        "ruleId": "TL101",
        "ruleIndex": [r.code for r in ALL_RULES].index("TL101"),
        "level": "error",
        "message": {
            "text": "nginx proxy_read_timeout 2s (idle timeout between reads) is shorter than the worst case 10s of compose service app; "
            f"path: {path}"
        },
        "locations": [{"physicalLocation": at(conf, 11, 13)}],
        "partialFingerprints": {"timeoutLint/v1": "9facff858c71c0224a0745aeff20b84e"},
        "relatedLocations": [
            {"id": 1, "physicalLocation": at(compose, 14, 7), "message": {"text": "worst case of compose service app declared here"}}
        ],
        "codeFlows": [
            {
                "message": {"text": path},
                "threadFlows": [
                    {
                        "locations": [
                            step(conf, 7, 9, "nginx location / (server _)"),
                            step(conf, 11, 13, "nginx (proxy_read_timeout 2s)"),
                            step("fixtures/nginx-slow-handler/app/main.go", 22, 3, "Go net/http (WriteTimeout 10 * time.Minute (10m))"),
                            step(compose, 14, 7, "compose service app (worst case 10s)"),
                        ]
                    }
                ],
            }
        ],
    }


def test_driver_lists_every_rule_that_ran_with_its_doc():
    run = run_of("kong-csv-export")
    driver = run["tool"]["driver"]
    assert (driver["name"], driver["version"], driver["informationUri"]) == (
        "timeout-lint",
        driver["semanticVersion"],
        "https://github.com/timeout-lint/timeout-lint",
    )
    assert [rule["id"] for rule in driver["rules"]] == [r.code for r in ALL_RULES if r.enabled_by_default]
    tl102 = next(rule for rule in driver["rules"] if rule["id"] == "TL102")
    assert tl102["name"] == "default-shorter-than-worst-case"
    assert tl102["shortDescription"]["text"] == BY_CODE["TL102"].summary
    assert tl102["fullDescription"]["text"].startswith("For every request path that ends at an app with a declared worst case, every hop")
    assert "\n" not in tl102["fullDescription"]["text"]  # hard-wrapped Markdown unwrapped
    assert tl102["help"]["markdown"].startswith("# TL102 default-shorter-than-worst-case\n")
    assert "## Fix" in tl102["help"]["text"]
    assert tl102["defaultConfiguration"] == {"level": "error", "enabled": True}
    assert tl102["helpUri"].endswith("/rules/TL102.md")
    assert run["originalUriBaseIds"] == {"%SRCROOT%": {"uri": REPO.as_uri() + "/"}}
    assert run["invocations"] == [{"executionSuccessful": True, "toolExecutionNotifications": []}]


def test_only_selected_rules_are_listed():
    report = lint(LintOptions(paths=("fixtures/kong-csv-export",), cwd=str(REPO), selection=Selection(select=("TL1",))))
    (run,) = document(report)["runs"]
    assert [rule["id"] for rule in run["tool"]["driver"]["rules"]] == ["TL101", "TL102"]
    assert run["results"][0]["ruleIndex"] == 1


def synthetic(findings: tuple[Finding, ...], root: str = "/srv/repo") -> Report:
    return Report(findings=findings, paths=(), files_read=1, unreadable=(), config_file=None, rules=ALL_RULES, root=root)


def test_suppressed_related_unusual_names_and_levels_are_valid(validator):
    outside = "/etc/nginx/conf.d/a b.conf"
    findings = (
        Finding(
            "TL101",
            "timeout-shorter-than-worst-case",
            Severity.ERROR,
            "50% of requests: 100% slow\nsecond line",
            Location("deploy/ünïcode dir/a,b:c%.yaml", 3, None),
            related=(Related(Location(outside, 7, 2), "the include"), Related(Location("x.yaml", 1, 1), "declared here")),
            suppressed=True,
            suppression_reason="the export endpoint is being removed",
        ),
        Finding("TL002", "include-cycle", Severity.WARNING, "cycle", Location("nginx/nginx.conf", 4, 5)),
        Finding("TL003", "include-not-found", Severity.INFO, "missing", Location("nginx/nginx.conf", 5, 5), suppressed=True),
    )
    sarif = document(synthetic(findings))
    assert errors(validator, sarif) == []
    first, warning, info = sarif["runs"][0]["results"]
    assert first["suppressions"] == [{"kind": "inSource", "justification": "the export endpoint is being removed"}]
    assert info["suppressions"] == [{"kind": "inSource"}]
    assert "suppressions" not in warning
    assert [first["level"], warning["level"], info["level"]] == ["error", "warning", "note"]
    artifact = first["locations"][0]["physicalLocation"]
    assert artifact["artifactLocation"] == {"uri": "deploy/%C3%BCn%C3%AFcode%20dir/a%2Cb%3Ac%25.yaml", "uriBaseId": "%SRCROOT%"}
    assert artifact["region"] == {"startLine": 3}  # the column is not known, so none is claimed
    assert first["relatedLocations"][0]["physicalLocation"]["artifactLocation"] == {"uri": "file:///etc/nginx/conf.d/a%20b.conf"}
    assert [r["id"] for r in first["relatedLocations"]] == [1, 2]
    assert sarif["runs"][0]["originalUriBaseIds"] == {"%SRCROOT%": {"uri": "file:///srv/repo/"}}


def test_fingerprint_depends_on_rule_place_and_message_not_on_the_line_alone():
    base = Finding("TL101", "n", Severity.ERROR, "proxy_read_timeout 2s is short", Location("a.conf", 11, 13))
    assert fingerprint(base) == fingerprint(base._replace(related=(Related(Location("b", 1, 1), "x"),), severity=Severity.WARNING))
    variants = [
        base._replace(code="TL102"),
        base._replace(message="proxy_read_timeout 3s is short"),
        base._replace(location=Location("b.conf", 11, 13)),
        base._replace(location=Location("a.conf", 12, 13)),
        base._replace(location=Location("a.conf", 11, 14)),
    ]
    assert len({fingerprint(v) for v in [base, *variants]}) == len(variants) + 1


def test_unreadable_paths_make_the_invocation_unsuccessful(validator):
    report = lint(LintOptions(paths=("fixtures/kong-csv-export", "no/such/dir"), cwd=str(REPO)))
    sarif = document(report)
    assert errors(validator, sarif) == []
    (invocation,) = sarif["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is False
    assert invocation["toolExecutionNotifications"] == [{"level": "error", "message": {"text": "no/such/dir: no such file or directory"}}]


def test_command_line_writes_sarif_and_exits_by_findings():
    result = subprocess.run(
        [sys.executable, "-m", "timeout_lint", "--format", "sarif", "fixtures/kong-csv-export"], cwd=REPO, capture_output=True, text=True
    )
    assert result.returncode == 1
    assert json.loads(result.stdout)["runs"][0]["results"][0]["ruleId"] == "TL102"


def test_whole_corpus_is_valid_sarif(validator):
    corpus = SHARED / "corpus"
    if not corpus.is_dir():
        pytest.skip("../shared/corpus is not beside this clone")  # the corpus test itself fails when it is required
    sarif = document(lint(LintOptions(paths=(".",), cwd=str(corpus))))
    assert sarif["runs"][0]["results"]
    assert errors(validator, sarif) == []


def test_code_flows_are_capped_for_a_setting_on_many_paths(validator):
    from timeout_lint.report.sarif import MAX_CODE_FLOWS

    report = lint(LintOptions(paths=("fixtures/kong-csv-export",), cwd=str(REPO)))
    (finding,) = report.findings
    many = finding._replace(paths=finding.paths * (MAX_CODE_FLOWS + 2))
    sarif = document(synthetic((many,), root=str(REPO)))
    assert errors(validator, sarif) == []
    assert len(sarif["runs"][0]["results"][0]["codeFlows"]) == MAX_CODE_FLOWS
