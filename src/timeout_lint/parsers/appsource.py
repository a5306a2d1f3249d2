"""Where an app's source code is: the only places app-server source files are read from.

A compose service's ``build`` context; a directory declared with ``source:`` on its
``.timeout-lint.yaml`` apps entry (relative to that file); or the ``timeout-lint/source`` label of a
compose service (relative to the compose file) or annotation of a Kubernetes workload, on its
metadata or pod template (relative to the manifest). Source files elsewhere in the tree are never
read: a Go or JavaScript file is only an app server when something says which app it serves.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, NamedTuple

from timeout_lint.model import Location, Problem

if TYPE_CHECKING:
    from timeout_lint.parse import Inventory
    from timeout_lint.parsers.compose import ComposeService
    from timeout_lint.parsers.kubernetes import Workload

SOURCE_KEY = "timeout-lint/source"


class SourceDir(NamedTuple):
    directory: str  # absolute
    location: Location | None  # where it is declared; None for a compose build context
    raw: str = ""  # as written


def compose_sources(service: ComposeService) -> list[SourceDir]:
    out = [SourceDir(service.build_context, None)] if service.build_context else []
    entry = service.labels.get(SOURCE_KEY)
    if entry is not None and entry.value:
        out.append(SourceDir(os.path.normpath(os.path.join(service.project_dir, entry.value)), entry.value_location, entry.value))
    return out


def workload_sources(workload: Workload, cwd: str) -> list[SourceDir]:
    for entries in (workload.meta.annotations, workload.template_annotations):
        entry = entries.get(SOURCE_KEY)
        if entry is not None and entry.value:
            manifest_dir = os.path.dirname(os.path.join(cwd, entry.location.file))
            return [SourceDir(os.path.normpath(os.path.join(manifest_dir, entry.value)), entry.value_location, entry.value)]
    return []


def owner_key(owner) -> str:
    """One name for a compose service or a workload, the same at every stage."""
    if hasattr(owner, "meta"):
        return f"k8s:{owner.meta.namespace}/{owner.meta.kind}/{owner.meta.name}"
    return f"compose:{owner.project_dir}:{owner.name}"


def all_source_dirs(inventory: Inventory, cwd: str) -> list[str]:
    """Every directory some app's source is declared in; declarations naming no directory are reported."""
    found: list[SourceDir] = []
    for service in inventory.compose_services:
        found.extend(compose_sources(service))
    for workload in inventory.kubernetes.workloads:
        found.extend(workload_sources(workload, cwd))
    directories = set()
    for source in found:
        if os.path.isdir(source.directory):
            directories.add(source.directory)
        elif source.location is not None:
            inventory.problems.append(
                Problem(
                    "invalid-configuration", f'"{SOURCE_KEY}": {source.raw!r} is not a directory (relative to this file)', source.location
                )
            )
    directories.update(app.source for app in inventory.config.apps if app.source)
    return sorted(directories)
