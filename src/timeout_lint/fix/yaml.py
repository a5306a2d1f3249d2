"""--fix for YAML: ruamel.yaml's round-trip reader finds the place, and the change is written there.

The file is composed with ruamel.yaml's round-trip reader (``typ="rt"``, ``preserve_quotes``): every
key, value and item with its exact start and end, its quoting and its block or flow style. The edit
is then written into the original text at those offsets, rather than by dumping the whole tree again:
a dump re-indents sequences, normalises spacing and re-wraps long values across the whole file, so
the diff would show far more than the timeout. Here every byte outside the edit stays as it was:
comments, key order, quoting, blank lines, ``---`` markers and every other document.

New lines are indented like their siblings (a new key at the column of the mapping's keys, a nested
level one step deeper, the step read from the file). Values keep the style written: a quoted string
stays quoted the same way, an integer stays an integer.

Before anything is written, the original and the edited text are read again, with the C reader the
linter itself uses, and compared as data: the edited file must equal the original with exactly the
intended values changed and nothing else, or the file is left alone (a value shared through an
anchor, a flow mapping that would need rewriting ...).
"""

from __future__ import annotations

import bisect
import copy
import json
import re
from collections import Counter
from typing import NamedTuple

from timeout_lint.fix.text import Change, FixError, Splice, apply_splices, keep_comment_column, line_starts, newline, offset

_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_RESERVED = re.compile(r"(?i:y|n|yes|no|on|off|true|false|null|~|\.inf|-\.inf|\+\.inf|\.nan)$")
_NUMERIC = re.compile(r"[-+]?(\.?[0-9][0-9_:.,]*([eE][-+]?[0-9]+)?|0[xXoObB][0-9a-fA-F_]+)$")
_PLAIN = re.compile(r"[A-Za-z0-9_./$][A-Za-z0-9_./=,:+@%$ -]*")


def _round_trip():
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    return yaml


class _Place(NamedTuple):
    document: int
    path: tuple  # keys and indexes from the document's root
    node: object  # the ruamel node
    key: object = None  # for a mapping value: its key node
    parent: object = None  # the mapping or sequence that holds it


class _Index:
    """Every node of a file by position: values by their key's start, scalars by their span, mappings by start.

    A node reached from two places (an anchor and its aliases, a ``<<`` merge) is shared, and so is
    everything under it: editing it would change each place that uses it. Positions are indexed along
    the plain paths only; a merged mapping is indexed where its anchor is written.
    """

    def __init__(self, roots: list):
        from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode

        self.by_key: dict[tuple[int, int], _Place] = {}
        self.mappings: dict[tuple[int, int], _Place] = {}
        self.scalars: list[tuple[int, int, _Place]] = []
        steps: Counter = Counter()
        parents: Counter = Counter()

        def children(node) -> list:
            if isinstance(node, MappingNode):
                return [part for pair in node.value for part in pair]
            if isinstance(node, SequenceNode):
                return list(node.value)
            return []

        seen: set[int] = set()
        stack = list(roots)
        while stack:  # how many places hold each node
            node = stack.pop()
            for child in children(node):
                parents[id(child)] += 1
                if id(child) not in seen:
                    seen.add(id(child))
                    stack.append(child)
        self.shared: set[int] = set()
        stack = [child for child_id, child in self._nodes(roots, children) if parents[child_id] > 1]
        while stack:
            node = stack.pop()
            if id(node) not in self.shared:
                self.shared.add(id(node))
                stack.extend(children(node))

        visited: set[int] = set()
        for number, root in enumerate(roots):
            stack = [_Place(number, (), root)]
            while stack:
                place = stack.pop()
                node = place.node
                if id(node) in visited:
                    continue
                visited.add(id(node))
                if isinstance(node, MappingNode):
                    self.mappings.setdefault((node.start_mark.line, node.start_mark.column), place)
                    for key, value in node.value:
                        if not isinstance(key, ScalarNode) or (key.value == "<<" and key.style is None):
                            continue
                        child = _Place(number, (*place.path, key.value), value, key, node)
                        self.by_key[(key.start_mark.line, key.start_mark.column)] = child
                        if isinstance(value, MappingNode) and not value.flow_style and value.start_mark.line > key.start_mark.line:
                            steps[value.start_mark.column - key.start_mark.column] += 1
                        stack.append(child)
                elif isinstance(node, SequenceNode):
                    for index, item in enumerate(node.value):
                        stack.append(_Place(number, (*place.path, index), item, None, node))
                elif isinstance(node, ScalarNode):
                    self.scalars.append((node.start_mark.index, node.end_mark.index, place))
        self.scalars.sort(key=lambda entry: entry[0])
        #: how far the file indents a nested mapping: the most common step, 2 when it has none
        self.step = next((step for step, _count in steps.most_common() if step > 0), 2)

    @staticmethod
    def _nodes(roots: list, children) -> list:
        out, seen, stack = [], set(), list(roots)
        while stack:
            node = stack.pop()
            if id(node) in seen:
                continue
            seen.add(id(node))
            out.append((id(node), node))
            stack.extend(children(node))
        return out

    def value_at(self, line: int, column: int, at: int) -> _Place:
        """The value whose key starts at the place, else the scalar written there."""
        place = self.by_key.get((line - 1, column - 1))
        if place is not None:
            return place
        starts = [entry[0] for entry in self.scalars]
        index = bisect.bisect_right(starts, at) - 1
        if index >= 0:
            start, end, place = self.scalars[index]
            if start <= at < max(end, start + 1):
                return place
        raise FixError(f"no value at line {line}, column {column}")

    def mapping_at(self, line: int, column: int) -> _Place:
        """The mapping that starts at the place, or that has a key there (an object by its ``kind:``)."""
        from ruamel.yaml.nodes import MappingNode

        key = self.by_key.get((line - 1, column - 1))
        if key is not None and isinstance(key.parent, MappingNode):
            owner = self.mappings.get((key.parent.start_mark.line, key.parent.start_mark.column))
            if owner is not None and owner.node is key.parent:
                return owner
        place = self.mappings.get((line - 1, column - 1))
        if place is None:
            raise FixError(f"no mapping at line {line}, column {column}")
        return place


