"""YAML read through ruamel.yaml's C composer: node trees with positions, nothing constructed.

Composing (not loading) is both the fastest way to get positions and the safe one: no tag ever builds
an object, and an alias is one shared node, so an alias bomb costs nothing until someone expands it.
``Y`` is a thin positioned view over a node; the parsers walk only the keys they need.

Most of what composing costs is Python work per node, not libyaml's parsing (which is a tenth of
it): ruamel's node constructors chain two ``__init__`` calls with keyword arguments. While this
module composes, the compiled module's ``ScalarNode``/``SequenceNode``/``MappingNode`` names point
at subclasses made in one call (checked once against the build in use, and put back after each
text), so the nodes are ruamel's node types all the same, about a fifth cheaper to make.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from sys import intern

from ruamel.yaml.error import YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from timeout_lint.lazy import Patterns
from timeout_lint.model import Location, Problem
from timeout_lint.sources import SourceFile, template_problem

try:  # libyaml through ruamel.yaml.clibz (the [libyaml] extra) or the older ruamel.yaml.clib
    from ruamel.yaml.cyaml import CParser as _CParser
    from ruamel.yaml.resolver import BaseResolver as _BaseResolver

    class _Scalar(ScalarNode):
        """A ScalarNode made in one call: ruamel's constructors chain through two Python __init__s
        with keyword arguments and wrap the tag, which is most of what composing costs per node.
        Every slot is set, so it is a ScalarNode in every respect."""

        __slots__ = ()

        def __init__(self, tag, value, start_mark=None, end_mark=None, style=None, comment=None, anchor=None):
            self.ctag = tag
            self.value = value
            self.start_mark = start_mark
            self.end_mark = end_mark
            self.style = style
            self.comment = comment
            self.anchor = anchor

    class _Sequence(SequenceNode):
        """A SequenceNode made in one call (see _Scalar)."""

        __slots__ = ()

        def __init__(self, tag, value, start_mark=None, end_mark=None, flow_style=None, comment=None, anchor=None):
            self.ctag = tag
            self.value = value
            self.start_mark = start_mark
            self.end_mark = end_mark
            self.flow_style = flow_style
            self.comment = comment
            self.anchor = anchor

    class _Mapping(MappingNode):
        """A MappingNode made in one call (see _Scalar), with room for its key index (Y._keys)."""

        __slots__ = ("index",)

        def __init__(self, tag, value, start_mark=None, end_mark=None, flow_style=None, comment=None, anchor=None):
            self.ctag = tag
            self.value = value
            self.start_mark = start_mark
            self.end_mark = end_mark
            self.flow_style = flow_style
            self.comment = comment
            self.anchor = anchor
            self.merge = None
            self.index = None

    _DEFAULT_TAGS = {
        ScalarNode: _BaseResolver.DEFAULT_SCALAR_TAG,
        SequenceNode: _BaseResolver.DEFAULT_SEQUENCE_TAG,
        MappingNode: _BaseResolver.DEFAULT_MAPPING_TAG,
    }
    _DEFAULT_TAGS.update({_Scalar: _DEFAULT_TAGS[ScalarNode], _Sequence: _DEFAULT_TAGS[SequenceNode], _Mapping: _DEFAULT_TAGS[MappingNode]})

    class _CLoader(_CParser):
        """ruamel.yaml's CBaseLoader without its constructor and resolver machinery: the C parser
        calls these three for every node, and the base resolver (no implicit or path resolvers)
        always answers with the default tag of the node's kind. Same nodes, less Python work per node."""

        def resolve(self, kind, value, implicit, _tags=_DEFAULT_TAGS):
            return _tags[kind]

        def descend_resolver(self, current_node, current_index):
            pass

        def ascend_resolver(self):
            pass

    #: The compiled module makes its nodes with the classes its module globals name; while
    #: timeout-lint composes, those name the classes above (see _swap_in_light_nodes).
    _C_MODULE = sys.modules.get(_CParser.__module__)
    _NODE_NAMES = {"ScalarNode": (ScalarNode, _Scalar), "SequenceNode": (SequenceNode, _Sequence), "MappingNode": (MappingNode, _Mapping)}
    _light: bool | None = None  # whether the swap works with this build (checked once, on first use)

except ImportError:  # pragma: no cover - pure-Python fallback, several times slower
    _CLoader = None
    _C_MODULE = None
    _Mapping = None

