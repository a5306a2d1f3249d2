"""``[tool.timeout-lint]`` in pyproject.toml, turned into the same positioned node tree as a YAML project file.

tomllib (the standard library) reads the values; it keeps no positions, so a small scanner walks the
text, which tomllib has already accepted, and records where each key and value starts. The values
become ruamel.yaml nodes carrying those positions, and config.py validates and reads them exactly as
it reads ``.timeout-lint.yaml``. Positions are best effort: a value the scanner cannot place takes the
position of the nearest key above it.
"""

from __future__ import annotations

import bisect
import datetime
import math
import re
from typing import NamedTuple

from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

TABLE = ("tool", "timeout-lint")
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_STR_TAG = "tag:yaml.org,2002:str"


class TomlError(ValueError):
    def __init__(self, message: str, line: int, column: int | None):
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


class _Mark(NamedTuple):
    line: int  # 0-based, like ruamel's marks
    column: int


class _Place(NamedTuple):
    key: _Mark
    value: _Mark


class _Scanner:
    """Records the position of every key path in a TOML text that tomllib accepted."""

    def __init__(self, text: str):
        self.text = text
        self.pos = 0
        self.line_starts = [0] + [m.end() for m in re.finditer(r"\n", text)]
        self.places: dict[tuple, _Place] = {}
        self.array_tables: dict[tuple, int] = {}

    def mark(self, pos: int) -> _Mark:
        line = bisect.bisect_right(self.line_starts, pos) - 1
        return _Mark(line, pos - self.line_starts[line])

    def record(self, path: tuple, key_pos: int, value_pos: int) -> None:
        self.places.setdefault(path, _Place(self.mark(key_pos), self.mark(value_pos)))

    # -- lexical helpers -------------------------------------------------------------------------
    def skip(self, newlines: bool = True) -> None:
        text = self.text
        while self.pos < len(text):
            char = text[self.pos]
            if char in " \t" or (newlines and char in "\r\n"):
                self.pos += 1
            elif char == "#":
                end = text.find("\n", self.pos)
                self.pos = len(text) if end < 0 else end
            else:
                return

    def string(self) -> str:
        text, start = self.text, self.pos
        for quote in ('"""', "'''"):
            if text.startswith(quote, start):
                end = text.find(quote, start + 3)
                while quote == '"""' and end > 0 and _escaped(text, end):
                    end = text.find(quote, end + 1)
                end += 3
                while text.startswith(quote[0], end):  # up to two quotes may close the string's content
                    end += 1
                self.pos = end
                return ""
        quote = text[start]
        index = start + 1
        while index < len(text) and text[index] != quote:
            index += 2 if quote == '"' and text[index] == "\\" else 1
        self.pos = index + 1
        raw = text[start + 1 : index]
        return raw if quote == "'" else _unescape(raw)

    def key(self) -> list[tuple[str, int]]:
        """A dotted key: each part with the offset it starts at."""
        parts = []
        while True:
            self.skip(newlines=False)
            start = self.pos
            if self.text[start : start + 1] in ('"', "'"):
                parts.append((self.string(), start))
            else:
                match = _BARE_KEY.match(self.text, start)
                if match is None:
                    return parts
                parts.append((match.group(), start))
                self.pos = match.end()
            self.skip(newlines=False)
            if self.text[self.pos : self.pos + 1] != ".":
                return parts
            self.pos += 1

    # -- structure ---------------------------------------------------------------------------------
    def document(self) -> None:
        table: tuple = ()
        while True:
            self.skip()
            if self.pos >= len(self.text):
                return
            if self.text.startswith("[[", self.pos):
                header = self.pos
                self.pos += 2
                parts = self.key()
                path = tuple(name for name, _ in parts)
                self.record(self._resolve(path), parts[-1][1], header)  # the array itself: its first header
                index = self.array_tables.get(path, -1) + 1
                self.array_tables[path] = index
                self._record_header(parts, header)
                table = (*path, index)
                self.record(table, header, header)
                self.pos = self.text.find("]]", self.pos) + 2
            elif self.text.startswith("[", self.pos):
                header = self.pos
                self.pos += 1
                parts = self.key()
                self._record_header(parts, header)
                table = self._resolve(tuple(name for name, _ in parts))
                self.pos = self.text.find("]", self.pos) + 1
            else:
                self.pair(table)

    def _record_header(self, parts: list[tuple[str, int]], header: int) -> None:
        names: tuple = ()
        for name, start in parts:
            names = (*names, name)
            self.record(self._resolve(names), start, header)

    def _resolve(self, path: tuple) -> tuple:
        """A header path with the current index of every array of tables it goes through."""
        out: tuple = ()
        for name in path:
            out = (*out, name)
            if out in self.array_tables:
                out = (*out, self.array_tables[out])
        return out

    def pair(self, table: tuple) -> None:
        parts = self.key()
        if not parts:  # not a key: give up on this line
            end = self.text.find("\n", self.pos)
            self.pos = len(self.text) if end < 0 else end + 1
            return
        self.skip(newlines=False)
        self.pos += 1  # "="
        self.skip(newlines=False)
        path = table
        for name, start in parts[:-1]:
            path = (*path, name)
            self.record(path, start, start)
        path = (*path, parts[-1][0])
        self.value(path, parts[-1][1])

    def value(self, path: tuple, key_pos: int) -> None:
        start = self.pos
        self.record(path, key_pos, start)
        char = self.text[start : start + 1]
        if char == "{":
            self.pos += 1
            while True:
                self.skip()
                if self.pos >= len(self.text):
                    return
                if self.text[self.pos : self.pos + 1] == "}":
                    self.pos += 1
                    return
                self.pair(path)
                self.skip()
                if self.text[self.pos : self.pos + 1] == ",":
                    self.pos += 1
        elif char == "[":
            self.pos += 1
            index = 0
            while True:
                self.skip()
                if self.pos >= len(self.text):
                    return
                if self.text[self.pos : self.pos + 1] == "]":
                    self.pos += 1
                    return
                self.value((*path, index), self.pos)
                index += 1
                self.skip()
                if self.text[self.pos : self.pos + 1] == ",":
                    self.pos += 1
        elif char in ('"', "'"):
            self.string()
        else:
            match = re.compile(r"[^,\]}\s#]+(?: [0-9:.+Z-]+)?").match(self.text, start)
            self.pos = match.end() if match else start + 1


