"""Stage 2: read every discovered file with its system's parser into one Inventory of facts."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

from timeout_lint.discover import DiscoveredFile, Discovery, FileKind
from timeout_lint.lazy import Patterns
from timeout_lint.model import Location, Problem
from timeout_lint.sources import DEFAULT_MAX_BYTES, STDIN, SourceFile, decode, display_path, read, read_memory, template_problem

if TYPE_CHECKING:  # each system's parser is imported only when a file of its kind is present
    from timeout_lint.config import ProjectConfig
    from timeout_lint.parsers.compose import ComposeService
    from timeout_lint.parsers.golang import GoServer
    from timeout_lint.parsers.gunicorn import GunicornConfig, ServerCommand
    from timeout_lint.parsers.haproxy import HaproxyConfig
    from timeout_lint.parsers.kong import KongIngress
    from timeout_lint.parsers.kong_declarative import DeclarativeConfig
    from timeout_lint.parsers.kubernetes import KubernetesObjects
    from timeout_lint.parsers.nginx import Route
    from timeout_lint.parsers.node import NodeServer
    from timeout_lint.parsers.traefik import StaticConfig
    from timeout_lint.rendered import TemplateOrigin
    from timeout_lint.suppressions import Suppression

_RE = Patterns(
    kind_line=(r"^\s*-?\s*kind\s*:", re.MULTILINE),
    #: Kong declarative configuration (DB-less kong.yml, decK) has this key at the top level
    format_version_line=(r"^[\"']?_format_version[\"']?\s*:", re.MULTILINE),
    compose_services=(r"^services\s*:", re.MULTILINE),  # a compose file's top-level key
    content_line=(r"^(?![ \t]*(#|---|\.\.\.|$))", re.MULTILINE),  # not blank, a comment or a document marker
)
_HELM_SOURCE = "# Source: "  # helm template output (see rendered.py)


@dataclass(eq=False, repr=False)  # compared by identity; no generated __eq__/__repr__ to pay for at start-up
class Inventory:
    """Everything read, before any linking: the parse stage's whole output."""

    config: ProjectConfig
    nginx_routes: list[Route] = field(default_factory=list)
    kubernetes: KubernetesObjects = field(default_factory=lambda: _kubernetes_objects())
    #: parsed custom resources by kind ("KongIngress": [KongIngress, ...])
    custom: dict[str, list] = field(default_factory=dict)
    compose_services: list[ComposeService] = field(default_factory=list)
    #: Kong declarative configuration documents (DB-less kong.yml, decK files)
    kong_declarative: list[DeclarativeConfig] = field(default_factory=list)
    #: Traefik static configurations: traefik.yml/.yaml/.toml files, then Traefik containers' arguments
    traefik_static: list[StaticConfig] = field(default_factory=list)
    #: Go servers found under each source directory (absolute directory; parsers/appsource.py)
    go_servers: dict[str, list[GoServer]] = field(default_factory=dict)
    #: Node.js http servers found under each source directory (absolute directory)
    node_servers: dict[str, list[NodeServer]] = field(default_factory=dict)
    #: gunicorn/uvicorn commands of each compose service or workload (parsers.appsource.owner_key)
    app_commands: dict[str, list[ServerCommand]] = field(default_factory=dict)
    #: gunicorn config files read, by absolute path
    gunicorn_configs: dict[str, GunicornConfig] = field(default_factory=dict)
    haproxy_configs: list[HaproxyConfig] = field(default_factory=list)
    cwd: str = ""  # the working directory display paths are relative to
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

    objects_read: int = 0  # objects read from a cluster (--cluster), each an in-memory input
    #: documents of helm template output, by file shown: which chart template each came from
    rendered_from: dict[str, tuple[TemplateOrigin, ...]] = field(default_factory=dict)

    @property
    def kong_ingresses(self) -> list[KongIngress]:
        return self.custom.get("KongIngress", [])


class ParseOptions(NamedTuple):
    """How files are read: where from, how big, by how many processes, with which cache."""

    cwd: str
    allow_outside_root: bool = False
    max_bytes: int = DEFAULT_MAX_BYTES
    #: processes reading files at once: None decides from the tree and the machine, 1 reads in this one (batch.py)
    jobs: int | None = None
    #: where unchanged files' results are kept between runs; None (the default): no cache, nothing written
    cache_dir: str | None = None


def _kubernetes_objects():
    from timeout_lint.parsers.kubernetes import KubernetesObjects

    return KubernetesObjects()


