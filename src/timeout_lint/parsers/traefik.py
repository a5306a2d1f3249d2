"""Traefik: IngressRoute and ServersTransport resources, and the static configuration.

Every Traefik duration is a Go duration string or bare digits, which are seconds (``42`` = 42s);
zero or a negative value means no timeout. Two places hold timeouts:

* upstream, a ServersTransport's ``forwardingTimeouts`` (``dialTimeout``, ``responseHeaderTimeout``,
  ``idleConnTimeout``): a ServersTransport resource, or the static ``serversTransport`` (the
  ``default@internal`` transport every service without one uses);
* downstream, each entry point's ``transport.respondingTimeouts`` in the static configuration
  (``readTimeout``, ``writeTimeout``, ``idleTimeout``).

The static configuration comes from one source: a file (``traefik.yml``, ``traefik.yaml``,
``traefik.toml``) or a Traefik container's ``--entryPoints.*`` / ``--serversTransport.*`` arguments.
Keys of the static configuration are case-insensitive, as Traefik reads them.
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING, NamedTuple

from timeout_lint.durations import DurationError, parse_traefik_duration
from timeout_lint.model import DroppedValue, Kind, Location, Problem, Side, Site, Timeout
from timeout_lint.parsers.declarations import AnnotationNames
from timeout_lint.parsers.kubernetes import Meta
from timeout_lint.yamlnodes import Y

if TYPE_CHECKING:
    from timeout_lint.parsers.kubernetes import Container, Workload
    from timeout_lint.sources import SourceFile

#: ServersTransport forwardingTimeouts field -> kind (readIdleTimeout and pingTimeout are HTTP/2 health checks)
FORWARDING_FIELDS = {"dialTimeout": Kind.CONNECT, "responseHeaderTimeout": Kind.FIRST_BYTE, "idleConnTimeout": Kind.KEEPALIVE}
#: entry point respondingTimeouts field -> kind; all watch the client's connection
RESPONDING_FIELDS = {"readTimeout": Kind.REQUEST_READ, "writeTimeout": Kind.TOTAL, "idleTimeout": Kind.KEEPALIVE}
SERVERS_TRANSPORT_ANNOTATION = "traefik.ingress.kubernetes.io/service.serverstransport"
ENTRYPOINTS_ANNOTATION = "traefik.ingress.kubernetes.io/router.entrypoints"
#: Traefik's kubernetesIngress provider reads router.* annotations on the Ingress and service.* on the Service
ROUTER_ANNOTATIONS = "traefik.ingress.kubernetes.io/router."
SERVICE_ANNOTATIONS = "traefik.ingress.kubernetes.io/service."
#: Traefik's Ingress and Service annotations set no timeout (forwarding timeouts live on a ServersTransport), and the
#: names of Traefik 1.x are many: only unknown names that look like a timeout are flagged
ANNOTATION_NAMES = AnnotationNames(
    prefix="traefik.ingress.kubernetes.io/",
    system="Traefik",
    known=frozenset({"router.entrypoints", "router.middlewares", "router.priority", "service.serverstransport"}),
    complete=False,
    timeout_names=("service.serverstransport",),
    instead=(("timeout", "forwardingTimeouts on a ServersTransport named by traefik.ingress.kubernetes.io/service.serverstransport"),),
)


class TraefikBackend(NamedTuple):
    """One ``services[]`` item of an IngressRoute route."""

    name: str
    namespace: str | None  # None: the IngressRoute's namespace
    kind: str  # "Service" or "TraefikService"
    port: int | str | None
    servers_transport: str | None
    servers_transport_location: Location | None
    location: Location


class TraefikRoute(NamedTuple):
    index: int
    match: str | None
    location: Location
    backends: tuple[TraefikBackend, ...]


class IngressRoute(NamedTuple):
    meta: Meta
    entry_points: tuple[str, ...]  # empty: every entry point
    routes: tuple[TraefikRoute, ...]
    problems: tuple[Problem, ...] = ()


class ServersTransport(NamedTuple):
    meta: Meta
    timeouts: dict[str, Timeout]  # explicit forwardingTimeouts by field name
    problems: tuple[Problem, ...] = ()
    #: values Traefik cannot read: it logs an error and leaves the field at 0, no timeout (kept in ``timeouts`` as such)
    dropped: tuple[DroppedValue, ...] = ()


class EntryPoint(NamedTuple):
    name: str
    location: Location  # where the entry point is defined
    timeouts: dict[str, Timeout]  # explicit respondingTimeouts by field name


class StaticConfig(NamedTuple):
    """Traefik's static configuration, from one file or one container's arguments."""

    source: str  # "traefik.yml", "Deployment ingress/traefik container traefik arguments"
    location: Location
    from_file: bool
    entry_points: dict[str, EntryPoint]  # by lower-case name (Traefik's keys are case-insensitive)
    forwarding: dict[str, Timeout]  # serversTransport.forwardingTimeouts by field name


def _timeout(
    setting: str, raw: str, location: Location, kind: Kind, side: Side, comment: str | None = None, fragment: str | None = None
) -> Timeout:
    """A value Traefik accepted; zero and negative durations mean no timeout.

    ``fragment``: the YAML text at ``location`` that holds the value (the value itself, or a whole
    ``--flag=value`` argument), for --fix; None where --fix cannot write (TOML).
    """
    seconds = parse_traefik_duration(raw)
    unit = "s" if re.fullmatch(r"[+-]?\d+", raw.strip()) else None
    site = Site("yaml", "traefik", location, fragment=fragment, written=raw.strip()) if fragment is not None else None
    return Timeout(
        kind=kind,
        setting=setting,
        seconds=seconds if seconds > 0 else math.inf,
        raw=raw.strip(),
        explicit=True,
        location=location,
        unit=unit,
        side=side,
        comment=comment,
        site=site,
    )


def _is_null(node: Y) -> bool:
    """``key:`` or ``key: null``: the field is unset, as Kubernetes and Traefik read it."""
    return node.is_scalar and node.text is None


def _scalar_text(node: Y) -> str | None:
    """The text of a duration value: a string or an integer (IntOrString); None for anything else."""
    if not node.is_scalar:
        return None
    value = node.plain_value()
    if isinstance(value, bool) or value is None or isinstance(value, float):
        return None
    return str(value)


# -- resources -------------------------------------------------------------------------------------
def _port(node: Y | None) -> int | str | None:
    if node is None:
        return None
    value = node.plain_value()
    return value if isinstance(value, int) and not isinstance(value, bool) else node.text


def parse_ingress_route(meta: Meta, doc: Y) -> IngressRoute:
    """``traefik.io/v1alpha1`` (and ``traefik.containo.us/v1alpha1``) IngressRoute."""
    spec = doc.get("spec")
    if spec is None or not spec.is_map:
        return IngressRoute(meta, (), ())
    entry_points_node = spec.get("entryPoints")
    entry_points = tuple(item.text for item in entry_points_node.seq() if item.text) if entry_points_node is not None else ()
    routes: list[TraefikRoute] = []
    routes_node = spec.get("routes")
    for index, route in enumerate(routes_node.seq() if routes_node is not None else ()):
        if not route.is_map:
            continue
        backends: list[TraefikBackend] = []
        services = route.get("services")
        for item in services.seq() if services is not None else ():
            name = item.str_at("name")
            if not item.is_map or not name:
                continue
            transport = item.get("serversTransport")
            backends.append(
                TraefikBackend(
                    name=name,
                    namespace=item.str_at("namespace"),
                    kind=item.str_at("kind") or "Service",
                    port=_port(item.get("port")),
                    servers_transport=transport.text if transport is not None else None,
                    servers_transport_location=item.key_location("serversTransport") if transport is not None else None,
                    location=item.location,
                )
            )
        routes.append(TraefikRoute(index, route.str_at("match"), route.location, tuple(backends)))
    return IngressRoute(meta, entry_points, tuple(routes))


def parse_servers_transport(meta: Meta, doc: Y) -> ServersTransport:
    """A ServersTransport resource's ``spec.forwardingTimeouts`` (IntOrString values)."""
    forwarding = doc.get("spec", "forwardingTimeouts")
    timeouts: dict[str, Timeout] = {}
    dropped: list[DroppedValue] = []
    for key, value, key_location in forwarding.items() if forwarding is not None else ():
        kind = FORWARDING_FIELDS.get(key)
        if kind is None or _is_null(value):
            continue
        setting = f"forwardingTimeouts.{key}"
        raw = _scalar_text(value)
        try:
            if raw is None:
                raise DurationError("not a duration or a whole number of seconds")
            comment = value.ctx.source.comment_at(value.line)
            timeouts[key] = _timeout(setting, raw, key_location, kind, Side.UPSTREAM, comment, fragment=raw.strip())
        except DurationError:
            # paerser Duration.Set stores 0 when it cannot parse the value, and Traefik only logs the error: no timeout
            reason = "neither a duration nor a whole number of seconds: Traefik logs an error and sets 0"
            dropped.append(DroppedValue(setting, value.text or value.shape, reason, key_location))
            timeouts[key] = Timeout(kind, setting, math.inf, value.text or "", True, key_location)
    return ServersTransport(meta, timeouts, dropped=tuple(dropped))


