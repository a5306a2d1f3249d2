"""Reading the files of PER_FILE_KINDS: in order, from the cache when asked, across cores when it pays.

Each file is read on its own (parse.read_file), so files can be read in any process; parse_all
merges the results in discovery order, which keeps the output byte for byte the same whether a run
is serial, parallel or cached. With a cache (cache.py), a file whose bytes (and everything else its
reading depends on) are unchanged is not parsed: its result is read back from the cache.

Parallel reading forks worker processes (Linux only: fork is cheap there and safe before any thread
exists; elsewhere, and for small trees, files are read in this process). Each worker reads a
contiguous slice of the file list and sends its results back pickled: plain NamedTuples, lists and
dicts, never a YAML node (custom resources are parsed in the worker, see parse.take_custom_resources).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from timeout_lint.cache import Cache
    from timeout_lint.discover import DiscoveredFile
    from timeout_lint.parse import FileResult, ParseOptions

#: Below this many files, starting workers costs more than it saves (measured with bench/bench.py:
#: a worker costs a few milliseconds to fork, a manifest file a fraction of one to read).
PARALLEL_MIN_FILES = 400
#: Files per task: small enough to keep every worker busy to the end, big enough that sending
#: results back is a few large messages, not thousands of small ones.
CHUNK_FILES = 64
#: This process's share of the files, relative to a worker's (it also unpickles and merges theirs).
OWN_SHARE = 0.8

# what the workers read, set before they are forked (inherited, never pickled)
_ITEMS: list[DiscoveredFile] = []
_OPTIONS: ParseOptions | None = None
_CACHE: Cache | None = None


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def jobs_for(files: int, requested: int | None) -> int:
    """How many processes read ``files`` files: 1 means this process alone."""
    if requested is not None:
        jobs = requested if requested > 0 else available_cores()
    elif files < PARALLEL_MIN_FILES:
        return 1
    else:
        jobs = available_cores()
    if not sys.platform.startswith("linux"):
        return 1
    return max(1, min(jobs, (files + CHUNK_FILES - 1) // CHUNK_FILES))


def read_files(items: list[DiscoveredFile], options: ParseOptions) -> Iterator[FileResult]:
    """The result of each item, in the order given."""
    global _CACHE
    cache = None
    if options.cache_dir is not None and items:
        from timeout_lint.cache import Cache

        cache = Cache(options.cache_dir)
    jobs = jobs_for(len(items), options.jobs)
    _CACHE = cache
    try:
        if jobs <= 1:
            for item in items:
                yield read_one(item, options, cache)
        else:
            yield from _parallel(items, options, jobs)
    finally:
        _CACHE = None


def read_one(item: DiscoveredFile, options: ParseOptions, cache: Cache | None) -> FileResult:
    """One file, through the cache when there is one."""
    from timeout_lint.parse import read_file

    if cache is None:
        return read_file(item.path, item.display, item.kind, options)
    try:
        if os.path.getsize(item.path) > options.max_bytes:
            raise OSError("too big")
        with open(item.path, "rb") as handle:
            data = handle.read(options.max_bytes + 1)
    except OSError:  # read_file reports it, as it always does
        return read_file(item.path, item.display, item.kind, options)
    key = cache.key(data, item.kind.value, item.path, item.display, options.max_bytes)
    result = cache.get(key)
    if result is None:
        result = read_file(item.path, item.display, item.kind, options, data)
        cache.put(key, result)
    return result


def _parallel(items: list[DiscoveredFile], options: ParseOptions, jobs: int) -> Iterator[FileResult]:
    """``jobs - 1`` forked workers and this process read the files chunk by chunk.

    Chunks are dealt out in turn (this process takes a little less: it also receives and merges the
    workers' results), and this process goes through them in order: its own it reads, the workers'
    it takes from their pipes. Between two of its files it empties the pipes, so no worker waits on
    a full pipe. A worker that dies leaves its chunks to this process, which reads them as a serial
    run would (raising what a serial run would raise).
    """
    import multiprocessing
    import pickle
    from collections import deque

    global _ITEMS, _OPTIONS
    chunks = [(start, min(start + CHUNK_FILES, len(items))) for start in range(0, len(items), CHUNK_FILES)]
    owners = _deal(len(chunks), [OWN_SHARE] + [1.0] * (jobs - 1))  # 0: this process
    context = multiprocessing.get_context("fork")
    workers = []
    _ITEMS, _OPTIONS = items, options
    try:
        for worker in range(1, jobs):
            receiver, sender = context.Pipe(duplex=False)
            process = context.Process(target=_work, args=(sender, [chunks[c] for c, o in enumerate(owners) if o == worker]), daemon=True)
            process.start()
            sender.close()
            workers.append((process, receiver, deque()))
    finally:
        _ITEMS, _OPTIONS = [], None

    def drain() -> None:
        for _, receiver, received in workers:
            try:
                while receiver.poll():
                    received.append(receiver.recv_bytes())
            except (EOFError, OSError):
                pass  # a worker that is done or dead: what it sent is kept, the rest is read here

    try:
        for (start, end), owner in zip(chunks, owners, strict=True):
            data = None
            if owner:
                _, receiver, received = workers[owner - 1]
                if received:
                    data = received.popleft()
                else:
                    try:
                        data = receiver.recv_bytes()
                    except (EOFError, OSError):
                        data = None
            if data is not None:
                yield from pickle.loads(data)
                continue
            for item in items[start:end]:
                yield read_one(item, options, _CACHE)
                drain()
    finally:
        for process, receiver, _ in workers:
            receiver.close()
            process.join(timeout=1)
            if process.is_alive():  # pragma: no cover - only when the run is interrupted
                process.kill()
                process.join()


def _deal(count: int, weights: list[float]) -> list[int]:
    """Who reads each of ``count`` chunks: in turn, each participant in proportion to its weight."""
    given = [0] * len(weights)
    owners = []
    for _ in range(count):
        owner = min(range(len(weights)), key=lambda p: ((given[p] + 1) / weights[p], p))
        given[owner] += 1
        owners.append(owner)
    return owners


def _work(sender, chunks: list[tuple[int, int]]) -> None:
    """A worker: read its chunks in order and send each one's results, pickled, as one message.

    An exception stops it quietly: the parent reads what is left and meets the same exception.
    """
    import pickle

    try:
        for start, end in chunks:
            results = [read_one(item, _OPTIONS, _CACHE) for item in _ITEMS[start:end]]
            sender.send_bytes(pickle.dumps(results, pickle.HIGHEST_PROTOCOL))
    except BaseException:
        pass
    finally:
        sender.close()
