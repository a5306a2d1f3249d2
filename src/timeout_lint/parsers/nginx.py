"""nginx through crossplane: includes, http/server/location inheritance, upstreams, *_pass targets.

Each file is parsed once by crossplane (``single=True``); ``include`` is expanded here, textually, so
that cycles are caught and reported at the include line, a file included from several places is read
once, and nothing outside the linted roots is opened. A file that another linted file includes is
read through that include, never on its own.

Relative include paths: nginx resolves them against its prefix (the directory of nginx.conf). A
repository rarely keeps that layout exactly, so the including file's directory and then each of its
parents up to the linted root are tried, and absolute paths (``/etc/nginx/conf.d/*.conf``) are
matched by their tail inside the linted roots.
"""

from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass, field
from typing import NamedTuple

from timeout_lint.defaults import lookup
from timeout_lint.durations import DurationError, parse_nginx_time
from timeout_lint.model import Kind, Location, Problem, Site, Timeout
from timeout_lint.sources import SourceFile, display_path, read

#: The pass directives whose timeouts work alike, and the prefix of those timeouts.
PASS_DIRECTIVES = {
    "proxy_pass": "proxy",
    "fastcgi_pass": "fastcgi",
    "uwsgi_pass": "uwsgi",
    "scgi_pass": "scgi",
    "grpc_pass": "grpc",
}
TIMEOUT_SUFFIXES = {"connect_timeout": Kind.CONNECT, "send_timeout": Kind.SEND, "read_timeout": Kind.IDLE}
TIMEOUT_DIRECTIVES = {f"{prefix}_{suffix}" for prefix in PASS_DIRECTIVES.values() for suffix in TIMEOUT_SUFFIXES}
MAX_DIRECTIVES_PER_ROOT = 500_000
MAX_BLOCK_DEPTH = 100
_ONE_VALUE_HINT = ': it takes one value (write 1m30s, or quote "1m 30s")'
_SCHEMES_DEFAULT_PORT = {"http": 80, "https": 443, "grpc": 80, "grpcs": 443}


class Target(NamedTuple):
    """Where a *_pass directive sends requests."""

    raw: str
    scheme: str | None
    host: str | None  # None when unresolvable (a variable, a unix socket)
    port: int | None
    explicit_port: bool
    unresolved_reason: str | None = None


class UpstreamServer(NamedTuple):
    host: str
    port: int | None
    location: Location


class Upstream(NamedTuple):
    name: str
    servers: tuple[UpstreamServer, ...]
    location: Location
    #: how long idle connections to the servers are kept; None without `keepalive N` (no pool at all)
    keepalive: Timeout | None = None


class Route(NamedTuple):
    """A location that passes requests on, with its effective timeouts."""

    config: str  # the root file this was read through (display path)
    config_dir: str  # its absolute directory, for resolving compose service names nearby
    server_names: tuple[str, ...]
    path: str  # the location's arguments: "/export", "~ ^/api"
    location: Location  # the `location` directive (where a missing setting would go)
    pass_directive: str
    pass_location: Location
    target: Target
    timeouts: tuple[Timeout, ...]
    upstream: Upstream | None

    @property
    def server_label(self) -> str:
        return self.server_names[0] if self.server_names else "_"


@dataclass(eq=False, repr=False)  # compared by identity; no generated __eq__/__repr__ to pay for at start-up
class NginxResult:
    """The routes of every nginx file read, and their problems."""

    routes: list[Route] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    files_read: int = 0
    sources: list[SourceFile] = field(default_factory=list)  # every nginx file read (for suppression comments)


# -- reading files ----------------------------------------------------------------------------------


class _Parsed(NamedTuple):
    source: SourceFile
    directives: list  # crossplane's parsed list
    ok: bool


