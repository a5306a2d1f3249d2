"""Property-based: whatever text or bytes arrive, timeout-lint never raises and its JSON is valid.

Profiles: "ci" (the default) is derandomized so CI is repeatable; HYPOTHESIS_PROFILE=long explores
for real (thousands of examples, new ones each run).
"""

from __future__ import annotations

import json
import os
import random
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import FIXTURES, SHARED, write_tree
from timeout_lint.lint import LintOptions, lint
from timeout_lint.report.json import format_report

settings.register_profile("ci", max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("long", max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def lint_files(files: dict[str, str | bytes]) -> None:
    with tempfile.TemporaryDirectory() as root:
        write_tree(Path(root), files)
        report = lint(LintOptions(paths=(".",), cwd=root))
        document = json.loads(format_report(report))
        assert isinstance(document["findings"], list)
        for finding in document["findings"]:
            assert finding["line"] >= 1 and finding["path"]


# -- YAML built from the pieces manifests are made of ---------------------------------------------
KEYS = st.sampled_from(
    [
        "apiVersion",
        "kind",
        "metadata",
        "name",
        "namespace",
        "annotations",
        "labels",
        "spec",
        "rules",
        "http",
        "paths",
        "backend",
        "service",
        "port",
        "number",
        "selector",
        "template",
        "proxy",
        "read_timeout",
        "items",
        "konghq.com/read-timeout",
        "konghq.com/override",
        "timeout-lint/worst-case-response",
        "ingressClassName",
        "services",
        "labels",
        "build",
        "<<",
        "apps",
        "worst-case-response",
        "first-byte",
    ]
)
SCALARS = st.one_of(
    st.sampled_from(
        [
            "v1",
            "Service",
            "Ingress",
            "KongIngress",
            "List",
            "networking.k8s.io/v1",
            "kong",
            "2m",
            "60000",
            '"60s"',
            "",
            "~",
            "null",
            "-1",
            "0",
            "1e999",
            "&a x",
            "*a",
            "!!binary aGk=",
            "!!python/object:os.system x",
            "'",
            '"',
            "|",
            ">",
        ]
    ),
    st.text(max_size=12),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
)


@st.composite
def yaml_text(draw) -> str:
    lines = []
    for _ in range(draw(st.integers(1, 25))):
        indent = "  " * draw(st.integers(0, 5))
        form = draw(st.integers(0, 5))
        if form == 0:
            lines.append(f"{indent}{draw(KEYS)}:")
        elif form == 1:
            lines.append(f"{indent}{draw(KEYS)}: {draw(SCALARS)}")
        elif form == 2:
            lines.append(f"{indent}- {draw(SCALARS)}")
        elif form == 3:
            lines.append("---")
        elif form == 4:
            lines.append(f"{indent}{draw(KEYS)}: {{{draw(KEYS)}: {draw(SCALARS)}}}")
        else:
            lines.append(f"{indent}{draw(KEYS)}: [{draw(SCALARS)}, {draw(SCALARS)}]")
    return "\n".join(lines) + "\n"


@given(yaml_text(), st.sampled_from(["k8s/m.yaml", "docker-compose.yml", ".timeout-lint.yaml"]))
def test_random_yaml_never_raises(text, name):
    lint_files({name: text, "k8s/kind.yaml": "kind: x\n"})


# -- nginx built from directives, braces and quotes ------------------------------------------------
DIRECTIVES = st.sampled_from(
    [
        "http",
        "server",
        "location /",
        "location ~ ^/a",
        "upstream up",
        "events",
        "if ($x)",
        "proxy_pass http://app:80",
        "proxy_pass http://up",
        "proxy_pass $x",
        "proxy_read_timeout 2s",
        "proxy_read_timeout 1m 30s",
        "proxy_read_timeout x",
        "include b.conf",
        "include *.conf",
        "include /etc/nginx/*.conf",
        "server app:80",
        "server_name a b",
        "fastcgi_pass php:9000",
        '"quoted ;"',
        "# comment",
        "keepalive_timeout 5s",
    ]
)


@st.composite
def nginx_text(draw) -> str:
    out = []
    for _ in range(draw(st.integers(1, 30))):
        piece = draw(DIRECTIVES)
        out.append(piece + draw(st.sampled_from([";", " {", "}", "", ";\n", " {\n", "\n}\n"])))
    return " ".join(out)


@given(nginx_text(), nginx_text())
def test_random_nginx_never_raises(main_text, other_text):
    lint_files({"nginx/nginx.conf": main_text, "nginx/b.conf": other_text, "nginx/conf.d/x.conf": other_text})


# -- real files, mutated ------------------------------------------------------------------------------
def _samples() -> list[Path]:
    pool = sorted(p for p in FIXTURES.rglob("*") if p.is_file() and not p.is_symlink() and p.suffix in (".yaml", ".yml", ".conf"))
    corpus = SHARED / "corpus"
    if corpus.is_dir():
        rng = random.Random(7)
        extra = sorted(p for p in corpus.rglob("*") if p.is_file() and p.suffix in (".yaml", ".yml", ".conf", ".cfg"))
        pool += rng.sample(extra, min(150, len(extra)))
    return pool


SAMPLES = _samples()


@given(
    st.sampled_from(SAMPLES),
    st.lists(st.tuples(st.sampled_from(["flip", "delete", "insert", "truncate"]), st.integers(0, 10**6), st.integers(0, 255)), max_size=8),
)
def test_mutated_real_files_never_raise(sample, mutations):
    data = bytearray(sample.read_bytes())
    for action, position, value in mutations:
        if not data:
            break
        index = position % len(data)
        if action == "flip":
            data[index] ^= value or 1
        elif action == "delete":
            del data[index]
        elif action == "insert":
            data.insert(index, value)
        else:
            del data[index:]
    name = "nginx/nginx.conf" if sample.suffix in (".conf", ".cfg") else "k8s/" + sample.name
    lint_files({name: bytes(data)})
