"""HAProxy configuration files: proxies, their timeouts, servers and backend switching.

A small, strict reader written here rather than a library: the one HAProxy parser on PyPI
(pyhaproxy, last released 2019) is unmaintained, predates conditional blocks and named defaults, and
keeps no positions. HAProxy's own syntax is simple enough to follow exactly (doc/configuration.txt
section 2 and src/tools.c parse_line()):

- a statement is one line: there is no line continuation (a backslash before the end of the line is
  kept as a character), and an unprotected ``#`` starts a comment;
- words are separated by unquoted blanks; ``\\`` escapes a space, ``#``, a quote, a backslash
  (and ``\\t \\n \\r \\xNN``) outside single quotes; double quotes group words and expand environment
  variables (``"$NAME"``, ``"${NAME}"``), single quotes group words and interpret nothing;
- a section starts at a section keyword (``global``, ``defaults [<name>] [from <name>]``,
  ``frontend``/``backend``/``listen <name> [from <name>]``, ``peers`` ...) and ends at the next one;
- ``.if``/``.elif``/``.else``/``.endif`` blocks depend on the environment HAProxy starts in; every
  branch is read, in order, and a timeout set inside one says so in the hop notes.

Each proxy starts from the last ``defaults`` section above it in the same file, or from the one it
names with ``from``; a ``defaults`` section without ``from`` starts empty. Units follow HAProxy:
``timeout server 30`` is 30 MILLISECONDS; ``1m30s`` is read as ``1m`` (HAProxy warns and ignores the
rest); an unset client, connect or server timeout is no timeout at all (HAProxy warns at start-up).

What each timeout measures, as modelled (../shared/reference/timeouts.md section 4):

- ``timeout server``: idle on the server side; its first gap is the server's processing time (504).
- ``timeout client``: in ``mode http`` HAProxy watches the client only while it sends the request or
  reads the response, never while the server works, so it is kept as a downstream write timeout and
  not compared with the app's response time; in ``mode tcp`` a silent server means a silent client
  connection, so it is an idle limit like ``timeout server``.
- ``timeout tunnel``: in ``mode tcp`` it replaces client and server once the connection is
  established; in ``mode http`` it only applies to WebSocket/CONNECT tunnels (a note, not a limit).
- ``timeout connect``/``queue``: connection set-up; ``http-request``: reading the request;
  ``http-keep-alive``: idle client connections between requests.

Files are read one by one: the backends a frontend names are looked up in the same file.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from typing import NamedTuple

from timeout_lint.defaults import lookup
from timeout_lint.durations import DurationError, parse_haproxy_time, parse_integer
from timeout_lint.model import Kind, Location, Problem, Retries, Side, Site, Timeout
from timeout_lint.sources import SourceFile

SECTION_KEYWORDS = frozenset(
    {
        "global",
        "defaults",
        "frontend",
        "backend",
        "listen",
        "peers",
        "resolvers",
        "userlist",
        "mailers",
        "program",
        "http-errors",
        "ring",
        "log-forward",
        "cache",
        "crt-store",
        "traces",
        "acme",
        "namespace_list",
    }
)
_FE, _BE = 1, 2
PROXY_CAPABILITIES = {"defaults": _FE | _BE, "frontend": _FE, "backend": _BE, "listen": _FE | _BE}
#: every `timeout` HAProxy accepts, with the side of a proxy it needs (src/proxy.c proxy_parse_timeout)
TIMEOUT_CAPABILITIES = {
    "client": _FE,
    "client-fin": _FE,
    "client-hs": _FE,
    "server": _BE,
    "server-fin": _BE,
    "connect": _BE,
    "queue": _BE,
    "tunnel": _BE,
    "check": _BE,
    "http-request": _FE | _BE,
    "http-keep-alive": _FE | _BE,
    "tarpit": _FE | _BE,
}
_LEGACY_TIMEOUTS = {"clitimeout": "client", "srvtimeout": "server", "contimeout": "connect"}
_RETRY_ON = frozenset(
    {
        "none",
        "conn-failure",
        "empty-response",
        "junk-response",
        "response-timeout",
        "0rtt-rejected",
        "all-retryable-errors",
        "401",
        "403",
        "404",
        "408",
        "425",
        "500",
        "501",
        "502",
        "503",
        "504",
    }
)
_SMALL_BARE_MS = 100  # recent HAProxy versions warn about bare values below this ("suspiciously small")
_CONDITIONAL = {".if", ".elif", ".else", ".endif"}
_MESSAGES = {".diag", ".notice", ".warning", ".alert"}


class Word(NamedTuple):
    text: str  # after unquoting and unescaping; environment references are kept as written
    column: int  # 1-based, where the word starts on its line
    from_environment: bool = False  # contains "$NAME" inside double quotes: only known at start-up


class Statement(NamedTuple):
    words: tuple[Word, ...]
    line: int
    condition: str | None = None  # the innermost `.if` around it, as "line N: .if <condition>"


class HaproxyServer(NamedTuple):
    name: str
    host: str | None  # None when the address cannot be resolved statically
    port: int | None
    raw: str
    location: Location
    unresolved_reason: str | None = None


class BackendRule(NamedTuple):
    """A `use_backend` or `default_backend` line: which backend, and whether the name is computed."""

    backend: str
    location: Location
    dynamic: bool = False  # a log-format expression (%[...]) decided per request
    condition: str = ""


class Proxy(NamedTuple):
    kind: str  # "frontend", "backend", "listen", "defaults"
    name: str
    location: Location  # the section line, where a missing setting would go
    mode: str
    #: the effective timeouts: set in the section, inherited from its defaults, or HAProxy's default
    timeouts: dict[str, Timeout]
    retries: Retries
    retry_on: tuple[str, ...]
    servers: tuple[HaproxyServer, ...] = ()
    default_backend: BackendRule | None = None
    use_backends: tuple[BackendRule, ...] = ()
    disabled: bool = False
    notes: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return f"{self.kind} {self.name}"

    @property
    def is_frontend(self) -> bool:
        return self.kind in ("frontend", "listen")

    @property
    def is_backend(self) -> bool:
        return self.kind in ("backend", "listen")


class HaproxyConfig(NamedTuple):
    file: str  # display path
    config_dir: str  # absolute directory, for resolving compose service names nearby
    proxies: tuple[Proxy, ...]

    def backend(self, name: str) -> Proxy | None:
        for proxy in self.proxies:
            if proxy.is_backend and proxy.name == name:
                return proxy
        return None


@dataclass
class HaproxyResult:
    """An HAProxy file read: its configuration, and its problems."""

    config: HaproxyConfig | None = None
    problems: list[Problem] = field(default_factory=list)


class _Invalid(Exception):
    def __init__(self, message: str, column: int):
        super().__init__(message)
        self.message = message
        self.column = column


# -- words ---------------------------------------------------------------------------------------


def split_line(text: str) -> tuple[Word, ...]:
    """One line into words, as HAProxy's parse_line() does; raises _Invalid on a broken quote or escape."""
    words: list[Word] = []
    current: list[str] = []
    start = 0
    in_word = False
    from_environment = False
    squote = dquote = False
    quote_start = 0
    i = 0
    length = len(text)

    def begin(position: int) -> None:
        nonlocal in_word, start, from_environment
        if not in_word:
            in_word, start, from_environment = True, position, False

    while i < length:
        char = text[i]
        if char == "#" and not squote and not dquote:
            break
        if char == '"' and not squote:
            begin(i)
            dquote = not dquote
            quote_start = i
            i += 1
            continue
        if char == "'" and not dquote:
            begin(i)
            squote = not squote
            quote_start = i
            i += 1
            continue
        if char == "\\" and not squote:
            begin(i)
            following = text[i + 1] if i + 1 < length else ""
            if following in (" ", "\\", "#", "'", '"'):
                current.append(following)
                i += 2
            elif following in ("t", "n", "r"):
                current.append({"t": "\t", "n": "\n", "r": "\r"}[following])
                i += 2
            elif following == "$" and dquote:
                current.append("$")
                i += 2
            elif following == "x":
                digits = text[i + 2 : i + 4]
                if len(digits) != 2 or any(c not in "0123456789abcdefABCDEF" for c in digits):
                    raise _Invalid("invalid or incomplete hex sequence after '\\x'", i + 1)
                current.append(chr(int(digits, 16)))
                i += 4
            else:  # not an escape sequence: the backslash stays
                current.append("\\")
                i += 1
            continue
        if char in " \t" and not squote and not dquote:
            if in_word:
                words.append(Word("".join(current), start + 1, from_environment))
                current, in_word = [], False
            i += 1
            continue
        if char == "$" and dquote:
            begin(i)
            end = i + 1
            if end < length and text[end] == "{":
                close = text.find("}", end)
                if close < 0:
                    raise _Invalid("unmatched brace in environment variable", i + 1)
                end = close + 1
            else:
                if end >= length or not (text[end].isalpha() or text[end] in "_."):
                    raise _Invalid("unacceptable character in environment variable name", end + 1)
                end += 1
                while end < length and (text[end].isalnum() or text[end] == "_"):
                    end += 1
            current.append(text[i:end])
            from_environment = True
            i = end
            continue
        begin(i)
        current.append(char)
        i += 1
    if squote or dquote:
        raise _Invalid("unmatched quote", quote_start + 1)
    if in_word:
        words.append(Word("".join(current), start + 1, from_environment))
    return tuple(words)