def read_kubernetes(source: SourceFile, inventory: Inventory, declarative: bool = False) -> int:
    """One YAML file of manifests; a problem in one document stops that document only. Returns how
    many documents are Kubernetes objects.

    With ``declarative``, documents with a top-level ``_format_version`` are Kong declarative
    configuration and go to their own parser, never to the Kubernetes reader; each document is
    composed once either way. ``helm template`` output (``# Source:`` comments) keeps which chart
    template each document came from (rendered.py).
    """
    from timeout_lint.parsers.kubernetes import read_manifests, reads_kind
    from timeout_lint.prescan import Skipped
    from timeout_lint.yamlnodes import read_documents

    if _HELM_SOURCE in source.text:
        from timeout_lint.rendered import template_origins

        inventory.rendered_from[source.display] = template_origins(source)
    # objects of kinds nothing reads are passed over uncomposed (prescan.py), listed as Skipped
    documents = read_documents(source, inventory.problems, reads_kind)
    if declarative:
        from timeout_lint.parsers.kong_declarative import parse_declarative

        manifests = []
        for doc in documents:
            if not isinstance(doc, Skipped) and doc.is_map and doc.get("_format_version") is not None:
                inventory.kong_declarative.append(parse_declarative(doc, source))
            else:
                manifests.append(doc)
        documents = manifests
    read_manifests(documents, inventory.kubernetes, inventory.problems)
    return sum(1 for doc in documents if isinstance(doc, Skipped) or (doc.is_map and doc.get("kind") is not None))


def _mentions_traefik(container) -> bool:
    """Cheap test before importing the Traefik parser (which decides with is_traefik_container)."""
    return "traefik" in (container.image or "").lower() or any("traefik" in part.lower() for part in container.command[:1])


def read_traefik_static(source: SourceFile, inventory: Inventory) -> None:
    """traefik.yml/.yaml/.toml: Traefik's static configuration, or Kubernetes manifests that carry the name."""
    from timeout_lint.parsers.traefik import read_static_toml, read_static_yaml

    if source.display.lower().endswith(".toml"):
        config = read_static_toml(source, inventory.problems)
    elif _RE.kind_line.search(source.text):
        read_kubernetes(source, inventory)  # e.g. the Traefik Deployment itself, in a file named traefik.yaml
        return
    else:
        config = read_static_yaml(source, inventory.problems)
    if config is not None:
        inventory.traefik_static.append(config)


def read_haproxy(path: str, display: str, quiet: bool, inventory: Inventory, options: ParseOptions) -> None:
    """One HAProxy file; ``quiet``: found by extension only, skipped without a word unless it is HAProxy."""
    from timeout_lint.parsers.haproxy import parse_haproxy

    source, problems = read(path, display, options.max_bytes)
    if source is None or (quiet and problems):
        inventory.problems.extend(() if quiet else problems)
        return
    template = template_problem(source)
    if template is not None:  # haproxy.cfg.j2 rendered under its final name: lint the rendered file
        inventory.problems.extend(() if quiet else [template])
        return
    result = parse_haproxy(source, quiet=quiet)
    if result is None:
        return
    inventory.files_read += 1
    inventory.problems.extend(problems + result.problems)
    inventory.scan_suppressions(source, "haproxy")
    if result.config is not None:
        inventory.haproxy_configs.append(result.config)


#: Source files read only inside an app's source directory (parsers/appsource.py), never the whole
#: tree: kind -> (parser "module:function"(SourceFile) -> result with .servers/.problems, Inventory field)
#: file kind -> (parser, Inventory attribute its servers go to, comment syntax for suppressions)
APP_SOURCE_PARSERS = {
    FileKind.GO: ("timeout_lint.parsers.golang:parse_go", "go_servers", "go"),
    FileKind.NODE: ("timeout_lint.parsers.node:parse_node", "node_servers", "js"),
}


def _skipped_source(kind: FileKind, path: str) -> bool:
    """Tests, vendored and generated code never serve the app."""
    parts = path.split(os.sep)
    if kind is FileKind.GO:
        return path.endswith("_test.go") or "vendor" in parts
    name = parts[-1]
    return ".test." in name or ".spec." in name or name.endswith((".d.ts", ".min.js")) or "__tests__" in parts


