"""What a run imports: only what it needs (the performance issue's start-up budget).

These check which modules a run leaves in sys.modules, never how long it took (bench/ measures that).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

_PROBE = """
import json, sys
from timeout_lint.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
sys.stdout.flush()
print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""


def _modules_after_run(*args: str) -> set[str]:
    result = subprocess.run([sys.executable, "-c", _PROBE, *args], capture_output=True, text=True, cwd=REPO, check=True)
    return set(json.loads(result.stderr.strip().splitlines()[-1]))


def test_a_kong_and_nginx_run_imports_no_other_systems_and_no_heavy_libraries():
    modules = _modules_after_run(os.path.join("fixtures", "kong-csv-export"), os.path.join("fixtures", "nginx-slow-handler"))
    # the probe ran, and read Kubernetes manifests, nginx, compose and Go
    assert {"timeout_lint.parsers.kubernetes", "timeout_lint.parsers.nginx", "timeout_lint.parsers.golang"} <= modules
    not_needed = {
        "difflib",  # TL305's suggestions, for unknown annotations only
        "inspect",  # dataclasses' docstring writer (every dataclass here has a docstring)
        "jsonschema",  # only for a project file or custom resources that need validating
        "kubernetes",  # --cluster only
        "tree_sitter_javascript",  # Node sources only (the Go app here needs tree_sitter_go)
        "tree_sitter_typescript",
        "timeout_lint.parsers.gateway_api",
        "timeout_lint.parsers.istio",
        "timeout_lint.parsers.traefik",
        "timeout_lint.parsers.haproxy",
        "timeout_lint.cache",  # --cache only
        "multiprocessing",  # big trees only
    }
    assert not_needed & modules == set()


def test_every_dataclass_has_a_docstring_so_dataclasses_never_needs_inspect():
    import importlib
    import pkgutil

    import timeout_lint

    missing = []
    for info in pkgutil.walk_packages(timeout_lint.__path__, "timeout_lint."):
        if info.name == "timeout_lint.__main__":  # runs the CLI when imported
            continue
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            if isinstance(value, type) and value.__module__ == info.name and hasattr(value, "__dataclass_fields__"):
                if not value.__dict__.get("__doc__") or value.__doc__.startswith(f"{value.__name__}("):
                    missing.append(f"{info.name}.{value.__name__}")
    assert missing == []
