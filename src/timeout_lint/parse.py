"""Stage 2: read every discovered file with its system's parser into one Inventory of facts."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from timeout_lint.discover import Discovery, FileKind
from timeout_lint.model import Location, Problem
from timeout_lint.sources import DEFAULT_MAX_BYTES, STDIN, SourceFile, read, read_memory

if TYPE_CHECKING:  # each system's parser is imported only when a file of its kind is present
    from timeout_lint.config import ProjectConfig
    from timeout_lint.parsers.compose import ComposeService
    from timeout_lint.parsers.golang import GoServer
    from timeout_lint.parsers.kong import KongIngress
    from timeout_lint.parsers.kubernetes import KubernetesObjects
    from timeout_lint.parsers.nginx import Route
    from timeout_lint.rendered import TemplateOrigin

_TEMPLATE = re.compile(r"\{\{-?\s*[^}]*\}\}|\{%-?.*?%\}")
_KIND_LINE = re.compile(r"^\s*-?\s*kind\s*:", re.MULTILINE)
_COMPOSE_SERVICES = re.compile(r"^services\s*:", re.MULTILINE)  # a compose file's top-level key
_CONTENT_LINE = re.compile(r"^(?![ \t]*(#|---|\.\.\.|$))", re.MULTILINE)  # not blank, a comment or a document marker
_HELM_SOURCE = "# Source: "  # helm template output (see rendered.py)


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
    objects_read: int = 0  # objects read from a cluster (--cluster), each an in-memory input
    #: documents of helm template output, by file shown: which chart template each came from
    rendered_from: dict[str, tuple[TemplateOrigin, ...]] = field(default_factory=dict)

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


def read_kubernetes(source: SourceFile, inventory: Inventory) -> int:
    """One YAML file of manifests; a syntax error stops this file only. Returns how many documents are objects."""
    from timeout_lint.parsers.kubernetes import read_object
    from timeout_lint.yamlnodes import DocContext, Y, YamlSyntaxError, compose_all

    ctx = DocContext(source)
    objects = 0
    if _HELM_SOURCE in source.text:
        from timeout_lint.rendered import template_origins

        inventory.rendered_from[source.display] = template_origins(source)
    try:
        for node in compose_all(source.text):
            doc = Y(node, ctx)
            if doc.is_map and doc.get("kind") is not None:
                objects += 1
            read_object(doc, inventory.kubernetes, ctx.problems)
    except YamlSyntaxError as exc:
        template = _template_problem(source)
        inventory.problems.append(template or Problem("unparsable-input", exc.message, source.location(exc.line, exc.column)))
    inventory.problems.extend(ctx.problems)
    return objects


def read_in_memory(source: SourceFile, inventory: Inventory) -> None:
    """YAML that is no file (standard input, a cluster object): manifests, or compose as `docker compose config` prints it.

    Input that holds neither is reported: an empty pipe usually means the command before it failed.
    """
    if _COMPOSE_SERVICES.search(source.text) and not _KIND_LINE.search(source.text):
        from timeout_lint.parsers.compose import parse_compose

        result = parse_compose(source)
        inventory.compose_services.extend(result.services)
        inventory.problems.extend(result.problems)
        return
    problems_before = len(inventory.problems)
    if read_kubernetes(source, inventory) == 0 and len(inventory.problems) == problems_before:
        name = "standard input" if source.display == STDIN else source.display
        if _CONTENT_LINE.search(source.text) is None:
            message = f"{name} is empty: nothing linted (did the command before the pipe fail?)"
        else:
            message = (
                f"{name} holds no Kubernetes object (`kind:`) and no compose `services:`: nothing linted "
                "(it is read as YAML manifests; nginx configuration is read from files)"
            )
        inventory.problems.append(Problem("unparsable-input", message, source.location(1, 1)))


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

    for memory in discovery.in_memory:  # standard input and cluster objects, through the same decoding as files
        source, problems = read_memory(memory.data, memory.name, options.max_bytes, memory.fields_only)
        inventory.problems.extend(problems)
        if source is None:
            continue
        if memory.fields_only:
            inventory.objects_read += 1
        else:
            inventory.files_read += 1
        read_in_memory(source, inventory)

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
        from timeout_lint.parsers.golang import parse_go

        result = parse_go(source)
        for owner in owners:
            inventory.go_servers[owner].extend(result.servers)
        inventory.problems.extend(result.problems)
    return inventory