# -- static configuration: YAML ----------------------------------------------------------------------
def _child(node: Y | None, name: str) -> tuple[Y, Location] | None:
    """A mapping entry by case-insensitive key, as Traefik's static configuration reads keys."""
    if node is None or not node.is_map:
        return None
    wanted = name.lower()
    for key, value, key_location in node.items():
        if key.lower() == wanted:
            return value, key_location
    return None


def _path(node: Y | None, *names: str) -> tuple[Y, Location] | None:
    found = None
    for name in names:
        found = _child(node, name)
        if found is None:
            return None
        node = found[0]
    return found


def _static_value(
    setting: str,
    raw: str | None,
    location: Location,
    value_location: Location,
    kind: Kind,
    side: Side,
    problems: list[Problem],
    comment: str | None = None,
    fragment: str | None = None,
) -> Timeout | None:
    try:
        if raw is None:
            raise DurationError("not a duration or a whole number of seconds")
        return _timeout(setting, raw, location, kind, side, comment, fragment)
    except DurationError as exc:
        problems.append(Problem("invalid-configuration", f"{setting}: {exc}; Traefik refuses to start with it", value_location))
        return None


def read_static_yaml(source: SourceFile, problems: list[Problem]) -> StaticConfig | None:
    """A traefik.yml/.yaml static configuration; None when the file is not one (no entryPoints or serversTransport)."""
    from timeout_lint.yamlnodes import DocContext, YamlSyntaxError, compose_all

    ctx = DocContext(source)
    try:
        documents = list(compose_all(source.text))
    except YamlSyntaxError as exc:
        problems.append(Problem("unparsable-input", exc.message, source.location(exc.line, exc.column)))
        return None
    root = Y(documents[0], ctx) if documents else None
    if root is None or not root.is_map or (_child(root, "entryPoints") is None and _child(root, "serversTransport") is None):
        problems.extend(ctx.problems)
        return None
    entry_points: dict[str, EntryPoint] = {}
    found = _child(root, "entryPoints")
    for name, entry, key_location in found[0].items() if found is not None else ():
        timeouts: dict[str, Timeout] = {}
        responding = _path(entry, "transport", "respondingTimeouts")
        for field_name, kind in RESPONDING_FIELDS.items():
            hit = _child(responding[0], field_name) if responding is not None else None
            if hit is None or _is_null(hit[0]):
                continue
            value, location = hit
            setting = f"entryPoints.{name}.transport.respondingTimeouts.{field_name}"
            text = _scalar_text(value)
            comment = source.comment_at(value.line)
            timeout = _static_value(
                setting, text, location, value.location, kind, Side.DOWNSTREAM, problems, comment, text and text.strip()
            )
            if timeout is not None:
                timeouts[field_name] = timeout
        entry_points[name.lower()] = EntryPoint(name, key_location, timeouts)
    forwarding: dict[str, Timeout] = {}
    node = _path(root, "serversTransport", "forwardingTimeouts")
    for field_name, kind in FORWARDING_FIELDS.items():
        hit = _child(node[0], field_name) if node is not None else None
        if hit is None or _is_null(hit[0]):
            continue
        value, location = hit
        setting = f"serversTransport.forwardingTimeouts.{field_name}"
        text = _scalar_text(value)
        comment = source.comment_at(value.line)
        timeout = _static_value(setting, text, location, value.location, kind, Side.UPSTREAM, problems, comment, text and text.strip())
        if timeout is not None:
            forwarding[field_name] = timeout
    problems.extend(ctx.problems)
    return StaticConfig(source.display, source.location(1, 1), True, entry_points, forwarding)