class _Reader:
    def __init__(self, roots: list[str], cwd: str, allow_outside_root: bool, max_bytes: int):
        self.roots = [os.path.realpath(r) for r in roots]
        # real paths asked for again and again (every include, every candidate): one lstat walk each per run
        self.real = functools.cache(os.path.realpath)
        self.cwd = cwd
        self.allow_outside_root = allow_outside_root
        self.max_bytes = max_bytes
        # real path -> (crossplane's view or None, its problems, whether it reads as nginx)
        self.cache: dict[str, tuple[_Parsed | None, list[Problem], bool]] = {}
        self.reported: set[str] = set()
        self.problems: list[Problem] = []

    def inside_roots(self, path: str) -> bool:
        real = self.real(path)
        return any(real == root or real.startswith(root + os.sep) for root in self.roots)

    def parse(self, path: str, quiet: bool = False) -> _Parsed | None:
        """crossplane's view of one file, read once.

        ``quiet``: a .conf that only might be nginx; if it does not read as nginx it is skipped
        without a word. Once a real nginx file includes it, it is nginx, and its problems count.
        """
        key = self.real(path)
        if key not in self.cache:
            self.cache[key] = self._read(path)
        parsed, problems, looks_like_nginx = self.cache[key]
        if quiet and not looks_like_nginx:
            return None
        if key not in self.reported:
            self.reported.add(key)
            self.problems.extend(problems)
        return parsed

    def _read(self, path: str) -> tuple[_Parsed | None, list[Problem], bool]:
        display = display_path(path, self.cwd)
        source, problems = read(path, display, self.max_bytes)
        parsed: _Parsed | None = None
        if source is not None:
            import crossplane  # imported here: runs without nginx files never pay for it

            try:
                payload = crossplane.parse(path, single=True, comments=False, catch_errors=True, check_ctx=False, check_args=True)
                config = payload["config"][0]
                for error in config.get("errors", []):
                    message = re.sub(r" in \S+:\d+$", "", error.get("error") or "")
                    line = error.get("line")
                    column = None
                    if not message:  # crossplane runs out of tokens without saying so
                        message, line = 'unexpected end of file (a missing ";" or "}"?)', max(len(source.lines), 1)
                    named = re.search(r'"([a-z0-9_]+)" directive', message)
                    if named and line:
                        found = _find_word(source.line_text(line), named.group(1))
                        column = found + 1 if found >= 0 else None
                        if named.group(1) in TIMEOUT_DIRECTIVES and message.startswith("invalid number of arguments"):
                            message += _ONE_VALUE_HINT
                    problems.append(Problem("unparsable-input", f"invalid nginx: {message}", source.location(line or 1, column)))
                parsed = _Parsed(source, config.get("parsed", []), not config.get("errors"))
            except RecursionError:
                problems.append(Problem("unparsable-input", "invalid nginx: blocks nested too deeply to read", source.location(1, 1)))
            except Exception as exc:  # crossplane raises bare errors on some malformed input
                problems.append(Problem("unparsable-input", f"invalid nginx: {exc}", source.location(1, 1)))
        looks_like_nginx = parsed is not None and parsed.ok and _looks_like_nginx(parsed.directives)
        return parsed, problems, looks_like_nginx

    def resolve_include(self, pattern: str, including: str, main: str, lint_root: str) -> tuple[list[str], bool]:
        """Files an include pattern names, sorted like glob(3); and whether it points outside the roots.

        nginx resolves a relative pattern against its prefix, the directory of the main config
        (``main``); only if that finds nothing are the including file's directory and its parents
        tried, for repositories that do not keep nginx's layout.
        """
        import glob  # includes only

        bases = [os.path.dirname(main)] + [b for b in _ancestors(os.path.dirname(including), lint_root) if b != os.path.dirname(main)]
        if os.path.isabs(pattern):
            parts = pattern.strip("/").split("/")
            # /etc/nginx/conf.d/*.conf -> etc/nginx/conf.d/*.conf, nginx/conf.d/*.conf, conf.d/*.conf
            # inside the tree, longest first; a bare glob (*.conf) would match anything, so never alone
            tails = [os.path.join(*parts[i:]) for i in range(len(parts))]
            if glob.has_magic(parts[-1]) and len(parts) > 1:
                tails = tails[:-1]
            candidates = [os.path.join(base, tail) for base in bases for tail in tails]
        else:
            candidates = [os.path.join(base, pattern) for base in bases]
        outside = False
        for candidate in candidates:
            matches = sorted(glob.glob(candidate)) if glob.has_magic(candidate) else ([candidate] if os.path.isfile(candidate) else [])
            matches = [m for m in matches if os.path.isfile(m)]
            if not matches:
                continue
            allowed = [m for m in matches if self.allow_outside_root or self.inside_roots(m)]
            if not allowed:
                outside = True
                continue
            return allowed, False
        return [], outside


