"""The one model every stage shares: locations, timeouts, hops, request paths, findings.

All values are immutable. Locations are created by the parsers (1-based lines and columns) and are
only carried from here on; nothing downstream computes a line number.
"""

from __future__ import annotations

import enum
import math
from typing import NamedTuple

from timeout_lint.durations import format_seconds


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 3, "warning": 2, "info": 1}[self.value]


#: How objects read from a live cluster are named: cluster://<context>/<namespace>/<Kind>/<name>
CLUSTER_SCHEME = "cluster://"


class Location(NamedTuple):
    """A place in an input: the file as the user would click it, 1-based line and column."""

    file: str
    line: int
    column: int | None = None  # None where the parser cannot know it
    #: where inside the file, for humans and for --fix: "metadata.annotations.konghq.com/read-timeout"
    pointer: str = ""

    def __str__(self) -> str:
        if self.pointer and self.file.startswith(CLUSTER_SCHEME):
            # a cluster object has no lines to point at: its field path, as a URI fragment, says where
            return f"{self.file}#{self.pointer}:{self.line}:{self.column or 1}"
        return f"{self.file}:{self.line}:{self.column or 1}"

    @property
    def sort_key(self) -> tuple[str, int, int]:
        return (self.file, self.line, self.column or 0)


class Kind(enum.Enum):
    """What a timeout measures (see ../shared/reference/timeouts.md, section 0)."""

    CONNECT = "connect"  # establishing the connection to the next hop
    SEND = "send"  # idle between two writes of the request to the next hop
    IDLE = "idle"  # idle between two reads of the response; the first gap is the time to first byte
    FIRST_BYTE = "first-byte"  # deadline until the response headers arrive
    TOTAL = "total"  # deadline for the whole response, to the last byte
    KEEPALIVE = "keepalive"  # how long an idle persistent connection is kept between requests
    REQUEST_READ = "request-read"  # reading the client's request (uploads, slow clients)

    @property
    def bounds_response(self) -> bool:
        """Whether a slow response can trip this timeout (connect/send/keep-alive never do)."""
        return self in RESPONSE_KINDS

    @property
    def description(self) -> str:
        return {
            Kind.CONNECT: "connect timeout",
            Kind.SEND: "idle timeout between writes",
            Kind.IDLE: "idle timeout between reads",
            Kind.FIRST_BYTE: "time-to-first-byte deadline",
            Kind.TOTAL: "total deadline",
            Kind.KEEPALIVE: "keep-alive timeout",
            Kind.REQUEST_READ: "request read timeout",
        }[self]


#: the kinds of timeout a slow response can trip (Kind.bounds_response)
RESPONSE_KINDS = frozenset({Kind.IDLE, Kind.FIRST_BYTE, Kind.TOTAL})


class Side(enum.Enum):
    """Which connection a timeout watches, seen from the hop that owns it."""

    UPSTREAM = "upstream"  # towards the next hop inward (proxy_read_timeout, Kong read_timeout)
    DOWNSTREAM = "downstream"  # towards the caller (Go WriteTimeout, gunicorn keep-alive)
    BOTH = "both"  # a load balancer's idle timeout applies to both connections


class Role(enum.Enum):
    """Where a hop sits on the path, outermost first."""

    CLIENT = "client"
    EDGE = "edge"
    LOAD_BALANCER = "load-balancer"
    INGRESS = "ingress"
    PROXY = "proxy"
    SIDECAR = "sidecar"
    APP_SERVER = "app-server"


