"""gunicorn as the app-server hop of a compose service or workload whose command runs it.

Settings come from the command line over the config file over gunicorn's defaults
(defaults.PRECEDENCE["gunicorn", "settings"]). Whether ``timeout`` bounds a request depends on the
worker class: a sync worker is killed after ``timeout`` seconds on one request (a total deadline);
gthread, async and uvicorn workers keep signalling while a request runs, so it bounds nothing.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from timeout_lint.defaults import lookup
from timeout_lint.link.appsource import commands, owner_label, source_dirs
from timeout_lint.link.core import Linker
from timeout_lint.model import Hop, Kind, Role, Side, Site, Timeout

if TYPE_CHECKING:  # imported when a command runs gunicorn (every workload is asked)
    from timeout_lint.parsers.gunicorn import GunicornConfig, ServerCommand, Setting


def _config(linker: Linker, owner, command: ServerCommand) -> tuple[GunicornConfig | None, list[str]]:
    from timeout_lint.parsers.gunicorn import config_candidates

    directories = list(source_dirs(linker, owner))
    if hasattr(owner, "project_dir"):
        directories.append(owner.project_dir)
    for path in config_candidates(command.config, directories):
        found = linker.inventory.gunicorn_configs.get(path)
        if found is not None:
            return found, []
    if command.config is not None:
        return None, [
            f"config file {command.config.text} ({command.config.location}) is not in the app's source directory; its settings are unknown"
        ]
    return None, []


def _timeout(setting: Setting, kind: Kind) -> Timeout:
    seconds = float(setting.value) if setting.value else math.inf  # 0 disables it
    # --fix rewrites a value a command line holds verbatim (a config file is Python: left to a person)
    site = Site("yaml", "s", setting.value_location, fragment=setting.raw, written=setting.raw) if setting.value_location else None
    return Timeout(
        kind=kind,
        setting=setting.written_as,
        seconds=seconds,
        raw=setting.raw,
        explicit=True,
        location=setting.location,
        unit="s",
        side=Side.DOWNSTREAM,
        comment=setting.comment,
        site=site,
    )


def gunicorn_hop(linker: Linker, owner, command: ServerCommand) -> Hop:
    from timeout_lint.parsers.gunicorn import worker_kind

    config, notes = _config(linker, owner, command)
    settings = {**(config.settings if config is not None else {}), **command.settings}
    if config is not None:
        notes.extend(config.notes)
    unevaluated = [s for s in settings.values() if s.value is None]
    notes.extend(f"{s.written_as} = {s.raw} ({s.location}) is not a constant; not evaluated" for s in unevaluated)
    worker = settings.get("worker_class")
    threads = settings.get("threads")
    worker_class = "sync" if worker is None else worker.value
    timeouts: list[Timeout] = []
    timeout = settings.get("timeout")
    keepalive = settings.get("keepalive")
    if worker_class is None:
        kind = None
        notes.append("the worker class is not known, so neither is whether timeout bounds a request")
    else:
        kind = worker_kind(worker_class, threads.value if threads is not None and isinstance(threads.value, int) else None)
    if kind == "sync":
        if timeout is None:
            timeouts.append(
                lookup("gunicorn", "timeout")
                .timeout(
                    command.location, hint="pass --timeout with more than {value} (seconds) to gunicorn, or set timeout in its config file"
                )
                ._replace(site=_timeout_option(command))
            )
        elif timeout.value is not None:
            timeouts.append(_timeout(timeout, Kind.TOTAL))
        notes.append("sync workers: a worker busy with one request for longer than timeout is killed (WORKER TIMEOUT; the proxy sees 502)")
        if keepalive is not None:
            notes.append(f"{keepalive.written_as} {keepalive.raw} has no effect: sync workers close the connection after each response")
    elif kind is not None:
        shown = f"{timeout.written_as} {timeout.raw}" if timeout is not None else "timeout (default 30 s)"
        notes.append(f"{kind} workers: {shown} is a heartbeat between worker and arbiter, not a limit on a request")
        if keepalive is None:
            timeouts.append(
                lookup("gunicorn", "keepalive").timeout(command.location, hint="pass --keep-alive with more than {value} (seconds)")
            )
        elif keepalive.value is not None:
            timeouts.append(_timeout(keepalive, Kind.KEEPALIVE))
        if kind == "uvicorn":
            notes.append("uvicorn workers have no request or response timeout; the app must enforce its own deadline")
    label = f"{worker_class} workers" if worker_class else "workers"
    return Hop(
        system="gunicorn",
        role=Role.APP_SERVER,
        name=f"gunicorn ({label}) in {owner_label(owner, command.container)}",
        location=command.location,
        timeouts=tuple(timeouts),
        notes=tuple(notes),
    )


def _timeout_option(command: ServerCommand) -> Site | None:
    """--fix: ``--timeout N`` right after ``gunicorn`` in the command (not after ``python -m gunicorn``'s python)."""
    word = command.word
    if word is None or not word.exact or word.text.rsplit("/", 1)[-1] != "gunicorn":
        return None
    return Site("yaml", "s", word.location, action="insert", fragment=word.text, entry="--timeout {value}")


def app_server_hops(linker: Linker, owner) -> tuple[Hop, ...]:
    found = commands(linker, owner, "gunicorn")
    return (gunicorn_hop(linker, owner, found[0]),) if found else ()
