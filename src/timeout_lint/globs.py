"""Path globs for ``exclude`` and ``per-file-ignores``, matched the way ruff matches them.

- A pattern without a ``/`` (``legacy``, ``*.generated.yaml``) matches a file or directory of that
  name at any depth.
- A pattern with a ``/`` (``k8s/legacy/*.yaml``, ``charts/**``) is anchored at the base directory: the
  directory of the project file, or the working directory for ``--exclude``. It matches a path or
  any directory above it, so ``k8s/legacy`` covers everything inside.
- ``*`` and ``?`` stay within one path component, ``**`` spans any number of them, ``[abc]`` is a
  character class and ``{a,b}`` an alternative.
"""

from __future__ import annotations

import functools
import os
import re
from typing import NamedTuple


@functools.lru_cache(maxsize=256)
def compile_glob(pattern: str) -> re.Pattern[str]:
    """A glob as a regular expression over ``/``-separated relative paths."""
    out = ""
    index = 0
    depth = 0  # inside {...}
    while index < len(pattern):
        char = pattern[index]
        if pattern.startswith("**/", index):
            out += "(?:[^/]*/)*"
            index += 3
            continue
        if pattern.startswith("**", index):
            out += ".*"
            index += 2
            continue
        if char == "*":
            out += "[^/]*"
        elif char == "?":
            out += "[^/]"
        elif char == "[":
            end = pattern.find("]", index + 2 if pattern[index + 1 : index + 2] in ("!", "]") else index + 1)
            if end < 0:
                out += re.escape(char)
            else:
                body = pattern[index + 1 : end]
                if body.startswith("!"):
                    body = "^" + body[1:]
                out += "[" + body.replace("\\", "\\\\") + "]"
                index = end
        elif char == "{":
            depth += 1
            out += "(?:"
        elif char == "}" and depth:
            depth -= 1
            out += ")"
        elif char == "," and depth:
            out += "|"
        else:
            out += re.escape(char)
        index += 1
    out += ")" * depth
    return re.compile(out + r"\Z", re.DOTALL)


class PathPatterns(NamedTuple):
    """Patterns and the directory their relative forms are anchored at."""

    patterns: tuple[str, ...]
    base: str  # absolute

    def match(self, path: str) -> str | None:
        """The first pattern that matches an absolute path (or a directory above it), else None."""
        if not self.patterns:
            return None
        relative = os.path.relpath(path, self.base)
        inside = not (relative == ".." or relative.startswith(".." + os.sep))
        parts = relative.split(os.sep) if inside else [os.path.basename(path)]
        for pattern in self.patterns:
            anchored = pattern.strip().rstrip("/")
            if anchored.startswith("./"):
                anchored = anchored[2:]
            if "/" not in anchored:
                regex = compile_glob(anchored)
                if any(regex.match(part) for part in parts):
                    return pattern
            elif inside:
                regex = compile_glob(anchored.lstrip("/"))
                if any(regex.match("/".join(parts[:end])) for end in range(1, len(parts) + 1)):
                    return pattern
        return None