def statements(source: SourceFile, problems: list[Problem]) -> list[Statement]:
    """Every statement of a file, with the conditional block it sits in; broken lines are reported."""
    out: list[Statement] = []
    stack: list[tuple[int, str]] = []  # open `.if` blocks: (line, text)
    for number, text in enumerate(source.lines, 1):
        try:
            words = split_line(text)
        except _Invalid as exc:
            problems.append(Problem("unparsable-input", f"invalid HAProxy: {exc.message}", source.location(number, exc.column)))
            continue
        if not words:
            continue
        keyword = words[0].text
        if keyword.startswith("."):
            where = source.location(number, words[0].column)
            if keyword == ".if":
                stack.append((number, " ".join(w.text for w in words)))
            elif keyword in (".elif", ".else"):
                if not stack:
                    problems.append(Problem("unparsable-input", f"invalid HAProxy: '{keyword}' without a matching '.if'", where))
                else:
                    stack[-1] = (number, " ".join(w.text for w in words))
            elif keyword == ".endif":
                if not stack:
                    problems.append(Problem("unparsable-input", "invalid HAProxy: '.endif' without a matching '.if'", where))
                else:
                    stack.pop()
            elif keyword not in _MESSAGES:
                problems.append(Problem("unparsable-input", f"invalid HAProxy: unknown directive '{keyword}'", where))
            continue
        condition = f"line {stack[-1][0]}: {stack[-1][1]}" if stack else None
        out.append(Statement(words, number, condition))
    for line, _text in stack:
        problems.append(Problem("unparsable-input", "invalid HAProxy: '.if' block is never closed with '.endif'", source.location(line, 1)))
    return out