def _last_line(node) -> int | None:
    """The 0-based last line holding any of the node's text; None for an empty (null) value."""
    from ruamel.yaml.nodes import MappingNode, ScalarNode

    if isinstance(node, ScalarNode):
        if node.style is None and node.value == "":
            return None
        end = node.end_mark
        return end.line if end.column > 0 else end.line - 1
    if getattr(node, "flow_style", False) or not node.value:
        return node.end_mark.line
    last = node.value[-1]
    if isinstance(node, MappingNode):
        key, value = last
        return max(line for line in (_last_line(key), _last_line(value), key.start_mark.line) if line is not None)
    found = _last_line(last)
    return found if found is not None else last.start_mark.line


def scalar_text(text: str, string: bool, style: str | None = None, quote: bool = False) -> str:
    """A value as YAML text: an integer plain; a string in ``style``, else plain when that reads back as the
    same string and ``quote`` is not asked for, else double-quoted (single-quoted when it holds ``"``)."""
    if not string:
        return text
    if quote and style is None:
        style = "'" if '"' in text and "'" not in text else '"'
    if style is None and _PLAIN.fullmatch(text) and not _RESERVED.match(text) and not _NUMERIC.match(text):
        if ": " not in text and " #" not in text and not text.endswith((":", " ")):
            return text
    if style == "'" or (style is None and '"' in text and "'" not in text):
        return "'" + text.replace("'", "''") + "'"
    return json.dumps(text, ensure_ascii=False)


def _data(node, budget: list[int]):
    """A composed node as plain values: mappings by their keys as written, scalars typed as YAML 1.2 core
    reads them (the linter's own typing, yamlnodes.Y.plain_value). Bounded: aliases count each time."""
    from ruamel.yaml.nodes import MappingNode, SequenceNode

    from timeout_lint.yamlnodes import Y

    budget[0] -= 1
    if budget[0] < 0:
        raise FixError("the file expands to too many values to check")
    if isinstance(node, MappingNode):
        return {(key.value if not isinstance(key.value, list) else repr(key)): _data(value, budget) for key, value in node.value}
    if isinstance(node, SequenceNode):
        return [_data(item, budget) for item in node.value]
    if node.tag and node.tag.startswith("!") and not node.tag.startswith("!!"):  # a local tag (!Ref): kept as written
        return ("tagged", node.tag, node.value)
    return Y(node, None).plain_value()


def _read(text: str) -> list:
    """Each document's data, read with the C reader the linter itself uses: the check does not trust the
    reader that found the place to edit."""
    from timeout_lint.yamlnodes import YamlSyntaxError, compose_all

    budget = [1_000_000]
    try:
        return [_data(node, budget) for node in compose_all(text)]
    except YamlSyntaxError as exc:
        raise FixError(f"the edited file does not read as YAML ({exc.message})") from None
    except RecursionError:
        raise FixError("the file nests too deeply to check") from None


