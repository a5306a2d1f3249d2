"""docker-compose: labels in both forms, build contexts, commands."""

from __future__ import annotations

from timeout_lint.parsers.compose import parse_compose
from timeout_lint.sources import SourceFile


def parse(text: str):
    return parse_compose(SourceFile("/proj/docker-compose.yml", "docker-compose.yml", text))


def test_labels_map_and_list_build_context_command():
    result = parse(
        """services:
  api:
    build: ./api
    command: gunicorn -t 120 app:app
    labels:
      timeout-lint/worst-case-response: 90s
  worker:
    build:
      context: ./worker
      dockerfile: Dockerfile.prod
    labels:
      - "timeout-lint/worst-case-response=2m"
      - other=1
  cache:
    image: redis:7
"""
    )
    api, worker, cache = result.services
    assert api.build_context == "/proj/api" and api.command == ("gunicorn", "-t", "120", "app:app")
    assert api.worst_case.total == 90 and api.worst_case.location.line == 6
    assert worker.build_context == "/proj/worker" and worker.worst_case.total == 120
    assert (worker.worst_case.location.line, worker.labels["other"].value) == (12, "1")
    assert cache.build_context is None and cache.image == "redis:7"
    assert (api.location.line, api.location.column) == (2, 3)


def test_bad_label_value_is_a_problem():
    result = parse('services:\n  api:\n    labels: ["timeout-lint/worst-case-response=soon"]\n')
    (problem,) = result.problems
    assert problem.rule == "invalid-configuration" and problem.location.line == 3


def test_invalid_yaml():
    result = parse("services:\n  api: [\n")
    assert result.problems[0].rule == "unparsable-input"
