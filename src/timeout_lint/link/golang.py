"""Go net/http servers as the app-server hop of a compose service whose build context holds them."""

from __future__ import annotations

from timeout_lint.link.core import Linker
from timeout_lint.model import Hop, Role


def app_server_hops(linker: Linker, owner) -> tuple[Hop, ...]:
    context = getattr(owner, "build_context", None)
    if not context:
        return ()
    servers = linker.inventory.go_servers.get(context, [])
    # the first server in file order serves the app
    return tuple(
        Hop(system="Go net/http", role=Role.APP_SERVER, name=f"http.Server at {s.location}", location=s.location, timeouts=s.timeouts)
        for s in servers[:1]
    )
