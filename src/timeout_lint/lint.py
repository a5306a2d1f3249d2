"""The pipeline, one way: discover -> parse -> link -> paths -> rules. The CLI's only entry point."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, BinaryIO, NamedTuple

from timeout_lint import config as project_config
from timeout_lint.discover import InMemoryInput, discover, given_roots
from timeout_lint.engine import Selection, run
from timeout_lint.lazy import load
from timeout_lint.link import link_all
from timeout_lint.model import Finding, RequestPath, Severity
from timeout_lint.parse import ParseOptions, parse_all
from timeout_lint.paths import enumerate_paths
from timeout_lint.rules import ALL_RULES
from timeout_lint.rules.base import Model, Rule
from timeout_lint.sources import DEFAULT_MAX_BYTES, STDIN, display_path

if TYPE_CHECKING:
    from timeout_lint.cluster import ClusterOptions

#: rules that report problems of the project file itself; never switched off for it
CONFIG_RULES = ("unparsable-input", "invalid-configuration")
#: problems that mean a file was not read whole (Report.unparsed)
UNPARSED_RULES = ("unparsable-input", "skipped-input")


class LintOptions(NamedTuple):
    """What a run lints and how: the command line's choices (None: the project file decides)."""

    paths: tuple[str, ...] = (".",)
    cwd: str = ""  # "": the working directory when the run starts
    config_file: str | None = None  # explicit --config; otherwise found at the linted root
    selection: Selection = Selection()  # the command line's; it overrides the project file's
    allow_outside_root: bool = False
    max_bytes: int = DEFAULT_MAX_BYTES
    # -- command-line overrides of the project file (None: the file decides) --
    exclude: tuple[str, ...] | None = None  # globs, relative to the working directory
    force_exclude: bool | None = None
    fail_on: Severity | None = None
    show_suppressed: bool = False  # keep suppressed findings in the report (stamped suppressed)
    stdin: BinaryIO | None = None  # read when a path is `-`; None: the process's standard input
    cluster: ClusterOptions | None = None  # also lint objects read from a live cluster (--cluster)
    jobs: int | None = None  # processes reading files (--jobs); None: as many as pays (batch.py)
    cache: bool | None = None  # --cache (True) / --no-cache (False); None: the project file decides (off by default)
    cache_dir: str | None = None  # --cache-dir, relative to the working directory (implies --cache)


class Report(NamedTuple):
    """Everything a run found, for the reporters and the exit status."""

    findings: tuple[Finding, ...]
    paths: tuple[RequestPath, ...]
    files_read: int
    unreadable: tuple[str, ...]  # paths given that do not exist
    config_file: str | None
    rules: tuple[Rule, ...] = ()  # every rule that ran (SARIF lists them)
    root: str = ""  # the directory relative display paths start from (SARIF's %SRCROOT%)
    suppressed: int = 0  # findings silenced by inline suppressions (in ``findings`` only with show_suppressed)
    fail_on: Severity = Severity.ERROR  # the least severe finding that fails the run
    objects_read: int = 0  # objects read from a cluster
    #: files with input problems (unparsable or skipped input), whatever rules ran: --fix never writes them
    unparsed: frozenset[str] = frozenset()

    @property
    def failed(self) -> bool:
        """Whether any unsuppressed finding is at least as severe as ``fail_on`` (exit status 1)."""
        return any(not f.suppressed and f.severity.rank >= self.fail_on.rank for f in self.findings)


def _excluded(options: LintOptions, config: project_config.ProjectConfig):
    """The exclude predicate for discovery: the command line's globs (from the working directory), else the file's."""
    if options.exclude is not None:
        globs, base = tuple(options.exclude), os.path.abspath(options.cwd)
    else:
        globs, base = config.exclude, config.root or os.path.abspath(options.cwd)
    if not globs:
        return None
    from timeout_lint.globs import PathPatterns

    patterns = PathPatterns(globs, base)
    return lambda path: patterns.match(path) is not None


def _per_file_ignored(options: LintOptions, config: project_config.ProjectConfig):
    """Whether a rule's finding at a location falls under the project file's per-file-ignores."""
    if not config.per_file_ignores:
        return None
    from timeout_lint.globs import PathPatterns

    base = config.root or os.path.abspath(options.cwd)
    entries = [(PathPatterns((pattern,), base), selectors) for pattern, selectors in config.per_file_ignores]

    def ignored(rule, location) -> bool:
        path = os.path.join(options.cwd, location.file)
        return any(patterns.match(path) and any(rule.matches(s) for s in selectors) for patterns, selectors in entries)

    return ignored