def read_app_sources(
    source_files: list[tuple[FileKind, str, str]], directories: list[str], inventory: Inventory, options: ParseOptions
) -> None:
    """Go and JavaScript files, only those inside a build context or declared source directory."""
    for _parser, attribute, _syntax in APP_SOURCE_PARSERS.values():
        found = getattr(inventory, attribute)
        for directory in directories:
            found[directory] = []
    if not directories:
        return
    from timeout_lint.lazy import load

    for kind, path, display in source_files:
        owners = [d for d in directories if path.startswith(d + os.sep)]
        if not owners or _skipped_source(kind, path):
            continue
        source, problems = read(path, display, options.max_bytes)
        inventory.problems.extend(problems)
        if source is None:
            continue
        inventory.files_read += 1
        parser, attribute, syntax = APP_SOURCE_PARSERS[kind]
        inventory.scan_suppressions(source, syntax)
        result = load(parser)(source)
        for owner in owners:
            getattr(inventory, attribute)[owner].extend(result.servers)
        inventory.problems.extend(result.problems)


def _commands(inventory: Inventory):
    """(owner, container name or None, words) of every compose service and workload container."""
    for service in inventory.compose_services:
        yield service, None, service.command_words
    for workload in inventory.kubernetes.workloads:
        for container in workload.containers:
            yield workload, container.name, container.words


def read_app_commands(directories: list[str], roots: list[str], inventory: Inventory, options: ParseOptions) -> None:
    """gunicorn and uvicorn commands, and the gunicorn config files they use (read, never run)."""
    candidates = [(o, c, w) for o, c, w in _commands(inventory) if any("gunicorn" in a.text or "uvicorn" in a.text for a in w)]
    if not candidates:
        return
    from timeout_lint.parsers.appsource import owner_key
    from timeout_lint.parsers.commands import find_program
    from timeout_lint.parsers.gunicorn import PROGRAMS, config_candidates, parse_command, parse_gunicorn_config

    for owner, container, words in candidates:
        invocation = find_program(words, PROGRAMS)
        if invocation is None:
            continue
        command = parse_command(invocation, inventory.problems, container)
        inventory.app_commands.setdefault(owner_key(owner), []).append(command)
        if command.program != "gunicorn":
            continue
        near = [*directories, *([owner.project_dir] if hasattr(owner, "project_dir") else [])]
        for path in config_candidates(command.config, near):
            if path in inventory.gunicorn_configs or not os.path.isfile(path):
                continue
            if not options.allow_outside_root and not any(path.startswith(os.path.join(root, "")) for root in roots):
                continue  # like includes and source files: nothing outside the linted paths is opened
            source, problems = read(path, display_path(path, options.cwd), options.max_bytes)
            inventory.problems.extend(problems)
            if source is None:
                continue
            inventory.files_read += 1
            inventory.scan_suppressions(source, "hash")
            result = parse_gunicorn_config(source)
            inventory.problems.extend(result.problems)
            if result.config is not None:
                inventory.gunicorn_configs[path] = result.config


def read_in_memory(source: SourceFile, inventory: Inventory) -> None:
    """YAML that is no file (standard input, a cluster object): manifests, or compose as `docker compose config` prints it.

    Input that holds neither is reported: an empty pipe usually means the command before it failed.
    """
    if _RE.compose_services.search(source.text) and not _RE.kind_line.search(source.text):
        from timeout_lint.parsers.compose import parse_compose

        result = parse_compose(source)
        inventory.compose_services.extend(result.services)
        inventory.problems.extend(result.problems)
        return
    problems_before = len(inventory.problems)
    if read_kubernetes(source, inventory) == 0 and len(inventory.problems) == problems_before:
        name = "standard input" if source.display == STDIN else source.display
        if _RE.content_line.search(source.text) is None:
            message = f"{name} is empty: nothing linted (did the command before the pipe fail?)"
        else:
            message = (
                f"{name} holds no Kubernetes object (`kind:`) and no compose `services:`: nothing linted "
                "(it is read as YAML manifests; nginx configuration is read from files)"
            )
        inventory.problems.append(Problem("unparsable-input", message, source.location(1, 1)))


#: Files each read on its own, into an Inventory of their own (merged in discovery order): these can
#: be read in worker processes and kept in the cache (batch.py). The others depend on each other
#: (nginx includes, app sources found through the manifests) or are few (HAProxy).
PER_FILE_KINDS = frozenset({FileKind.COMPOSE, FileKind.YAML, FileKind.TRAEFIK_STATIC})


class FileResult(NamedTuple):
    """What reading one file adds: an Inventory holding only that file's facts and problems, and its
    custom resources, parsed (kind, object or None, the problems reported while parsing it)."""

    inventory: Inventory
    custom: tuple[tuple[str, object, list[Problem]], ...] = ()


