"""gunicorn and uvicorn commands, and gunicorn config files read with ast (never run)."""

from __future__ import annotations

import textwrap

import pytest

from timeout_lint.model import Location
from timeout_lint.parsers.commands import Arg, find_program
from timeout_lint.parsers.gunicorn import (
    PROGRAMS,
    config_candidates,
    parse_command,
    parse_gunicorn_config,
    worker_kind,
)
from timeout_lint.sources import SourceFile


def words(*texts: str) -> tuple[Arg, ...]:
    column = 1
    out = []
    for text in texts:
        out.append(Arg(text, Location("compose.yaml", 3, column), True))
        column += len(text) + 1
    return tuple(out)


def command(*texts: str):
    problems: list = []
    invocation = find_program(words(*texts), PROGRAMS)
    return parse_command(invocation, problems), problems


@pytest.mark.parametrize(
    "argv",
    [
        ("gunicorn", "--timeout", "120", "app:app"),
        ("gunicorn", "-t", "120", "app:app"),
        ("gunicorn", "--timeout=120", "app:app"),
        ("gunicorn", "-t120", "app:app"),
        ("python", "-m", "gunicorn", "-t", "120", "app:app"),
        ("python3.12", "-u", "-m", "gunicorn", "--timeout", "120", "app:app"),
        ("/usr/local/bin/gunicorn", "--timeout", "120", "app:app"),
    ],
)
def test_timeout_spellings(argv):
    found, problems = command(*argv)
    assert found.program == "gunicorn" and problems == []
    timeout = found.settings["timeout"]
    assert (timeout.value, timeout.raw) == (120, "120")


def test_positions_of_flags_and_values():
    found, _ = command("gunicorn", "-w", "3", "--timeout=90", "app:app")
    timeout = found.settings["timeout"]
    assert (timeout.location.line, timeout.location.column) == (3, 15)  # the flag
    assert timeout.written_as == "--timeout"
    assert found.location.column == 1  # the gunicorn word: where a missing --timeout goes


def test_worker_class_keepalive_threads_and_config():
    found, _ = command("gunicorn", "-k", "uvicorn.workers.UvicornWorker", "--keep-alive", "10", "--threads", "4", "-c", "conf/g.py", "app")
    assert found.settings["worker_class"].value == "uvicorn.workers.UvicornWorker"
    assert found.settings["keepalive"].value == 10 and found.settings["threads"].value == 4
    assert found.config.text == "conf/g.py"


def test_values_from_the_environment_are_not_evaluated():
    found, problems = command("gunicorn", "--timeout", "${GUNICORN_TIMEOUT:-120}", "app")
    assert found.settings["timeout"].value is None and problems == []


def test_a_value_gunicorn_refuses_is_reported_where_written():
    found, problems = command("gunicorn", "--timeout", "120s", "app")
    assert "timeout" not in found.settings
    (problem,) = problems
    assert problem.rule == "unparsable-input" and "--timeout 120s" in problem.message
    assert (problem.location.line, problem.location.column) == (3, 10)


def test_shell_wrappers_and_separators():
    script = Arg("cd /app && exec gunicorn --timeout 60 app:app", Location("c.yaml", 5, 20), True)
    invocation = find_program((Arg("sh", Location("c.yaml", 5, 10)), Arg("-c", Location("c.yaml", 5, 13)), script), PROGRAMS)
    assert invocation.program == "gunicorn"
    assert [a.text for a in invocation.args] == ["--timeout", "60", "app:app"]
    assert (invocation.args[0].location.line, invocation.args[0].location.column) == (
        5,
        20 + 25,
    )  # "--timeout" is the 26th character of the script
    assert find_program(words("python", "manage.py", "runserver"), PROGRAMS) is None


@pytest.mark.parametrize(
    "argv, first_arg",
    [
        (("pip", "install", "gunicorn", "&&", "gunicorn", "-t", "5", "app"), "-t"),
        (("poetry", "run", "gunicorn", "-t", "5", "app"), "-t"),
        (("/docker-entrypoint.sh", "gunicorn", "-t", "5", "app"), "-t"),
        (("gosu", "app", "gunicorn", "-t", "5", "app"), "-t"),
        (("PORT=80", "uvicorn", "main:app"), "main:app"),
    ],
)
def test_only_a_word_in_command_position_is_the_program(argv, first_arg):
    invocation = find_program(words(*argv), PROGRAMS)
    assert invocation.args[0].text == first_arg
    assert find_program(words("pip", "install", "gunicorn"), PROGRAMS) is None