class Site(NamedTuple):
    """Where and how ``--fix`` writes one timeout: parse-time data, carried on the Timeout.

    The parser (or linker) that reads a setting knows its file format, how its values are written and,
    for a default, which object would take it; ``fix/`` applies what this describes. Actions:

    - ``set``: rewrite the value written at ``location`` (a YAML key or value, an nginx directive, an
      HAProxy statement). ``fragment`` is the text there that holds the timeout and ends with
      ``written``, the value as written: ``30000``, ``--timeout 30``, ``idle_timeout.timeout_seconds=60``.
    - ``put``: write the setting into the object at ``location`` under ``path`` (keys from that object
      down to the setting, created when missing; for nginx and HAProxy the directive's name). ``entry``
      is how the value is written there (``{value}`` stands for it); with ``separator`` it is one item of a
      list kept in one string (an ALB attribute), appended when the string exists.
    - ``insert``: add ``entry`` right after the word ``fragment`` at ``location`` (an option after a
      program's name in a command: a string, or the items of a list).
    - ``document``: add a YAML document made of ``document`` (paths with their text) after the object at
      ``location`` (a GKE BackendConfig next to its Service).

    ``also`` are edits that go with this one (the annotation that attaches that BackendConfig).
    """

    format: str  # which fix module edits the file: "yaml", "nginx", "haproxy"
    syntax: str  # how a number of seconds is written (fix/values.py): "ms", "s", "go", "gateway", "nginx", "haproxy", "traefik"
    location: Location
    action: str = "set"
    fragment: str = ""
    written: str = ""
    path: tuple[str, ...] = ()
    entry: str = "{value}"
    separator: str = ""
    quoted: bool = False  # put/insert: the new value is a YAML string (annotations); set keeps the style as written
    maximum: float = math.inf  # the largest value the system accepts, in seconds
    #: the key of another setting this one may not exceed (timeouts.backendRequest <= timeouts.request):
    #: when --fix raises that one too, its new value is the limit instead of ``maximum``
    ceiling: tuple = ()
    document: tuple[tuple[tuple[str, ...], str], ...] = ()
    also: tuple[Site, ...] = ()
    #: a value inherited from a place other hops share (an http block, a defaults section, a ConfigMap):
    #: where this hop's own setting would go instead, so that --fix changes nothing the hop does not need
    own: Site | None = None
    #: the place also configures what the linted files may not show (a controller's ConfigMap serves every
    #: Ingress of the cluster): --fix writes ``own`` instead whenever there is one
    prefer_own: bool = False

    @property
    def key(self) -> tuple:
        """What identifies the place written, whatever the value: two edits with one key are one edit."""
        return (self.format, self.action, self.location.file, self.location.line, self.location.column, self.path, self.fragment)


class Timeout(NamedTuple):
    """One effective timeout of a hop: what it measures, its value, and where it comes from."""

    kind: Kind
    setting: str  # as the system names it: proxy_read_timeout, konghq.com/read-timeout
    seconds: float  # math.inf means no limit
    raw: str  # the text as written (or the default's canonical text)
    explicit: bool  # False: the platform default applies
    location: Location  # the setting's own place; for a default, the object that would take it
    unit: str | None = None  # implicit unit of a bare raw value ("ms" for Kong), None if raw carries it
    side: Side = Side.UPSTREAM
    hint: str = ""  # for a default: how to set it explicitly; "{value}" stands for the value needed
    source: str = ""  # for a default: where it is documented
    comment: str | None = None  # a comment at the end of the setting's line ("# 10 minutes")
    #: the end of ``raw`` the system ignores (HAProxy reads ``1m30s`` as ``1m`` and ignores ``30s``); "" if none
    ignored: str = ""
    site: Site | None = None  # where --fix writes this timeout; None: no automatic fix

    @property
    def written(self) -> str:
        """The value with its unit as the user wrote it: ``2s``, ``60000 ms``."""
        text = f"{self.raw} {self.unit}" if self.unit else self.raw
        human = format_seconds(self.seconds)
        return text if human in (self.raw, f"{self.raw}{self.unit or ''}") else f"{text} ({human})"

    def advice(self, needed: float) -> str:
        """The hint with the needed value written in this setting's unit."""
        from timeout_lint.durations import format_in_unit

        return self.hint.replace("{value}", format_in_unit(needed, self.unit))

    @property
    def shown(self) -> str:
        """For path descriptions: ``read_timeout default 60s``, ``proxy_read_timeout 2s``."""
        if self.explicit:
            return f"{self.setting} {self.written}"
        return f"{self.setting} default {format_seconds(self.seconds)}"


class Retries(NamedTuple):
    """How often a hop tries the next hop again after a failure."""

    extra_tries: int  # tries after the first; -1: no count of its own (nginx proxy_next_upstream_tries 0)
    setting: str
    raw: str
    explicit: bool
    location: Location
    on: str = ""  # which failures are tried again, as the system writes them ("error timeout"); "" if not modelled
    window: float = math.inf  # seconds after the first try within which another may start (proxy_next_upstream_timeout)


class DroppedValue(NamedTuple):
    """A value a system silently ignores (a wrong unit, out of range), leaving another value in place."""

    setting: str
    raw: str
    reason: str
    location: Location


class IgnoredValue(NamedTuple):
    """A dropped value with what applies in its place, as the linker decides it (reported by TL306)."""

    value: DroppedValue
    #: what happens instead, a clause: "Kong's read_timeout default 60s applies instead"
    instead: str
    instead_location: Location | None = None  # where the value that applies is set; None for a built-in default

    @classmethod
    def replaced_by(cls, value: DroppedValue, timeout: Timeout, system: str) -> IgnoredValue:
        """``value`` with the timeout that applies in its place: set somewhere else, or ``system``'s default."""
        if timeout.explicit:
            return cls(value, f"{timeout.shown} applies instead", timeout.location)
        return cls(value, f"{system}'s {timeout.shown} applies instead")


