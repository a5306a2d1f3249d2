"""Which source directories and commands belong to a compose service or a Kubernetes workload.

Shared by the app-server linkers (Go, Node.js, gunicorn, uvicorn). A workload's declared source
comes from its own ``timeout-lint/source`` annotation or from the ``source:`` of a
``.timeout-lint.yaml`` apps entry naming a Service that selects it; a compose service's from its
build context, its label, or an apps entry naming it.
"""

from __future__ import annotations

import os

from timeout_lint.link.core import Linker
from timeout_lint.parsers.appsource import compose_sources, owner_key, workload_sources


def _selects(service, workload) -> bool:
    return (
        service.meta.namespace == workload.meta.namespace
        and bool(service.selector)
        and all(workload.template_labels.get(k) == v for k, v in service.selector.items())
    )


def source_dirs(linker: Linker, owner) -> tuple[str, ...]:
    """The owner's source directories, most specific first; only those that exist."""
    declared = [app for app in linker.inventory.config.apps if app.source]
    if hasattr(owner, "meta"):  # a Kubernetes workload
        found = [s.directory for s in workload_sources(owner, linker.inventory.cwd)]
        for app in declared:
            services = linker.services_by_name.get(app.service, [])
            if any(_selects(s, owner) for s in services if app.namespace in (None, s.meta.namespace)):
                found.append(app.source)
    else:
        found = [s.directory for s in compose_sources(owner)]
        found += [app.source for app in declared if app.service == owner.name and app.namespace is None]
    out: list[str] = []
    for directory in found:
        if directory not in out and os.path.isdir(directory):
            out.append(directory)
    return tuple(out)


def owner_label(owner, container: str | None = None) -> str:
    if hasattr(owner, "meta"):
        return f"container {container} of {owner.meta.ref}" if container else owner.meta.ref
    return f"compose service {owner.name}"


def commands(linker: Linker, owner, program: str) -> list:
    """The owner's gunicorn or uvicorn commands (parsers.gunicorn.ServerCommand), first container first."""
    return [c for c in linker.inventory.app_commands.get(owner_key(owner), []) if c.program == program]


def runs_python_server(linker: Linker, owner) -> bool:
    return bool(linker.inventory.app_commands.get(owner_key(owner)))