def _ancestors(directory: str, stop: str) -> list[str]:
    out = [directory]
    stop = os.path.abspath(stop)
    current = os.path.abspath(directory)
    while current != stop and current.startswith(stop + os.sep):
        current = os.path.dirname(current)
        out.append(current)
    return out


def _looks_like_nginx(directives: list) -> bool:
    from crossplane.analyzer import DIRECTIVES

    return any(d.get("directive") in DIRECTIVES for d in directives)


# -- the walk -------------------------------------------------------------------------------------


class _Directive:
    """A crossplane directive with the file it was read from (after include expansion)."""

    __slots__ = ("name", "args", "source", "line", "block")

    def __init__(self, name: str, args: list[str], source: SourceFile, line: int, block: list | None):
        self.name = name
        self.args = args
        self.source = source
        self.line = line
        self.block = block  # list[_Directive] once expanded

    def location(self) -> Location:
        text = self.source.line_text(self.line)
        index = _find_word(text, self.name)
        return self.source.location(self.line, index + 1 if index >= 0 else None, self.name)


def _find_word(text: str, word: str) -> int:
    for match in re.finditer(re.escape(word), text):
        start, end = match.span()
        before = text[start - 1] if start > 0 else " "
        after = text[end] if end < len(text) else " "
        if not (before.isalnum() or before == "_") and not (after.isalnum() or after == "_"):
            return start
    return -1


class _Expander:
    """Turns crossplane's per-file lists into one tree per root, following includes."""

    def __init__(self, reader: _Reader, lint_root: str):
        self.reader = reader
        self.lint_root = lint_root
        self.budget = MAX_DIRECTIVES_PER_ROOT
        self.exhausted = False
        self.included: set[str] = set()

    def expand(self, parsed: _Parsed, stack: tuple[str, ...]) -> list[_Directive]:
        return self._block(parsed.directives, parsed.source, stack, 0)

    def _block(self, raw: list, source: SourceFile, stack: tuple[str, ...], depth: int) -> list[_Directive]:
        out: list[_Directive] = []
        if depth > MAX_BLOCK_DEPTH:
            self.reader.problems.append(
                Problem(
                    "unparsable-input",
                    f"blocks nested deeper than {MAX_BLOCK_DEPTH} levels; inner blocks not linted",
                    source.location(raw[0]["line"] if raw else 1),
                )
            )
            return out
        for item in raw:
            if self.budget <= 0:
                if not self.exhausted:
                    self.exhausted = True
                    self.reader.problems.append(
                        Problem(
                            "unparsable-input",
                            f"includes expand to more than {MAX_DIRECTIVES_PER_ROOT} directives; the rest is not linted",
                            source.location(item.get("line") or 1),
                        )
                    )
                return out
            self.budget -= 1
            name = item.get("directive", "")
            args = item.get("args", [])
            line = item.get("line") or 1
            if name == "include" and args:
                out.extend(self._include(args[0], source, line, stack, depth))
                continue
            block = item.get("block")
            directive = _Directive(name, args, source, line, None)
            if block is not None:
                directive.block = self._block(block, source, stack, depth + 1)
            out.append(directive)
        return out

    def _include(self, pattern: str, source: SourceFile, line: int, stack: tuple[str, ...], depth: int) -> list[_Directive]:
        import glob  # includes only

        files, outside = self.reader.resolve_include(pattern, source.path, stack[0], self.lint_root)
        where = _Directive("include", [pattern], source, line, None).location()
        if not files:
            if outside:
                self.reader.problems.append(
                    Problem(
                        "include-not-found",
                        f'include "{pattern}" points outside the linted paths; not followed (--allow-outside-root follows it)',
                        where,
                    )
                )
            elif not glob.has_magic(pattern) and not os.path.isabs(pattern):
                self.reader.problems.append(Problem("include-not-found", f'include "{pattern}" matches no file in the linted tree', where))
            return []
        out: list[_Directive] = []
        for path in files:
            real = self.reader.real(path)
            if real in stack:
                chain = " -> ".join(display_path(p, self.reader.cwd) for p in (*stack[stack.index(real) :], real))
                self.reader.problems.append(Problem("include-cycle", f"include cycle, not followed again: {chain}", where))
                continue
            parsed = self.reader.parse(path)
            if parsed is None:
                continue
            self.included.add(real)
            out.extend(self._block(parsed.directives, parsed.source, stack + (real,), depth))
        return out


