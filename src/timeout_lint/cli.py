"""The command line: parse arguments, lint, print, exit 0 (clean), 1 (errors found), 2 (usage)."""

from __future__ import annotations

import argparse
import os
import sys

from timeout_lint import __version__
from timeout_lint.engine import Selection, unknown_selectors
from timeout_lint.lint import LintOptions, lint
from timeout_lint.model import Severity
from timeout_lint.report import FORMATS, SHOW_PATHS, render
from timeout_lint.sources import DEFAULT_MAX_BYTES

EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


def _csv(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def _jobs(value: str) -> int:
    jobs = int(value)
    if jobs < 0:
        raise argparse.ArgumentTypeError(f"must be 0 (every core) or more, not {jobs}")
    return jobs


class _HelpFormatter(argparse.HelpFormatter):
    """argparse's, with the terminal width found as shutil.get_terminal_size finds it, without
    importing shutil (and bz2, lzma, zlib with it): argparse builds a formatter for every argument."""

    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24, width: int | None = None):
        if width is None:
            width = _terminal_columns() - 2
        super().__init__(prog, indent_increment, max_help_position, width)


def _terminal_columns() -> int:
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns or 80


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="timeout-lint",
        formatter_class=_HelpFormatter,
        description="Find the hop on a request path that gives up before the app has answered.",
    )
    parser.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="files or directories to lint, - for manifests on standard input (default: ., or none with --cluster)",
    )
    parser.add_argument(
        "--format",
        choices=sorted(FORMATS),
        default=None,
        help="output format (default: text; github when run by GitHub Actions, where GITHUB_ACTIONS=true)",
    )
    parser.add_argument(
        "--config",
        metavar="FILE",
        help="project file to use instead of the one found (.timeout-lint.yaml, or pyproject.toml with [tool.timeout-lint])",
    )
    parser.add_argument("--select", type=_csv, default=[], metavar="CODES", help="run only these rules (codes or prefixes: TL1,TL301)")
    parser.add_argument("--ignore", type=_csv, default=[], metavar="CODES", help="do not run these rules (codes or prefixes)")
    parser.add_argument("--extend-select", type=_csv, default=[], metavar="CODES", help="run these rules too, on top of the selection")
    parser.add_argument(
        "--fail-on", choices=("error", "warning"), help="exit 1 when an unsuppressed finding is at least this severe (default: error)"
    )
    parser.add_argument("--exclude", type=_csv, metavar="GLOBS", help="skip matching files and directories (replaces the file's exclude)")
    parser.add_argument("--force-exclude", action="store_true", default=None, help="apply exclude to paths named on the command line too")
    parser.add_argument("--show-suppressed", action="store_true", help="also show findings silenced by inline suppressions, marked")
    parser.add_argument("--explain", metavar="CODE", help="print the documentation of a rule (code or name) and exit")
    parser.add_argument("--list-rules", action="store_true", help="list every rule (a table, or JSON with --format json) and exit")
    parser.add_argument("--allow-outside-root", action="store_true", help="follow nginx includes outside the linted paths")
    parser.add_argument("--max-file-size", type=int, default=DEFAULT_MAX_BYTES, metavar="BYTES", help="skip (and report) larger files")
    parser.add_argument(
        "--show-paths",
        nargs="?",
        const="tree",
        choices=SHOW_PATHS,
        metavar="{tree,mermaid,dot}",
        help="--show-paths: print every request path as a tree after the findings; "
        "--show-paths=mermaid or =dot: print a diagram of the paths instead of the findings",
    )
    parser.add_argument(
        "--jobs",
        type=_jobs,
        default=None,
        metavar="N",
        help="processes reading files at once (default: every core for big trees, 1 for small ones; 0: every core)",
    )
    caching = parser.add_mutually_exclusive_group()
    caching.add_argument(
        "--cache",
        action="store_true",
        default=None,
        help="keep what reading each file gave in .timeout-lint-cache (beside the project file, else here): unchanged files are not parsed again",
    )
    caching.add_argument("--no-cache", dest="cache", action="store_false", help="no cache, whatever the project file says")
    parser.add_argument("--cache-dir", metavar="DIR", help="keep the cache in DIR (implies --cache)")
    parser.add_argument(
        "--fix",
        action="store_true",
        help="raise the timeouts of TL101/TL102 findings in place (atomically), then report what remains",
    )
    parser.add_argument("--diff", action="store_true", help="print the unified diff --fix would apply, and write nothing")
    parser.add_argument("--version", action="version", version=f"timeout-lint {__version__}")
    cluster = parser.add_argument_group("live cluster", "read objects through the Kubernetes API (pip install 'timeout-lint[cluster]')")
    cluster.add_argument("--cluster", action="store_true", help="also lint the objects of the cluster of the kubeconfig's context")
    cluster.add_argument("--context", metavar="NAME", help="kubeconfig context to use (default: its current context)")
    cluster.add_argument("--kubeconfig", metavar="FILE", help="kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)")
    scope = cluster.add_mutually_exclusive_group()
    scope.add_argument(
        "-n", "--namespace", action="append", default=[], metavar="NS", help="namespace to read, repeatable (default: the context's)"
    )
    scope.add_argument("-A", "--all-namespaces", action="store_true", help="read every namespace")
    return parser