def looks_like_haproxy(source: SourceFile) -> bool:
    """Whether the first statement opens an HAProxy section (for .cfg files found by extension only)."""
    for text in source.lines:
        try:
            words = split_line(text)
        except _Invalid:
            return False
        if words and words[0].text not in _CONDITIONAL:
            return words[0].text in SECTION_KEYWORDS
    return False


# -- sections ------------------------------------------------------------------------------------


@dataclass
class _Builder:
    """A section being read, until its end."""

    kind: str
    name: str
    location: Location
    mode: str = "tcp"  # HAProxy's default mode
    timeouts: dict[str, Timeout] = field(default_factory=dict)
    conditional: dict[str, str] = field(default_factory=dict)  # timeout name -> the .if it sits in
    timeout_notes: dict[str, str] = field(default_factory=dict)  # timeout name -> what HAProxy makes of its value
    from_environment: dict[str, Word] = field(default_factory=dict)
    retries: Retries | None = None
    retry_on: tuple[str, ...] = ("conn-failure",)
    servers: list[HaproxyServer] = field(default_factory=list)
    default_backend: BackendRule | None = None
    use_backends: list[BackendRule] = field(default_factory=list)
    disabled: bool = False
    notes: list[str] = field(default_factory=list)
    set_here: set[str] = field(default_factory=set)  # timeouts this section writes itself (not inherited)

    @property
    def capabilities(self) -> int:
        return PROXY_CAPABILITIES[self.kind]

    def inherit(self, defaults: _Builder) -> None:
        self.mode = defaults.mode
        self.timeouts = dict(defaults.timeouts)
        self.conditional = dict(defaults.conditional)
        self.timeout_notes = dict(defaults.timeout_notes)
        self.from_environment = dict(defaults.from_environment)
        self.retries = defaults.retries
        self.retry_on = defaults.retry_on
        if self.capabilities & _FE:
            self.default_backend = defaults.default_backend