class Hop(NamedTuple):
    """One system on a request path, with its effective timeouts."""

    system: str  # "nginx", "Kong", "Go net/http"
    role: Role
    name: str  # the object: "location /export in server reports.example.com"
    location: Location  # the object, where a missing setting would go
    timeouts: tuple[Timeout, ...] = ()
    retries: Retries | None = None
    notes: tuple[str, ...] = ()

    def timeout(self, kind: Kind) -> Timeout | None:
        for timeout in self.timeouts:
            if timeout.kind is kind:
                return timeout
        return None

    def response_limits(self) -> tuple[Timeout, ...]:
        return tuple(t for t in self.timeouts if t.kind in RESPONSE_KINDS)

    @property
    def label(self) -> str:
        """``Kong (read_timeout default 60s)``: the system and its tightest response limit."""
        limits = sorted(self.response_limits(), key=lambda t: (t.seconds, t.setting))
        if not limits:
            return self.system
        return f"{self.system} ({limits[0].shown})"


class WorstCase(NamedTuple):
    """An app's declared slowest legitimate response."""

    total: float  # to the last byte
    total_raw: str
    location: Location
    first_byte: float | None = None  # slowest time to the first byte, for streaming responses
    first_byte_raw: str | None = None
    max_gap: float | None = None  # longest silence between two chunks of a streaming response
    max_gap_raw: str | None = None

    def required(self, kind: Kind) -> tuple[float, str]:
        """What a timeout of this kind must carry, and how to name it in a message.

        A total deadline carries the whole response. A first-byte deadline carries the first byte.
        An idle timeout carries the first byte and every silence after it (``max-gap``). With no
        first-byte time declared the whole response may come at once, so the worst case counts.
        """
        if kind is Kind.TOTAL or self.first_byte is None:
            return self.total, f"worst case {self.total_raw}"
        if kind is Kind.IDLE and self.max_gap is not None and self.max_gap > self.first_byte:
            return self.max_gap, f"longest silence {self.max_gap_raw}"
        return self.first_byte, f"first byte {self.first_byte_raw}"


class App(NamedTuple):
    """The inner end of a request path: the service that answers."""

    kind: str  # "Service", "compose service", "upstream", "unresolved target"
    name: str  # "shop/export-api", "app", "10.0.0.5:8080"
    location: Location | None
    worst_case: WorstCase | None = None
    resolved: bool = True
    #: every declaration found for this app; more than one distinct value is itself reported
    declarations: tuple[WorstCase, ...] = ()
    #: an unresolved target that names something no linted file defines ("Service shop/gone"); "" otherwise
    undefined: str = ""

    @property
    def label(self) -> str:
        text = f"{self.kind} {self.name}"
        if self.worst_case is not None:
            text += f" (worst case {self.worst_case.total_raw})"
        return text


class RequestPath(NamedTuple):
    """One way a request travels: entry first, app last."""

    entry: str  # "Ingress shop/reports", "nginx location / in server example.com"
    entry_location: Location
    hops: tuple[Hop, ...]
    app: App

    def describe(self) -> str:
        parts = [self.entry, *(hop.label for hop in self.hops), self.app.label]
        return " -> ".join(parts)

    @property
    def key(self) -> tuple:
        """A stable identity, for sorting and for naming paths in output."""
        return (self.entry_location.sort_key, self.entry, tuple(h.name for h in self.hops), self.app.kind, self.app.name)


class Problem(NamedTuple):
    """Something wrong with the input itself, found while reading it; a TL0xx rule reports it."""

    rule: str  # the name of the rule that reports it, e.g. "unparsable-input"
    message: str
    location: Location


class Related(NamedTuple):
    """A second place a finding involves: the declaration a setting conflicts with, say."""

    location: Location
    message: str


class Edit(NamedTuple):
    """One change ``--fix`` would make for a finding: write ``seconds`` at ``site`` for ``hop``."""

    site: Site
    seconds: float  # the value to write: what the hop must carry plus head room (options.Margin.fix_value), or what was meant
    needed: float  # the least value that passes: what the hop must carry plus the configured margin
    hop: Hop  # the hop it is for: a place other hops share is changed only when each of them needs it


class Fix(NamedTuple):
    """How ``--fix`` resolves a finding: its edits, applied together (fix/ decides whether and how)."""

    edits: tuple[Edit, ...]


class Finding(NamedTuple):
    """A reported problem. Built once by the engine; formatters only read it."""

    code: str
    name: str
    severity: Severity
    message: str
    location: Location
    related: tuple[Related, ...] = ()
    paths: tuple[RequestPath, ...] = ()
    suppressed: bool = False
    suppression_reason: str | None = None
    fix: Fix | None = None  # what --fix would do; None: nothing automatic

    @property
    def sort_key(self) -> tuple:
        return (*self.location.sort_key, self.code, self.message)


INF = math.inf