def _bare_show_paths(argv: list[str]) -> list[str]:
    """``--show-paths`` alone means the tree and never takes the next word: ``--show-paths k8s/`` lints k8s/."""
    out = []
    for index, arg in enumerate(argv):
        if arg == "--":
            return out + argv[index:]
        out.append("--show-paths=tree" if arg == "--show-paths" else arg)
    return out


def use_colour(stream, environ) -> bool:
    """Colour on a terminal only; NO_COLOR (no-color.org) turns it off, FORCE_COLOR on; TERM=dumb off."""
    if environ.get("NO_COLOR"):
        return False
    if environ.get("FORCE_COLOR"):
        return True
    if environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty is not None and isatty())


def output_format(requested: str | None, environ) -> str:
    """An explicit --format wins; in GitHub Actions the default is annotations (as yamllint does)."""
    if requested:
        return requested
    return "github" if environ.get("GITHUB_ACTIONS") == "true" else "text"


def _cluster_options(args: argparse.Namespace):
    """ClusterOptions for --cluster; None without it. Imported only then: nothing else touches the network."""
    if not args.cluster:
        return None
    from timeout_lint.cluster import ClusterOptions

    return ClusterOptions(
        context=args.context,
        namespaces=tuple(dict.fromkeys(args.namespace)),
        all_namespaces=args.all_namespaces,
        kubeconfig=args.kubeconfig,
    )


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(_bare_show_paths(sys.argv[1:] if argv is None else list(argv)))
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help/--version
        return int(exc.code or 0)
    if args.explain is not None:
        return explain(args.explain)
    if args.list_rules:
        sys.stdout.write(list_rules(args.format))
        return EXIT_CLEAN
    unknown = unknown_selectors([*args.select, *args.ignore, *args.extend_select])
    if unknown:
        print(f"timeout-lint: error: unknown rule code or prefix: {', '.join(unknown)}", file=sys.stderr)
        return EXIT_USAGE
    if args.config and not os.path.isfile(args.config):
        print(f"timeout-lint: error: --config {args.config}: no such file", file=sys.stderr)
        return EXIT_USAGE
    cluster_flags = [
        flag
        for flag, given in (
            ("--context", args.context),
            ("--kubeconfig", args.kubeconfig),
            ("--namespace", args.namespace),
            ("--all-namespaces", args.all_namespaces),
        )
        if given
    ]
    if cluster_flags and not args.cluster:
        print(
            f"timeout-lint: error: {', '.join(cluster_flags)} {'requires' if len(cluster_flags) == 1 else 'require'} --cluster",
            file=sys.stderr,
        )
        return EXIT_USAGE
    options = LintOptions(
        paths=tuple(args.paths or ([] if args.cluster else ["."])),
        cwd=os.getcwd(),
        config_file=args.config,
        selection=Selection(select=tuple(args.select), ignore=tuple(args.ignore), extend_select=tuple(args.extend_select)),
        allow_outside_root=args.allow_outside_root,
        max_bytes=args.max_file_size,
        exclude=tuple(args.exclude) if args.exclude is not None else None,
        force_exclude=args.force_exclude,
        fail_on=Severity(args.fail_on) if args.fail_on else None,
        show_suppressed=args.show_suppressed,
        cluster=_cluster_options(args),
        jobs=args.jobs,
        cache=args.cache,
        cache_dir=args.cache_dir,
    )
    if options.cluster is None:
        report = _lint(args, options)
    else:
        import logging

        from timeout_lint.cluster import ClusterError

        # urllib3 logs each retry of a refused connection; the one error message below says it better
        logging.getLogger("urllib3.connectionpool").setLevel(logging.ERROR)
        try:
            report = _lint(args, options)
        except ClusterError as exc:  # no kubeconfig, unreachable, credentials refused: nothing to lint against
            print(f"timeout-lint: error: {exc}", file=sys.stderr)
            return EXIT_USAGE
    if args.diff:
        return _exit_status(report)  # the diff is the output: findings are what --fix would leave
    output = render(
        report,
        output_format(args.format, os.environ),
        show_paths=args.show_paths,
        colour=use_colour(sys.stdout, os.environ),
        stderr_colour=use_colour(sys.stderr, os.environ),
    )
    sys.stdout.write(output.stdout)
    sys.stderr.write(output.stderr)
    return _exit_status(report)


