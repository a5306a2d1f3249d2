"""JSON: an object with ``findings`` (each with its location, related places and request paths) and ``paths``."""

from __future__ import annotations

import json
import math
from typing import TYPE_CHECKING

from timeout_lint import __version__
from timeout_lint.model import Finding, Hop, Location, RequestPath, Timeout

if TYPE_CHECKING:
    from timeout_lint.lint import Report


def _location(location: Location | None) -> dict | None:
    if location is None:
        return None
    return {"path": location.file, "line": location.line, "column": location.column or 1, "pointer": location.pointer or None}


def _seconds(value: float) -> float | None:
    return None if math.isinf(value) else value


def _timeout(timeout: Timeout) -> dict:
    return {
        "kind": timeout.kind.value,
        "setting": timeout.setting,
        "seconds": _seconds(timeout.seconds),
        "unlimited": math.isinf(timeout.seconds),
        "raw": timeout.raw,
        "unit": timeout.unit,
        "explicit": timeout.explicit,
        "source": _location(timeout.location),
        "default_source": timeout.source or None,
    }


def _hop(hop: Hop) -> dict:
    return {
        "system": hop.system,
        "role": hop.role.value,
        "name": hop.name,
        "location": _location(hop.location),
        "timeouts": [_timeout(t) for t in hop.timeouts],
        "retries": None
        if hop.retries is None
        else {
            "extra_tries": hop.retries.extra_tries,
            "raw": hop.retries.raw,
            "explicit": hop.retries.explicit,
            "source": _location(hop.retries.location),
            "on": hop.retries.on or None,
            "window_seconds": _seconds(hop.retries.window),
        },
        "notes": list(hop.notes),
    }


def path_ids(paths: tuple[RequestPath, ...]) -> dict[tuple, str]:
    return {path.key: f"p{index + 1}" for index, path in enumerate(paths)}


def _path(path: RequestPath, identifier: str) -> dict:
    worst = path.app.worst_case
    return {
        "id": identifier,
        "description": path.describe(),
        "entry": {"name": path.entry, "location": _location(path.entry_location)},
        "hops": [_hop(h) for h in path.hops],
        "app": {
            "kind": path.app.kind,
            "name": path.app.name,
            "resolved": path.app.resolved,
            "location": _location(path.app.location),
            "worst_case": None
            if worst is None
            else {
                "seconds": worst.total,
                "raw": worst.total_raw,
                "first_byte_seconds": worst.first_byte,
                "first_byte_raw": worst.first_byte_raw,
                "source": _location(worst.location),
            },
        },
    }


def _finding(finding: Finding, ids: dict[tuple, str]) -> dict:
    location = _location(finding.location)
    return {
        "rule": finding.code,
        "name": finding.name,
        "severity": finding.severity.value,
        "path": location["path"],
        "line": location["line"],
        "column": location["column"],
        "message": finding.message,
        "related": [{**_location(r.location), "message": r.message} for r in finding.related],
        "request_path": finding.paths[0].describe() if finding.paths else None,
        "request_paths": [ids[p.key] for p in finding.paths if p.key in ids],
        "suppressed": finding.suppressed,
        "suppression_reason": finding.suppression_reason,
    }


def format_report(report: Report) -> str:
    ids = path_ids(report.paths)
    document = {
        "tool": {"name": "timeout-lint", "version": __version__},
        "findings": [_finding(f, ids) for f in report.findings],
        "paths": [_path(p, ids[p.key]) for p in report.paths],
        "summary": {
            "errors": sum(1 for f in report.findings if f.severity.value == "error" and not f.suppressed),
            "warnings": sum(1 for f in report.findings if f.severity.value == "warning" and not f.suppressed),
            "infos": sum(1 for f in report.findings if f.severity.value == "info" and not f.suppressed),
            "suppressed": report.suppressed,
            "files": report.files_read,
            "cluster_objects": report.objects_read,
            "request_paths": len(report.paths),
        },
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
