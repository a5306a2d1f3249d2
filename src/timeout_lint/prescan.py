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

from timeout_lint.lazy import Patterns

_QUOTED_LINE = r"[ ]*(?:- )*(?:[A-Za-z0-9_][A-Za-z0-9_./-]*:[ ]+)?(?:\"[^\"\n]*\"|'[^'\n]*')[ ]*(?:#[^\n]*)?"
_RE = Patterns(
    bare_marker_rest=(r"[ \t]*(?:#.*)?", 0),
    file_refusals=(r"^(?:%|\.\.\.(?:[ \t]|$))", re.MULTILINE),
    content=(r"^[ ]*[^ \n#]", re.MULTILINE),  # a line that is neither blank nor a comment
    # a line with a quote that is not a plain key and a quoted value closed on that line
    unsafe_quote_line=(r"^(?!" + _QUOTED_LINE + r"$)[^\n]*[\"']", re.MULTILINE),
    root_line=(r"^[^ \n#][^\n]*", re.MULTILINE),  # a line at column 0 that is not a comment
    key_line=(r"([A-Za-z0-9_][A-Za-z0-9_./-]*):(?:[ ]+(.*))?", 0),
    word_value=(r"([A-Za-z0-9][A-Za-z0-9._/-]*)(?:[ ]+#.*)?[ ]*", 0),
    empty_value=(r"[ ]*(?:#.*)?", 0),
    # a `kind:` key at column 0 with a word for a value (matched where `kind:` starts a line)
    kind_word=(r"kind:[ ]+([A-Za-z0-9][A-Za-z0-9._/-]*)[ ]*(?:#[^\n]*)?(?=\n|$)", 0),
)
_ODD_BREAKS = ("\r", "\x85", "\u2028", "\u2029", "\ufeff")
#: text that makes a document's meaning depend on more than its lines (see the module docstring)
_DOCUMENT_REFUSALS = ("&", "*", "!", "{", "[", "\\", "<<", "\t", "timeout-lint", "_format_version")
_NULL_WORDS = frozenset({"null", "Null", "NULL"})


#: Documents shorter than this (in characters) are composed: checking one costs about what composing
#: it does (measured on the corpus, where nine tenths of what can be passed over is in longer ones).
WORTH_SKIPPING = 256


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
    if "kind:" not in text:
        return None
    starts = _markers(text)
    if starts is None:
        return None
    bounds = []  # (start, end) of each document in the stream, in order
    unmarked = not starts or _RE.content.search(text, 0, starts[0]) is not None
    if unmarked:
        bounds.append((0, starts[0] if starts else len(text)))  # a document before any `---`
    bounds += list(zip(starts, [*starts[1:], len(text)][: len(starts)], strict=True))
    candidates = []
    for index, (start, end) in enumerate(bounds):
        if end - start < WORTH_SKIPPING:
            continue  # looking closer costs about what composing it would
        kinds = _kinds(text, start, end)
        if len(kinds) == 1 and not reads_kind(kinds[0]):  # (none, or several `kind:` lines: left to the composer)
            candidates.append(index)
    if not candidates or any(mark in text for mark in _ODD_BREAKS):
        return None  # most files: every document worth a look is of a kind that is read
    if ("\n%" in text or "\n..." in text or text[:1] in "%.") and _RE.file_refusals.search(text):
        return None
    skipped: dict[int, Skipped] = {}
    for index in candidates:
        start, end = bounds[index]
        found = _unread_object(text[start:end], marked=not (unmarked and index == 0))
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


def _kinds(text: str, start: int = 0, end: int | None = None) -> list[str]:
    """The words after each `kind:` at column 0 in text[start:end] (str.find: far cheaper than a
    multi-line regex over the whole text); a `kind:` line with anything else gives ""."""
    end = len(text) if end is None else end
    found = []
    position = start if text.startswith("kind:", start) else text.find("\nkind:", start, end)
    while 0 <= position < end:
        if text[position] == "\n":
            position += 1
        match = _RE.kind_word.match(text, position, end)
        found.append(match.group(1) if match else "")
        position = text.find("\nkind:", position, end)
    return found


def _markers(text: str) -> list[int] | None:
    """Where each `---` document marker starts; None when one carries more than a comment."""
    starts = []
    position = 0 if text.startswith("---") else text.find("\n---")
    while position >= 0:
        if text[position] == "\n":
            position += 1
        after = position + 3
        if after >= len(text) or text[after] in " \t\n":
            end_of_line = text.find("\n", after)
            if not _RE.bare_marker_rest.fullmatch(text, after, len(text) if end_of_line < 0 else end_of_line):
                return None
            starts.append(position)
        position = text.find("\n---", after)
    return starts


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


def _unread_object(document: str, marked: bool = True) -> Skipped | None:
    """The kind and apiVersion of a document whose text says all parsers.kubernetes would read of it
    if its kind is not read; None when the text leaves any doubt. ``marked``: it starts with its `---`.
    (Regular expressions over the whole document, not a loop over its lines: CRDs run to thousands.)"""
    if any(refusal in document for refusal in _DOCUMENT_REFUSALS):
        return None
    first = document.find("\n") + 1 if marked else 0  # past the `---` line
    if first == 0 and marked:
        return None  # a bare `---`
    if _RE.unsafe_quote_line.search(document, first):
        return None
    content = _RE.content.search(document, first)
    if content is None or content.group().startswith(" "):
        return None
    root: dict[str, int] = {}  # key -> where its line starts
    for line in _RE.root_line.finditer(document, first):
        text = line.group()
        if root and (text == "-" or text.startswith("- ")):
            continue  # an item of the sequence under the key before it
        match = _RE.key_line.fullmatch(text)
        if match is None or match.group(1) in root:
            return None
        root[match.group(1)] = line.start()
    words = {}
    for key in ("kind", "apiVersion"):
        if key not in root:
            return None
        start = root[key]
        end = document.find("\n", start)
        word = _RE.word_value.fullmatch(_RE.key_line.fullmatch(document, start, len(document) if end < 0 else end).group(2) or "")
        # the value must end on its line: what follows is the end, or a line at column 0 (a plain
        # scalar goes on over more indented lines, and over a blank line before them)
        following = "" if end < 0 else document[end + 1 : end + 2]
        if (
            word is None
            or word.group(1) in _NULL_WORDS
            or (following in (" ", "\n") or (following == "" and end >= 0 and end + 1 < len(document)))
        ):
            return None
        words[key] = word.group(1)
    if "metadata" in root:
        lines = document[root["metadata"] :].split("\n")
        children = _block_keys(lines, 0, 0)
        if children is None:
            return None
        if "annotations" in children and _block_keys(lines, children["annotations"], _indentation(lines[children["annotations"]])) is None:
            return None
    return Skipped(words["kind"], words["apiVersion"])


def _block_keys(lines: list[str], key_line: int, key_indentation: int) -> dict[str, int] | None:
    """The keys (-> their line) of the block mapping under the key on ``key_line``; None unless it is
    certainly a block mapping (or empty) with plain keys, none twice."""
    if not _RE.empty_value.fullmatch(_RE.key_line.fullmatch(lines[key_line].lstrip(" ")).group(2) or ""):
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
            match = _RE.key_line.fullmatch(line, own)
            if match is None or match.group(1) in keys:
                return None
            keys[match.group(1)] = index
    return keys