class _Reader:
    def __init__(self, source: SourceFile):
        self.source = source
        self.problems: list[Problem] = []
        self.proxies: list[_Builder] = []
        self.named_defaults: dict[str, _Builder] = {}
        self.last_defaults: _Builder | None = None
        self.section: str | None = None
        self.current: _Builder | None = None
        self.out_of_section_reported = False

    def where(self, statement: Statement, index: int = 0) -> Location:
        words = statement.words
        column = words[index].column if index < len(words) else words[-1].column
        return self.source.location(statement.line, column)

    def error(self, statement: Statement, message: str, index: int = 0) -> None:
        self.problems.append(Problem("unparsable-input", f"invalid HAProxy: {message}", self.where(statement, index)))

    def read(self, statement: Statement) -> None:
        keyword = statement.words[0].text
        if keyword in SECTION_KEYWORDS:
            self.open_section(statement)
        elif self.section is None:
            if not self.out_of_section_reported:
                self.out_of_section_reported = True
                self.error(statement, f"unknown keyword '{keyword}' out of section")
        elif self.current is not None:
            self.proxy_statement(self.current, statement)

    def open_section(self, statement: Statement) -> None:
        words = [w.text for w in statement.words]
        kind = words[0]
        self.section = kind
        self.current = None
        if kind not in PROXY_CAPABILITIES:
            return
        name = words[1] if len(words) > 1 and words[1] != "from" else ""
        if kind != "defaults" and not name:
            self.error(statement, f"'{kind}' needs a name")
            return
        builder = _Builder(kind, name, self.where(statement))
        base = self.last_defaults
        if "from" in words[1:]:
            index = words.index("from", 1)
            wanted = words[index + 1] if index + 1 < len(words) else ""
            base = self.named_defaults.get(wanted)
            if base is None:
                builder.notes.append(
                    f"{kind} {name or '(unnamed)'} starts from defaults section '{wanted}', which is not in this file; its settings are unknown"
                )
        if base is not None and not (kind == "defaults" and "from" not in words[1:]):
            builder.inherit(base)
        if kind == "defaults":
            self.last_defaults = builder
            if name:
                self.named_defaults[name] = builder
        else:
            self.proxies.append(builder)
        self.current = builder

    # -- statements inside a proxy section ----------------------------------------------------
    def proxy_statement(self, proxy: _Builder, statement: Statement) -> None:
        words = statement.words
        keyword = words[0].text
        if keyword == "timeout":
            self.timeout(proxy, statement)
        elif keyword in _LEGACY_TIMEOUTS:
            self.error(
                statement,
                f"the '{keyword}' directive is not supported anymore since HAProxy 2.1. Use 'timeout {_LEGACY_TIMEOUTS[keyword]}'.",
            )
        elif keyword == "mode" and len(words) > 1:
            proxy.mode = words[1].text
        elif keyword == "retries":
            self.retries(proxy, statement)
        elif keyword == "retry-on":
            self.retry_on(proxy, statement)
        elif keyword in ("server", "server-template") and proxy.kind != "defaults":
            self.server(proxy, statement)
        elif keyword == "default_backend" and len(words) > 1:
            proxy.default_backend = self.backend_rule(statement, 1)
        elif keyword == "use_backend" and len(words) > 1 and proxy.kind != "defaults":
            rule = self.backend_rule(statement, 1)
            condition = " ".join(w.text for w in words[2:])
            proxy.use_backends.append(rule._replace(condition=condition))
        elif keyword == "disabled":
            proxy.disabled = True
        elif keyword == "enabled":
            proxy.disabled = False

    def backend_rule(self, statement: Statement, index: int) -> BackendRule:
        word = statement.words[index]
        return BackendRule(word.text, self.where(statement, index), dynamic="%[" in word.text or word.from_environment)

    def timeout(self, proxy: _Builder, statement: Statement) -> None:
        words = statement.words
        if len(words) < 2:
            self.error(statement, "'timeout' needs a name and a value")
            return
        name = words[1].text
        if name in _LEGACY_TIMEOUTS:
            self.error(
                statement, f"the '{name}' directive is not supported anymore since HAProxy 2.1. Use 'timeout {_LEGACY_TIMEOUTS[name]}'.", 1
            )
            return
        if name not in TIMEOUT_CAPABILITIES:
            self.error(
                statement,
                "'timeout' supports 'client', 'server', 'connect', 'check', 'queue', 'http-keep-alive', "
                f"'http-request', 'tunnel', 'tarpit', 'client-fin', 'client-hs' and 'server-fin' (got '{name}')",
                1,
            )
            return
        if len(words) < 3 or not words[2].text:
            self.error(statement, f"'timeout {name}' expects an integer value (in milliseconds)")
            return
        if len(words) > 3:
            self.error(statement, f"'timeout {name}' : unexpected extra argument '{words[3].text}' after value '{words[2].text}'.", 3)
            return
        value = words[2]
        setting = f"timeout {name}"
        if not proxy.capabilities & TIMEOUT_CAPABILITIES[name]:
            side = "backend" if TIMEOUT_CAPABILITIES[name] & _BE else "frontend"
            proxy.notes.append(
                f"HAProxy ignores '{setting}' on line {statement.line} (with a warning): {proxy.kind} '{proxy.name}' has no {side} capability"
            )
            return
        if value.from_environment:
            proxy.timeouts.pop(name, None)
            proxy.timeout_notes.pop(name, None)
            proxy.from_environment[name] = value
            return
        try:
            parsed = parse_haproxy_time(value.text)
        except DurationError as exc:
            self.error(statement, f"{exc} in '{setting}'", 2)
            return
        proxy.from_environment.pop(name, None)
        raw = value.text
        bare = raw.isdigit()
        proxy.timeout_notes.pop(name, None)
        if parsed.ignored:
            proxy.timeout_notes[name] = (
                f"'{setting} {raw}' ({self.source.display}:{statement.line}): HAProxy reads it as {raw[: len(raw) - len(parsed.ignored)]} "
                f"and ignores '{parsed.ignored}' with a warning (one unit per value: write {_single_unit(raw)})"
            )
        elif bare and 0 < int(raw) < _SMALL_BARE_MS:
            proxy.timeout_notes[name] = (
                f"'{setting} {raw}' ({self.source.display}:{statement.line}) is {raw} MILLISECONDS: a bare number is milliseconds "
                f"in HAProxy (recent versions warn that it is suspiciously small)"
            )
        seconds = parsed.seconds if parsed.seconds > 0 else math.inf  # 0 means no timeout (TICK_ETERNITY)
        where = self.where(statement, 0)
        proxy.timeouts[name] = Timeout(
            kind=Kind.IDLE,  # the kind is decided with the mode once the section is complete
            setting=setting,
            seconds=seconds,
            raw=raw,
            explicit=True,
            location=where,
            unit="ms" if bare else None,
            comment=self.source.comment_at(statement.line),
            ignored=parsed.ignored,
            # --fix rewrites the value; one inside a .if block holds only sometimes, so it is left to a person
            site=None if statement.condition else Site("haproxy", "haproxy", where, fragment=raw, written=raw),
        )
        proxy.set_here.add(name)
        if statement.condition:
            proxy.conditional[name] = statement.condition
        else:
            proxy.conditional.pop(name, None)

    def retries(self, proxy: _Builder, statement: Statement) -> None:
        words = statement.words
        if len(words) < 2:
            self.error(statement, "'retries' expects an integer argument")
            return
        try:
            count = parse_integer(words[1].text, minimum=0)
        except DurationError:
            self.error(statement, f"'retries' expects an integer argument (got '{words[1].text}')", 1)
            return
        proxy.retries = Retries(count, "retries", words[1].text, True, self.where(statement))

    def retry_on(self, proxy: _Builder, statement: Statement) -> None:
        keywords = tuple(w.text for w in statement.words[1:])
        if not keywords:
            self.error(statement, "'retry-on' needs at least one keyword to specify when to retry")
            return
        if not proxy.capabilities & _BE:
            self.error(statement, "'retry-on' only available in backend or listen section")
            return
        for index, keyword in enumerate(keywords, 1):
            if keyword not in _RETRY_ON:
                self.error(statement, f"'retry-on': unknown keyword '{keyword}'", index)
                return
        if "none" in keywords and len(keywords) > 1:
            self.error(statement, "'retry-on' 'none' keyword only usable alone")
            return
        proxy.retry_on = () if keywords == ("none",) else keywords

    def server(self, proxy: _Builder, statement: Statement) -> None:
        words = statement.words
        address_index = 3 if words[0].text == "server-template" else 2
        if len(words) <= address_index:
            return  # `server <name>` alone (dynamic servers) has no address to follow
        name = words[1].text
        address = words[address_index]
        where = self.where(statement, 0)
        if address.from_environment:
            proxy.servers.append(HaproxyServer(name, None, None, address.text, where, "the address comes from an environment variable"))
            return
        host, port, reason = parse_server_address(address.text)
        proxy.servers.append(HaproxyServer(name, host, port, address.text, where, reason))


