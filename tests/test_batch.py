"""Reading across processes (batch.py): the same report as a serial run, whatever happens to a worker."""

from __future__ import annotations

import gc
import os
import sys
import time
from typing import NamedTuple

import pytest

from tests.conftest import FIXTURES
from timeout_lint import batch, parse
from timeout_lint.cli import main
from timeout_lint.discover import FileKind
from timeout_lint.lint import LintOptions, lint
from timeout_lint.parse import Inventory, ParseOptions, merge
from timeout_lint.report.json import format_report

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="files are read in worker processes on Linux only")


def report(jobs: int | None, **options) -> str:
    return format_report(lint(LintOptions(paths=(".",), cwd=str(FIXTURES), jobs=jobs, **options)))


@pytest.fixture
def small_chunks(monkeypatch):
    """Chunks of three files, so that the fixtures make many chunks for every worker."""
    monkeypatch.setattr(batch, "CHUNK_FILES", 3)


@linux_only
@pytest.mark.parametrize("jobs", [2, 3])
def test_parallel_reading_gives_the_serial_report(small_chunks, jobs):
    assert report(jobs) == report(1)


@linux_only
def test_a_worker_that_dies_leaves_its_files_to_this_process(small_chunks, monkeypatch):
    """A worker killed in the middle of a chunk it took: that chunk is read here."""
    parent = os.getpid()
    real = batch.read_one
    calls = []

    def dies_on_its_second_file(item, options, cache):
        if os.getpid() != parent:
            calls.append(item)
            if len(calls) == 2:
                os._exit(3)
        return real(item, options, cache)

    monkeypatch.setattr(batch, "read_one", dies_on_its_second_file)
    assert report(3) == report(1)


@linux_only
def test_an_error_while_reading_is_raised_as_a_serial_run_raises_it(small_chunks, monkeypatch):
    real = parse.read_file

    def fails_on_one_file(path, *args, **kwargs):
        if path.endswith(os.path.join("kong-csv-export", "k8s", "ingress.yaml")):
            raise RuntimeError("boom")
        return real(path, *args, **kwargs)

    monkeypatch.setattr(parse, "read_file", fails_on_one_file)
    for jobs in (1, 3):
        with pytest.raises(RuntimeError, match="boom"):
            report(jobs)


def test_small_trees_are_read_here_and_big_ones_on_every_core(monkeypatch):
    monkeypatch.setattr(batch, "available_cores", lambda: 4)
    monkeypatch.setattr(batch.sys, "platform", "linux")
    assert batch.jobs_for(batch.PARALLEL_MIN_FILES - 1, None) == 1
    assert batch.jobs_for(10_000, None) == 4
    assert batch.jobs_for(10_000, 1) == 1
    assert batch.jobs_for(10_000, 0) == 4  # --jobs 0: every core
    assert batch.jobs_for(batch.CHUNK_FILES, 8) == 1  # no more processes than chunks
    monkeypatch.setattr(batch.sys, "platform", "darwin")
    assert batch.jobs_for(10_000, 4) == 1  # fork is the only start method used


class _Item(NamedTuple):
    number: int
    kind: FileKind = FileKind.YAML


def _who_read(item, options, cache):
    """A stand-in for read_one: which process read the item (slowly enough that every process gets chunks)."""
    time.sleep(0.002)
    return (item.number, os.getpid())


@linux_only
def test_every_process_takes_chunks_from_the_queue_and_the_results_come_in_order(monkeypatch):
    monkeypatch.setattr(batch, "read_one", _who_read)
    monkeypatch.setattr(batch, "CHUNK_FILES", 4)
    items = [_Item(number) for number in range(200)]
    reading = batch.read_files(items, ParseOptions(cwd=".", jobs=3))
    results = list(reading)
    assert [number for number, _ in results] == list(range(200))  # each item once, in order
    readers = {pid for _, pid in results}
    assert os.getpid() in readers and len(readers) == 3
    for start in range(0, 200, 4):  # a chunk is read whole by one process
        assert len({pid for _, pid in results[start : start + 4]}) == 1


@linux_only
def test_stopping_early_ends_the_workers(monkeypatch):
    monkeypatch.setattr(batch, "read_one", _who_read)
    monkeypatch.setattr(batch, "CHUNK_FILES", 4)
    reading = batch.read_files([_Item(number) for number in range(400)], ParseOptions(cwd=".", jobs=2))
    assert next(reading)[0] == 0
    reading.close()
    assert all(not process.is_alive() for process, _ in reading.workers)


def test_chunks_are_small_enough_to_share_and_their_numbers_fit_in_the_queue():
    assert batch._chunks(1000, 2) == [(start, min(start + 32, 1000)) for start in range(0, 1000, 32)]
    assert batch._chunks(100, 2) == [(start, min(start + 13, 100)) for start in range(0, 100, 13)]  # four per process
    assert batch._chunks(3, 2) == [(0, 1), (1, 2), (2, 3)]
    huge = batch._chunks(10_000_000, 2)
    assert len(huge) <= batch.MAX_CHUNKS and huge[-1][1] == 10_000_000
    assert len(huge) * batch._NUMBER <= 65536


def test_merge_extends_lists_adds_counts_and_refuses_what_it_does_not_know():
    into, part = Inventory(config=None), Inventory(config=None)
    into.files_read, part.files_read = 2, 3
    part.problems.append("p")
    part.rendered_from["a.yaml"] = ()
    merge(into, part)
    assert (into.files_read, into.problems, into.rendered_from) == (5, ["p"], {"a.yaml": ()})
    part.cwd = "elsewhere"  # not merged: the run's own
    part.objects_read = 1.5  # a type merge does not know
    with pytest.raises(TypeError, match="objects_read"):
        merge(into, part)


def test_lint_turns_the_garbage_collector_off_only_while_it_runs():
    assert gc.isenabled()
    lint(LintOptions(paths=("kong-csv-export",), cwd=str(FIXTURES)))
    assert gc.isenabled()
    gc.disable()
    try:
        lint(LintOptions(paths=("kong-csv-export",), cwd=str(FIXTURES)))
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_jobs_must_not_be_negative(capsys):
    assert main(["--jobs", "-1", str(FIXTURES / "kong-csv-export")]) == 2
    assert "--jobs: must be 0 (every core) or more" in capsys.readouterr().err