def read_file(path: str, display: str, kind: FileKind, options: ParseOptions, data: bytes | None = None) -> FileResult:
    """One file of PER_FILE_KINDS, on its own (in this process or a worker's); ``data``: its bytes, when already read."""
    inventory = Inventory(config=None, cwd=options.cwd)
    source, problems = read(path, display, options.max_bytes) if data is None else decode(data, path, display)
    inventory.problems.extend(problems)
    if source is None:
        return FileResult(inventory)
    inventory.files_read += 1
    inventory.scan_suppressions(source, "hash" if display.lower().endswith(".toml") else "yaml")
    if kind is FileKind.COMPOSE:
        from timeout_lint.parsers.compose import parse_compose

        result = parse_compose(source)
        inventory.compose_services.extend(result.services)
        inventory.problems.extend(result.problems)
    elif kind is FileKind.YAML:
        declarative = "_format_version" in source.text and _RE.format_version_line.search(source.text) is not None
        if declarative or _RE.kind_line.search(source.text):  # neither: nothing to compose
            read_kubernetes(source, inventory, declarative)
    elif kind is FileKind.TRAEFIK_STATIC:
        read_traefik_static(source, inventory)
    return FileResult(inventory, take_custom_resources(inventory))


def take_custom_resources(inventory: Inventory) -> tuple[tuple[str, object, list[Problem]], ...]:
    """Parse the custom resources read_kubernetes collected, and let go of their documents.

    What a document reports while its resource is parsed is kept apart, so that parse_all can list it
    where it always has: after every file's own problems, kind by kind (see add_custom_resources).
    """
    collected = inventory.kubernetes.custom
    if not collected:
        return ()
    from timeout_lint.lazy import load
    from timeout_lint.parsers.kubernetes import CUSTOM_RESOURCES

    found = []
    for kind, documents in collected.items():
        parse_resource = load(CUSTOM_RESOURCES[kind])
        for meta, doc in documents:
            context = doc.ctx
            kept, context.problems = context.problems, []
            try:
                parsed = parse_resource(meta, doc)
            finally:
                reported, context.problems = context.problems, kept
            found.append((kind, parsed, reported))
    collected.clear()
    return tuple(found)


def add_custom_resources(inventory: Inventory, found: list[tuple[str, object, list[Problem]]]) -> None:
    by_kind: dict[str, list[tuple[object, list[Problem]]]] = {}
    for kind, parsed, reported in found:
        by_kind.setdefault(kind, []).append((parsed, reported))
    for kind, entries in sorted(by_kind.items()):
        for _parsed, reported in entries:
            inventory.problems.extend(reported)
        inventory.custom[kind] = [parsed for parsed, _ in entries if parsed is not None]  # None: another group's kind
        for item in inventory.custom[kind]:  # problems found while parsing a resource travel on it
            inventory.problems.extend(getattr(item, "problems", ()))


def merge(into, part) -> None:
    """Add what one file's Inventory (or a dataclass field of it) holds to the run's: lists extended,
    sets updated, counts added, dictionaries merged key by key (lists under one key extended). Field by
    field, so that a field added to Inventory is merged too; a type this does not know is an error."""
    for name in part.__dataclass_fields__:
        value = getattr(part, name)
        if name in ("config", "cwd") or not value:
            continue
        target = getattr(into, name)
        if isinstance(value, list):
            target.extend(value)
        elif isinstance(value, set):
            target.update(value)
        elif isinstance(value, dict):
            for key, item in value.items():
                if isinstance(item, list) and isinstance(target.get(key), list):
                    target[key].extend(item)
                else:
                    target[key] = item
        elif isinstance(value, int) and not isinstance(value, bool):
            setattr(into, name, target + value)
        elif hasattr(value, "__dataclass_fields__"):
            merge(target, value)
        else:
            raise TypeError(f"cannot merge Inventory field {name} of type {type(value).__name__}")


def _read_nginx(discovery: Discovery, options: ParseOptions):
    """Every nginx file of the discovery (includes followed), or None when there is none."""
    candidates = [
        (item.path, item.kind is FileKind.NGINX, item.explicit)
        for item in discovery.files
        if item.kind is FileKind.NGINX or item.kind is FileKind.MAYBE_NGINX
    ]
    if not candidates:
        return None
    import gc

    from timeout_lint.parsers.nginx import parse_nginx

    result = parse_nginx(candidates, discovery.roots, options.cwd, options.allow_outside_root, options.max_bytes)
    # crossplane leaves each file's parse in a reference cycle (its recursive closures), and the cyclic
    # collector is off during a run (lint.lint): collected here, before the manifests fill the heap
    gc.collect()
    return result