def test_uvicorn_keep_alive():
    found, _ = command("uvicorn", "main:app", "--host", "0.0.0.0", "--timeout-keep-alive", "75")
    assert found.program == "uvicorn" and found.settings["timeout_keep_alive"].value == 75
    found, _ = command("python", "-m", "uvicorn", "main:app")
    assert found.program == "uvicorn" and found.settings == {}


@pytest.mark.parametrize(
    "worker_class, threads, kind",
    [
        ("sync", None, "sync"),
        ("sync", 4, "gthread"),  # gunicorn runs sync with threads > 1 as gthread
        ("gunicorn.workers.sync.SyncWorker", 2, "gthread"),
        ("gthread", None, "gthread"),
        ("gevent", None, "async"),
        ("uvicorn.workers.UvicornWorker", None, "uvicorn"),
        ("uvicorn_worker.UvicornWorker", None, "uvicorn"),
    ],
)
def test_worker_kinds(worker_class, threads, kind):
    assert worker_kind(worker_class, threads) == kind


def test_config_candidates():
    dirs = ["/src/app", "/src"]
    assert config_candidates(None, dirs) == ["/src/app/gunicorn.conf.py", "/src/gunicorn.conf.py"]
    relative = Arg("conf/g.py", Location("c", 1, 1))
    assert config_candidates(relative, dirs) == ["/src/app/conf/g.py", "/src/conf/g.py"]
    absolute = Arg("/app/conf/g.py", Location("c", 1, 1))
    assert config_candidates(absolute, ["/src"]) == ["/src/app/conf/g.py", "/src/conf/g.py", "/src/g.py"]
    module = Arg("python:settings.gunicorn", Location("c", 1, 1))
    assert config_candidates(module, ["/src"]) == ["/src/settings/gunicorn.py"]


def config(text: str):
    return parse_gunicorn_config(SourceFile("/app/gunicorn.conf.py", "app/gunicorn.conf.py", textwrap.dedent(text).lstrip("\n")))


def test_config_constants_and_positions():
    result = config(
        """
        import multiprocessing

        MINUTE = 60
        bind = "0.0.0.0:8000"
        workers = multiprocessing.cpu_count() * 2 + 1
        worker_class = "sync"
        timeout = 2 * MINUTE
        keepalive: int = 5
        """
    )
    settings = result.config.settings
    assert result.problems == []
    assert (settings["timeout"].value, settings["timeout"].raw) == (120, "2 * MINUTE")
    assert (settings["timeout"].location.line, settings["timeout"].location.column) == (7, 1)
    assert settings["keepalive"].value == 5
    assert settings["worker_class"].value == "sync"
    assert settings["workers"].value is None  # a call: not evaluated, never run


def test_config_settings_that_depend_on_how_the_file_runs_are_not_evaluated():
    result = config(
        """
        import os
        timeout = int(os.environ.get("TIMEOUT", "120"))
        if os.environ.get("DEBUG"):
            keepalive = 30
        from defaults import *
        def post_fork(server, worker):
            timeout = 5
        """
    )
    settings = result.config.settings
    assert settings["timeout"].value is None and settings["keepalive"].value is None
    assert settings["keepalive"].location.line == 4
    assert any("from defaults import *" in note for note in result.config.notes)


def test_config_later_assignments_win_and_strings_count_as_gunicorn_reads_them():
    settings = config("timeout = 30\ntimeout = '0x3c'\n").config.settings
    assert settings["timeout"].value == 60 and settings["timeout"].location.line == 2


def test_config_values_gunicorn_refuses_and_syntax_errors_are_reported():
    bad = config("timeout = -5\n")
    assert "timeout" not in bad.config.settings and "refuses" in bad.problems[0].message
    broken = config("timeout = (\n")
    assert broken.config is None and broken.problems[0].message.startswith("invalid Python")


def test_a_config_file_with_side_effects_is_never_run(tmp_path):
    marker = tmp_path / "ran"
    result = config(
        f"""
        import pathlib, sys
        pathlib.Path({str(marker)!r}).write_text("executed")
        timeout = 45
        sys.exit(3)
        """
    )
    assert not marker.exists()
    assert result.config.settings["timeout"].value == 45
