"""The project file, ``.timeout-lint.yaml`` or ``[tool.timeout-lint]`` in pyproject.toml.

Both are validated with jsonschema against the shipped schema (its ``rules`` part filled in from the
rule catalogue, so each rule's options are checked by name). Every schema error becomes a problem at
the file and line of the offending value; the valid parts of the file are still used. pyproject.toml
is read with tomllib and turned into the same node tree (tomlconfig.py), so both forms are read by
the same code; its positions are best effort.

Which file: the first of the linted directories (then the working directory) that has one; in that
directory ``.timeout-lint.yaml`` (or ``.yml``) wins over pyproject.toml, whose table is then not read
at all (one file wins, as in ruff: no merging). A pyproject.toml without ``[tool.timeout-lint]`` does
not count. Command-line flags override the file's settings.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

from timeout_lint.durations import DurationError, parse_declared
from timeout_lint.model import Location, Problem, Severity, WorstCase
from timeout_lint.parsers.declarations import AppDeclaration
from timeout_lint.sources import SourceFile, read

if TYPE_CHECKING:
    from timeout_lint.yamlnodes import Y


class Version(NamedTuple):
    """A version as written (``kong-ingress-controller: "2.12"``), with its parts as numbers."""

    parts: tuple[int, ...]
    raw: str
    location: Location

    def at_least(self, *wanted: int) -> bool:
        return self.parts >= wanted


class EdgeDeclaration(NamedTuple):
    """An ``edge:`` entry: a hop no file describes, with the timeouts written on it."""

    system: str | None  # a known edge ("cloudflare") whose defaults apply
    name: str | None
    timeouts: tuple[tuple[str, float, str, Location], ...]  # (key, seconds, raw, location): first-byte, idle, total
    location: Location  # the entry


@dataclass(eq=False, repr=False)  # compared by identity; no generated __eq__/__repr__ to pay for at start-up
class ProjectConfig:
    """The project file's settings (all defaults when there is none)."""

    path: str | None = None  # display path of the file, if there is one
    apps: list[AppDeclaration] = field(default_factory=list)
    kong_ingress_controller: Version | None = None
    edge: list[EdgeDeclaration] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # -- what runs and how it is reported (read by settings.py; command-line flags override them) --
    root: str | None = None  # absolute directory of the project file: relative globs are anchored there
    select: tuple[str, ...] | None = None  # None: not set (the rules on by default run)
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    severities: dict[str, Severity] = field(default_factory=dict)  # code -> severity
    rule_options: dict[str, object] = field(default_factory=dict)  # code -> the rule's options instance
    exclude: tuple[str, ...] = ()
    force_exclude: bool = False
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (glob, selectors)
    fail_on: Severity | None = None
    # -- the on-disk cache (off unless asked for; --cache / --no-cache override) --
    cache: bool | None = None  # `cache:`; None: not set
    cache_dir: str | None = None  # `cache-dir:`, absolute (written relative to the project file)


DURATION_PATTERN = "^([0-9]+(\\.[0-9]+)?(ms|h|m|s))+$"


def load_schema(name: str = "config.schema.json") -> dict:
    import json
    from importlib import resources

    return json.loads(resources.files("timeout_lint.schema").joinpath(name).read_text("utf-8"))


def _node_at(root: Y, path) -> Y:
    """The deepest node along a jsonschema error path, for its position."""
    node = root
    for part in path:
        child = node.get(part)
        if child is None:
            break
        node = child
    return node


def _describe(path) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else ("." if out else "") + str(part)
    return out


def _schema_message(error) -> str:
    from timeout_lint.settings import settings_message

    special = settings_message(error)
    if special is not None:
        return special
    if error.validator == "additionalProperties":
        extra = re.findall(r"'([^']+)' was unexpected", error.message)
        if extra:
            return f"unknown key {', '.join(repr(e) for e in extra)}"
    if error.validator in ("pattern", "type") and error.schema.get("pattern") == DURATION_PATTERN:
        try:
            parse_declared(str(error.instance))
        except DurationError as exc:
            return str(exc)
    if error.validator == "required":
        return error.message.replace("is a required property", "is required")
    return error.message


def validate(root: Y, schema: dict) -> list[tuple[tuple, str, Location]]:
    """Schema errors as (path, message, location), sorted by position."""
    from jsonschema import (
        Draft202012Validator,  # imported only when there is something to validate
    )

    from timeout_lint.yamlnodes import ExpansionError

    try:
        instance = root.to_python()
    except ExpansionError as exc:
        return [((), str(exc), root.location)]
    errors = []
    for error in Draft202012Validator(schema).iter_errors(instance):
        path = tuple(error.absolute_path)
        node = _node_at(root, path)
        # point at the key for unknown keys, at the value otherwise
        location = node.location
        if error.validator == "additionalProperties":
            extra = re.findall(r"'([^']+)' was unexpected", error.message)
            if extra and node.key_location(extra[0]) is not None:
                location = node.key_location(extra[0])
        errors.append((path, _schema_message(error), location))
    errors.sort(key=lambda e: (e[2].line, e[2].column or 0, e[1]))
    return errors