def _get(documents: list, document: int, path: tuple):
    try:
        value = documents[document]
        for part in path:
            value = value[part]
    except (KeyError, IndexError, TypeError):
        raise FixError("the two readers of the file disagree on where the value is; it is left alone") from None
    return value


def _assign(documents: list, document: int, path: tuple, value) -> None:
    if not path:
        documents[document] = value
        return
    holder = _get(documents, document, path[:-1])
    holder[path[-1]] = value


class _Editor:
    def __init__(self, text: str):
        from ruamel.yaml.error import YAMLError

        self.text = text
        self.starts = line_starts(text)
        self.newline = newline(text)
        try:
            roots = list(_round_trip().compose_all(text))
        except (YAMLError, RecursionError) as exc:
            raise FixError(f"ruamel.yaml cannot read it round-trip ({type(exc).__name__})") from None
        self.index = _Index(roots)
        self.before = _read(text)
        self.expected = copy.deepcopy(self.before)
        self.splices: list[Splice] = []
        #: new keys by the node they go under: (where to insert, indent, tree of keys, place)
        self.additions: dict[int, list] = {}
        self.documents: list[tuple[int, dict]] = []  # new documents, by the original document they follow
        self.order = 0
        self.final_newline = False

    # -- helpers -----------------------------------------------------------------------------
    def _unshared(self, place: _Place) -> None:
        if id(place.node) in self.index.shared:
            raise FixError("the value is shared through a YAML anchor; changing it would change every alias")

    def _line_start(self, line: int) -> int:
        return self.starts[line] if line < len(self.starts) else len(self.text)

    def _insert_lines(self, after_line: int, lines: list[str], rank: int = 0) -> None:
        """New lines after line ``after_line``; at one place, lower ``rank`` first (deeper keys before their
        parent's next key, a new document after everything that belongs to the one before it)."""
        at = self._line_start(after_line + 1)
        if at == len(self.text) and self.text and not self.text.endswith("\n") and not self.final_newline:
            self.final_newline = True  # the last line gets its line ending before anything follows it
            self.splices.append(Splice(at, at, self.newline, -1))
        self.order += 1
        self.splices.append(Splice(at, at, "".join(line + self.newline for line in lines), rank * 100_000 + self.order))

    def _position_in_value(self, place: _Place, at: int, fragment: str) -> tuple[int, int]:
        """Where ``fragment`` is written inside a one-line scalar: (offset in the text, offset in the value)."""
        node = place.node
        start, end = node.start_mark.index, node.end_mark.index
        if node.style in ("|", ">") or node.start_mark.line != node.end_mark.line:
            raise FixError("the value spans several lines; it is not rewritten")
        inner = start + (1 if node.style in ("'", '"') else 0)
        if not (start <= at < end and self.text.startswith(fragment, at)):
            found = self.text.find(fragment, start, end)
            if found < 0 or self.text.find(fragment, found + 1, end) >= 0:
                raise FixError(f"{fragment!r} is not written once in the value at line {node.start_mark.line + 1}")
            at = found
        within = at - inner
        if node.value[within : within + len(fragment)] != fragment:
            raise FixError(f"the value at line {node.start_mark.line + 1} is written with escapes; it is not rewritten")
        return at, within

    def _comment_column(self, end: int, growth: int) -> None:
        kept = keep_comment_column(self.text, end, growth)
        if kept is not None:
            self.splices.append(kept)

    # -- actions -----------------------------------------------------------------------------
    def set(self, change: Change) -> None:
        site = change.site
        at = offset(self.starts, site.location.line, site.location.column)
        place = self.index.value_at(site.location.line, site.location.column or 1, at)
        self._replace_in(place, at, site.fragment, change.text)

    def _replace_in(self, place: _Place, at: int, fragment: str, new: str) -> None:
        from ruamel.yaml.nodes import ScalarNode

        if not isinstance(place.node, ScalarNode):
            raise FixError(f"the setting at line {place.node.start_mark.line + 1} is not a single value")
        self._unshared(place)
        at, within = self._position_in_value(place, at, fragment)
        self.splices.append(Splice(at, at + len(fragment), new))
        self._comment_column(place.node.end_mark.index, len(new) - len(fragment))
        old = _get(self.expected, place.document, place.path)
        if isinstance(old, bool) or not isinstance(old, int | str):
            raise FixError(f"the value at line {place.node.start_mark.line + 1} is neither a number nor a string")
        text = str(old) if isinstance(old, int) else old
        value = text[:within] + new + text[within + len(fragment) :]
        if isinstance(old, int):
            if not value.lstrip("+-").isdigit():
                raise FixError("a number would become text")
            value = int(value)
        _assign(self.expected, place.document, place.path, value)

    def put(self, change: Change) -> None:
        from ruamel.yaml.nodes import MappingNode, ScalarNode

        site = change.site
        owner = self.index.mapping_at(site.location.line, site.location.column or 1)
        node, path = owner.node, owner.path
        for depth, key in enumerate(site.path):
            pair = next(((k, v) for k, v in node.value if isinstance(k, ScalarNode) and k.value == key), None)
            if pair is None:
                self._add(owner._replace(node=node, path=path), site.path[depth:], change, under_key=None)
                return
            key_node, value = pair
            place = _Place(owner.document, (*path, key), value, key_node, node)
            if depth == len(site.path) - 1:
                self._put_existing(place, change)
                return
            if isinstance(value, MappingNode) and not value.flow_style:
                node, path = value, (*path, key)
                continue
            empty_flow = isinstance(value, MappingNode) and value.flow_style and not value.value
            if empty_flow or (isinstance(value, ScalarNode) and value.style is None and value.value in _NULLS):
                self._add(place, site.path[depth + 1 :], change, under_key=key_node)
                return
            raise FixError(f"{key} at line {key_node.start_mark.line + 1} is not a block mapping; nothing is added to it")

    def _put_existing(self, place: _Place, change: Change) -> None:
        """The setting is there already (a value the system ignores, or a list in a string): rewrite it."""
        from ruamel.yaml.nodes import ScalarNode

        site = change.site
        node = place.node
        if not isinstance(node, ScalarNode) or node.style in ("|", ">") or node.start_mark.line != node.end_mark.line:
            raise FixError(f"{site.path[-1]} at line {node.start_mark.line + 1} is not a one-line value")
        self._unshared(place)
        value = change.text
        if site.separator:
            # one item of a list in a string (k1=v1,k2=v2): replace the item with the same key, else append
            head = site.entry.split("{value}")[0]
            items = node.value.split(site.separator) if node.value.strip() else []
            kept = [item for item in items if not item.strip().startswith(head)]
            if len(kept) == len(items):
                value = site.separator.join([*items, change.text]) if items else change.text
            else:
                position = next(i for i, item in enumerate(items) if item.strip().startswith(head))
                lead = items[position][: len(items[position]) - len(items[position].lstrip())]
                items[position] = lead + change.text
                value = site.separator.join(items)
        style = node.style if node.style in ("'", '"') else None
        string = site.quoted or isinstance(_get(self.expected, place.document, place.path), str)
        rendered = scalar_text(value, string, style if string else None)
        self.splices.append(Splice(node.start_mark.index, node.end_mark.index, rendered))
        self._comment_column(node.end_mark.index, len(rendered) - (node.end_mark.index - node.start_mark.index))
        _assign(self.expected, place.document, place.path, value if string else int(value))

    def _add(self, place: _Place, keys: tuple[str, ...], change: Change, under_key) -> None:
        """New keys under a mapping (``under_key`` None) or under a key whose value is empty or ``{}``."""
        from ruamel.yaml.nodes import MappingNode

        if under_key is None:
            mapping = place.node
            if not isinstance(mapping, MappingNode) or mapping.flow_style:
                raise FixError(f"the mapping at line {mapping.start_mark.line + 1} is written in flow style; nothing is added to it")
            indent = mapping.start_mark.column
            last = _last_line(mapping)
            anchor = id(mapping)
            target = place.path
        else:
            indent = under_key.start_mark.column + self.index.step
            last = under_key.end_mark.line
            anchor = id(under_key)
            target = place.path
            value = place.node
            if isinstance(value, MappingNode) or value.value:  # `key: {}`, `key: ~`: that goes, the new lines take its place
                begin = under_key.end_mark.index
                colon = self.text.index(":", begin)
                self.splices.append(Splice(colon + 1, value.end_mark.index, ""))
                last = value.end_mark.line
        entry = self.additions.setdefault(anchor, [last, indent, {}, place.document, target, under_key is not None])
        tree = entry[2]
        for key in keys[:-1]:
            tree = tree.setdefault(key, {})
            if not isinstance(tree, dict):
                raise FixError(f"two edits write {key}")
        string = change.site.quoted or not change.text.lstrip("+-").isdigit()
        tree[keys[-1]] = (scalar_text(change.text, string, quote=change.site.quoted), change.text if string else int(change.text))

    def insert(self, change: Change) -> None:
        from ruamel.yaml.nodes import SequenceNode

        site = change.site
        at = offset(self.starts, site.location.line, site.location.column)
        place = self.index.value_at(site.location.line, site.location.column or 1, at)
        node = place.node
        self._unshared(place)
        if isinstance(place.parent, SequenceNode) and node.value == site.fragment:
            self._insert_items(place, change.text.split())
            return
        at, within = self._position_in_value(place, at, site.fragment)
        end = at + len(site.fragment)
        self.splices.append(Splice(end, end, " " + change.text))
        old = _get(self.expected, place.document, place.path)
        cut = within + len(site.fragment)
        _assign(self.expected, place.document, place.path, old[:cut] + " " + change.text + old[cut:])

    def _insert_items(self, place: _Place, words: list[str]) -> None:
        sequence, node = place.parent, place.node
        style = node.style if node.style in ("'", '"') else None
        rendered = [scalar_text(word, True, style) for word in words]
        if sequence.flow_style:
            at = node.end_mark.index
            self.splices.append(Splice(at, at, "".join(", " + item for item in rendered)))
        else:
            line = node.start_mark.line
            lead = self.text[self.starts[line] : node.start_mark.index]
            if lead.strip() != "-":
                raise FixError(f"the list item at line {line + 1} does not start its line; nothing is inserted after it")
            self._insert_lines(_last_line(node), [lead + item for item in rendered])
        items = _get(self.expected, place.document, place.path[:-1])
        index = place.path[-1] + 1
        items[index:index] = words

    def document(self, change: Change) -> None:
        site = change.site
        owner = self.index.mapping_at(site.location.line, site.location.column or 1)
        if owner.path:
            raise FixError("a new document goes after a whole object, not inside one")
        tree: dict = {}
        for path, template in site.document:
            node = tree
            for key in path[:-1]:
                node = node.setdefault(key, {})
            if template == "{value}" and site.syntax in ("s", "ms"):
                node[path[-1]] = (change.value, int(change.value))
            else:
                text = template.replace("{value}", change.value)
                node[path[-1]] = (scalar_text(text, True), text)
        self._insert_lines(_last_line(owner.node), ["---", *self._render(tree, 0)], rank=100_000)
        self.documents.append((owner.document, self._data(tree)))

    # -- the new keys, rendered once per place -----------------------------------------------
    def _render(self, tree: dict, indent: int) -> list[str]:
        lines = []
        for key, value in tree.items():
            if isinstance(value, dict):
                lines.append(f"{' ' * indent}{scalar_text(key, True)}:")
                lines.extend(self._render(value, indent + self.index.step))
            else:
                lines.append(f"{' ' * indent}{scalar_text(key, True)}: {value[0]}")
        return lines

    def _data(self, tree: dict) -> dict:
        return {key: self._data(value) if isinstance(value, dict) else value[1] for key, value in tree.items()}

    def finish(self) -> str:
        for last, indent, tree, document, path, below_key in self.additions.values():
            self._insert_lines(last, self._render(tree, indent), rank=10_000 - indent)
            if below_key:
                _assign(self.expected, document, path, self._data(tree))
            else:
                holder = _get(self.expected, document, path)
                _merge(holder, self._data(tree))
        for document, data in reversed(sorted(self.documents, key=lambda entry: entry[0])):  # last first: indexes hold
            self.expected.insert(document + 1, data)
        result = apply_splices(self.text, self.splices)
        if _read(result) != self.expected:
            raise FixError("the edit would change more than the timeout (checked by reading the file again)")
        return result


def _merge(holder: dict, new: dict) -> None:
    for key, value in new.items():
        if isinstance(value, dict) and isinstance(holder.get(key), dict):
            _merge(holder[key], value)
        else:
            holder[key] = value


def apply(text: str, changes: list[Change]) -> str:
    editor = _Editor(text)
    for change in changes:
        action = getattr(editor, change.site.action, None) if change.site.action in ("set", "put", "insert", "document") else None
        if action is None:
            raise FixError(f"YAML cannot take a {change.site.action} edit")  # a bug in the parser that made the Site
        action(change)
    return editor.finish()