def _explicit_timeouts(block: list[_Directive], problems: list[Problem]) -> dict[str, Timeout]:
    found: dict[str, Timeout] = {}
    for directive in block:
        if directive.name not in TIMEOUT_DIRECTIVES:
            continue
        where = directive.location()
        if directive.name in found:
            problems.append(Problem("unparsable-input", f'invalid nginx: "{directive.name}" directive is duplicate', where))
            continue
        if len(directive.args) != 1:
            problems.append(
                Problem(
                    "unparsable-input",
                    f'invalid nginx: invalid number of arguments in "{directive.name}" directive{_ONE_VALUE_HINT}',
                    where,
                )
            )
            continue
        raw = directive.args[0]
        try:
            seconds = parse_nginx_time(raw)
        except DurationError as exc:
            problems.append(Problem("unparsable-input", f'invalid nginx: "{directive.name}": {exc}', where))
            continue
        suffix = directive.name.split("_", 1)[1]
        found[directive.name] = Timeout(
            kind=TIMEOUT_SUFFIXES[suffix],
            setting=directive.name,
            seconds=seconds,
            raw=raw,
            explicit=True,
            location=where,
            comment=directive.source.comment_at(directive.line),
            site=Site("nginx", "nginx", where, fragment=raw, written=raw),
        )
    return found


def parse_target(raw: str, directive: str) -> Target:
    if "$" in raw:
        return Target(raw, None, None, None, False, "the address contains a variable, resolved only at request time")
    if raw.startswith("unix:"):
        return Target(raw, "unix", None, None, False, "a unix socket")
    match = re.match(r"^(?:(?P<scheme>[a-z][a-z0-9+.-]*)://)?(?P<host>\[[^\]]+\]|[^/:?#]+)(?::(?P<port>\d+))?", raw)
    if not match:
        return Target(raw, None, None, None, False, "an address timeout-lint cannot read")
    scheme = match.group("scheme")
    port = int(match.group("port")) if match.group("port") else None
    explicit = port is not None
    if port is None and scheme in _SCHEMES_DEFAULT_PORT and directive in ("proxy_pass", "grpc_pass"):
        port = _SCHEMES_DEFAULT_PORT[scheme]
    return Target(raw, scheme, match.group("host").lower(), port, explicit)


def _upstream_keepalive(block: list[_Directive], problems: list[Problem]) -> Timeout | None:
    """The idle timeout of an upstream's connection cache: only with ``keepalive N`` is there a cache
    (ngx_http_upstream_keepalive_module); ``keepalive_timeout`` defaults to 60s (nginx 1.15.3+)."""
    cache = next((d for d in block if d.name == "keepalive"), None)
    if cache is None:
        return None
    explicit = next((d for d in block if d.name == "keepalive_timeout"), None)
    if explicit is not None and len(explicit.args) == 1:
        where = explicit.location()
        try:
            seconds = parse_nginx_time(explicit.args[0])
        except DurationError as exc:
            problems.append(Problem("unparsable-input", f'invalid nginx: "keepalive_timeout": {exc}', where))
        else:
            return Timeout(
                kind=Kind.KEEPALIVE,
                setting="keepalive_timeout",
                seconds=seconds,
                raw=explicit.args[0],
                explicit=True,
                location=where,
                comment=explicit.source.comment_at(explicit.line),
            )
    return lookup("nginx", "upstream keepalive_timeout").timeout(
        cache.location(), hint="set keepalive_timeout in this upstream block to less than {value}"
    )