def _single_unit(raw: str) -> str:
    """``1m30s`` -> ``90s``: the same duration in one unit, for the advice."""
    from timeout_lint.durations import parse_go_duration

    try:
        seconds = parse_go_duration(raw)
    except DurationError:
        return "one number with one unit"
    return f"{int(seconds)}s" if seconds == int(seconds) else f"{int(seconds * 1000)}ms"


_ADDRESS_PREFIXES = ("ipv4@", "ipv6@", "tcp@", "tcp4@", "tcp6@", "quic4@", "quic6@", "udp@", "udp4@", "udp6@")
_SOCKET_PREFIXES = ("unix@", "abns@", "abnsz@", "fd@", "sockpair@", "uxst@", "uxdg@", "rhttp@")


def parse_server_address(raw: str) -> tuple[str | None, int | None, str | None]:
    """(host, port, reason if unresolvable) for a `server` address as HAProxy writes it."""
    text = raw
    for prefix in _ADDRESS_PREFIXES:
        if text.startswith(prefix):
            text = text[len(prefix) :]
            break
    if text.startswith(_SOCKET_PREFIXES) or text.startswith("/"):
        return None, None, "a socket, not a host"
    if text.startswith("["):
        close = text.find("]")
        if close < 0:
            return None, None, "an address timeout-lint cannot read"
        host, rest = text[1:close], text[close + 1 :]
        port_text = rest[1:] if rest.startswith(":") else ""
    elif text.count(":") > 1:  # a bare IPv6 address, with the port after the last colon
        host, _, port_text = text.rpartition(":")
        if not port_text.isdigit():
            host, port_text = text, ""
    else:
        host, _, port_text = text.partition(":")
    if not host or host == "*":
        return None, None, "no host in the address"
    port = int(port_text) if port_text.isdigit() else None  # "+1000", "8000-8010": relative or ranges
    return host.lower(), port, None


