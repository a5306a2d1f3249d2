"""gunicorn and uvicorn: their command lines, and gunicorn's Python config file read with ``ast``.

A config file (``-c``/``--config``, else ``gunicorn.conf.py`` in the working directory) is Python
that gunicorn executes. timeout-lint never executes it: it parses it with :mod:`ast` and evaluates
only module-level assignments of simple constant expressions (numbers, strings, arithmetic on them,
names assigned that way above). Anything else (``int(os.environ["TIMEOUT"])``, an assignment under
``if``) is kept as "not evaluated", never guessed.

Units are seconds (``--timeout 120``). What the values mean (../shared/reference/timeouts.md section 10):
``timeout`` kills a worker that stays silent that long; a ``sync`` worker (the default) is silent
for the whole of a request, so it is a deadline per request, while async, gthread and uvicorn
workers keep signalling and it bounds nothing. ``keepalive`` (default 2 s) is ignored by sync
workers. uvicorn has no request or response timeout at all; ``--timeout-keep-alive`` (default 5 s)
is how long it keeps an idle connection.
"""

from __future__ import annotations

import ast
import os
from dataclasses import dataclass, field
from typing import NamedTuple

from timeout_lint.durations import DurationError, parse_integer
from timeout_lint.model import Location, Problem
from timeout_lint.parsers.commands import Arg, Invocation
from timeout_lint.sources import SourceFile

PROGRAMS = frozenset({"gunicorn", "uvicorn"})
#: gunicorn command-line flags -> setting (gunicorn/config.py)
GUNICORN_FLAGS = {
    "-t": "timeout",
    "--timeout": "timeout",
    "--keep-alive": "keepalive",
    "-k": "worker_class",
    "--worker-class": "worker_class",
    "--threads": "threads",
    "-w": "workers",
    "--workers": "workers",
    "-c": "config",
    "--config": "config",
}
UVICORN_FLAGS = {"--timeout-keep-alive": "timeout_keep_alive", "--workers": "workers"}
#: the config file settings read, and whether each is an integer
CONFIG_SETTINGS = {"timeout": True, "keepalive": True, "threads": True, "workers": True, "worker_class": False}
_INTEGER_SETTINGS = frozenset({"timeout", "keepalive", "threads", "workers", "timeout_keep_alive"})
DEFAULT_CONFIG = "gunicorn.conf.py"
SYNC_WORKERS = frozenset({"sync", "gunicorn.workers.sync.SyncWorker", "egg:gunicorn#sync"})
_MAX_NAME_DEPTH = 20


class Setting(NamedTuple):
    name: str  # gunicorn's name: timeout, keepalive, worker_class ...
    raw: str  # as written
    value: int | str | None  # None: not evaluated
    location: Location
    written_as: str  # "--timeout", "timeout" (config file)
    comment: str | None = None  # a comment at the end of the value's line
    #: where the value itself is written, when a command line holds it verbatim (for --fix); None in a config file
    value_location: Location | None = None


class ServerCommand(NamedTuple):
    """A gunicorn or uvicorn command: where it is, and the settings it passes."""

    program: str
    location: Location  # the program's word: where a missing option would go
    settings: dict[str, Setting]
    config: Arg | None = None  # gunicorn -c/--config
    container: str | None = None  # the Kubernetes container it runs in
    word: Arg | None = None  # the program's word as written, after which --fix adds an option


class GunicornConfig(NamedTuple):
    file: str  # display path
    settings: dict[str, Setting]
    notes: tuple[str, ...] = ()


@dataclass
class ConfigResult:
    """A gunicorn config file read: its settings, and its problems."""

    config: GunicornConfig | None = None
    problems: list[Problem] = field(default_factory=list)


# -- command lines -------------------------------------------------------------------------------


def _options(args: tuple[Arg, ...], flags: dict[str, str]) -> list[tuple[str, str, Arg, Location]]:
    """(setting, flag as written, value, location of the flag) for each known option, in order."""
    out = []
    index = 0
    while index < len(args):
        arg = args[index]
        text = arg.text
        flag, value = None, None
        if text.startswith("--") and "=" in text and text.split("=", 1)[0] in flags:
            flag, raw = text.split("=", 1)
            column = (arg.location.column or 1) + len(flag) + 1 if arg.exact else arg.location.column
            value = Arg(raw, arg.location._replace(column=column), arg.exact)
        elif text in flags and index + 1 < len(args):
            flag, value = text, args[index + 1]
            index += 1
        elif len(text) > 2 and text[:2] in flags and not text.startswith("--"):  # -t120, -kgevent
            flag = text[:2]
            column = (arg.location.column or 1) + 2 if arg.exact else arg.location.column
            value = Arg(text[2:], arg.location._replace(column=column), arg.exact)
        if flag is not None:
            out.append((flags[flag], flag, value, arg.location))
        index += 1
    return out