def _escaped(text: str, index: int) -> bool:
    backslashes = 0
    while index - backslashes - 1 >= 0 and text[index - backslashes - 1] == "\\":
        backslashes += 1
    return backslashes % 2 == 1


def _unescape(raw: str) -> str:
    if "\\" not in raw:
        return raw
    import tomllib

    try:
        return tomllib.loads(f'k = "{raw}"')["k"]
    except tomllib.TOMLDecodeError:
        return raw


def _scalar(value: object) -> ScalarNode:
    if isinstance(value, bool):
        return ScalarNode(_STR_TAG, "true" if value else "false", style=None)
    if isinstance(value, int):
        return ScalarNode(_STR_TAG, str(value), style=None)
    if isinstance(value, float):
        text = ".nan" if math.isnan(value) else (".inf" if value > 0 else "-.inf") if math.isinf(value) else repr(value)
        return ScalarNode(_STR_TAG, text, style=None)
    if isinstance(value, (datetime.date, datetime.time)):
        return ScalarNode(_STR_TAG, value.isoformat(), style='"')
    return ScalarNode(_STR_TAG, str(value), style='"')


def _place(places: dict[tuple, _Place], path: tuple) -> _Place:
    while path:
        if path in places:
            return places[path]
        path = path[:-1]
    return _Place(_Mark(0, 0), _Mark(0, 0))


def _node(value: object, path: tuple, places: dict[tuple, _Place]) -> Node:
    mark = _place(places, path).value
    if isinstance(value, dict):
        pairs = []
        for key, item in value.items():
            key_mark = _place(places, (*path, key)).key
            key_node = ScalarNode(_STR_TAG, key, start_mark=key_mark, end_mark=key_mark, style=None)
            pairs.append((key_node, _node(item, (*path, key), places)))
        return MappingNode("tag:yaml.org,2002:map", pairs, start_mark=mark, end_mark=mark)
    if isinstance(value, list):
        items = [_node(item, (*path, index), places) for index, item in enumerate(value)]
        return SequenceNode("tag:yaml.org,2002:seq", items, start_mark=mark, end_mark=mark)
    node = _scalar(value)
    node.start_mark = node.end_mark = mark
    return node


def compose_table(text: str, table: tuple[str, ...] = TABLE) -> Node | None:
    """The table as a positioned node tree; None if the file has no such table. Raises TomlError."""
    import tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        where = re.search(r"\(at line (\d+), column (\d+)\)", message)
        if where is None:
            where = re.search(r"\(at end of document\)", message)
            line = text.count("\n") + 1
            return _raise(message, line, None)
        return _raise(re.sub(r"\s*\(at line.*\)$", "", message), int(where.group(1)), int(where.group(2)))
    value: object = data
    for name in table:
        if not isinstance(value, dict) or name not in value:
            return None
        value = value[name]
    scanner = _Scanner(text)
    try:
        scanner.document()
    except (IndexError, ValueError):  # a form the scanner does not know: keep the positions found so far
        pass
    return _node(value, table, scanner.places)


def _raise(message: str, line: int, column: int | None):
    raise TomlError(f"invalid TOML: {message.rstrip('.')}", line, column)
