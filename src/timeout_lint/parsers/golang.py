"""Go ``net/http`` servers, read with tree-sitter's Go grammar (never compiled, never run).

Finds ``http.Server{...}`` composite literals and evaluates their timeout fields when the expression
is a constant duration: ``10 * time.Minute``, ``time.Second * 10``, ``90 * time.Second``,
``time.Duration(n) * time.Second`` and named constants of the same file. ``http.ListenAndServe`` is a
server with no timeouts at all. Anything else is kept as "not evaluated", never guessed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import NamedTuple

from timeout_lint.defaults import lookup
from timeout_lint.model import Kind, Location, Problem, Side, Timeout
from timeout_lint.sources import SourceFile

#: http.Server field -> (kind, side)
SERVER_FIELDS = {
    "WriteTimeout": (Kind.TOTAL, Side.DOWNSTREAM),
    "ReadTimeout": (Kind.REQUEST_READ, Side.DOWNSTREAM),
    "ReadHeaderTimeout": (Kind.REQUEST_READ, Side.DOWNSTREAM),
    "IdleTimeout": (Kind.KEEPALIVE, Side.DOWNSTREAM),
}
_TIME_UNITS = {
    "Nanosecond": 1e-9,
    "Microsecond": 1e-6,
    "Millisecond": 1e-3,
    "Second": 1.0,
    "Minute": 60.0,
    "Hour": 3600.0,
}
_MAX_CONST_DEPTH = 20


class Unevaluated(NamedTuple):
    field: str
    expression: str
    location: Location


class GoServer(NamedTuple):
    file: str
    location: Location  # the composite literal or the ListenAndServe call
    timeouts: tuple[Timeout, ...]
    unevaluated: tuple[Unevaluated, ...] = ()
    addr: str | None = None


@dataclass
class GoResult:
    """A Go file read: its servers, and its problems."""

    servers: list[GoServer] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


_PARSER = None


def _parser():
    global _PARSER
    if _PARSER is None:
        import tree_sitter
        import tree_sitter_go

        _PARSER = tree_sitter.Parser(tree_sitter.Language(tree_sitter_go.language()))
    return _PARSER


def _text(node) -> str:
    return node.text.decode("utf-8", errors="replace")


class _File:
    def __init__(self, source: SourceFile, root):
        self.source = source
        self.root = root
        self.http_names = {"http"}
        self.time_names = {"time"}
        self.constants: dict[str, object] = {}
        self._read_imports_and_constants()

    def location(self, node) -> Location:
        row, column = node.start_point
        # tree-sitter columns are byte offsets; convert to characters for the line
        line_text = self.source.line_text(row + 1)
        prefix = line_text.encode("utf-8")[:column].decode("utf-8", errors="ignore")
        return self.source.location(row + 1, len(prefix) + 1)

    def comment_after(self, node) -> str | None:
        """The ``//`` comment ending the line a node ends on (``10 * time.Minute, // ten minutes``)."""
        row, column = node.end_point
        line_text = self.source.line_text(row + 1)
        prefix = line_text.encode("utf-8")[:column].decode("utf-8", errors="ignore")
        return self.source.comment_after(row + 1, len(prefix) + 1)

    def _read_imports_and_constants(self) -> None:
        stack = [self.root]
        while stack:
            node = stack.pop()
            if node.type == "import_spec":
                path = node.child_by_field_name("path")
                name = node.child_by_field_name("name")
                if path is not None:
                    imported = _text(path).strip('"`')
                    if imported == "net/http" and name is not None:
                        self.http_names.add(_text(name))
                    if imported == "time" and name is not None:
                        self.time_names.add(_text(name))
            elif node.type in ("const_spec", "var_spec"):
                names = [c for c in node.children_by_field_name("name")]
                value = node.child_by_field_name("value")
                if value is not None:
                    values = [c for c in value.named_children]
                    for name_node, value_node in zip(names, values, strict=False):
                        self.constants[_text(name_node)] = value_node
            elif node.type in ("function_declaration", "method_declaration", "func_literal"):
                continue  # constants inside functions are not "of the file"
            stack.extend(node.children)

    def evaluate(self, node, depth: int = 0) -> float | None:
        """Seconds for a constant duration expression, or None."""
        if node is None or depth > _MAX_CONST_DEPTH:
            return None
        kind = node.type
        if kind == "int_literal":
            try:
                return float(int(_text(node).replace("_", ""), 0))
            except ValueError:
                return None
        if kind == "float_literal":
            try:
                return float(_text(node).replace("_", ""))
            except ValueError:
                return None
        if kind == "parenthesized_expression":
            return self.evaluate(node.named_children[0] if node.named_children else None, depth + 1)
        if kind == "selector_expression":
            operand = node.child_by_field_name("operand")
            name = node.child_by_field_name("field")
            if operand is not None and name is not None and _text(operand) in self.time_names:
                unit = _TIME_UNITS.get(_text(name))
                return unit * 1e9 if unit is not None else None  # in nanoseconds, like Go
            return None
        if kind == "identifier":
            value = self.constants.get(_text(node))
            return self.evaluate(value, depth + 1) if value is not None else None
        if kind == "unary_expression":
            operand = node.child_by_field_name("operand")
            value = self.evaluate(operand, depth + 1)
            operator = _text(node.child_by_field_name("operator")) if node.child_by_field_name("operator") else ""
            if value is None:
                return None
            return -value if operator == "-" else value if operator == "+" else None
        if kind == "binary_expression":
            left = self.evaluate(node.child_by_field_name("left"), depth + 1)
            right = self.evaluate(node.child_by_field_name("right"), depth + 1)
            operator = node.child_by_field_name("operator")
            if left is None or right is None or operator is None:
                return None
            op = _text(operator)
            if op == "*":
                return left * right
            if op == "+":
                return left + right
            if op == "-":
                return left - right
            if op == "/" and right:
                return left / right
            return None
        if kind == "call_expression":  # time.Duration(x) is a conversion
            function = node.child_by_field_name("function")
            arguments = node.child_by_field_name("arguments")
            if function is not None and arguments is not None and len(arguments.named_children) == 1:
                name = _text(function)
                if any(name == f"{t}.Duration" for t in self.time_names):
                    return self.evaluate(arguments.named_children[0], depth + 1)
            return None
        return None

    def is_http_server_type(self, node) -> bool:
        if node is None or node.type != "qualified_type":
            return False
        package = node.child_by_field_name("package")
        name = node.child_by_field_name("name")
        return package is not None and name is not None and _text(package) in self.http_names and _text(name) == "Server"


