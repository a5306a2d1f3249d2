"""Real public configuration files (../shared/corpus): never a traceback, and no silent change in behaviour.

The counts of findings by rule are a snapshot: when a change moves them, the test shows the
difference; rerun with TIMEOUT_LINT_UPDATE_SNAPSHOTS=1 after checking that the new counts are right.
"""

from __future__ import annotations

import collections
import json
import os

import pytest

from tests.conftest import SHARED
from timeout_lint.lint import LintOptions, lint

CORPUS = SHARED / "corpus"
SNAPSHOT = os.path.join(os.path.dirname(__file__), "snapshots", "corpus_counts.json")

if not CORPUS.is_dir():
    if os.environ.get("TIMEOUT_LINT_REQUIRE_SHARED"):
        raise RuntimeError(f"{CORPUS} is missing; CI must run with ../shared beside the clone")
    pytest.skip("../shared/corpus is not beside this clone", allow_module_level=True)


def counts(report) -> dict[str, int]:
    return dict(sorted(collections.Counter(f.code for f in report.findings).items()))


def test_whole_corpus_lints_without_a_traceback_and_matches_the_snapshot():
    report = lint(LintOptions(paths=(".",), cwd=str(CORPUS)))
    found = {"findings_by_rule": counts(report), "request_paths": len(report.paths), "files_read": report.files_read}
    if os.environ.get("TIMEOUT_LINT_UPDATE_SNAPSHOTS") or not os.path.exists(SNAPSHOT):
        with open(SNAPSHOT, "w") as handle:
            json.dump(found, handle, indent=2, sort_keys=True)
            handle.write("\n")
    with open(SNAPSHOT) as handle:
        assert found == json.load(handle)


def test_every_indexed_file_named_explicitly_lints_without_a_traceback():
    files = []
    with open(CORPUS / "INDEX.tsv") as handle:
        for line in handle:
            name = line.split("\t", 1)[0]
            if (CORPUS / name).is_file():
                files.append(name)
    assert len(files) > 3000
    report = lint(LintOptions(paths=tuple(files), cwd=str(CORPUS)))
    assert report.unreadable == ()
    assert all(f.location.file for f in report.findings)


def _indexed(*kinds: str) -> list[str]:
    with open(CORPUS / "INDEX.tsv") as handle:
        rows = [line.rstrip("\n").split("\t") for line in handle]
    return [row[0] for row in rows if len(row) > 1 and row[1] in kinds and (CORPUS / row[0]).is_file()]


def test_haproxy_go_and_gunicorn_files_parse_without_a_traceback():
    from timeout_lint.parsers.golang import parse_go
    from timeout_lint.parsers.gunicorn import parse_gunicorn_config
    from timeout_lint.parsers.haproxy import parse_haproxy
    from timeout_lint.sources import read

    haproxy, go, gunicorn = _indexed("haproxy"), _indexed("go"), _indexed("gunicorn")
    assert len(haproxy) > 50 and len(go) > 20 and len(gunicorn) > 10
    for name in haproxy:
        source, _ = read(str(CORPUS / name), name)
        result = parse_haproxy(source)
        assert result.problems == [], name  # HAProxy's own examples and tests are valid HAProxy
    assert sum(len(parse_go(read(str(CORPUS / n), n)[0]).servers) for n in go) > 10
    environment = dict(os.environ)
    configs = {}
    for name in gunicorn:  # hooks, imports and side effects in them are never run
        result = parse_gunicorn_config(read(str(CORPUS / name), name)[0])
        assert result.problems == [], name
        configs[name] = {key: setting.value for key, setting in result.config.settings.items()}
    assert dict(os.environ) == environment
    assert configs["benoitc__gunicorn/examples/example_config.py"] == {"workers": 1, "worker_class": "sync", "timeout": 30, "keepalive": 2}
    # `workers = int(os.environ.get(...))` reads the environment: kept as not evaluated
    assert configs["benoitc__gunicorn/examples/http2_gevent/gunicorn_conf.py"]["workers"] is None


def test_every_place_fix_could_write_in_the_corpus_takes_the_edit():
    """Each Site a parser recorded over the real files (its own place too, and what goes with it),
    written at once per file as --fix would: every format module applies and checks it, none refuses."""
    from collections import defaultdict

    from timeout_lint.fix import change_for, fix_file

    report = lint(LintOptions(paths=(".",), cwd=str(CORPUS)))
    sites = {}
    for path in report.paths:
        for hop in path.hops:
            for timeout in hop.response_limits():
                site = timeout.site
                while site is not None:
                    sites[site.key] = site
                    site = site.own
    by_file = defaultdict(list)
    for site in sites.values():
        for part in (site, *site.also):
            if part.location.file not in report.unparsed:
                by_file[part.location.file].append(change_for(part, 999.0))
    assert {change.site.format for changes in by_file.values() for change in changes} == {"yaml", "nginx", "haproxy"}
    for file, changes in sorted(by_file.items()):
        fixed = fix_file(str(CORPUS / file), file, changes)
        assert fixed.after != fixed.before, file
