"""uvicorn as the app-server hop of a compose service or workload whose command runs it.

uvicorn has no request or response timeout; ``--timeout-keep-alive`` (default 5 s) is how long it
keeps an idle connection open, which is a keep-alive setting, never a deadline.
"""

from __future__ import annotations

from timeout_lint.defaults import lookup
from timeout_lint.link.appsource import commands, owner_label
from timeout_lint.link.core import Linker
from timeout_lint.model import Hop, Kind, Role, Side, Timeout


def app_server_hops(linker: Linker, owner) -> tuple[Hop, ...]:
    found = commands(linker, owner, "uvicorn")
    if not found:
        return ()
    command = found[0]
    notes = ["uvicorn has no request or response timeout: a slow handler runs until it finishes; the app must enforce its own deadline"]
    keepalive = command.settings.get("timeout_keep_alive")
    if keepalive is None:
        timeouts = (
            lookup("uvicorn", "timeout-keep-alive").timeout(command.location, hint="pass --timeout-keep-alive with more than {value}"),
        )
    elif keepalive.value is None:
        timeouts = ()
        notes.append(f"--timeout-keep-alive {keepalive.raw} ({keepalive.location}) is not a constant; not evaluated")
    else:
        timeouts = (
            Timeout(
                kind=Kind.KEEPALIVE,
                setting="--timeout-keep-alive",
                seconds=float(keepalive.value),
                raw=keepalive.raw,
                explicit=True,
                location=keepalive.location,
                unit="s",
                side=Side.DOWNSTREAM,
                comment=keepalive.comment,
            ),
        )
    return (
        Hop(
            system="uvicorn",
            role=Role.APP_SERVER,
            name=f"uvicorn in {owner_label(owner, command.container)}",
            location=command.location,
            timeouts=timeouts,
            notes=tuple(notes),
        ),
    )