#: Expanding a document into plain values (config validation) stops after this many nodes,
#: which bounds what an alias bomb can cost.
MAX_EXPANDED_NODES = 100_000
MAX_DEPTH = 500
#: A document whose aliases would expand past this many values, or that nests deeper than this,
#: is reported and not read (it is hostile or generated beyond any configuration's needs).
MAX_DOCUMENT_VALUES = 1_000_000
MAX_DOCUMENT_NESTING = 1_000
# cheap signs that a text may hold such a document: anchors, or a long run of opening brackets,
# or a line indented by hundreds of spaces
#: Y.pointer's spellings, by path (cleared when it holds this many: paths repeat across objects,
#: so it stays small on real trees, and a generated one cannot make it grow without bound)
_POINTERS: dict[tuple, str] = {}
_MAX_POINTERS = 50_000
_DEEP_INDENT = " " * 300

_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_RE = Patterns(
    deep_signature=(r"[\[{](?:\s*[\[{]){100,}|^ {300,}\S", re.MULTILINE),
    int=(r"[-+]?(0|[1-9][0-9]*)$", 0),
    float=(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$", 0),
)
_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}


class YamlSyntaxError(Exception):
    def __init__(self, message: str, line: int, column: int | None):
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


def compose_all(text: str) -> Iterator[Node]:
    """The root node of each document, in order. Raises YamlSyntaxError at the first bad one
    (after yielding the documents before it)."""
    if _CLoader is None:  # pragma: no cover
        from ruamel.yaml import YAML

        try:
            yield from YAML(typ="safe", pure=True).compose_all(text)
        except YAMLError as exc:
            raise _syntax_error(exc) from None
        return
    nodes, error = _compose(text)
    yield from nodes
    if error is not None:
        raise error


def _compose(text: str) -> tuple[list[Node], YamlSyntaxError | None]:
    """Every document of ``text`` composed with the C parser (and the light node classes when they
    work with this build), up to the first error."""
    nodes: list[Node] = []
    swapped = _swap_in_light_nodes()
    try:
        loader = _CLoader(text)
        try:
            while loader.check_node():
                nodes.append(loader.get_node())
        finally:
            loader.dispose()
    except YAMLError as exc:
        return nodes, _syntax_error(exc)
    except RecursionError:
        return nodes, YamlSyntaxError("invalid YAML: nested deeper than this reader allows", 1, 1)
    finally:
        if swapped:
            _swap_back()
    return nodes, None


def _swap_in_light_nodes() -> bool:
    """Point the compiled module's node class names at the light classes; False when this build does
    not make its nodes that way (then ruamel's own classes are used, as they would be anyway)."""
    global _light
    if _light is None:
        _light = _check_light_nodes()
    if not _light:
        return False
    _name_node_classes(light=True)
    return True


def _swap_back() -> None:
    _name_node_classes(light=False)


def _name_node_classes(light: bool) -> None:
    """Point the compiled module's node class names at the light classes, or back at ruamel's."""
    for name, (original, lighter) in _NODE_NAMES.items():
        setattr(_C_MODULE, name, lighter if light else original)


def _check_light_nodes() -> bool:
    """Whether the compiled module names ruamel's node classes, and composes with the light ones in their place."""
    if _C_MODULE is None or any(getattr(_C_MODULE, name, None) is not original for name, (original, _) in _NODE_NAMES.items()):
        return False
    _name_node_classes(light=True)
    try:
        loader = _CLoader("a: [b]\n")
        try:
            root = loader.get_node() if loader.check_node() else None
        finally:
            loader.dispose()
    except Exception:  # pragma: no cover - a build that composes differently: keep ruamel's classes
        return False
    finally:
        _swap_back()
    return type(root) is _Mapping and type(root.value[0][0]) is _Scalar and type(root.value[0][1]) is _Sequence


def _syntax_error(exc: YAMLError) -> YamlSyntaxError:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    context = getattr(exc, "context", None)
    message = f"{context}: {problem}" if context and problem else str(problem)
    line = mark.line + 1 if mark is not None else 1
    column = mark.column + 1 if mark is not None else None
    return YamlSyntaxError(f"invalid YAML: {message}", line, column)


