"""Finding, before composing anything, the documents of a manifest file that no parser reads.

A repository's manifests are mostly kinds timeout-lint never looks into (Secrets, RBAC, CRDs,
ServiceAccounts ...). Composing them costs as much as composing the kinds it reads. This module
reads the text of each document and, where it can prove what composing would give, says "an object
of kind K, nothing else to see"; such a document is then replaced by blank lines before composing
(a `---` and as many line breaks), so every other document keeps its lines and its index.

What "nothing else to see" means is what parsers.kubernetes does with an object of a kind it does
not read: it reads ``kind`` and ``apiVersion`` (both must be there for an object), looks for the
``timeout-lint/disable`` annotation under ``metadata.annotations``, and, in doing so, reports
duplicate keys in the root mapping, in ``metadata`` and in ``metadata.annotations``. A document is
passed over only when all of that is certain from its text:

- the file has no directive (``%``), no ``...`` document end, no carriage return or other line
  break than ``\\n``, no byte-order mark past the start; every ``---`` line is a bare marker;
- the document has no anchor, alias, tag, flow collection, backslash, merge key, tab,
  ``timeout-lint`` or ``_format_version``; every line with a quote is a simple key and a quoted
  value closed on that line (so no quoted scalar spans lines, and no line can belong to one);
- its root is a block mapping at column 0 whose keys are plain words, none twice (a line at column 0
  is one of them, or an item ``- `` of the sequence under the key before it); ``kind`` and
  ``apiVersion`` are plain one-line words (not null); ``metadata`` and its ``annotations``, when
  present, are block mappings whose keys (the lines at their indentation) are plain, none twice;
- the C parser reads the document without an error (so the rest of the file is read as before,
  and no syntax error is hidden).

With those, a line at column 0 is a root key and a line at a mapping's indentation is one of its
keys: block scalars and plain scalars cannot reach back to those columns, and nothing else spans
lines. tests/test_prescan.py checks every document passed over against the composed document, on
the shared corpus, the fixtures and adversarial texts.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import NamedTuple

#: a document start at column 0 (libyaml: `---` followed by a blank or a line break)
_MARKER = re.compile(r"^---(?=[ \t]|$)", re.MULTILINE)
_BARE_MARKER_REST = re.compile(r"[ \t]*(?:#.*)?")
_FILE_REFUSALS = re.compile(r"^(?:%|\.\.\.(?:[ \t]|$))", re.MULTILINE)
_ODD_BREAKS = ("\r", "\x85", "\u2028", "\u2029", "\ufeff")
#: text that makes a document's meaning depend on more than its lines (see the module docstring)
_DOCUMENT_REFUSALS = ("&", "*", "!", "{", "[", "\\", "<<", "\t", "timeout-lint", "_format_version")
_CONTENT = re.compile(r"^[ ]*[^ \n#]", re.MULTILINE)
_QUOTED_LINE = re.compile(r"[ ]*(?:- )*(?:[A-Za-z0-9_][A-Za-z0-9_./-]*:[ ]+)?(?:\"[^\"\n]*\"|'[^'\n]*')[ ]*(?:#.*)?")
_KEY_LINE = re.compile(r"([A-Za-z0-9_][A-Za-z0-9_./-]*):(?:[ ]+(.*))?")
_WORD_VALUE = re.compile(r"([A-Za-z0-9][A-Za-z0-9._/-]*)(?:[ ]+#.*)?[ ]*")
_EMPTY_VALUE = re.compile(r"[ ]*(?:#.*)?")
_NULL_WORDS = frozenset({"null", "Null", "NULL"})


class Skipped(NamedTuple):
    """A document passed over: an object of a kind nothing reads."""

    kind: str
    api_version: str


class Plan(NamedTuple):
    text: str  # the text to compose: passed-over documents blanked, every line where it was
    skipped: dict[int, Skipped]  # document index in the stream (0-based) -> what it was
    documents: int  # how many documents the stream holds (checked against what composing finds)


def plan(text: str, reads_kind: Callable[[str], bool]) -> Plan | None:
    """Which documents of ``text`` can be passed over (their kind is not one ``reads_kind`` accepts);
    None when none can (then the text is composed as it is)."""
    if "kind:" not in text or any(mark in text for mark in _ODD_BREAKS) or _FILE_REFUSALS.search(text):
        return None
    starts = []
    for match in _MARKER.finditer(text):
        end_of_line = text.find("\n", match.end())
        if not _BARE_MARKER_REST.fullmatch(text, match.end(), len(text) if end_of_line < 0 else end_of_line):
            return None
        starts.append(match.start())
    bounds = []  # (start, end) of each document in the stream, in order
    if not starts or _CONTENT.search(text, 0, starts[0]):
        bounds.append((0, starts[0] if starts else len(text)))  # a document before any `---`
    bounds += list(zip(starts, [*starts[1:], len(text)][: len(starts)], strict=True))
    skipped: dict[int, Skipped] = {}
    for index, (start, end) in enumerate(bounds):
        found = _unread_object(text[start:end])
        if found is not None and not reads_kind(found.kind):
            skipped[index] = found
    if not skipped or not all(_parses(text[bounds[i][0] : bounds[i][1]]) for i in skipped):
        return None
    parts = []
    position = 0
    for index in sorted(skipped):
        start, end = bounds[index]
        parts += [text[position:start], "---", "\n" * text.count("\n", start, end)]
        position = end
    parts.append(text[position:])
    return Plan("".join(parts), skipped, len(bounds))


def _parses(document: str) -> bool:
    """Whether libyaml reads the document without an error (in C: no node is built)."""
    from timeout_lint.yamlnodes import raw_parse

    try:
        raw_parse(document)
    except Exception:
        return False
    return True


def _indentation(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _is_content(line: str) -> bool:
    stripped = line.strip(" ")
    return bool(stripped) and not stripped.startswith("#")


def _unread_object(document: str) -> Skipped | None:
    """The kind and apiVersion of a document whose text says all parsers.kubernetes would read of it
    if its kind is not read; None when the text leaves any doubt."""
    if any(refusal in document for refusal in _DOCUMENT_REFUSALS):
        return None
    lines = document.split("\n")
    if lines[0].startswith("---"):
        lines[0] = ""
    if ('"' in document or "'" in document) and not all(_QUOTED_LINE.fullmatch(line) for line in lines if '"' in line or "'" in line):
        return None
    content = [index for index, line in enumerate(lines) if _is_content(line)]
    if not content or lines[content[0]].startswith(" "):
        return None
    root: dict[str, int] = {}  # key -> its line
    for index in content:
        line = lines[index]
        if line.startswith(" ") or (root and (line == "-" or line.startswith("- "))):
            continue  # inside a value; `- ` at column 0: an item of the previous key's sequence
        match = _KEY_LINE.fullmatch(line)
        if match is None or match.group(1) in root:
            return None
        root[match.group(1)] = index
    words = {}
    for key in ("kind", "apiVersion"):
        if key not in root:
            return None
        index = root[key]
        value = _KEY_LINE.fullmatch(lines[index]).group(2) or ""
        word = _WORD_VALUE.fullmatch(value)
        following = lines[index + 1] if index + 1 < len(lines) else ""
        ends_here = index + 1 >= len(lines) - 1 and not following  # the last line (or the one before the final break)
        if word is None or word.group(1) in _NULL_WORDS or not (ends_here or (following and not following.startswith(" "))):
            return None
        words[key] = word.group(1)
    if "metadata" in root:
        children = _block_keys(lines, root["metadata"], 0)
        if children is None:
            return None
        if "annotations" in children and _block_keys(lines, children["annotations"], _indentation(lines[children["annotations"]])) is None:
            return None
    return Skipped(words["kind"], words["apiVersion"])


def _block_keys(lines: list[str], key_line: int, key_indentation: int) -> dict[str, int] | None:
    """The keys (-> their line) of the block mapping under the key on ``key_line``; None unless it is
    certainly a block mapping (or empty) with plain keys, none twice."""
    if not _EMPTY_VALUE.fullmatch(_KEY_LINE.fullmatch(lines[key_line].lstrip(" ")).group(2) or ""):
        return None  # a value on the key's own line
    keys: dict[str, int] = {}
    indentation = None
    for index in range(key_line + 1, len(lines)):
        line = lines[index]
        if not _is_content(line):
            continue
        own = _indentation(line)
        if own <= key_indentation:
            break
        if indentation is None:
            indentation = own
        if own < indentation:
            return None
        if own == indentation:
            match = _KEY_LINE.fullmatch(line, own)
            if match is None or match.group(1) in keys:
                return None
            keys[match.group(1)] = index
    return keys
