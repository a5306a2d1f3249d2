"""Stage 1: find the files to read under the given paths and say what kind each one is."""

from __future__ import annotations

import enum
import fnmatch
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

from timeout_lint.model import Location
from timeout_lint.sources import display_path


class FileKind(enum.Enum):
    PROJECT_CONFIG = "project-config"  # .timeout-lint.yaml
    COMPOSE = "compose"
    YAML = "yaml"  # Kubernetes manifests and anything else in YAML; the parser looks inside
    NGINX = "nginx"  # certainly nginx: by name or by directory
    MAYBE_NGINX = "maybe-nginx"  # a .conf elsewhere: linted if it is nginx syntax, skipped quietly if not
    TRAEFIK_STATIC = "traefik-static"  # traefik.yml/.yaml/.toml: Traefik's static configuration (or manifests named so)
    GO = "go"  # read only when a build context or declared source directory points at it
    NODE = "node"  # .js/.mjs/.cjs/.ts: read only when a build context or declared source directory points at it
    HAPROXY = "haproxy"  # certainly HAProxy: haproxy*.cfg, a .cfg under a haproxy/ directory, or named explicitly
    MAYBE_HAPROXY = "maybe-haproxy"  # another .cfg: linted if it starts with an HAProxy section, skipped quietly if not
    UNKNOWN = "unknown"  # named explicitly, but of no kind timeout-lint reads


#: Directories never walked: version control, dependency trees, virtual environments, caches.
SKIPPED_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        "node_modules",
        "__pycache__",
        ".tox",
        ".nox",
        ".venv",
        "venv",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        ".hypothesis",
        ".timeout-lint-cache",
    }
)
PROJECT_CONFIG_NAMES = (".timeout-lint.yaml", ".timeout-lint.yml")
_COMPOSE_PATTERNS = (
    "compose.yaml",
    "compose.yml",
    "compose.*.yaml",
    "compose.*.yml",
    "docker-compose.yaml",
    "docker-compose.yml",
    "docker-compose.*.yaml",
    "docker-compose.*.yml",
)
_NGINX_SUFFIXES = ("", ".conf", ".nginx", ".vhost", ".site")
#: the names Traefik looks for its static configuration under (/etc/traefik, $HOME/.config, the working directory)
TRAEFIK_STATIC_NAMES = frozenset({"traefik.yml", "traefik.yaml", "traefik.toml"})
#: The PATH that means standard input: `helm template . | timeout-lint -`
STDIN_PATH = "-"


class DiscoveredFile(NamedTuple):
    """A file to read: where it is, how to show it, and what kind it is."""

    path: str  # absolute
    display: str  # as the user would click it
    kind: FileKind
    explicit: bool = False  # named on the command line rather than found in a directory


class InMemoryInput(NamedTuple):
    """An input that is no file on disk: standard input, or an object read from a cluster.

    Its bytes go through the same decoding as a file's, and are read as YAML: manifests, or a compose
    file when that is what they hold (parse.read_in_memory).
    """

    name: str  # shown where a file path would be: "<stdin>", "cluster://prod/shop/Service/api"
    data: bytes
    fields_only: bool = False  # locations are field paths, not lines (see sources.SourceFile.fields_only)


@dataclass(eq=False, repr=False)  # compared by identity; no generated __eq__/__repr__ to pay for at start-up
class Discovery:
    """What the given paths hold: the files to read, in a fixed order, and what could not be walked."""

    files: list[DiscoveredFile] = field(default_factory=list)
    roots: list[str] = field(default_factory=list)  # absolute directories (or files' directories) linted
    unreadable: list[str] = field(default_factory=list)  # paths given that do not exist or cannot be read
    symlink_loops: list[Location] = field(default_factory=list)
    stdin: bool = False  # `-` was given: standard input is read (once, by lint.lint)
    in_memory: list[InMemoryInput] = field(default_factory=list)  # standard input and cluster objects, once read