def _read_other(item: DiscoveredFile, inventory: Inventory, source_files: list[tuple[FileKind, str, str]], options: ParseOptions) -> None:
    """A file of no kind of PER_FILE_KINDS: app sources are set aside for later, HAProxy is read (nginx is read apart)."""
    if item.kind is FileKind.NGINX or item.kind is FileKind.MAYBE_NGINX:
        return
    if item.kind in APP_SOURCE_PARSERS:
        source_files.append((item.kind, item.path, item.display))
        return
    if item.kind is FileKind.PROJECT_CONFIG:
        return  # read by config.load before this stage
    if item.kind is FileKind.HAPROXY or item.kind is FileKind.MAYBE_HAPROXY:
        read_haproxy(item.path, item.display, item.kind is FileKind.MAYBE_HAPROXY, inventory, options)
        return
    if item.kind is FileKind.UNKNOWN:
        inventory.problems.append(
            Problem(
                "unparsable-input",
                "not a kind of file timeout-lint reads (nginx .conf, YAML manifests, compose files)",
                Location(item.display, 1, 1),
            )
        )
        return
    source, problems = read(item.path, item.display, options.max_bytes)
    inventory.problems.extend(problems)
    if source is None:
        return
    inventory.files_read += 1


def parse_all(discovery: Discovery, config: ProjectConfig, options: ParseOptions) -> Inventory:
    """Every file of the discovery, read into one Inventory, in discovery order.

    Files of PER_FILE_KINDS are read by batch.read_files: in worker processes when the tree is big
    enough for that to pay, from the cache when options.cache_dir is set (--cache); either way their
    results are merged here in discovery order, so the Inventory is the same.
    """
    inventory = Inventory(config=config, cwd=options.cwd)
    inventory.problems.extend(config.problems)
    for loop in discovery.symlink_loops:
        inventory.problems.append(
            Problem("skipped-input", "directory symlink loop: it leads back to a directory already walked; not followed", loop)
        )
    source_files: list[tuple[FileKind, str, str]] = []
    from timeout_lint.batch import read_files

    results = read_files([item for item in discovery.files if item.kind in PER_FILE_KINDS], options)
    try:
        # nginx is read here while worker processes (if any) read the manifests; it joins the inventory
        # where it always has, after every file of the loop below
        nginx = _read_nginx(discovery, options)
        custom: list[tuple[str, object, list[Problem]]] = []
        for item in discovery.files:
            if item.kind in PER_FILE_KINDS:
                result = next(results)
                merge(inventory, result.inventory)
                custom.extend(result.custom)
                continue
            _read_other(item, inventory, source_files, options)
    finally:
        results.close()

    for memory in discovery.in_memory:  # standard input and cluster objects, through the same decoding as files
        source, problems = read_memory(memory.data, memory.name, options.max_bytes, memory.fields_only)
        inventory.problems.extend(problems)
        if source is None:
            continue
        if memory.fields_only:
            inventory.objects_read += 1
        else:
            inventory.files_read += 1
        inventory.scan_suppressions(source, "yaml")
        read_in_memory(source, inventory)

    custom.extend(take_custom_resources(inventory))  # standard input's and the cluster's
    if custom:
        add_custom_resources(inventory, custom)

    if any(_mentions_traefik(c) for w in inventory.kubernetes.workloads for c in w.containers):
        from timeout_lint.parsers.traefik import static_from_workloads

        inventory.traefik_static.extend(static_from_workloads(inventory.kubernetes.workloads, inventory.problems))

    if nginx is not None:
        inventory.nginx_routes.extend(nginx.routes)
        inventory.problems.extend(nginx.problems)
        inventory.files_read += nginx.files_read
        for nginx_source in nginx.sources:
            inventory.scan_suppressions(nginx_source, "nginx")

    if inventory.compose_services or inventory.kubernetes.workloads:
        from timeout_lint.parsers.appsource import all_source_dirs

        directories = all_source_dirs(inventory, options.cwd)
        read_app_sources(source_files, directories, inventory, options)
        read_app_commands(directories, discovery.roots, inventory, options)
    inventory.suppressions.extend(inventory.kubernetes.suppressions)
    return inventory
