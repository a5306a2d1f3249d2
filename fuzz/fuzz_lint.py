"""Coverage-guided fuzzing of the whole pipeline with atheris, for runs longer than the test suite's.

    pip install atheris
    python fuzz/fuzz_lint.py -atheris_runs=200000          # or -max_total_time=600
    python fuzz/fuzz_lint.py fuzz/corpus/                   # keep and grow a corpus directory

The first input byte picks what the rest becomes (a manifest, a compose file, the project file, an
nginx config or one it includes); the bytes are written to a scratch tree and linted. Any exception
is a crash and atheris stops with the input that caused it.
"""

from __future__ import annotations

import os
import sys
import tempfile

import atheris

with atheris.instrument_imports():
    from timeout_lint.lint import LintOptions, lint
    from timeout_lint.report.json import format_report

TARGETS = ("k8s/manifest.yaml", "docker-compose.yml", ".timeout-lint.yaml", "nginx/nginx.conf", "nginx/conf.d/site.conf")
NGINX_MAIN = b"http { include conf.d/*.conf; server { location / { proxy_pass http://app:80; } } }\n"


def one_input(data: bytes) -> None:
    if not data:
        return
    target = TARGETS[data[0] % len(TARGETS)]
    with tempfile.TemporaryDirectory() as root:
        path = os.path.join(root, target)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as handle:
            handle.write(data[1:])
        if target == "nginx/conf.d/site.conf":
            with open(os.path.join(root, "nginx", "nginx.conf"), "wb") as handle:
                handle.write(NGINX_MAIN)
        format_report(lint(LintOptions(paths=(".",), cwd=root)))


def main() -> None:
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