# -- static configuration: TOML ----------------------------------------------------------------------
_TOML_TABLE = re.compile(r"\s*\[\[?\s*(?P<key>[^\]]+?)\s*\]\]?\s*(?:#.*)?$")
_TOML_KEY = re.compile(
    r"(?P<indent>\s*)(?P<key>(?:[A-Za-z0-9_\-]+|\"[^\"]*\"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_\-]+|\"[^\"]*\"|'[^']*'))*)\s*="
)


def _toml_key_parts(text: str) -> tuple[str, ...]:
    parts = re.findall(r"\"[^\"]*\"|'[^']*'|[^.\s]+", text)
    return tuple(part.strip("\"'").lower() for part in parts)


def _toml_locations(source: SourceFile) -> dict[tuple[str, ...], Location]:
    """Where each table and key is written (tomllib gives values, not positions), by lower-case key path."""
    out: dict[tuple[str, ...], Location] = {}
    table: tuple[str, ...] = ()
    for number, line in enumerate(source.lines, 1):
        stripped = line.lstrip()
        if not stripped or stripped.startswith("#"):
            continue
        table_match = _TOML_TABLE.match(line)
        if table_match and stripped.startswith("["):
            table = _toml_key_parts(table_match.group("key"))
            out.setdefault(table, source.location(number, len(line) - len(stripped) + 1))
            continue
        key_match = _TOML_KEY.match(line)
        if key_match:
            out.setdefault(table + _toml_key_parts(key_match.group("key")), source.location(number, len(key_match.group("indent")) + 1))
    return out