def _upstreams(http: list[_Directive], problems: list[Problem]) -> dict[str, Upstream]:
    out: dict[str, Upstream] = {}
    for directive in http:
        if directive.name != "upstream" or not directive.args or directive.block is None:
            continue
        servers = []
        for item in directive.block:
            if item.name == "server" and item.args:
                target = parse_target(item.args[0], "upstream")
                if target.host:
                    servers.append(UpstreamServer(target.host, target.port, item.location()))
        keepalive = _upstream_keepalive(directive.block, problems)
        out[directive.args[0].lower()] = Upstream(directive.args[0], tuple(servers), directive.location(), keepalive)
    return out


#: Directives without which nginx does not reuse upstream connections even with `keepalive`:
#: pass directive -> (switch directive, the value that turns reuse on, nginx's default)
_REUSE_SWITCHES = {
    "proxy_pass": ("proxy_http_version", "1.1", "1.0"),  # HTTP/1.0 to the upstream closes every connection
    "fastcgi_pass": ("fastcgi_keep_conn", "on", "off"),
}


def _switches(block: list[_Directive]) -> dict[str, str]:
    return {d.name: d.args[0] for d in block if d.name in ("proxy_http_version", "fastcgi_keep_conn") and d.args}


class _Walker:
    def __init__(self, reader: _Reader, root_display: str, root_dir: str, upstreams: dict[str, Upstream]):
        self.reader = reader
        self.root_display = root_display
        self.root_dir = root_dir
        self.upstreams = upstreams
        self.routes: list[Route] = []

    def server(self, block: list[_Directive], inherited: dict[str, Timeout], switches: dict[str, str]) -> None:
        names: list[str] = []
        for directive in block:
            if directive.name == "server_name":
                names.extend(a for a in directive.args if a)
        values = {**inherited, **_explicit_timeouts(block, self.reader.problems)}
        switches = {**switches, **_switches(block)}
        for directive in block:
            if directive.name == "location" and directive.block is not None:
                self.location(directive, values, tuple(names), switches)

    def location(self, directive: _Directive, inherited: dict[str, Timeout], servers: tuple[str, ...], switches: dict[str, str]) -> None:
        block = directive.block or []
        own = _explicit_timeouts(block, self.reader.problems)
        values = {**inherited, **own}
        switches = {**switches, **_switches(block)}
        path = " ".join(directive.args)
        for item in block:
            prefix = PASS_DIRECTIVES.get(item.name)
            if prefix is None or not item.args:
                continue
            target = parse_target(item.args[0], item.name)
            upstream = None
            if target.host and not target.explicit_port:
                upstream = self.upstreams.get(target.host)
            where = directive.location()
            timeouts = []
            for suffix in TIMEOUT_SUFFIXES:
                setting = f"{prefix}_{suffix}"
                # --fix: a setting of this location's own goes last in its block
                here = Site("nginx", "nginx", where, action="put", path=(setting,))
                if setting in own:
                    timeouts.append(own[setting])
                elif setting in values:  # inherited: an enclosing block's value, which other locations may share
                    inherited_value = values[setting]
                    site = inherited_value.site._replace(own=here) if inherited_value.site is not None else None
                    timeouts.append(inherited_value._replace(site=site))
                else:
                    default = lookup("nginx", setting)
                    timeouts.append(
                        default.timeout(
                            where, hint=f"set {setting} above {{value}} in this location (or its server or http block)"
                        )._replace(site=here)
                    )
            switch = _REUSE_SWITCHES.get(item.name)
            if upstream is not None and upstream.keepalive is not None and switch is not None:
                name, on, default_value = switch
                if switches.get(name, default_value) == on:  # only then are idle connections kept and reused
                    timeouts.append(upstream.keepalive)
            self.routes.append(
                Route(
                    config=self.root_display,
                    config_dir=self.root_dir,
                    server_names=servers,
                    path=path,
                    location=where,
                    pass_directive=item.name,
                    pass_location=item.location(),
                    target=target,
                    timeouts=tuple(timeouts),
                    upstream=upstream,
                )
            )
        for item in block:
            if item.name == "location" and item.block is not None:
                self.location(item, values, servers, switches)


