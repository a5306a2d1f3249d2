"""Edge hops declared in .timeout-lint.yaml (``edge:``): systems no linted file describes, in front of every path.

A known system brings its documented default (Cloudflare's proxy read timeout, a dated fact with its
source in defaults.py); a value written on the entry overrides it (an Enterprise zone's longer
timeout). A named edge has only the values written on it. Each timeout points at its line in
.timeout-lint.yaml; a default points at the entry.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from timeout_lint.defaults import EDGE_SYSTEMS, lookup
from timeout_lint.model import Hop, Kind, Role, Side, Timeout

if TYPE_CHECKING:
    from timeout_lint.config import EdgeDeclaration, ProjectConfig

KINDS = {"first-byte": Kind.FIRST_BYTE, "idle": Kind.IDLE, "total": Kind.TOTAL}


def _hop(edge: EdgeDeclaration) -> Hop:
    label, default_setting = EDGE_SYSTEMS[edge.system] if edge.system is not None else (edge.name, None)
    written = {KINDS[key]: (key, seconds, raw, location) for key, seconds, raw, location in edge.timeouts}
    timeouts: list[Timeout] = []
    if default_setting is not None:
        default = lookup(edge.system, default_setting)
        if default.kind not in written:
            key = next(k for k, kind in KINDS.items() if kind is default.kind)
            hint = f"set {key} on this edge entry to more than {{value}} once the {label} limit is raised"
            if edge.system == "cloudflare":
                hint += " (Enterprise zones: the Proxy Read Timeout setting, up to 6000 s)"
            timeouts.append(default.timeout(edge.location, hint=hint))
    for kind, (key, seconds, raw, location) in written.items():
        setting = default_setting if edge.system is not None and kind is lookup(edge.system, default_setting).kind else key
        timeouts.append(Timeout(kind, setting, seconds, raw, True, location, side=Side.UPSTREAM))
    return Hop(system=label, role=Role.EDGE, name=f"edge {edge.name or label}", location=edge.location, timeouts=tuple(timeouts))


def edge_hops(config: ProjectConfig) -> tuple[Hop, ...]:
    """The declared edges, outermost first, as hops that open every request path."""
    return tuple(_hop(edge) for edge in config.edge)