def load(path: str, display: str) -> ProjectConfig:
    config = ProjectConfig(path=display, root=os.path.dirname(os.path.abspath(path)))
    source, problems = read(path, display)
    config.problems.extend(problems)
    if source is None:
        return config
    if path.endswith(".toml"):
        return parse_pyproject(source, config)
    return parse_config(source, config)


def parse_pyproject(source: SourceFile, config: ProjectConfig) -> ProjectConfig:
    """``[tool.timeout-lint]`` of a pyproject.toml, read like a YAML project file."""
    from timeout_lint.tomlconfig import TomlError, compose_table

    try:
        node = compose_table(source.text)
    except TomlError as exc:
        config.problems.append(Problem("unparsable-input", exc.message, source.location(exc.line, exc.column)))
        return config
    return parse_config(source, config, [node] if node is not None else [])


def parse_config(source: SourceFile, config: ProjectConfig, nodes: list | None = None) -> ProjectConfig:
    """The project file's settings; ``nodes`` is the already composed document (pyproject.toml), else the YAML is composed here."""
    from timeout_lint.yamlnodes import DocContext, Y, YamlSyntaxError, compose_all

    ctx = DocContext(source)
    try:
        documents = list(compose_all(source.text)) if nodes is None else nodes
    except YamlSyntaxError as exc:
        config.problems.append(Problem("unparsable-input", exc.message, source.location(exc.line, exc.column)))
        return config
    if not documents:
        return config
    if len(documents) > 1:
        config.problems.append(
            Problem("invalid-configuration", "the project file must hold one YAML document; only the first is read", source.location(1, 1))
        )
    root = Y(documents[0], ctx)
    if not root.is_map:
        config.problems.append(Problem("invalid-configuration", f"the project file must be a mapping, not a {root.shape}", root.location))
        return config
    from timeout_lint.settings import project_schema, read_settings

    errors = validate(root, project_schema(load_schema()))
    bad_paths = {path for path, _, _ in errors}
    for path, message, location in errors:
        where = _describe(path)
        config.problems.append(Problem("invalid-configuration", f"{where}: {message}" if where else message, location))

    def ok(*path) -> bool:
        return not any(bad[: len(path)] == path for bad in bad_paths)

    apps = root.get("apps")
    for index, item in enumerate(apps.seq() if apps is not None else ()):
        if not ok("apps", index):
            continue
        worst = item.get("worst-case-response")
        first = item.get("first-byte")
        gap = item.get("max-gap")
        total = _declared(worst, f"apps[{index}].worst-case-response", config.problems)
        if total is None:
            continue
        optional: dict[str, float | None] = {}
        for name, node in (("first-byte", first), ("max-gap", gap)):
            seconds = _declared(node, f"apps[{index}].{name}", config.problems) if node is not None else None
            if seconds is not None and seconds > total:
                config.problems.append(
                    Problem(
                        "invalid-configuration",
                        f"apps[{index}].{name} {node.text} is longer than worst-case-response {worst.text}",
                        node.location,
                    )
                )
                seconds = None
            optional[name] = seconds
        first_seconds, gap_seconds = optional["first-byte"], optional["max-gap"]
        source_dir, source_location = _source_directory(item, index, source, config)
        config.apps.append(
            AppDeclaration(
                service=item.str_at("service"),
                namespace=item.str_at("namespace"),
                worst_case=WorstCase(
                    total=total,
                    total_raw=worst.text,
                    location=item.key_location("worst-case-response"),
                    first_byte=first_seconds,
                    first_byte_raw=first.text if first_seconds is not None else None,
                    max_gap=gap_seconds,
                    max_gap_raw=gap.text if gap_seconds is not None else None,
                ),
                location=item.location,
                source=source_dir,
                source_location=source_location,
            )
        )
    edge = root.get("edge")
    for index, item in enumerate(edge.seq() if edge is not None else ()):
        if not ok("edge", index):
            continue
        declaration = _edge(item, index, config.problems)
        if declaration is not None:
            config.edge.append(declaration)
    kic = root.get("kong-ingress-controller")
    if kic is not None and ok("kong-ingress-controller") and kic.text:
        config.kong_ingress_controller = Version(
            tuple(int(p) for p in kic.text.split(".")), kic.text, root.key_location("kong-ingress-controller")
        )
    read_settings(root, config, ok)
    cache = root.get("cache")
    if cache is not None and ok("cache"):
        config.cache = cache.plain_value() is True
    cache_dir = root.get("cache-dir")
    if cache_dir is not None and ok("cache-dir") and cache_dir.text:
        config.cache_dir = os.path.join(os.path.dirname(os.path.abspath(source.path)), cache_dir.text)
    config.problems.extend(ctx.problems)
    config.problems.sort(key=lambda p: (p.location.line, p.location.column or 0))
    return config


