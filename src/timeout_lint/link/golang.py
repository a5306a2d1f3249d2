"""Go net/http servers as the app-server hop of an app whose source directory holds them."""

from __future__ import annotations

from timeout_lint.link.appsource import source_dirs
from timeout_lint.link.core import Linker
from timeout_lint.model import Hop, Role


def app_server_hops(linker: Linker, owner) -> tuple[Hop, ...]:
    servers = [s for directory in source_dirs(linker, owner) for s in linker.inventory.go_servers.get(directory, [])]
    # the first server in file order serves the app
    return tuple(
        Hop(system="Go net/http", role=Role.APP_SERVER, name=f"http.Server at {s.location}", location=s.location, timeouts=s.timeouts)
        for s in servers[:1]
    )