def _in_nginx_dir(parts: tuple[str, ...]) -> bool:
    return any(p == "conf.d" or p.startswith("sites-") or p == "nginx" for p in parts)


def _in_haproxy_dir(parts: tuple[str, ...]) -> bool:
    return "haproxy" in parts


def classify(path: str, root: str, explicit: bool = False, rel_dirs: tuple[str, ...] | None = None) -> FileKind | None:
    """The kind of a file, from its name and the directories it sits in (never its content).
    ``rel_dirs``: the directories from ``root`` down to the file's, when the caller knows them."""
    name = os.path.basename(path)
    lower = name.lower()
    if name in PROJECT_CONFIG_NAMES:
        return FileKind.PROJECT_CONFIG
    if lower in TRAEFIK_STATIC_NAMES:
        return FileKind.TRAEFIK_STATIC
    if lower.endswith((".yaml", ".yml")):
        if lower.startswith(("compose.", "docker-compose.")) and any(fnmatch.fnmatchcase(lower, pattern) for pattern in _COMPOSE_PATTERNS):
            return FileKind.COMPOSE
        return FileKind.YAML
    if lower.endswith(".go"):
        return FileKind.GO
    if lower.endswith((".js", ".mjs", ".cjs", ".ts")):
        return FileKind.NODE
    if lower == "nginx.conf":
        return FileKind.NGINX
    if explicit:
        rel_dirs = tuple(os.path.dirname(path).split(os.sep))
    elif rel_dirs is None:
        rel_dirs = tuple(os.path.relpath(os.path.dirname(path), root).split(os.sep))
    suffix = os.path.splitext(lower)[1]
    # HAProxy has no fixed file name: haproxy.cfg by convention, any .cfg under a haproxy/ directory,
    # any .cfg named on the command line; other .cfg files (setup.cfg ...) only if their first
    # statement opens an HAProxy section (parsers/haproxy.py decides, quietly)
    if suffix == ".cfg":
        if lower.startswith("haproxy") or explicit or _in_haproxy_dir(rel_dirs):
            return FileKind.HAPROXY
        return FileKind.MAYBE_HAPROXY
    if suffix in _NGINX_SUFFIXES and _in_nginx_dir(rel_dirs) and not lower.startswith("."):
        return FileKind.NGINX
    if suffix == ".conf":
        return FileKind.NGINX if explicit else FileKind.MAYBE_NGINX
    return None


def given_roots(paths: list[str], cwd: str) -> list[str]:
    """The directories linted: each directory given, and the directory of each file given."""
    roots = []
    for given in paths:
        absolute = os.path.abspath(os.path.join(cwd, given))
        if os.path.isdir(absolute):
            roots.append(absolute)
        elif os.path.isfile(absolute):
            roots.append(os.path.dirname(absolute))
    return roots


def discover(paths: list[str], cwd: str, excluded: Callable[[str], bool] | None = None, force_exclude: bool = False) -> Discovery:
    """Walk the given paths in a fixed order (sorted), so output never depends on the file system.

    ``excluded`` (an absolute path -> whether the project's ``exclude`` globs match it) prunes files
    and directories found while walking; paths named explicitly are linted anyway unless
    ``force_exclude`` (as in ruff, so that a tool passing file names cannot lint an excluded file).
    """
    result = Discovery()
    seen: set[str] = set()
    for given in paths:
        if given == STDIN_PATH:
            result.stdin = True
            continue
        absolute = os.path.abspath(os.path.join(cwd, given))
        if excluded is not None and force_exclude and os.path.exists(absolute) and excluded(absolute):
            continue
        if os.path.isdir(absolute):
            result.roots.append(absolute)
            _walk(absolute, cwd, result, seen, excluded)
        elif os.path.isfile(absolute):
            result.roots.append(os.path.dirname(absolute))
            kind = classify(absolute, os.path.dirname(absolute), explicit=True)
            if absolute not in seen:
                seen.add(absolute)
                result.files.append(DiscoveredFile(absolute, display_path(absolute, cwd), kind or FileKind.UNKNOWN, explicit=True))
        else:
            result.unreadable.append(given)
    return result