# -- from sections to proxies ---------------------------------------------------------------------


def _finish(builder: _Builder) -> Proxy:
    """Decide each timeout's kind from the mode, and fill HAProxy's defaults for what is unset."""
    tcp = builder.mode == "tcp"
    timeouts: dict[str, Timeout] = {}
    notes = list(builder.notes)
    where = builder.location
    section = f"{builder.kind} {builder.name}"
    for name, timeout in builder.timeouts.items():
        if not builder.capabilities & TIMEOUT_CAPABILITIES[name]:
            continue  # inherited from defaults, but this side of a proxy never uses it
        kind, side = _kind(name, tcp)
        timeouts[name] = timeout._replace(kind=kind, side=side)
        if name not in builder.set_here and timeout.site is not None:
            # from a defaults section other proxies may share: --fix can set it in this section instead
            own = Site("haproxy", "haproxy", where, action="put", path=(f"timeout {name}",))
            timeouts[name] = timeouts[name]._replace(site=timeout.site._replace(own=own))
        if name in builder.timeout_notes:
            notes.append(builder.timeout_notes[name])
        if name in builder.conditional:
            notes.append(
                f"'{timeout.setting} {timeout.raw}' is inside a conditional block ({builder.conditional[name]}); it applies only when that holds"
            )
    for name, word in builder.from_environment.items():
        if not builder.capabilities & TIMEOUT_CAPABILITIES[name]:
            continue
        notes.append(f"'timeout {name}' is {word.text}, set from the environment at start-up; not checked")
    if builder.kind != "defaults":
        missing = []
        for name in ("client", "connect", "server"):
            if name in timeouts or name in builder.from_environment or not builder.capabilities & TIMEOUT_CAPABILITIES[name]:
                continue
            missing.append(name)
            kind, side = _kind(name, tcp)
            default = lookup("haproxy", f"timeout {name}")
            timeouts[name] = default.timeout(
                where, hint=f"set 'timeout {name}' above {{value}} in {section} (or in the defaults section it uses)"
            )._replace(kind=kind, side=side, site=Site("haproxy", "haproxy", where, action="put", path=(f"timeout {name}",)))
        if missing:
            notes.append(
                f"HAProxy warns at start-up: missing timeouts for {section} ({', '.join(missing)}): no timeout applies, connections can hang forever"
            )
    retries = builder.retries or Retries(3, "retries", "3", False, where)
    return Proxy(
        kind=builder.kind,
        name=builder.name,
        location=builder.location,
        mode=builder.mode,
        timeouts=timeouts,
        retries=retries,
        retry_on=builder.retry_on,
        servers=tuple(builder.servers),
        default_backend=builder.default_backend,
        use_backends=tuple(builder.use_backends),
        disabled=builder.disabled,
        notes=tuple(notes),
    )


