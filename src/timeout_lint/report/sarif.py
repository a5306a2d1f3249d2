"""SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.

One run. ``tool.driver.rules`` lists every rule that ran, with its doc (rules/TLxxx.md) as help.
Each finding is a result at its primary location, with its related places as ``relatedLocations``
and each request path it lies on as a ``codeFlow`` (entry, hops, app). Paths are relative to the
directory timeout-lint ran in, ``%SRCROOT%``, whose absolute URI is in ``originalUriBaseIds``; run it
from the repository root so that code scanning can place the results. Suppressed findings carry
``suppressions`` (kind ``inSource``) with their reason. ``partialFingerprints`` hashes the rule, the
primary location and the message, so an alert keeps its identity across runs while those hold.
"""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
from pathlib import Path, PurePath
from typing import TYPE_CHECKING
from urllib.parse import quote

from timeout_lint import __version__
from timeout_lint.model import Finding, Hop, Location, RequestPath, Severity

if TYPE_CHECKING:
    from timeout_lint.lint import Report
    from timeout_lint.rules.base import Rule

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
INFORMATION_URI = "https://github.com/timeout-lint/timeout-lint"
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "timeoutLint/v1"
#: a setting shared by many paths would repeat them all; the message already counts the rest
MAX_CODE_FLOWS = 10
LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def _unwrap(markdown: str) -> str:
    """Hard-wrapped Markdown paragraphs as plain text paragraphs (one line each)."""
    paragraphs = [" ".join(line.strip() for line in block.splitlines()) for block in markdown.split("\n\n")]
    return "\n\n".join(p for p in paragraphs if p)


def _rule(rule: Rule) -> dict:
    from timeout_lint.docs import doc_section, rule_doc

    doc = rule_doc(rule.code)
    full = _unwrap(doc_section(doc, "What it checks")) if doc else ""
    entry = {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": full or rule.summary},
        "defaultConfiguration": {"level": LEVEL[rule.severity], "enabled": rule.enabled_by_default},
        "helpUri": f"{INFORMATION_URI}/blob/main/rules/{rule.code}.md",
        "help": {"text": doc or rule.summary, "markdown": doc or rule.summary},
    }
    if rule.tags:
        entry["properties"] = {"tags": list(rule.tags)}
    return entry


def _artifact(path: str) -> dict:
    """A file as shown to the user: relative to %SRCROOT%, or an absolute file URI."""
    if os.path.isabs(path):
        return {"uri": Path(path).as_uri()}
    posix = PurePath(path).as_posix() if os.sep != "/" else path
    return {"uri": quote(posixpath.normpath(posix), safe="/"), "uriBaseId": SRCROOT}


def _physical(location: Location) -> dict:
    region = {"startLine": location.line}
    if location.column:
        region["startColumn"] = location.column
    return {"physicalLocation": {"artifactLocation": _artifact(location.file), "region": region}}


def _located(location: Location, message: str) -> dict:
    return {**_physical(location), "message": {"text": message}}


def fingerprint(finding: Finding) -> str:
    where = finding.location
    identity = "\x00".join([finding.code, where.file, str(where.line), str(where.column or 0), finding.message])
    return hashlib.sha256(identity.encode("utf-8")).hexdigest()[:32]


def _hop_anchor(hop: Hop) -> Location:
    """Where the hop's label points: the setting of its tightest response limit, else the hop itself."""
    limits = sorted(hop.response_limits(), key=lambda t: (t.seconds, t.setting))
    return limits[0].location if limits else hop.location


def _code_flow(path: RequestPath) -> dict:
    steps = [_located(path.entry_location, path.entry)]
    steps += [_located(_hop_anchor(hop), hop.label) for hop in path.hops]
    app = path.app
    anchor = app.worst_case.location if app.worst_case is not None else app.location
    if anchor is not None:
        steps.append(_located(anchor, app.label))
    return {
        "message": {"text": path.describe()},
        "threadFlows": [{"locations": [{"location": step, "nestingLevel": 0} for step in steps]}],
    }


def _result(finding: Finding, index: dict[str, int]) -> dict:
    result = {
        "ruleId": finding.code,
        "level": LEVEL[finding.severity],
        "message": {"text": finding.message},
        "locations": [_physical(finding.location)],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint(finding)},
    }
    if finding.code in index:
        result = {"ruleId": finding.code, "ruleIndex": index[finding.code], **result}
    if finding.related:
        result["relatedLocations"] = [
            {"id": number, **_located(related.location, related.message)} for number, related in enumerate(finding.related, 1)
        ]
    if finding.paths:
        result["codeFlows"] = [_code_flow(path) for path in finding.paths[:MAX_CODE_FLOWS]]
    if finding.suppressed:
        suppression = {"kind": "inSource"}
        if finding.suppression_reason:
            suppression["justification"] = finding.suppression_reason
        result["suppressions"] = [suppression]
    return result


def _rules(report: Report) -> list[Rule]:
    """Every rule that ran, plus any rule a finding names that is not among them."""
    from timeout_lint.rules import BY_CODE

    rules = list(report.rules)
    known = {rule.code for rule in rules}
    for finding in report.findings:
        if finding.code not in known and finding.code in BY_CODE:
            rules.append(BY_CODE[finding.code])
            known.add(finding.code)
    return rules


def _base_uri(root: str) -> str:
    uri = Path(root).as_uri()
    return uri if uri.endswith("/") else uri + "/"


def document(report: Report) -> dict:
    rules = _rules(report)
    index = {rule.code: number for number, rule in enumerate(rules)}
    run = {
        "tool": {
            "driver": {
                "name": "timeout-lint",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": INFORMATION_URI,
                "rules": [_rule(rule) for rule in rules],
            }
        },
        "invocations": [
            {
                "executionSuccessful": not report.unreadable,
                "toolExecutionNotifications": [
                    {"level": "error", "message": {"text": f"{missing}: no such file or directory"}} for missing in report.unreadable
                ],
            }
        ],
        "columnKind": "unicodeCodePoints",
        "results": [_result(f, index) for f in report.findings],
    }
    if report.root and os.path.isabs(report.root):
        run["originalUriBaseIds"] = {SRCROOT: {"uri": _base_uri(report.root)}}
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def format_report(report: Report, *, colour: bool = False) -> str:
    return json.dumps(document(report), indent=2, ensure_ascii=False) + "\n"
