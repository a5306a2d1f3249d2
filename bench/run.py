"""timeout-lint against the compose floor and yamllint, on generated trees of several sizes, in one run.

usage: python bench/run.py [--sizes 200,2000,20000] [--runs 3] [--work DIR] [--no-yamllint]
                           [--yamllint-max N] [--startup-runs 30]

For each size, ../shared/bench/gen_corpus.py generates a tree of that many services (once: kept in
--work, default a directory under the system's temporary directory). Each command then runs in a
fresh process inside the tree, on ".", as a CI step or a hook runs in its repository, the commands
interleaved --runs times so that machine noise hits all alike:

- floor:        compose every YAML document with ruamel.yaml's C parser and nothing else (floor.py)
- floor-pyyaml: the same with PyYAML's C composer, for reference
- timeout-lint: as a user runs it (every core for big trees)
- timeout-lint -j1: one process
- yamllint:     with its default configuration (skipped above --yamllint-max services: at 20 000
                services it takes minutes and tells nothing new)

and the best wall time of each is printed with its peak memory (the largest resident set of the
process or any worker it waited for, from the rusage os.wait4 returns, as resource.getrusage counts
it), files and documents per second, and the ratios the performance issue asks about. First, the
cold start on a three-file tree (bench/startup.py) against yamllint and `python -c pass`: the
scaling table gives each size's time per service as measured, and past that start-up (the wall
time less timeout-lint's best cold start, over the services), which is what grows with the tree.

Nothing here asserts a time: it measures and prints. The tables are Markdown, for the README.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
GENERATOR = os.path.join(os.path.dirname(REPO), "shared", "bench", "gen_corpus.py")
sys.path.insert(0, HERE)

import startup  # noqa: E402  (bench/startup.py, beside this file)


class Measure:
    """The runs of one command: wall times and the largest peak memory."""

    def __init__(self, name: str, command: list[str]):
        self.name = name
        self.command = command
        self.times: list[float] = []
        self.peak_kb = 0

    def run(self, cwd: str) -> None:
        start = time.perf_counter()
        process = subprocess.Popen(self.command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=cwd)
        _, _, usage = os.wait4(process.pid, 0)
        self.times.append(time.perf_counter() - start)
        process.returncode = 0  # reaped by wait4 already
        self.peak_kb = max(self.peak_kb, usage.ru_maxrss)  # kilobytes on Linux

    @property
    def best(self) -> float:
        return min(self.times)


def tree_for(work: str, services: int) -> str:
    tree = os.path.join(work, f"services-{services}")
    if not os.path.isdir(os.path.join(tree, "apps")):
        subprocess.run([sys.executable, GENERATOR, tree, "--services", str(services)], check=True, stdout=subprocess.DEVNULL)
    return tree


def count(tree: str) -> tuple[int, int, int]:
    """(YAML files, YAML documents, all files) of the tree, as floor.py counts them."""
    output = subprocess.run([sys.executable, os.path.join(HERE, "floor.py"), tree], check=True, capture_output=True, text=True).stdout
    yaml_files, _, documents, _ = output.split()
    every = sum(len(names) for _, _, names in os.walk(tree))
    return int(yaml_files), int(documents), every


def commands(with_yamllint: bool) -> list[Measure]:
    """The commands, each run inside the tree on "."."""
    bindir = os.path.dirname(sys.executable)
    found = [
        Measure("floor (ruamel C)", [sys.executable, os.path.join(HERE, "floor.py"), "."]),
        Measure("floor (PyYAML C)", [sys.executable, os.path.join(HERE, "floor.py"), ".", "--parser", "pyyaml"]),
        Measure("timeout-lint", [os.path.join(bindir, "timeout-lint"), "."]),
        Measure("timeout-lint -j1", [os.path.join(bindir, "timeout-lint"), "--jobs", "1", "."]),
    ]
    yamllint = os.path.join(bindir, "yamllint")
    if with_yamllint and os.path.exists(yamllint):
        found.append(Measure("yamllint", [yamllint, "."]))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="200,2000,20000", help="services per tree, comma-separated")
    parser.add_argument(
        "--runs",
        type=int,
        default=3,
        help="runs of each command per size (the best is kept); trees under 2 000 services get up to 4x as many",
    )
    parser.add_argument("--work", help="where the generated trees are kept (reused when there)")
    parser.add_argument("--no-yamllint", action="store_true", help="do not run yamllint on the trees")
    parser.add_argument("--yamllint-max", type=int, default=2000, help="run yamllint on trees up to this many services")
    parser.add_argument("--startup-runs", type=int, default=30, help="runs of each command for the cold start")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",") if size]
    work = args.work or os.path.join(tempfile.gettempdir(), "timeout-lint-bench")
    os.makedirs(work, exist_ok=True)
    if not os.path.exists(GENERATOR):
        sys.exit(f"bench: {GENERATOR} not found (../shared beside the checkout)")
    startup.compile_timeout_lint()

    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.platform()}"
    )
    print(f"command: python bench/run.py --sizes {args.sizes} --runs {args.runs}\n")
    cold_start = 0.0
    if args.startup_runs > 0:
        tree = startup.small_tree()
        print(f"### Cold start on a three-file tree ({args.startup_runs} runs each, interleaved)\n")
        print("| command | best | median |")
        print("|---|---:|---:|")
        for name, best, median in startup.measure(tree, args.startup_runs):
            print(f"| {name} | {best * 1000:.0f} ms | {median * 1000:.0f} ms |")
            if name == "timeout-lint":
                cold_start = best
        print()
    best_times: dict[int, float] = {}  # services -> timeout-lint's best wall time
    peaks: dict[int, int] = {}
    for services in sizes:
        tree = tree_for(work, services)
        yaml_files, documents, every = count(tree)
        measures = commands(not args.no_yamllint and services <= args.yamllint_max)
        # a small tree runs in a moment, so it gets more runs: a passing slow spell of the machine
        # would otherwise decide its best time
        for _ in range(args.runs * min(4, max(1, 2000 // services))):
            for measure in measures:
                if measure.name == "yamllint" and measure.times:
                    continue  # one run is enough to be 10x away from it
                measure.run(tree)
        floor = measures[0].best
        ours = measures[2].best
        best_times[services] = ours
        peaks[services] = measures[2].peak_kb
        print(f"### {services} services: {every} files, {yaml_files} YAML files, {documents} YAML documents\n")
        print("| command | best wall time | peak memory | YAML files/s | documents/s | vs floor |")
        print("|---|---:|---:|---:|---:|---:|")
        for measure in measures:
            print(
                f"| {measure.name} | {measure.best:.2f} s | {measure.peak_kb / 1024:.0f} MB | {yaml_files / measure.best:,.0f} |"
                f" {documents / measure.best:,.0f} | {measure.best / floor:.2f}x |"
            )
        yamllint = next((m for m in measures if m.name == "yamllint"), None)
        print(f"\ntimeout-lint / floor: {ours / floor:.2f}x", end="")
        if yamllint is not None:
            print(f"; yamllint / timeout-lint: {yamllint.best / ours:.1f}x faster", end="")
        print("\n")

    if len(best_times) > 1:
        smallest = min(best_times)
        print("### Scaling\n")
        print("| services | time per service | vs smallest tree | past start-up, per service | vs smallest tree | peak memory |")
        print("|---:|---:|---:|---:|---:|---:|")
        for services, seconds in best_times.items():
            gross, gross_smallest = seconds / services, best_times[smallest] / smallest
            net, net_smallest = (seconds - cold_start) / services, (best_times[smallest] - cold_start) / smallest
            print(
                f"| {services} | {gross * 1000:.3f} ms | {gross / gross_smallest:.2f}x | {net * 1000:.3f} ms | {net / net_smallest:.2f}x"
                f" | {peaks[services] / 1024:.0f} MB |"
            )
        print(f"\n(start-up: timeout-lint's best cold start above, {cold_start * 1000:.0f} ms)" if cold_start else "")


if __name__ == "__main__":
    main()
