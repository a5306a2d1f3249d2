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


@pytest.mark.parametrize(
    "text, expected",
    [
        # a plain string: the comment after it belongs to every word of the line
        (
            "services:\n  app:\n    command: gunicorn -t 30 app:app  # 30 s\n",
            [("gunicorn", "30 s"), ("-t", "30 s"), ("30", "30 s"), ("app:app", "30 s")],
        ),
        # list items: each its own line's comment
        (
            "services:\n  app:\n    command:\n      - gunicorn\n      - --timeout=30 # thirty seconds\n",
            [("gunicorn", None), ("--timeout=30", "thirty seconds")],
        ),
        # a folded scalar: "#" in it is text, never a comment
        (
            "services:\n  app:\n    command: >\n      gunicorn --timeout 30 # text\n",
            [("gunicorn", None), ("--timeout", None), ("30", None), ("#", None), ("text", None)],
        ),
        # a quoted string: "#" inside the quotes is text; the comment after the closing quote counts
        ('services:\n  app:\n    command: "gunicorn -t 30 #1" # 30s\n', [("gunicorn", "30s"), ("-t", "30s"), ("30", "30s"), ("#1", "30s")]),
    ],
)
def test_command_words_carry_the_comment_that_ends_their_line(text, expected):
    source = SourceFile("/p/compose.yaml", "compose.yaml", text)
    (service,) = parse_compose(source).services
    assert [(w.text, w.comment) for w in service.command_words] == expected


def test_words_of_a_shell_script_keep_the_comment_of_the_scripts_last_line():
    from timeout_lint.model import Location
    from timeout_lint.parsers.commands import Arg, expand_shells

    script = Arg("gunicorn --timeout 30\n  app:app", Location("k.yaml", 4, 9), True, "30 seconds")
    words = expand_shells([Arg("sh", Location("k.yaml", 3, 9), True), Arg("-c", Location("k.yaml", 3, 12), True), script])
    assert [(w.text, w.location.line, w.comment) for w in words] == [
        ("gunicorn", 4, None),
        ("--timeout", 4, None),
        ("30", 4, None),
        ("app:app", 5, "30 seconds"),
    ]
