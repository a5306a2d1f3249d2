"""The pipeline, one way: discover -> parse -> link -> paths -> rules. The CLI's only entry point."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from timeout_lint import config as project_config
from timeout_lint.discover import discover
from timeout_lint.engine import Selection, run
from timeout_lint.lazy import load
from timeout_lint.link import link
from timeout_lint.model import Finding, RequestPath
from timeout_lint.parse import ParseOptions, parse_all
from timeout_lint.paths import enumerate_paths
from timeout_lint.rules import ALL_RULES
from timeout_lint.rules.base import Model, Rule
from timeout_lint.sources import DEFAULT_MAX_BYTES, display_path


@dataclass(frozen=True)
class LintOptions:
    paths: tuple[str, ...] = (".",)
    cwd: str = field(default_factory=os.getcwd)
    config_file: str | None = None  # explicit --config; otherwise found at the linted root
    selection: Selection = Selection()
    allow_outside_root: bool = False
    max_bytes: int = DEFAULT_MAX_BYTES


@dataclass(frozen=True)
class Report:
    findings: tuple[Finding, ...]
    paths: tuple[RequestPath, ...]
    files_read: int
    unreadable: tuple[str, ...]  # paths given that do not exist
    config_file: str | None
    rules: tuple[Rule, ...] = ()  # every rule that ran (SARIF lists them)
    root: str = ""  # the directory relative display paths start from (SARIF's %SRCROOT%)


def lint(options: LintOptions) -> Report:
    discovery = discover(list(options.paths), options.cwd)
    config_path = options.config_file or project_config.find_project_file(discovery.roots, options.cwd)
    if config_path is not None:
        config = project_config.load(config_path, display_path(os.path.abspath(config_path), options.cwd))
    else:
        config = project_config.ProjectConfig()
    inventory = parse_all(discovery, config, ParseOptions(options.cwd, options.allow_outside_root, options.max_bytes))
    graph = link(inventory)
    front = load("timeout_lint.link.edge:edge_hops")(config) if config.edge else ()
    enumeration = enumerate_paths(graph, front=front)
    model = Model(
        paths=tuple(enumeration.paths),
        inventory=inventory,
        problems=tuple(inventory.problems + enumeration.problems),
    )
    findings = run(model, options.selection)
    return Report(
        findings=tuple(findings),
        paths=model.paths,
        files_read=inventory.files_read + (1 if config_path else 0),
        unreadable=tuple(discovery.unreadable),
        config_file=config.path,
        rules=tuple(rule for rule in ALL_RULES if options.selection.enabled(rule)),
        root=options.cwd,
    )