def _cache_dir(options: LintOptions, config: project_config.ProjectConfig) -> str | None:
    """Where the cache is, or None: no cache (the default, nothing written). --no-cache wins; --cache or
    --cache-dir turn it on; else the project file's ``cache:`` (``cache-dir:`` alone turns it on too)."""
    if options.cache is False:
        return None
    wanted = options.cache is True or options.cache_dir is not None
    if not wanted and config.cache is not True and not (config.cache is None and config.cache_dir is not None):
        return None
    if options.cache_dir is not None:
        return os.path.join(options.cwd, options.cache_dir)
    if config.cache_dir is not None:
        return config.cache_dir
    from timeout_lint.cache import DEFAULT_DIR

    return os.path.join(config.root or os.path.abspath(options.cwd), DEFAULT_DIR)


def _read_stdin(options: LintOptions) -> InMemoryInput:
    """Standard input, read once, whole, as bytes (one byte past the limit tells that it is too big)."""
    stream = options.stdin if options.stdin is not None else getattr(sys.stdin, "buffer", None)
    return InMemoryInput(STDIN, stream.read(options.max_bytes + 1) if stream is not None else b"")


def lint(options: LintOptions) -> Report:
    """Raises cluster.ClusterError when --cluster is asked for and the cluster cannot be used at all.

    The cyclic garbage collector is off while it runs: a run allocates millions of small objects and
    frees them in bulk, nearly none in cycles, and the collector's passes over them cost a quarter
    of the time on big trees. It is switched back on (if it was on) before this returns.
    """
    import gc

    collecting = gc.isenabled()
    gc.disable()
    try:
        return _lint(options)
    finally:
        if collecting:
            gc.enable()


def _lint(options: LintOptions) -> Report:
    if not options.cwd:
        options = options._replace(cwd=os.getcwd())
    roots = given_roots(list(options.paths), options.cwd)
    config_path = options.config_file or project_config.find_project_file(roots, options.cwd)
    if config_path is not None:
        config = project_config.load(config_path, display_path(os.path.abspath(config_path), options.cwd))
    else:
        config = project_config.ProjectConfig()
    force_exclude = options.force_exclude if options.force_exclude is not None else config.force_exclude
    discovery = discover(list(options.paths), options.cwd, _excluded(options, config), force_exclude)
    cluster_problems = ()
    if options.cluster is not None:  # the only way this program touches the network
        from timeout_lint.cluster import read_cluster

        cluster = read_cluster(options.cluster)
        discovery.in_memory.extend(cluster.inputs)
        cluster_problems = cluster.problems
    if discovery.stdin:
        discovery.in_memory.append(_read_stdin(options))
    parse_options = ParseOptions(options.cwd, options.allow_outside_root, options.max_bytes, options.jobs, _cache_dir(options, config))
    inventory = parse_all(discovery, config, parse_options)
    linker = link_all(inventory)
    front = load("timeout_lint.link.edge:edge_hops")(config) if config.edge else ()
    enumeration = enumerate_paths(linker.graph, front=front)
    model = Model(
        paths=tuple(enumeration.paths),
        inventory=inventory,
        problems=tuple(inventory.problems + enumeration.problems) + tuple(cluster_problems),
        linker=linker,
    )
    file_selection = Selection(select=config.select or (), ignore=config.ignore, extend_select=config.extend_select)
    selection = options.selection if options.selection.base is not None else options.selection._replace(base=file_selection)
    findings = run(
        model, selection, severities=config.severities, options=config.rule_options, per_file_ignored=_per_file_ignored(options, config)
    )
    if config.problems:
        # the project file's own errors are reported whatever it (or the command line) selects: a
        # typo in `select` must not switch off the rule that would point at it
        own = Model(paths=(), inventory=inventory, problems=tuple(config.problems))
        findings += [f for f in run(own, Selection(select=CONFIG_RULES), severities=config.severities) if f not in findings]
        findings.sort(key=lambda f: f.sort_key)
    suppressed = sum(1 for f in findings if f.suppressed)
    if inventory.rendered_from:
        from timeout_lint.rendered import with_template_origins

        findings = with_template_origins(findings, inventory.rendered_from)
    return Report(
        findings=tuple(f for f in findings if options.show_suppressed or not f.suppressed),
        paths=model.paths,
        files_read=inventory.files_read + (1 if config_path else 0),
        unreadable=tuple(discovery.unreadable),
        config_file=config.path,
        rules=tuple(rule for rule in ALL_RULES if selection.enabled(rule)),
        root=options.cwd,
        suppressed=suppressed,
        fail_on=options.fail_on or config.fail_on or Severity.ERROR,
        objects_read=inventory.objects_read,
        unparsed=frozenset(p.location.file for p in (*model.problems, *config.problems) if p.rule in UNPARSED_RULES),
    )
