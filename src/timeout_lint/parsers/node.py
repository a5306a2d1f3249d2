"""Node.js ``http.Server`` timeouts, read with tree-sitter's JavaScript and TypeScript grammars.

A server is a variable bound to ``http.createServer(...)`` (or ``https``/``http2``, or a bare
``createServer``), ``new http.Server(...)``, or ``app.listen(...)`` (Express returns the
``http.Server``); a ``createServer(...)`` call chained without a variable is a server too. Its
timeouts are read where written literally, in milliseconds: ``server.timeout = 120000``,
``server.setTimeout(120000)``, ``server.requestTimeout``, ``server.headersTimeout``,
``server.keepAliveTimeout``, and the same keys in the options object of ``createServer({...})``.
A value that is not a numeric literal (``server.timeout = config.timeout``) is kept as "not
evaluated", never guessed.

What they measure (nodejs/node doc/api/http.md): ``server.timeout`` is socket inactivity, 0 (none) by
default since v13; ``requestTimeout`` (300000 since v18) and ``headersTimeout`` (60000, at most
requestTimeout) bound receiving the request, not the response; ``keepAliveTimeout`` (5000) is how
long an idle connection is kept after a response.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import NamedTuple

from timeout_lint.defaults import lookup
from timeout_lint.model import Kind, Location, Problem, Side, Timeout
from timeout_lint.sources import SourceFile

#: property -> (kind, the setting's name in messages)
SERVER_PROPERTIES = {
    "timeout": Kind.IDLE,
    "requestTimeout": Kind.REQUEST_READ,
    "headersTimeout": Kind.REQUEST_READ,
    "keepAliveTimeout": Kind.KEEPALIVE,
}
OPTION_KEYS = frozenset({"requestTimeout", "headersTimeout", "keepAliveTimeout"})
_HINTS = {
    "timeout": "set server.timeout (milliseconds, 0 for none) to more than {value}",
    "requestTimeout": "set server.requestTimeout to more than {value} (milliseconds)",
    "headersTimeout": "set server.headersTimeout to more than {value} (milliseconds)",
    "keepAliveTimeout": "set server.keepAliveTimeout to more than {value} (milliseconds)",
}
_MARKERS = ("createServer", ".listen(", "Server(")


class Unevaluated(NamedTuple):
    setting: str
    expression: str
    location: Location


class NodeServer(NamedTuple):
    file: str
    location: Location  # the call that creates it
    timeouts: tuple[Timeout, ...]
    unevaluated: tuple[Unevaluated, ...] = ()


@dataclass
class NodeResult:
    """A JavaScript or TypeScript file read: its servers, and its problems."""

    servers: list[NodeServer] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


_PARSERS: dict[str, object] = {}


def _parser(typescript: bool):
    key = "ts" if typescript else "js"
    if key not in _PARSERS:
        import tree_sitter

        if typescript:
            import tree_sitter_typescript

            language = tree_sitter_typescript.language_typescript()
        else:
            import tree_sitter_javascript

            language = tree_sitter_javascript.language()
        _PARSERS[key] = tree_sitter.Parser(tree_sitter.Language(language))
    return _PARSERS[key]


def _text(node) -> str:
    return node.text.decode("utf-8", errors="replace")


def _number(node) -> float | None:
    """A JavaScript numeric literal (``120000``, ``120_000``, ``1.2e5``, ``0x1d4c0``), or None."""
    if node is None or node.type != "number":
        return None
    text = _text(node).replace("_", "")
    try:
        return float(int(text, 0))
    except ValueError:
        try:
            return float(text)
        except ValueError:
            return None


def _unwrap(node):
    while node is not None and node.type in ("await_expression", "parenthesized_expression", "as_expression", "non_null_expression"):
        node = node.named_children[0] if node.named_children else None
    return node


class _Builder:
    def __init__(self, location: Location):
        self.location = location
        self.values: dict[str, tuple[float, str, Location, str | None]] = {}
        self.unevaluated: dict[str, Unevaluated] = {}

    def set(self, name: str, value_node, where: Location, expression: str, comment: str | None = None) -> None:
        value = _number(_unwrap(value_node))
        if value is None:
            self.values.pop(name, None)
            self.unevaluated[name] = Unevaluated(f"server.{name}", expression, where)
            return
        self.unevaluated.pop(name, None)
        self.values[name] = (value, expression, where, comment)

    def server(self, display: str) -> NodeServer:
        timeouts = []
        for name, kind in SERVER_PROPERTIES.items():
            setting = f"server.{name}"
            if name in self.values:
                value, raw, where, comment = self.values[name]
                seconds = value / 1000 if value > 0 else math.inf  # 0 disables it
                timeouts.append(
                    Timeout(
                        kind=kind,
                        setting=setting,
                        seconds=seconds,
                        raw=raw,
                        explicit=True,
                        location=where,
                        unit="ms",
                        side=Side.DOWNSTREAM,
                        comment=comment,
                    )
                )
            elif name not in self.unevaluated:
                default = lookup("node", setting).timeout(self.location, hint=_HINTS[name])
                if name == "headersTimeout" and "requestTimeout" in self.values:
                    # the default is min(requestTimeout, 60000) since v18.14 / v19.4
                    request = self.values["requestTimeout"][0] / 1000
                    if 0 < request < default.seconds:
                        default = default._replace(seconds=request)
                timeouts.append(default)
        return NodeServer(display, self.location, tuple(timeouts), tuple(self.unevaluated.values()))


class _File:
    def __init__(self, source: SourceFile):
        self.source = source
        self.bound: dict[str, _Builder] = {}
        self.servers: list[_Builder] = []

    def location(self, node) -> Location:
        row, column = node.start_point
        line_text = self.source.line_text(row + 1)
        prefix = line_text.encode("utf-8")[:column].decode("utf-8", errors="ignore")
        return self.source.location(row + 1, len(prefix) + 1)

    def comment_after(self, node) -> str | None:
        """The ``//`` comment ending the line a node ends on (``requestTimeout: 30000, // 30 s``)."""
        if node is None:
            return None
        row, column = node.end_point
        line_text = self.source.line_text(row + 1)
        prefix = line_text.encode("utf-8")[:column].decode("utf-8", errors="ignore")
        return self.source.comment_after(row + 1, len(prefix) + 1)

    def creates_server(self, node) -> bool:
        node = _unwrap(node)
        if node is None:
            return False
        if node.type == "call_expression":
            function = node.child_by_field_name("function")
            if function is None:
                return False
            if function.type == "identifier":
                return _text(function) == "createServer"
            if function.type == "member_expression":
                name = function.child_by_field_name("property")
                return name is not None and _text(name) in ("createServer", "listen")
        if node.type == "new_expression":
            constructor = node.child_by_field_name("constructor")
            return constructor is not None and _text(constructor).split(".")[-1] == "Server"
        return False

    def new_server(self, value, name: str | None) -> None:
        builder = _Builder(self.location(_unwrap(value)))
        self.read_options(_unwrap(value), builder)
        self.servers.append(builder)
        if name:
            self.bound[name] = builder

    def read_options(self, call, builder: _Builder) -> None:
        """The options object of createServer({...}) or new Server({...})."""
        # `app.listen(...)` on a server built from createServer(options) chained: look inside
        function = call.child_by_field_name("function") if call.type == "call_expression" else None
        if function is not None and function.type == "member_expression":
            inner = function.child_by_field_name("object")
            if inner is not None and self.creates_server(inner):
                self.read_options(_unwrap(inner), builder)
        arguments = call.child_by_field_name("arguments")
        if arguments is None or not arguments.named_children:
            return
        first = arguments.named_children[0]
        if first.type != "object":
            return
        for pair in first.named_children:
            if pair.type != "pair":
                continue
            key = pair.child_by_field_name("key")
            if key is None or _text(key).strip("'\"") not in OPTION_KEYS:
                continue
            value = pair.child_by_field_name("value")
            builder.set(
                _text(key).strip("'\""), value, self.location(key), _text(value) if value is not None else "", self.comment_after(value)
            )

    def walk(self, root) -> None:
        """Every node in source order; a node that says what it is (a server, a setting) is not entered."""
        stack = [root]
        while stack:
            node = stack.pop()
            if not self.visit(node):
                stack.extend(reversed(node.named_children))

    def visit(self, node) -> bool:
        """Read one node; True when its children need no visit."""
        kind = node.type
        if kind == "variable_declarator":
            name, value = node.child_by_field_name("name"), node.child_by_field_name("value")
            if name is not None and name.type == "identifier" and value is not None and self.creates_server(value):
                self.new_server(value, _text(name))
                return True
        elif kind == "assignment_expression":
            left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
            if left is None or right is None:
                return False
            if left.type == "identifier" and self.creates_server(right):
                self.new_server(right, _text(left))
                return True
            if left.type == "member_expression":
                target = self.server_of(left.child_by_field_name("object"))
                prop = left.child_by_field_name("property")
                if target is not None and prop is not None and _text(prop) in SERVER_PROPERTIES:
                    target.set(_text(prop), right, self.location(left), " ".join(_text(right).split()), self.comment_after(right))
                    return True
        elif kind == "call_expression":
            function = node.child_by_field_name("function")
            if function is not None and function.type == "member_expression":
                prop = function.child_by_field_name("property")
                target = self.server_of(function.child_by_field_name("object"))
                arguments = node.child_by_field_name("arguments")
                if target is not None and prop is not None and _text(prop) == "setTimeout" and arguments is not None:
                    if arguments.named_children:
                        value = arguments.named_children[0]
                        target.set("timeout", value, self.location(node), " ".join(_text(value).split()), self.comment_after(node))
                    return True
            if self.creates_server(node) and not self.is_bound_elsewhere(node):
                self.new_server(node, None)
                return True
        return False

    def server_of(self, node):
        node = _unwrap(node)
        if node is not None and node.type == "identifier":
            return self.bound.get(_text(node))
        return None

    def is_bound_elsewhere(self, call) -> bool:
        """`server.listen()` on a known server, or a call inside another server's chain."""
        function = call.child_by_field_name("function")
        if function is not None and function.type == "member_expression":
            if self.server_of(function.child_by_field_name("object")) is not None:
                return True
        parent = call.parent
        while parent is not None and parent.type in (
            "member_expression",
            "call_expression",
            "await_expression",
            "parenthesized_expression",
        ):
            if parent.type == "call_expression" and self.creates_server(parent):
                return True
            parent = parent.parent
        return False


def parse_node(source: SourceFile) -> NodeResult:
    result = NodeResult()
    if not any(marker in source.text for marker in _MARKERS):
        return result
    tree = _parser(source.path.endswith(".ts")).parse(source.text.encode("utf-8", errors="replace"))
    file = _File(source)
    file.walk(tree.root_node)
    result.servers = sorted((b.server(source.display) for b in file.servers), key=lambda s: s.location.sort_key)
    return result