def _server_from_literal(file: _File, literal) -> GoServer:
    body = literal.child_by_field_name("body")
    found: dict[str, Timeout] = {}
    unevaluated: list[Unevaluated] = []
    addr = None
    for element in body.named_children if body is not None else ():
        if element.type != "keyed_element":
            continue
        parts = element.named_children
        if len(parts) != 2:
            continue
        key = _text(parts[0]).strip()
        value_node = parts[1].named_children[0] if parts[1].type == "literal_element" and parts[1].named_children else parts[1]
        if key == "Addr" and value_node.type == "interpreted_string_literal":
            addr = _text(value_node).strip('"')
        if key not in SERVER_FIELDS:
            continue
        where = file.location(parts[0])
        nanos = file.evaluate(value_node)
        raw = " ".join(_text(value_node).split())
        if nanos is None:
            unevaluated.append(Unevaluated(key, raw, where))
            continue
        seconds = nanos / 1e9 if nanos > 0 else math.inf  # zero or negative: no timeout
        kind, side = SERVER_FIELDS[key]
        comment = file.comment_after(value_node)
        found[key] = Timeout(kind=kind, setting=key, seconds=seconds, raw=raw, explicit=True, location=where, side=side, comment=comment)
    where = file.location(literal)
    timeouts = list(found.values())
    if "WriteTimeout" not in found and not any(u.field == "WriteTimeout" for u in unevaluated):
        timeouts.append(lookup("go", "WriteTimeout").timeout(where, hint="set WriteTimeout in this http.Server literal"))
    return GoServer(file.source.display, where, tuple(timeouts), tuple(unevaluated), addr)


def parse_go(source: SourceFile) -> GoResult:
    result = GoResult()
    if "net/http" not in source.text:
        return result
    tree = _parser().parse(source.text.encode("utf-8", errors="replace"))
    file = _File(source, tree.root_node)
    stack = [tree.root_node]
    while stack:
        node = stack.pop()
        if node.type == "composite_literal" and file.is_http_server_type(node.child_by_field_name("type")):
            result.servers.append(_server_from_literal(file, node))
        elif node.type == "call_expression":
            function = node.child_by_field_name("function")
            name = _text(function) if function is not None else ""
            if any(name in (f"{h}.ListenAndServe", f"{h}.ListenAndServeTLS") for h in file.http_names):
                where = file.location(node)
                default = lookup("go", "WriteTimeout").timeout(
                    where, hint="serve through an http.Server with WriteTimeout set instead of http.ListenAndServe"
                )
                result.servers.append(GoServer(source.display, where, (default,)))
        stack.extend(reversed(node.children))
    result.servers.sort(key=lambda s: (s.location.line, s.location.column or 0))
    return result
