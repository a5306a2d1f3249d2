"""Node.js http servers as the app-server hop of an app whose source directory holds them."""

from __future__ import annotations

from timeout_lint.link.appsource import runs_python_server, source_dirs
from timeout_lint.link.core import Linker
from timeout_lint.model import Hop, Role


def app_server_hops(linker: Linker, owner) -> tuple[Hop, ...]:
    if runs_python_server(linker, owner):
        return ()  # the command says gunicorn or uvicorn serves it; JavaScript there is front-end code
    servers = [s for directory in source_dirs(linker, owner) for s in linker.inventory.node_servers.get(directory, [])]
    if not servers:
        return ()
    server = servers[0]  # the first server in file order serves the app
    notes = tuple(f"{u.setting} = {u.expression} ({u.location}) is not a literal; not evaluated" for u in server.unevaluated)
    return (
        Hop(
            system="Node.js http",
            role=Role.APP_SERVER,
            name=f"http.Server at {server.location}",
            location=server.location,
            timeouts=server.timeouts,
            notes=notes,
        ),
    )