def _source_directory(item: Y, index: int, source: SourceFile, config: ProjectConfig) -> tuple[str | None, Location | None]:
    """An apps entry's `source:`, as an absolute directory relative to the project file; it must exist."""
    node = item.get("source")
    if node is None or not node.text:
        return None, None
    base = os.path.dirname(os.path.abspath(source.path))
    directory = os.path.normpath(os.path.join(base, node.text))
    if not os.path.isdir(directory):
        config.problems.append(
            Problem(
                "invalid-configuration", f"apps[{index}].source: {node.text!r} is not a directory (relative to this file)", node.location
            )
        )
        return None, None
    return directory, node.location


def _declared(node: Y, where: str, problems: list[Problem]) -> float | None:
    """Seconds of a duration the schema let through; what it cannot catch (``0s``) is a problem at the value."""
    try:
        return parse_declared(node.text or "")
    except DurationError as exc:
        problems.append(Problem("invalid-configuration", f"{where}: {exc}", node.location))
        return None


EDGE_TIMEOUT_KEYS = ("first-byte", "idle", "total")


def _edge(item: Y, index: int, problems: list[Problem]) -> EdgeDeclaration | None:
    system, name = item.str_at("system"), item.str_at("name")
    timeouts = []
    for key in EDGE_TIMEOUT_KEYS:
        node = item.get(key)
        if node is None:
            continue
        seconds = _declared(node, f"edge[{index}].{key}", problems)
        if seconds is None:
            return None
        timeouts.append((key, seconds, node.text, item.key_location(key)))
    if system is None and name is None:
        problems.append(Problem("invalid-configuration", f"edge[{index}]: give the system (cloudflare) or a name", item.location))
        return None
    if system is None and not timeouts:
        problems.append(
            Problem("invalid-configuration", f"edge[{index}]: {name} needs at least one of first-byte, idle, total", item.location)
        )
        return None
    return EdgeDeclaration(system, name, tuple(timeouts), item.location)


def find_project_file(roots: list[str], cwd: str) -> str | None:
    """The project file of the first linted directory that has one, else of the working directory.

    In one directory ``.timeout-lint.yaml`` wins over a pyproject.toml with ``[tool.timeout-lint]``.
    """
    from timeout_lint.discover import PROJECT_CONFIG_NAMES

    for directory in [*roots, cwd]:
        for name in PROJECT_CONFIG_NAMES:
            candidate = os.path.join(directory, name)
            if os.path.isfile(candidate):
                return candidate
        pyproject = os.path.join(directory, "pyproject.toml")
        if os.path.isfile(pyproject) and _has_tool_table(pyproject):
            return pyproject
    return None


def _may_name_tool_table(text: str) -> bool:
    """Whether a TOML text may define tool.timeout-lint, cheaply, before tomllib (which has the last
    word) is imported. No only when every line that says ``timeout-lint`` is a key of a ``[project]``
    table: the package's own name, its command in ``[project.scripts]``, a dependency on it. A bare
    ``[project`` at the start of a line is a table header in any valid TOML (an array cannot hold a
    bare word); a multi-line string could hold such a line, so a text with one is always parsed."""
    if "timeout-lint" not in text:
        return False
    if '"""' in text or "'''" in text:
        return True
    in_project = False
    for line in text.splitlines():
        stripped = line.lstrip()
        header = stripped.startswith("[")
        if header:
            in_project = stripped.startswith(("[project]", "[project."))
        if "timeout-lint" in line and (header or not in_project):
            return True
    return False


def _has_tool_table(path: str) -> bool:
    """Whether a pyproject.toml configures timeout-lint; a broken one that names the table counts (to report it)."""
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            text = handle.read()
    except OSError:
        return False
    # only a file that could define the table is parsed (tomllib costs a few milliseconds to import)
    if not _may_name_tool_table(text):
        return False
    import tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return "[tool.timeout-lint" in text
    tool = data.get("tool")
    return isinstance(tool, dict) and "timeout-lint" in tool