def raw_parse(text: str) -> int:
    """Parse without building anything (libyaml alone, in C): the number of events; raises YAMLError."""
    if _CLoader is None:  # pragma: no cover
        from ruamel.yaml import YAML

        return sum(1 for _ in YAML(typ="safe", pure=True).parse(text))
    return _CLoader(text).raw_parse()


def may_be_oversized(text: str) -> bool:
    """Whether a text needs the (linear, but not free) size check before its documents are read."""
    if "&" in text:
        return True
    # what deep_signature needs, counted in C first: a hundred opening brackets, or 300 spaces in a row
    if text.count("[") + text.count("{") <= 100 and _DEEP_INDENT not in text:
        return False
    return _RE.deep_signature.search(text) is not None


def oversized(root: Node) -> str | None:
    """Why a document is too big to read safely, or None.

    Counts the values the document would expand to (aliases counted each time they are used) and
    its nesting depth, visiting each distinct node once: linear in the composed size, which an alias
    bomb keeps small, and without recursion, so depth costs no stack.
    """
    sizes: dict[int, tuple[int, int]] = {}  # node id -> (expanded values, nesting depth)
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if key in sizes:
            continue
        children = []
        if isinstance(node, SequenceNode):
            children = node.value
        elif isinstance(node, MappingNode):
            children = [part for pair in node.value for part in pair]
        if not children_done:
            stack.append((node, True))
            stack.extend((child, False) for child in children if id(child) not in sizes)
            continue
        size, depth = 1, 1
        for child in children:
            child_size, child_depth = sizes.get(id(child), (1, 1))  # a node on the stack: a recursive alias
            size = min(size + child_size, MAX_DOCUMENT_VALUES + 1)
            depth = max(depth, child_depth + 1)
        sizes[key] = (size, depth)
    size, depth = sizes[id(root)]
    if size > MAX_DOCUMENT_VALUES:
        return f"its aliases expand it to more than {MAX_DOCUMENT_VALUES:,} values (an alias bomb?)"
    if depth > MAX_DOCUMENT_NESTING:
        return f"it nests {depth:,} levels deep, more than {MAX_DOCUMENT_NESTING:,}"
    return None


@dataclass(eq=False, repr=False)  # compared by identity; no generated __eq__/__repr__ to pay for at start-up
class DocContext:
    """Shared by all views into one document: the file, and problems found while walking it."""

    source: SourceFile
    problems: list[Problem] = field(default_factory=list)
    #: id of each mapping read -> its key index (Y._keys)
    _keys: dict[int, dict] = field(default_factory=dict)


class ExpansionError(ValueError):
    pass


def _text(node: Node) -> str | None:
    """A scalar's text; None for null and for mappings and lists (Y.text)."""
    if not isinstance(node, ScalarNode):
        return None
    value = node.value
    if not node.style and value in _NULLS:  # style None or "": plain
        return None
    return intern(value)  # names, labels, kinds repeat across thousands of objects: kept once