def _toml_get(table: object, name: str) -> object:
    if not isinstance(table, dict):
        return None
    for key, value in table.items():
        if key.lower() == name.lower():
            return value
    return None


def read_static_toml(source: SourceFile, problems: list[Problem]) -> StaticConfig | None:
    """A traefik.toml static configuration (read with the standard library's tomllib)."""
    import tomllib

    try:
        data = tomllib.loads(source.text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        line, column = (int(match.group(1)), int(match.group(2))) if match else (1, 1)
        problems.append(Problem("unparsable-input", f"invalid TOML: {str(exc).split(' (at ')[0]}", source.location(line, column)))
        return None
    if _toml_get(data, "entryPoints") is None and _toml_get(data, "serversTransport") is None:
        return None
    locations = _toml_locations(source)

    def locate(*path: str) -> Location:
        keys = tuple(p.lower() for p in path)
        for end in range(len(keys), 0, -1):  # an inline table: the nearest enclosing key that is located
            if keys[:end] in locations:
                return locations[keys[:end]]
        return source.location(1, 1)

    def comment(*path: str) -> str | None:
        """The comment ending the line of the key itself (not of an enclosing one, which may say anything)."""
        where = locations.get(tuple(p.lower() for p in path))
        return source.comment_at(where.line) if where is not None else None

    def value_of(raw: object) -> str | None:
        return str(raw) if isinstance(raw, (str, int)) and not isinstance(raw, bool) else None

    entry_points: dict[str, EntryPoint] = {}
    declared = _toml_get(data, "entryPoints")
    for name, entry in declared.items() if isinstance(declared, dict) else ():
        timeouts: dict[str, Timeout] = {}
        responding = _toml_get(_toml_get(entry, "transport"), "respondingTimeouts")
        for field_name, kind in RESPONDING_FIELDS.items():
            raw = _toml_get(responding, field_name)
            if raw is None:
                continue
            path = ("entryPoints", name, "transport", "respondingTimeouts", field_name)
            location = locate(*path)
            setting = f"entryPoints.{name}.transport.respondingTimeouts.{field_name}"
            timeout = _static_value(setting, value_of(raw), location, location, kind, Side.DOWNSTREAM, problems, comment(*path))
            if timeout is not None:
                timeouts[field_name] = timeout
        entry_points[name.lower()] = EntryPoint(name, locate("entryPoints", name), timeouts)
    forwarding: dict[str, Timeout] = {}
    node = _toml_get(_toml_get(data, "serversTransport"), "forwardingTimeouts")
    for field_name, kind in FORWARDING_FIELDS.items():
        raw = _toml_get(node, field_name)
        if raw is None:
            continue
        path = ("serversTransport", "forwardingTimeouts", field_name)
        location = locate(*path)
        setting = f"serversTransport.forwardingTimeouts.{field_name}"
        timeout = _static_value(setting, value_of(raw), location, location, kind, Side.UPSTREAM, problems, comment(*path))
        if timeout is not None:
            forwarding[field_name] = timeout
    return StaticConfig(source.display, source.location(1, 1), True, entry_points, forwarding)


# -- static configuration: container arguments ---------------------------------------------------------
_ENTRYPOINT_FLAG = re.compile(r"entrypoints\.([^.=\s]+)\.(.+)", re.IGNORECASE)


def is_traefik_container(container: Container) -> bool:
    image = (container.image or "").lower()
    program = container.command[0].rsplit("/", 1)[-1].lower() if container.command else ""
    return "traefik" in image or program == "traefik"


def _flags(container: Container) -> list[tuple[str, str | None, Location, str | None, str | None]]:
    """(name without dashes, value, where, the comment ending the value's line, the item when it holds the value)
    of each ``--name=value`` or ``--name value`` item."""
    items = list(zip(container.command, container.command_item_locations, strict=False))
    items += list(zip(container.args, container.args_item_locations, strict=False))
    comments = {word.location.line: word.comment for word in container.words if word.comment is not None}
    out: list[tuple[str, str | None, Location, str | None, str | None]] = []
    index = 0
    while index < len(items):
        text, location = items[index]
        index += 1
        if not text.startswith("--"):
            continue
        name, equals, value = text[2:].partition("=")
        value_line = location.line
        if not equals and index < len(items) and not items[index][0].startswith("-") and _is_timeout_flag(name):
            value, value_line = items[index][0], items[index][1].line
            index += 1
        out.append((name, value if equals or value else None, location, comments.get(value_line), text if equals else None))
    return out


def _is_timeout_flag(name: str) -> bool:
    lower = name.lower()
    return ".respondingtimeouts." in lower or lower.startswith("serverstransport.forwardingtimeouts.")


def static_from_container(workload: Workload, container: Container, problems: list[Problem]) -> StaticConfig | None:
    """A Traefik container's static configuration from its flags; None when it reads a file instead.

    Traefik reads one source: with ``--configFile`` (or no flags at all) the file wins and flags are ignored.
    """
    flags = _flags(container)
    if not flags or any(name.lower() == "configfile" for name, *_ in flags):
        return None
    responding = {field_name.lower(): (field_name, kind) for field_name, kind in RESPONDING_FIELDS.items()}
    forwarding_fields = {field_name.lower(): (field_name, kind) for field_name, kind in FORWARDING_FIELDS.items()}
    entry_points: dict[str, EntryPoint] = {}
    forwarding: dict[str, Timeout] = {}
    for name, value, location, comment, item in flags:
        lower = name.lower()
        entry = _ENTRYPOINT_FLAG.fullmatch(name)
        if entry is not None:
            point = entry_points.setdefault(entry.group(1).lower(), EntryPoint(entry.group(1), location, {}))
            rest = entry.group(2).lower()
            if rest.startswith("transport.respondingtimeouts.") and rest.rpartition(".")[2] in responding:
                field_name, kind = responding[rest.rpartition(".")[2]]
                timeout = _static_value(f"--{name}", value, location, location, kind, Side.DOWNSTREAM, problems, comment, item)
                if timeout is not None:
                    point.timeouts[field_name] = timeout
        elif lower.startswith("serverstransport.forwardingtimeouts.") and lower.rpartition(".")[2] in forwarding_fields:
            field_name, kind = forwarding_fields[lower.rpartition(".")[2]]
            timeout = _static_value(f"--{name}", value, location, location, kind, Side.UPSTREAM, problems, comment, item)
            if timeout is not None:
                forwarding[field_name] = timeout
    where = container.args_location or container.command_location or container.location
    source = f"{workload.meta.ref} container {container.name} arguments"
    return StaticConfig(source, where, False, entry_points, forwarding)


def static_from_workloads(workloads: list[Workload], problems: list[Problem]) -> list[StaticConfig]:
    out = []
    for workload in workloads:
        for container in workload.containers:
            if is_traefik_container(container):
                config = static_from_container(workload, container, problems)
                if config is not None:
                    out.append(config)
    return out
