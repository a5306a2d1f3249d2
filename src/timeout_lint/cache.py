"""An on-disk cache of what reading a file gave, so an unchanged file is not parsed again (--cache).

Off unless asked for (``--cache``, ``--cache-dir``, or ``cache: true`` in the project file): nothing is
written to disk otherwise. An entry is one file, named by a hash of everything reading depends on:
the file's bytes, its kind, its path and the path shown for it, --max-file-size, and this program
(its version, the Python version, and the size and modification time of each of its own modules, so
that an edited checkout never reads entries its older self wrote).

Safe under concurrent runs: an entry is written to a temporary file beside it and renamed into place
(atomic on POSIX and Windows), so a reader sees a whole entry or none. An entry that cannot be read
back (truncated, corrupt, from another version, refused by the unpickler) is a miss, and is
rewritten. Entries are unpickled with a whitelist: only timeout-lint's own value types (NamedTuples,
enums, dataclasses) are rebuilt, so a tampered entry cannot run code; it could still lie about a
file, so the cache directory belongs to whoever runs timeout-lint (it gets a .gitignore of ``*``,
as ruff and pytest do, so it is never committed).
"""

from __future__ import annotations

import dataclasses
import enum
import hashlib
import io
import os
import pickle
import sys
import tempfile
from typing import TYPE_CHECKING

from timeout_lint import __version__

if TYPE_CHECKING:
    from timeout_lint.parse import FileResult

DEFAULT_DIR = ".timeout-lint-cache"
#: bump when the layout of an entry changes
FORMAT = 1
_MAGIC = b"timeout-lint-cache\n"
_PACKAGE = os.path.dirname(os.path.abspath(__file__))


class Cache:
    def __init__(self, directory: str):
        self.root = os.path.abspath(directory)
        self.directory = os.path.join(self.root, f"v{FORMAT}-{__version__}")
        self.fingerprint = _fingerprint()
        self.broken = False  # the directory cannot be written: run on without it
        self.hits = 0
        self.misses = 0

    def key(self, data: bytes, *parts: object) -> str:
        digest = hashlib.blake2b(self.fingerprint, digest_size=20)
        for part in parts:
            digest.update(repr(part).encode("utf-8", "surrogatepass") + b"\0")
        digest.update(data)
        return digest.hexdigest()

    def _path(self, key: str) -> str:
        return os.path.join(self.directory, key[:2], key[2:])

    def get(self, key: str) -> FileResult | None:
        try:
            with open(self._path(key), "rb") as handle:
                data = handle.read()
        except OSError:
            self.misses += 1
            return None
        if not data.startswith(_MAGIC) or data[len(_MAGIC) : len(_MAGIC) + len(key)] != key.encode():
            self.misses += 1
            return None
        try:
            value = _Unpickler(io.BytesIO(data[len(_MAGIC) + len(key) :])).load()
        except Exception:  # truncated, corrupt, or a type this version does not have
            self.misses += 1
            return None
        self.hits += 1
        return value

    def put(self, key: str, value: FileResult) -> None:
        if self.broken:
            return
        path = self._path(key)
        try:
            payload = _MAGIC + key.encode() + pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            self._mark_root()
            handle, temporary = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".tmp-")
            try:
                with os.fdopen(handle, "wb") as out:
                    out.write(payload)
                os.replace(temporary, path)
            except BaseException:
                try:
                    os.unlink(temporary)
                except OSError:
                    pass
                raise
        except OSError as exc:
            self.broken = True
            print(
                f"timeout-lint: warning: cannot write the cache in {self.root} ({exc.strerror or exc}); going on without it",
                file=sys.stderr,
            )

    def _mark_root(self) -> None:
        """A .gitignore of ``*`` (never committed) and a CACHEDIR.TAG (skipped by backup tools), once."""
        for name, text in (
            (".gitignore", "# written by timeout-lint --cache\n*\n"),
            ("CACHEDIR.TAG", "Signature: 8a477f597d28d172789f06886806bc55\n# timeout-lint cache: https://bford.info/cachedir/\n"),
        ):
            path = os.path.join(self.root, name)
            if not os.path.exists(path):
                with open(path, "w", encoding="utf-8") as handle:
                    handle.write(text)


def _fingerprint() -> bytes:
    """This program: its version, Python's, and every module of the package (name, size, mtime)."""
    parts = [__version__, f"{sys.version_info[0]}.{sys.version_info[1]}", str(FORMAT)]
    for directory, dirnames, filenames in os.walk(_PACKAGE):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
        for name in sorted(filenames):
            if name.endswith(".py"):
                info = os.stat(os.path.join(directory, name))
                parts.append(f"{os.path.relpath(os.path.join(directory, name), _PACKAGE)}:{info.st_size}:{info.st_mtime_ns}")
    return "\n".join(parts).encode()


def _allowed(value: object) -> bool:
    return isinstance(value, type) and (
        (issubclass(value, tuple) and hasattr(value, "_fields")) or issubclass(value, enum.Enum) or dataclasses.is_dataclass(value)
    )


class _Unpickler(pickle.Unpickler):
    """Rebuilds timeout-lint's own value types and nothing else: no function is ever called."""

    def find_class(self, module: str, name: str):
        if module == "timeout_lint" or module.startswith("timeout_lint."):
            value = super().find_class(module, name)
            if _allowed(value):
                return value
        raise pickle.UnpicklingError(f"{module}.{name} is not a timeout-lint value type")