class Y:
    """A positioned view of one YAML node."""

    __slots__ = ("node", "ctx", "path")

    def __init__(self, node: Node, ctx: DocContext, path: tuple = ()):
        self.node = node
        self.ctx = ctx
        self.path = path

    # -- shape -------------------------------------------------------------------------------
    @property
    def is_map(self) -> bool:
        return isinstance(self.node, MappingNode)

    @property
    def is_seq(self) -> bool:
        return isinstance(self.node, SequenceNode)

    @property
    def is_scalar(self) -> bool:
        return isinstance(self.node, ScalarNode)

    @property
    def quoted(self) -> bool:
        return self.is_scalar and self.node.style in ("'", '"')

    @property
    def block_scalar(self) -> bool:
        return self.is_scalar and self.node.style in ("|", ">")

    @property
    def shape(self) -> str:
        return "mapping" if self.is_map else "list" if self.is_seq else "value"

    def report(self, rule: str, message: str) -> None:
        """Record a problem at this node (the document's problems travel with the inventory)."""
        self.ctx.problems.append(Problem(rule, message, self.location))

    # -- positions ---------------------------------------------------------------------------
    @property
    def line(self) -> int:
        return self.node.start_mark.line + 1

    @property
    def column(self) -> int:
        return self.node.start_mark.column + 1

    @property
    def pointer(self) -> str:
        # the same few paths on every object of a kind: each is spelled once, and kept as one string
        pointer = _POINTERS.get(self.path)
        if pointer is None:
            out = ""
            for part in self.path:
                if isinstance(part, int):
                    out += f"[{part}]"
                else:
                    out += ("." if out else "") + str(part)
            if len(_POINTERS) >= _MAX_POINTERS:
                _POINTERS.clear()
            pointer = _POINTERS[self.path] = intern(out)
        return pointer

    @property
    def location(self) -> Location:
        mark = self.node.start_mark
        return self.ctx.source.location(mark.line + 1, mark.column + 1, self.pointer)

    # -- values ------------------------------------------------------------------------------
    @property
    def text(self) -> str | None:
        """A scalar's text; None for null and for mappings and lists."""
        return _text(self.node)

    def plain_value(self):
        """A scalar with YAML 1.2 core typing of plain (unquoted) values: int, float, bool, None, str."""
        if not self.is_scalar:
            return None
        value = intern(self.node.value)
        if self.node.style not in (None, ""):
            return value
        if value in _NULLS:
            return None
        if value in _BOOLS:
            return _BOOLS[value]
        if _RE.int.match(value):
            return int(value)
        if _RE.float.match(value) and any(c.isdigit() for c in value):
            return float(value)
        return value

    # -- navigation --------------------------------------------------------------------------
    def _pairs(self) -> list[tuple[Node, Node]]:
        self._keys()
        return self.node.value

    def _keys(self) -> dict:
        """This mapping's scalar keys -> (key node, value node), the first of each; under None the
        values of plain ``<<`` merge keys, in order. Built once per mapping, on its first visit,
        which is also when its duplicate keys are reported (only mappings a parser reads are checked).
        A light mapping keeps it in its own slot, any other in the document's context."""
        node = self.node
        light = type(node) is _Mapping
        index = node.index if light else self.ctx._keys.get(id(node))
        if index is not None:
            return index
        index = {}
        merged = []
        for pair in node.value:
            key_node = pair[0]
            if isinstance(key_node, ScalarNode):
                value = key_node.value
                if value in index:
                    if value != "<<":
                        self.ctx.problems.append(
                            Problem(
                                "unparsable-input",
                                f'duplicate key "{value}": YAML forbids it and tools disagree on which value wins',
                                self.ctx.source.location(key_node.start_mark.line + 1, key_node.start_mark.column + 1),
                            )
                        )
                else:
                    index[value] = pair
                if value == "<<" and key_node.style in (None, ""):
                    merged.append(pair[1])
        if merged:
            index[None] = merged
        if light:
            node.index = index
        else:
            self.ctx._keys[id(node)] = index
        return index

    def get(self, *keys: str | int) -> Y | None:
        """Walk down mapping keys and list indexes; None as soon as one is missing."""
        if len(keys) == 1:
            return self._child(keys[0])
        current: Y | None = self
        for key in keys:
            current = current._child(key)
            if current is None:
                return None
        return current

    def _child(self, key: str | int) -> Y | None:
        # the busiest method of a run (every read of every field comes through it): kept flat
        node = self.node
        if type(node) is _Mapping:  # the common case: a key of a mapping the C parser composed
            index = node.index
            if index is None:
                index = self._keys()
            pair = index.get(key)
            if pair is not None:
                return Y(pair[1], self.ctx, (*self.path, key))
            if None not in index:
                return None
        if isinstance(key, int):
            if isinstance(node, SequenceNode) and 0 <= key < len(node.value):
                return Y(node.value[key], self.ctx, (*self.path, key))
            return None
        if not isinstance(node, MappingNode):
            return None
        index = self._keys()
        pair = index.get(key)
        if pair is not None:
            return Y(pair[1], self.ctx, (*self.path, key))
        for source in index.get(None, ()):  # YAML merge keys: `<<: *defaults`
            candidates = source.value if isinstance(source, SequenceNode) else [source]
            for candidate in candidates:
                if isinstance(candidate, MappingNode):
                    hit = Y(candidate, self.ctx, self.path).get(key)
                    if hit is not None:
                        return Y(hit.node, self.ctx, self.path + (key,))
        return None

    def key_location(self, key: str) -> Location | None:
        """Where a mapping key is written (the start of ``key: value``)."""
        if not self.is_map:
            return None
        pair = self._keys().get(key)
        if pair is None:
            return None
        key_node = pair[0]
        return self.ctx.source.location(
            key_node.start_mark.line + 1, key_node.start_mark.column + 1, Y(key_node, self.ctx, self.path + (key,)).pointer
        )

    def items(self) -> Iterator[tuple[str, Y, Location]]:
        """Mapping entries as (key, value view, key location); non-scalar keys are skipped."""
        if not isinstance(self.node, MappingNode):
            return
        ctx = self.ctx
        location = ctx.source.location
        for key_node, value_node in self._pairs():
            if isinstance(key_node, ScalarNode) and key_node.value != "<<":
                key = intern(key_node.value)
                value = Y(value_node, ctx, (*self.path, key))
                mark = key_node.start_mark
                yield key, value, location(mark.line + 1, mark.column + 1, value.pointer)

    def seq(self) -> Iterator[Y]:
        if not self.is_seq:
            return
        for index, node in enumerate(self.node.value):
            yield Y(node, self.ctx, self.path + (index,))

    def str_at(self, *keys: str | int) -> str | None:
        """The text of the scalar at ``keys`` (see text); None when there is none."""
        node = self.node
        if len(keys) == 1 and type(node) is _Mapping:  # the common case, without a view in between
            index = node.index
            if index is None:
                index = self._keys()
            pair = index.get(keys[0])
            if pair is not None:
                return _text(pair[1])
            if None not in index:
                return None
        found = self.get(*keys)
        return found.text if found is not None else None

    # -- expansion ---------------------------------------------------------------------------
    def to_python(self, budget: int = MAX_EXPANDED_NODES):
        """Plain dicts/lists/scalars, for schema validation. Bounded: raises ExpansionError."""
        remaining = [budget]

        def convert(node: Node, depth: int):
            remaining[0] -= 1
            if remaining[0] < 0:
                raise ExpansionError(f"document expands to more than {budget} values (an alias bomb?)")
            if depth > MAX_DEPTH:
                raise ExpansionError(f"document is nested deeper than {MAX_DEPTH} levels")
            if isinstance(node, MappingNode):
                out = {}
                for key, value in node.value:
                    k = Y(key, self.ctx).plain_value() if isinstance(key, ScalarNode) else repr(key)
                    out[str(k) if k is not None else "null"] = convert(value, depth + 1)
                return out
            if isinstance(node, SequenceNode):
                return [convert(item, depth + 1) for item in node.value]
            return Y(node, self.ctx).plain_value()

        return convert(self.node, 0)