def _kind(name: str, tcp: bool) -> tuple[Kind, Side]:
    if name == "server":
        return Kind.IDLE, Side.UPSTREAM
    if name == "client":
        return (Kind.IDLE if tcp else Kind.SEND), Side.DOWNSTREAM
    if name == "tunnel":
        return Kind.IDLE, Side.BOTH
    if name in ("connect", "queue"):
        return Kind.CONNECT, Side.UPSTREAM
    if name == "http-request":
        return Kind.REQUEST_READ, Side.DOWNSTREAM
    if name == "http-keep-alive":
        return Kind.KEEPALIVE, Side.DOWNSTREAM
    return Kind.CONNECT, Side.UPSTREAM  # check, tarpit, *-fin, client-hs: never about the response time


def parse_haproxy(source: SourceFile, quiet: bool = False) -> HaproxyResult | None:
    """One HAProxy file; ``quiet``: a .cfg found by extension, None unless it starts like HAProxy."""
    if quiet and not looks_like_haproxy(source):
        return None
    result = HaproxyResult()
    reader = _Reader(source)
    for statement in statements(source, result.problems):
        reader.read(statement)
    result.problems.extend(reader.problems)
    result.problems.sort(key=lambda p: p.location.sort_key)
    config_dir = os.path.dirname(os.path.abspath(source.path))
    result.config = HaproxyConfig(source.display, config_dir, tuple(_finish(b) for b in reader.proxies))
    return result
