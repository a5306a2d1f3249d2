"""Cold start of timeout-lint against yamllint and `python -c pass` on a small tree.

usage: python bench/startup.py [TREE] [--runs N]
TREE defaults to a three-file copy of fixtures/kong-csv-export plus an nginx.conf. Each command runs
in TREE, as a pre-commit hook runs in its repository (not in this checkout, whose pyproject.toml
names timeout-lint). Prints the best and the median wall time of N runs of each command,
interleaved so machine noise hits all alike.
Nothing here asserts a time; it measures.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)


def small_tree() -> str:
    tree = tempfile.mkdtemp(prefix="tl-startup-")
    for name in ("export-api.yaml", "ingress.yaml"):
        shutil.copy(os.path.join(REPO, "fixtures", "kong-csv-export", "k8s", name), tree)
    shutil.copy(os.path.join(REPO, "fixtures", "nginx-slow-handler", "nginx", "nginx.conf"), tree)
    return tree


def compile_timeout_lint() -> None:
    """Write timeout-lint's bytecode, as pip does at install: where PYTHONDONTWRITEBYTECODE is set and
    the install is editable, every run would otherwise compile each module from source again."""
    import compileall
    import importlib.util

    spec = importlib.util.find_spec("timeout_lint")
    if spec is not None and spec.submodule_search_locations:
        compileall.compile_dir(spec.submodule_search_locations[0], quiet=1)


def measure(tree: str, runs: int) -> list[tuple[str, float, float]]:
    """(command, best, median) in seconds, for each command installed beside this Python."""
    bindir = os.path.dirname(sys.executable)
    commands = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "timeout-lint": [os.path.join(bindir, "timeout-lint"), tree],
        "yamllint": [os.path.join(bindir, "yamllint"), tree],
    }
    commands = {k: v for k, v in commands.items() if os.path.exists(v[0])}
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            start = time.perf_counter()
            subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=tree)
            times[name].append(time.perf_counter() - start)
    return [(name, min(values), statistics.median(values)) for name, values in times.items()]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("tree", nargs="?")
    parser.add_argument("--runs", type=int, default=40)
    args = parser.parse_args()
    tree = args.tree or small_tree()
    compile_timeout_lint()
    results = measure(tree, args.runs)
    print(f"tree: {tree} ({len(os.listdir(tree))} files), {args.runs} runs each")
    for name, best, median in results:
        print(f"{name:16s} best {best * 1000:6.1f} ms   median {median * 1000:6.1f} ms")
    if "yamllint" not in {name for name, _, _ in results}:
        print("(yamllint is not installed in this environment: pip install yamllint)")


if __name__ == "__main__":
    main()