def parse_command(invocation: Invocation, problems: list[Problem], container: str | None = None) -> ServerCommand:
    """The settings a gunicorn or uvicorn command line passes; bad values are reported where written."""
    program = invocation.program
    flags = GUNICORN_FLAGS if program == "gunicorn" else UVICORN_FLAGS
    settings: dict[str, Setting] = {}
    config = None
    for name, flag, value, where in _options(invocation.args, flags):
        if name == "config":
            config = value
            continue
        setting = _setting(name, value.text, where, flag, integer=name in _INTEGER_SETTINGS, problems=problems, program=program)
        if setting is not None:
            settings[name] = setting._replace(comment=value.comment, value_location=value.location if value.exact else None)
    return ServerCommand(program, invocation.word.location, settings, config, container, invocation.word)


def _setting(name: str, raw: str, where: Location, written_as: str, integer: bool, problems: list[Problem], program: str) -> Setting | None:
    if "$" in raw:  # expanded by a shell or by the container runtime at start: unknown here
        return Setting(name, raw, None, where, written_as)
    if not integer:
        return Setting(name, raw, raw, where, written_as)
    try:
        value = parse_integer(raw, minimum=0)
    except DurationError:
        problems.append(
            Problem(
                "unparsable-input",
                f"invalid {program}: {written_as} {raw}: not a whole number of seconds ({program} refuses to start)",
                where,
            )
        )
        return None
    return Setting(name, raw, value, where, written_as)


def config_candidates(config: Arg | None, directories: list[str]) -> list[str]:
    """Where a config file named on the command line (or gunicorn's default one) may be, most likely first.

    The path is relative to the container's working directory, which is taken to be a source
    directory. An absolute path (``/app/conf/gunicorn.py``) is matched by its tail inside them, and
    ``python:pkg.module`` by the module's file.
    """
    if config is None:
        return [os.path.join(directory, DEFAULT_CONFIG) for directory in directories]
    path = config.text
    if path.startswith("python:"):
        path = path[len("python:") :].replace(".", "/") + ".py"
    if path.startswith("file:"):
        path = path[len("file:") :]
    if "$" in path or not path:
        return []
    if os.path.isabs(path):
        parts = path.strip("/").split("/")
        tails = [os.path.join(*parts[i:]) for i in range(len(parts))]
    else:
        tails = [path]
    return [os.path.normpath(os.path.join(directory, tail)) for tail in tails for directory in directories]


# -- the config file -----------------------------------------------------------------------------


class _Unevaluated(Exception):
    pass


