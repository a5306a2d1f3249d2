"""docker-compose files: services, their labels (map or list form), build contexts and commands.

A compose service name is also a hostname on the project's network, which is how nginx's
``proxy_pass http://app:8080`` reaches the service ``app``.
"""

from __future__ import annotations

import os
import shlex
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

from timeout_lint.model import Location, Problem, WorstCase
from timeout_lint.parsers.declarations import Entry, worst_case_from_entries
from timeout_lint.sources import SourceFile
from timeout_lint.yamlnodes import Y, read_documents

if TYPE_CHECKING:
    from timeout_lint.parsers.commands import Arg


class ComposeService(NamedTuple):
    file: str  # display path of the compose file
    project_dir: str  # absolute directory of the compose file
    name: str
    location: Location  # the service's key
    labels: dict[str, Entry]
    build_context: str | None  # absolute directory with the service's source
    image: str | None
    command: tuple[str, ...]
    command_location: Location | None
    worst_case: WorstCase | None
    command_words: tuple[Arg, ...] = ()  # the command's words, each where it is written


@dataclass
class ComposeResult:
    """A compose file read: its services, and its problems."""

    services: list[ComposeService] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def _labels(node: Y | None) -> dict[str, Entry]:
    out: dict[str, Entry] = {}
    if node is None:
        return out
    if node.is_map:
        for key, value, key_location in node.items():
            out[key] = Entry(key, value.text if value.is_scalar else None, key_location, value.location, value.quoted)
    elif node.is_seq:
        for item in node.seq():
            text = item.text
            if not text:
                continue
            key, _, value = text.partition("=")
            offset = len(key) + 1 + (1 if item.quoted else 0)
            value_location = Location(item.location.file, item.line, item.column + offset, item.pointer)
            out[key.strip()] = Entry(key.strip(), value.strip() if _ else None, item.location, value_location, item.quoted)
    return out


def _command(node: Y | None) -> tuple[str, ...]:
    if node is None:
        return ()
    if node.is_seq:
        return tuple(item.text or "" for item in node.seq() if item.is_scalar)
    if node.text:
        try:
            return tuple(shlex.split(node.text))
        except ValueError:
            return tuple(node.text.split())
    return ()


def parse_compose(source: SourceFile) -> ComposeResult:
    from timeout_lint.parsers.commands import yaml_args  # command words, positioned

    result = ComposeResult()
    project_dir = os.path.dirname(os.path.abspath(source.path))
    for doc in read_documents(source, result.problems):
        services = doc.get("services")
        if services is None or not services.is_map:
            continue
        for name, service, key_location in services.items():
            if not service.is_map:
                continue
            labels = _labels(service.get("labels"))
            build = service.get("build")
            context = None
            if build is not None:
                context = build.text if build.is_scalar else build.str_at("context")
            build_dir = None
            if context and "://" not in context:
                build_dir = os.path.normpath(os.path.join(project_dir, context))
            command = service.get("command")
            result.services.append(
                ComposeService(
                    file=source.display,
                    project_dir=project_dir,
                    name=name,
                    location=key_location,
                    labels=labels,
                    build_context=build_dir,
                    image=service.str_at("image"),
                    command=_command(command),
                    command_location=command.location if command is not None else None,
                    worst_case=worst_case_from_entries(labels, problems=result.problems),
                    command_words=yaml_args(command),
                )
            )
    return result