def read_documents(source: SourceFile, problems: list[Problem], reads_kind: Callable[[str], bool] | None = None) -> list:
    """The documents of a YAML file as views, each checked for size when the text calls for it.

    A syntax error ends the file there (the documents before it are kept); a template is reported
    once as a template; a document too big to read safely is reported and left out.

    With ``reads_kind`` (manifests), a document that is certainly an object of a kind it refuses is
    not composed at all and is listed as a prescan.Skipped (see prescan.py).
    """
    ctx = DocContext(source, problems)
    nodes = None
    skipped = {}
    if reads_kind is not None:
        from timeout_lint.prescan import plan

        found = plan(source.text, reads_kind)
        if found is not None:
            nodes, skipped = _compose_planned(found)
    check = may_be_oversized(source.text)
    documents = []
    try:
        for index, node in enumerate(compose_all(source.text) if nodes is None else nodes, 1):
            if index - 1 in skipped:
                documents.append(skipped[index - 1])
                continue
            reason = oversized(node) if check else None
            if reason is not None:
                where = source.location(node.start_mark.line + 1, node.start_mark.column + 1)
                problems.append(Problem("skipped-input", f"YAML document {index} is not read: {reason}", where))
                continue
            documents.append(Y(node, ctx))
    except YamlSyntaxError as exc:
        template = template_problem(source)
        problems.append(template or Problem("unparsable-input", exc.message, source.location(exc.line, exc.column)))
    return documents


def _compose_planned(found) -> tuple[list[Node] | None, dict]:
    """The documents of a prescan plan's text, if they are what the plan says (one per document of
    the stream, each passed-over one empty); else (None, {}): the file is composed as written, which
    is also where a syntax error is reported from."""
    try:
        nodes = list(compose_all(found.text))
    except YamlSyntaxError:
        return None, {}
    if len(nodes) != found.documents or any(
        not isinstance(nodes[index], ScalarNode) or nodes[index].value != "" or nodes[index].style not in (None, "")
        for index in found.skipped
    ):
        return None, {}
    return nodes, found.skipped
