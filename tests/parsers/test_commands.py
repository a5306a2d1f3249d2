"""Command words keep the line and column where they are written, in every YAML shape."""

from __future__ import annotations

import textwrap

import pytest

from timeout_lint.parsers.compose import parse_compose
from timeout_lint.parsers.kubernetes import KubernetesObjects, read_object
from timeout_lint.sources import SourceFile
from timeout_lint.yamlnodes import DocContext, Y, compose_all


def compose_words(text: str):
    source = SourceFile("/p/compose.yaml", "compose.yaml", textwrap.dedent(text).lstrip("\n"))
    (service,) = parse_compose(source).services
    return [(w.text, w.location.line, w.location.column) for w in service.command_words]


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "services:\n  app:\n    command: gunicorn -t 30 app:app\n",
            [("gunicorn", 3, 14), ("-t", 3, 23), ("30", 3, 26), ("app:app", 3, 29)],
        ),
        (
            'services:\n  app:\n    command: ["gunicorn", "--timeout", "30"]\n',
            [("gunicorn", 3, 16), ("--timeout", 3, 28), ("30", 3, 41)],
        ),
        (
            "services:\n  app:\n    command:\n      - gunicorn\n      - --timeout=30\n",
            [("gunicorn", 4, 9), ("--timeout=30", 5, 9)],
        ),
        (
            "services:\n  app:\n    command: >\n      gunicorn app:app\n      -c conf/gunicorn.py\n",
            [("gunicorn", 4, 7), ("app:app", 4, 16), ("-c", 5, 7), ("conf/gunicorn.py", 5, 10)],
        ),
        (
            "services:\n  app:\n    command: 'sh -c \"gunicorn --timeout 30 app\"'\n",
            [("sh", 3, 15), ("-c", 3, 18), ("gunicorn --timeout 30 app", 3, 22)],
        ),
    ],
)
def test_compose_command_words(text, expected):
    assert compose_words(text) == expected


def test_kubernetes_command_then_args():
    text = textwrap.dedent(
        """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: api}
        spec:
          template:
            spec:
              containers:
                - name: api
                  command: ["/bin/sh", "-c"]
                  args:
                    - exec gunicorn --timeout 30 app:app
        """
    ).lstrip("\n")
    source = SourceFile("/k/api.yaml", "api.yaml", text)
    ctx = DocContext(source)
    objects = KubernetesObjects()
    for node in compose_all(text):
        read_object(Y(node, ctx), objects, [])
    (container,) = objects.workloads[0].containers
    assert [(w.text, w.location.line, w.location.column, w.exact) for w in container.words] == [
        ("/bin/sh", 9, 22, True),
        ("-c", 9, 33, True),
        ("exec gunicorn --timeout 30 app:app", 11, 15, True),
    ]