class _Evaluator:
    """Constant expressions only: no calls, no attribute access, no imports; never runs the file."""

    def __init__(self) -> None:
        self.names: dict[str, object] = {}

    def value(self, node: ast.expr, depth: int = 0) -> object:
        if depth > _MAX_NAME_DEPTH:
            raise _Unevaluated
        if isinstance(node, ast.Constant) and isinstance(node.value, int | float | str | bool | type(None)):
            return node.value
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
            operand = self.value(node.operand, depth + 1)
            if isinstance(operand, int | float) and not isinstance(operand, bool):
                return -operand if isinstance(node.op, ast.USub) else operand
            raise _Unevaluated
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Sub | ast.Mult | ast.Div | ast.FloorDiv | ast.Mod):
            left, right = self.value(node.left, depth + 1), self.value(node.right, depth + 1)
            if isinstance(left, str) and isinstance(right, str) and isinstance(node.op, ast.Add):
                return left + right
            numbers = (int, float)
            if isinstance(left, numbers) and isinstance(right, numbers) and not isinstance(left, bool) and not isinstance(right, bool):
                if isinstance(node.op, ast.Div | ast.FloorDiv | ast.Mod) and right == 0:
                    raise _Unevaluated
                operations = {ast.Add: lambda: left + right, ast.Sub: lambda: left - right, ast.Mult: lambda: left * right}
                operations |= {ast.Div: lambda: left / right, ast.FloorDiv: lambda: left // right, ast.Mod: lambda: left % right}
                result = operations[type(node.op)]()
                if abs(result) > 10**12:
                    raise _Unevaluated
                return result
            raise _Unevaluated
        if isinstance(node, ast.Name) and node.id in self.names:
            return self.names[node.id]
        raise _Unevaluated


def _column(source: SourceFile, line: int, byte_offset: int) -> int:
    """ast columns are UTF-8 byte offsets; a Location wants characters."""
    text = source.line_text(line)
    return len(text.encode("utf-8")[:byte_offset].decode("utf-8", errors="ignore")) + 1


def _gunicorn_value(name: str, value: object) -> int | str | None:
    """What gunicorn's validators make of a value (validate_pos_int, validate_string); None if it refuses it."""
    if CONFIG_SETTINGS[name]:
        if isinstance(value, bool) or isinstance(value, int):
            return int(value) if value >= 0 else None
        if isinstance(value, str):
            try:
                number = int(value, 0)
            except ValueError:
                return None
            return number if number >= 0 else None
        return None
    return value if isinstance(value, str) else None


def parse_gunicorn_config(source: SourceFile) -> ConfigResult:
    """A gunicorn config file, read and never run: module-level constant assignments only."""
    result = ConfigResult()
    try:
        tree = ast.parse(source.text, filename=source.display)
    except SyntaxError as exc:
        line = exc.lineno or 1
        result.problems.append(Problem("unparsable-input", f"invalid Python: {exc.msg}", source.location(line, exc.offset or 1)))
        return result
    except (ValueError, RecursionError, MemoryError) as exc:  # NUL bytes, absurd nesting
        result.problems.append(Problem("unparsable-input", f"invalid Python: {exc}", source.location(1, 1)))
        return result
    evaluator = _Evaluator()
    settings: dict[str, Setting] = {}
    notes: list[str] = []
    for statement in tree.body:
        targets: list[ast.expr] = []
        value = None
        if isinstance(statement, ast.Assign):
            targets, value = statement.targets, statement.value
        elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
            targets, value = [statement.target], statement.value
        elif isinstance(statement, ast.AugAssign):
            targets = [statement.target]
        elif isinstance(statement, ast.ImportFrom) and any(alias.name == "*" for alias in statement.names):
            notes.append(f"{source.display}:{statement.lineno}: 'from {statement.module} import *' may set settings; they are not read")
            continue
        elif isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            continue  # hooks (post_fork, when_ready ...): their locals are not settings
        else:
            # assignments nested in if/try/with/for blocks depend on how the file runs
            for node in ast.walk(statement):
                if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store) and node.id in CONFIG_SETTINGS:
                    where = source.location(node.lineno, _column(source, node.lineno, node.col_offset))
                    raw = ast.get_source_segment(source.text, statement) or node.id
                    settings[node.id] = Setting(node.id, raw.splitlines()[0], None, where, node.id)
                    evaluator.names.pop(node.id, None)
            continue
        for target in targets:
            names = [target] if isinstance(target, ast.Name) else [e for e in getattr(target, "elts", ()) if isinstance(e, ast.Name)]
            for name_node in names:
                name = name_node.id
                evaluated: object = None
                ok = value is not None and isinstance(target, ast.Name)
                if ok:
                    try:
                        evaluated = evaluator.value(value)
                    except _Unevaluated:
                        ok = False
                if ok:
                    evaluator.names[name] = evaluated
                else:
                    evaluator.names.pop(name, None)
                if name not in CONFIG_SETTINGS:
                    continue
                where = source.location(name_node.lineno, _column(source, name_node.lineno, name_node.col_offset))
                raw = (ast.get_source_segment(source.text, value) if value is not None else None) or ast.unparse(statement)
                comment = source.comment_at(statement.end_lineno or statement.lineno)
                if not ok:
                    settings[name] = Setting(name, raw, None, where, name, comment)
                    continue
                checked = _gunicorn_value(name, evaluated)
                if checked is None:
                    result.problems.append(
                        Problem("unparsable-input", f"invalid gunicorn setting: {name} = {raw} (gunicorn refuses this value)", where)
                    )
                    settings.pop(name, None)
                    continue
                settings[name] = Setting(name, raw, checked, where, name, comment)
    result.config = GunicornConfig(source.display, settings, tuple(notes))
    return result


def worker_kind(worker_class: str, threads: int | None) -> str:
    """ "sync", "gthread", "uvicorn" or "async": how gunicorn's timeout behaves for these workers."""
    if worker_class == "sync" or worker_class.endswith("SyncWorker"):
        # gunicorn runs the sync worker with threads > 1 as gthread (gunicorn/config.py, Config.worker_class)
        return "gthread" if threads is not None and threads > 1 else "sync"
    if worker_class in SYNC_WORKERS:
        return "sync"
    lowered = worker_class.lower()
    if "uvicorn" in lowered:
        return "uvicorn"
    if "gthread" in lowered:
        return "gthread"
    return "async"
