"""Stage 2: read every discovered file with its system's parser into one Inventory of facts."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from timeout_lint.discover import Discovery, FileKind
from timeout_lint.model import Location, Problem
from timeout_lint.sources import DEFAULT_MAX_BYTES, SourceFile, read

if TYPE_CHECKING:  # each system's parser is imported only when a file of its kind is present
    from timeout_lint.config import ProjectConfig
    from timeout_lint.parsers.compose import ComposeService
    from timeout_lint.parsers.golang import GoServer
    from timeout_lint.parsers.kong import KongIngress
    from timeout_lint.parsers.kubernetes import KubernetesObjects
    from timeout_lint.parsers.nginx import Route
    from timeout_lint.suppressions import Suppression

_TEMPLATE = re.compile(r"\{\{-?\s*[^}]*\}\}|\{%-?.*?%\}")
_KIND_LINE = re.compile(r"^\s*-?\s*kind\s*:", re.MULTILINE)


@dataclass
class Inventory:
    """Everything read, before any linking: the parse stage's whole output."""

    config: ProjectConfig
    nginx_routes: list[Route] = field(default_factory=list)
    kubernetes: KubernetesObjects = field(default_factory=lambda: _kubernetes_objects())
    #: parsed custom resources by kind ("KongIngress": [KongIngress, ...])
    custom: dict[str, list] = field(default_factory=dict)
    compose_services: list[ComposeService] = field(default_factory=list)
    #: Go servers found under each build context (absolute directory)
    go_servers: dict[str, list[GoServer]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    files_read: int = 0
    #: inline suppressions of every file read (comments) and object (annotations); see suppressions.py
    suppressions: list[Suppression] = field(default_factory=list)

    def scan_suppressions(self, source: SourceFile, syntax: str) -> None:
        """Collect the suppression comments of a file a parser read (syntax: a key of suppressions.SYNTAXES)."""
        if "timeout-lint:" not in source.text:  # suppressions.MARKER: nearly every file has none
            return
        from timeout_lint.suppressions import scan

        found, problems = scan(source, syntax)
        self.suppressions.extend(found)
        self.problems.extend(problems)

    @property
    def kong_ingresses(self) -> list[KongIngress]:
        return self.custom.get("KongIngress", [])


@dataclass(frozen=True, slots=True)
class ParseOptions:
    cwd: str
    allow_outside_root: bool = False
    max_bytes: int = DEFAULT_MAX_BYTES


def _kubernetes_objects():
    from timeout_lint.parsers.kubernetes import KubernetesObjects

    return KubernetesObjects()


def _template_problem(source: SourceFile) -> Problem | None:
    match = _TEMPLATE.search(source.text)
    if match is None:
        return None
    line = source.text.count("\n", 0, match.start()) + 1
    return Problem(
        "skipped-template",
        "a Helm/Jinja template, not linted; lint its rendered output (helm template . | timeout-lint -)",
        source.location(line, 1),
    )


def read_kubernetes(source: SourceFile, inventory: Inventory) -> None:
    """One YAML file of manifests; a syntax error stops this file only."""
    from timeout_lint.parsers.kubernetes import read_object
    from timeout_lint.yamlnodes import DocContext, Y, YamlSyntaxError, compose_all

    ctx = DocContext(source)
    try:
        for node in compose_all(source.text):
            read_object(Y(node, ctx), inventory.kubernetes, ctx.problems)
    except YamlSyntaxError as exc:
        template = _template_problem(source)
        inventory.problems.append(template or Problem("unparsable-input", exc.message, source.location(exc.line, exc.column)))
    inventory.problems.extend(ctx.problems)


def parse_all(discovery: Discovery, config: ProjectConfig, options: ParseOptions) -> Inventory:
    inventory = Inventory(config=config)
    inventory.problems.extend(config.problems)
    nginx_candidates: list[tuple[str, bool, bool]] = []
    go_files: list[tuple[str, str]] = []
    for item in discovery.files:
        if item.kind is FileKind.NGINX or item.kind is FileKind.MAYBE_NGINX:
            nginx_candidates.append((item.path, item.kind is FileKind.NGINX, item.explicit))
            continue
        if item.kind is FileKind.GO:
            go_files.append((item.path, item.display))
            continue
        if item.kind is FileKind.PROJECT_CONFIG:
            continue  # read by config.load before this stage
        if item.kind is FileKind.UNKNOWN:
            inventory.problems.append(
                Problem(
                    "unparsable-input",
                    "not a kind of file timeout-lint reads (nginx .conf, YAML manifests, compose files)",
                    Location(item.display, 1, 1),
                )
            )
            continue
        source, problems = read(item.path, item.display, options.max_bytes)
        inventory.problems.extend(problems)
        if source is None:
            continue
        inventory.files_read += 1
        if item.kind is FileKind.COMPOSE or item.kind is FileKind.YAML:
            inventory.scan_suppressions(source, "yaml")
        if item.kind is FileKind.COMPOSE:
            from timeout_lint.parsers.compose import parse_compose

            result = parse_compose(source)
            if result.problems and any(p.rule == "unparsable-input" and p.message.startswith("invalid YAML") for p in result.problems):
                template = _template_problem(source)
                if template is not None:
                    inventory.problems.append(template)
                    continue
            inventory.compose_services.extend(result.services)
            inventory.problems.extend(result.problems)
        elif item.kind is FileKind.YAML:
            if not _KIND_LINE.search(source.text):
                continue  # no `kind:` anywhere: not a manifest, nothing to compose
            read_kubernetes(source, inventory)

    if inventory.kubernetes.custom:
        from timeout_lint.lazy import load
        from timeout_lint.parsers.kubernetes import CUSTOM_RESOURCES

        for kind, documents in sorted(inventory.kubernetes.custom.items()):
            parse_resource = load(CUSTOM_RESOURCES[kind])
            inventory.custom[kind] = [parse_resource(meta, doc) for meta, doc in documents]

    if nginx_candidates:
        from timeout_lint.parsers.nginx import parse_nginx

        nginx = parse_nginx(nginx_candidates, discovery.roots, options.cwd, options.allow_outside_root, options.max_bytes)
        inventory.nginx_routes.extend(nginx.routes)
        inventory.problems.extend(nginx.problems)
        inventory.files_read += nginx.files_read
        for nginx_source in nginx.sources:
            inventory.scan_suppressions(nginx_source, "nginx")

    # Go sources are read only where a build context points (never the whole tree)
    contexts = sorted({s.build_context for s in inventory.compose_services if s.build_context})
    for context in contexts:
        inventory.go_servers[context] = []
    for path, display in go_files:
        owners = [c for c in contexts if path.startswith(c + os.sep)]
        if not owners or path.endswith("_test.go") or f"{os.sep}vendor{os.sep}" in path:
            continue
        source, problems = read(path, display, options.max_bytes)
        inventory.problems.extend(problems)
        if source is None:
            continue
        inventory.files_read += 1
        inventory.scan_suppressions(source, "go")
        from timeout_lint.parsers.golang import parse_go

        result = parse_go(source)
        for owner in owners:
            inventory.go_servers[owner].extend(result.servers)
        inventory.problems.extend(result.problems)
    inventory.suppressions.extend(inventory.kubernetes.suppressions)
    return inventory