def _walk(root: str, cwd: str, result: Discovery, seen: set[str], excluded: Callable[[str], bool] | None = None) -> None:
    """Depth first: a directory's files, then its subdirectories, each in sorted order (os.walk's
    order, top down). Directory symlinks are followed, each real directory at most once: one met
    again is reported as a loop and not entered. One listing per directory (os.scandir), which
    also says which entries are plain files, so only symlinks cost a stat."""
    visited_dirs: set[tuple[int, int]] = set()
    stack = [(root, _display_prefix(root, cwd), ())]
    while stack:
        dirpath, shown, rel_dirs = stack.pop()
        try:
            with os.scandir(dirpath) as listing:
                entries = list(listing)
        except OSError:  # unreadable, or gone since its parent was listed: os.walk passes over it too
            continue
        if dirpath != root and any(entry.name == "pyvenv.cfg" and _is_file(entry) for entry in entries):
            continue  # a virtual environment
        try:
            stat = os.stat(dirpath)
        except OSError:
            continue
        key = (stat.st_dev, stat.st_ino)
        if key in visited_dirs:
            result.symlink_loops.append(Location(display_path(dirpath, cwd), 1))
            continue
        visited_dirs.add(key)
        subdirectories, files = [], []
        for entry in entries:
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            (subdirectories if is_dir else files).append(entry)
        for entry in sorted(files, key=_name):
            path = entry.path
            if path in seen or (excluded is not None and excluded(path)):
                continue
            kind = classify(path, root, rel_dirs=rel_dirs)
            if kind is None:
                continue
            if kind is FileKind.PROJECT_CONFIG and dirpath != root:
                continue  # only the linted root's project file counts
            if not _is_file(entry):
                continue  # dangling symlink, socket, fifo
            seen.add(path)
            # None: this directory's files are shown by their absolute path (see _display_prefix)
            result.files.append(DiscoveredFile(path, path if shown is None else shown + entry.name, kind))
        names = sorted(entry.name for entry in subdirectories if entry.name not in SKIPPED_DIRS)
        if excluded is not None:
            names = [name for name in names if not excluded(os.path.join(dirpath, name))]
        for name in reversed(names):
            subdirectory = os.path.join(dirpath, name)
            stack.append((subdirectory, _subdirectory_prefix(shown, subdirectory, name, cwd), (*rel_dirs, name)))


def _name(entry: os.DirEntry) -> str:
    return entry.name


def _is_file(entry: os.DirEntry) -> bool:
    """A regular file, or a symlink to one (a dangling symlink, a socket, a fifo is not)."""
    try:
        return entry.is_file()
    except OSError:
        return False


def _subdirectory_prefix(shown: str | None, subdirectory: str, name: str, cwd: str) -> str | None:
    """_display_prefix of a subdirectory, from its parent's without another relpath, except on the
    way down to the working directory (where a path shown absolute becomes relative again)."""
    if subdirectory == cwd or cwd.startswith(subdirectory + os.sep):
        return _display_prefix(subdirectory, cwd)
    return None if shown is None else shown + name + os.sep


def _display_prefix(directory: str, cwd: str) -> str | None:
    """What display_path puts before a file name in ``directory`` ("" for the working directory,
    "k8s/" below it, "../" above it), or None when the files there are shown absolute."""
    try:
        relative = os.path.relpath(directory, cwd)
    except ValueError:  # another drive on Windows
        return None
    up_two = ".." + os.sep + ".."
    if relative == up_two or relative.startswith(up_two + os.sep):
        return None  # display_path shows a file two levels up or more by its absolute path
    return "" if relative == "." else relative + os.sep
