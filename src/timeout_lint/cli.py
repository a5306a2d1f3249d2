"""The command line: parse arguments, lint, print, exit 0 (clean), 1 (errors found), 2 (usage)."""

from __future__ import annotations

import argparse
import os
import sys

from timeout_lint import __version__
from timeout_lint.engine import Selection, unknown_selectors
from timeout_lint.lint import LintOptions, lint
from timeout_lint.model import Severity
from timeout_lint.report import FORMATS, formatter
from timeout_lint.sources import DEFAULT_MAX_BYTES

EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


def _csv(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="timeout-lint",
        description="Find the hop on a request path that gives up before the app has answered.",
    )
    parser.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="files or directories to lint, - for manifests on standard input (default: ., or none with --cluster)",
    )
    parser.add_argument("--format", choices=sorted(FORMATS), default="text", help="output format (default: text)")
    parser.add_argument("--config", metavar="FILE", help="project file to use instead of PATH/.timeout-lint.yaml")
    parser.add_argument("--select", type=_csv, default=[], metavar="CODES", help="run only these rules (codes or prefixes: TL1,TL301)")
    parser.add_argument("--ignore", type=_csv, default=[], metavar="CODES", help="do not run these rules (codes or prefixes)")
    parser.add_argument("--allow-outside-root", action="store_true", help="follow nginx includes outside the linted paths")
    parser.add_argument("--max-file-size", type=int, default=DEFAULT_MAX_BYTES, metavar="BYTES", help="skip (and report) larger files")
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
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help/--version
        return int(exc.code or 0)
    unknown = unknown_selectors([*args.select, *args.ignore])
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
        selection=Selection(select=tuple(args.select), ignore=tuple(args.ignore)),
        allow_outside_root=args.allow_outside_root,
        max_bytes=args.max_file_size,
        cluster=_cluster_options(args),
    )
    if options.cluster is None:
        report = lint(options)
    else:
        import logging

        from timeout_lint.cluster import ClusterError

        # urllib3 logs each retry of a refused connection; the one error message below says it better
        logging.getLogger("urllib3.connectionpool").setLevel(logging.ERROR)
        try:
            report = lint(options)
        except ClusterError as exc:  # no kubeconfig, unreachable, credentials refused: nothing to lint against
            print(f"timeout-lint: error: {exc}", file=sys.stderr)
            return EXIT_USAGE
    sys.stdout.write(formatter(args.format)(report))
    for missing in report.unreadable:
        print(f"timeout-lint: error: {missing}: no such file or directory", file=sys.stderr)
    if report.unreadable:
        return EXIT_USAGE
    if any(f.severity is Severity.ERROR and not f.suppressed for f in report.findings):
        return EXIT_FINDINGS
    return EXIT_CLEAN


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