def _http_blocks(tree: list[_Directive]) -> list[tuple[list[_Directive], str]]:
    """The http contexts of a root: its http blocks, or the file itself if it is a fragment."""
    http = [d.block for d in tree if d.name == "http" and d.block is not None]
    if http:
        return [(block, "http") for block in http]
    if any(d.name in ("server", "upstream") for d in tree):
        return [(tree, "http")]
    if any(d.name == "location" for d in tree):
        return [(tree, "server")]
    return []


def _include_patterns(directives: list) -> list[str]:
    """Every include pattern in a crossplane tree, at any depth."""
    patterns: list[str] = []
    stack = [directives]
    while stack:
        for item in stack.pop():
            if item.get("directive") == "include" and item.get("args"):
                patterns.append(item["args"][0])
            if item.get("block"):
                stack.append(item["block"])
    return patterns


def parse_nginx(
    candidates: list[tuple[str, bool, bool]],
    roots: list[str],
    cwd: str,
    allow_outside_root: bool = False,
    max_bytes: int = 10 * 1024 * 1024,
) -> NginxResult:
    """``candidates``: (absolute path, certainly nginx, named explicitly) for each discovered file.

    A file that another candidate includes is read through that include only. Files are read from
    the roots (included by nothing) first; what they do not reach (a cycle with no way in) after.
    """
    reader = _Reader(roots, cwd, allow_outside_root, max_bytes)
    result = NginxResult()

    def lint_root_of(path: str) -> str:
        return next((r for r in roots if os.path.abspath(path).startswith(os.path.abspath(r) + os.sep)), os.path.dirname(path))

    parsed_candidates: list[tuple[str, _Parsed]] = []
    for path, certain, _explicit in candidates:
        parsed = reader.parse(path, quiet=not certain)
        if parsed is not None:
            parsed_candidates.append((path, parsed))
    included: set[str] = set()
    for path, parsed in parsed_candidates:
        for pattern in _include_patterns(parsed.directives):
            files, _outside = reader.resolve_include(pattern, path, path, lint_root_of(path))
            included.update(reader.real(f) for f in files if reader.real(f) != reader.real(path))
    ordered = [c for c in parsed_candidates if reader.real(c[0]) not in included]
    ordered += [c for c in parsed_candidates if reader.real(c[0]) in included]
    reached: set[str] = set()
    for path, parsed in ordered:
        real = reader.real(path)
        if real in reached:
            continue  # read through the file that includes it
        expander = _Expander(reader, lint_root_of(path))
        tree = expander.expand(parsed, (real,))
        reached |= expander.included | {real}
        for block, context in _http_blocks(tree):
            walker = _Walker(reader, parsed.source.display, os.path.dirname(os.path.abspath(path)), _upstreams(block, reader.problems))
            if context == "http":
                http_values = _explicit_timeouts(block, reader.problems)
                for directive in block:
                    if directive.name == "server" and directive.block is not None:
                        walker.server(directive.block, http_values, _switches(block))
            else:
                walker.server(block, {}, {})
            result.routes.extend(walker.routes)
    result.problems = _unique(reader.problems)
    result.files_read = len(reader.reported)
    result.sources = [reader.cache[key][0].source for key in sorted(reader.reported) if reader.cache[key][0] is not None]
    return result


def _unique(problems: list[Problem]) -> list[Problem]:
    seen: set[tuple] = set()
    out = []
    for problem in problems:
        key = (problem.rule, problem.message, problem.location)
        if key not in seen:
            seen.add(key)
            out.append(problem)
    return out