def _exit_status(report) -> int:
    for missing in report.unreadable:
        print(f"timeout-lint: error: {missing}: no such file or directory", file=sys.stderr)
    if report.unreadable:
        return EXIT_USAGE
    if report.failed:
        return EXIT_FINDINGS
    return EXIT_CLEAN


def _lint(args: argparse.Namespace, options: LintOptions):
    """The report to print: the lint itself, or with --fix the lint after fixing (--diff: before, with the diff printed)."""
    if not (args.fix or args.diff):
        return lint(options)
    from timeout_lint.fix.run import fix_and_lint

    return fix_and_lint(options, write_files=not args.diff, stdout=sys.stdout, stderr=sys.stderr)


def _find_rule(code_or_name: str):
    from timeout_lint.rules import BY_CODE, BY_NAME

    return BY_CODE.get(code_or_name.upper()) or BY_NAME.get(code_or_name.lower())


def explain(code_or_name: str) -> int:
    """``--explain TL101``: the rule's documentation (Markdown), as shipped."""
    from timeout_lint.docs import rule_doc

    rule = _find_rule(code_or_name)
    if rule is None:
        print(f"timeout-lint: error: --explain {code_or_name}: no rule has this code or name (see --list-rules)", file=sys.stderr)
        return EXIT_USAGE
    doc = rule_doc(rule.code)
    if doc is None:  # pragma: no cover - tests/test_rule_docs.py requires a doc for every rule
        print(f"timeout-lint: error: {rule.code} has no documentation", file=sys.stderr)
        return EXIT_USAGE
    sys.stdout.write(doc if doc.endswith("\n") else doc + "\n")
    return EXIT_CLEAN


def list_rules(output_format: str) -> str:
    """``--list-rules``: code, name, default severity, on or off by default, summary."""
    from timeout_lint.options import defaults
    from timeout_lint.rules import ALL_RULES

    if output_format == "json":
        import json

        rules = [
            {
                "code": rule.code,
                "name": rule.name,
                "severity": rule.severity.value,
                "enabled_by_default": rule.enabled_by_default,
                "scope": rule.scope.value,
                "since": rule.since,
                "options": defaults(rule.options),
                "summary": rule.summary,
            }
            for rule in ALL_RULES
        ]
        return json.dumps({"rules": rules}, indent=2, ensure_ascii=False) + "\n"
    header = ("code", "name", "severity", "default", "summary")
    rows = [(r.code, r.name, r.severity.value, "on" if r.enabled_by_default else "off", r.summary) for r in ALL_RULES]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header) - 1)]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row[:-1], widths, strict=True)) + "  " + row[-1] for row in [header, *rows]]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
