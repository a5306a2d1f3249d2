"""The pipeline, one way: discover -> parse -> link -> paths -> rules. The CLI's only entry point."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, BinaryIO

from timeout_lint import config as project_config
from timeout_lint.discover import InMemoryInput, discover
from timeout_lint.engine import Selection, run
from timeout_lint.link import link
from timeout_lint.model import Finding, RequestPath
from timeout_lint.parse import ParseOptions, parse_all
from timeout_lint.paths import enumerate_paths
from timeout_lint.rules.base import Model
from timeout_lint.sources import DEFAULT_MAX_BYTES, STDIN, display_path

if TYPE_CHECKING:
    from timeout_lint.cluster import ClusterOptions


@dataclass(frozen=True)
class LintOptions:
    paths: tuple[str, ...] = (".",)
    cwd: str = field(default_factory=os.getcwd)
    config_file: str | None = None  # explicit --config; otherwise found at the linted root
    selection: Selection = Selection()
    allow_outside_root: bool = False
    max_bytes: int = DEFAULT_MAX_BYTES
    stdin: BinaryIO | None = None  # read when a path is `-`; None: the process's standard input
    cluster: ClusterOptions | None = None  # also lint objects read from a live cluster (--cluster)


@dataclass(frozen=True)
class Report:
    findings: tuple[Finding, ...]
    paths: tuple[RequestPath, ...]
    files_read: int
    unreadable: tuple[str, ...]  # paths given that do not exist
    config_file: str | None
    objects_read: int = 0  # objects read from a cluster


def _read_stdin(options: LintOptions) -> InMemoryInput:
    """Standard input, read once, whole, as bytes (one byte past the limit tells that it is too big)."""
    stream = options.stdin if options.stdin is not None else getattr(sys.stdin, "buffer", None)
    return InMemoryInput(STDIN, stream.read(options.max_bytes + 1) if stream is not None else b"")


def lint(options: LintOptions) -> Report:
    """Raises cluster.ClusterError when --cluster is asked for and the cluster cannot be used at all."""
    discovery = discover(list(options.paths), options.cwd)
    cluster_problems = ()
    if options.cluster is not None:  # the only way this program touches the network
        from timeout_lint.cluster import read_cluster

        cluster = read_cluster(options.cluster)
        discovery.in_memory.extend(cluster.inputs)
        cluster_problems = cluster.problems
    if discovery.stdin:
        discovery.in_memory.append(_read_stdin(options))
    config_path = options.config_file or project_config.find_project_file(discovery.roots, options.cwd)
    if config_path is not None:
        config = project_config.load(config_path, display_path(os.path.abspath(config_path), options.cwd))
    else:
        config = project_config.ProjectConfig()
    inventory = parse_all(discovery, config, ParseOptions(options.cwd, options.allow_outside_root, options.max_bytes))
    graph = link(inventory)
    enumeration = enumerate_paths(graph)
    model = Model(
        paths=tuple(enumeration.paths),
        inventory=inventory,
        problems=tuple(inventory.problems + enumeration.problems) + tuple(cluster_problems),
    )
    findings = run(model, options.selection)
    if inventory.rendered_from:
        from timeout_lint.rendered import with_template_origins

        findings = with_template_origins(findings, inventory.rendered_from)
    return Report(
        findings=tuple(findings),
        paths=model.paths,
        files_read=inventory.files_read + (1 if config_path else 0),
        unreadable=tuple(discovery.unreadable),
        config_file=config.path,
        objects_read=inventory.objects_read,
    )
