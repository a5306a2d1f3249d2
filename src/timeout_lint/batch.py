"""Reading the files of PER_FILE_KINDS: in order, from the cache when asked, across cores when it pays.

Each file is read on its own (parse.read_file), so files can be read in any process; parse_all
merges the results in discovery order, which keeps the output byte for byte the same whether a run
is serial, parallel or cached. With a cache (cache.py), a file whose bytes (and everything else its
reading depends on) are unchanged is not parsed: its result is read back from the cache.

Parallel reading forks worker processes (Linux only: fork is cheap there and safe before any thread
exists; elsewhere, and for small trees, files are read in this process). The file list is cut into
chunks, and every process, this one included, takes the next chunk from a shared queue whenever it
is free: a pipe holding the chunk numbers, from which each read takes exactly one. So the work
balances itself, and this process can do other work first (parse_all reads nginx meanwhile). A
worker sends each chunk's results back pickled: plain NamedTuples, lists and dicts, never a YAML
node (custom resources are parsed in the worker, see parse.take_custom_resources). A thread here
takes them in as they come (started after the last fork), so a worker never waits on a full pipe.
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

#: Below this many files, a worker costs more than it saves (measured on trees of generated
#: services: even at about 65 files, ahead from about 130; forking costs a few milliseconds, a
#: manifest file about one to read and send back).
PARALLEL_MIN_FILES = 100
#: Files per chunk, at most: small enough that the processes finish close together, big enough
#: that results go back as a few large messages, not thousands of small ones. A small tree is cut
#: into about CHUNKS_PER_PROCESS chunks per process.
CHUNK_FILES = 32
CHUNKS_PER_PROCESS = 4
#: At most this many chunks (bigger chunks beyond): the queue's chunk numbers must fit in a pipe's
#: buffer (64 KiB on Linux), which is filled before any worker starts.
MAX_CHUNKS = 8192
_NUMBER = 4  # bytes per chunk number in the queue

# what the workers read, set before they are forked (inherited, never pickled)
_ITEMS: list[DiscoveredFile] = []
_CHUNKS: list[tuple[int, int]] = []
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
    """The result of each item, in the order given. Workers, when it pays, start at once: the
    caller may do other work before taking the first result, and calls ``close()`` on what this
    returns when it stops early (a generator's close, or _Parallel's)."""
    cache = None
    if options.cache_dir is not None and items:
        from timeout_lint.cache import Cache

        cache = Cache(options.cache_dir)
    jobs = jobs_for(len(items), options.jobs)
    if jobs <= 1:
        return (read_one(item, options, cache) for item in items)
    return _Parallel(items, options, cache, jobs)


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


def _chunks(files: int, jobs: int) -> list[tuple[int, int]]:
    size = max(1, min(CHUNK_FILES, -(-files // (jobs * CHUNKS_PER_PROCESS))), -(-files // MAX_CHUNKS))
    return [(start, min(start + size, files)) for start in range(0, files, size)]


def _import_readers(items: list[DiscoveredFile]) -> None:
    """Import what reads manifests before forking: each worker inherits it instead of importing it again."""
    from timeout_lint.discover import FileKind

    if any(item.kind is not FileKind.COMPOSE for item in items):
        import timeout_lint.parsers.kubernetes  # noqa: F401  (and the YAML reader under it)


def _take(queue: int) -> int | None:
    """The next chunk number from the queue, None when it is empty (every chunk taken)."""
    data = os.read(queue, _NUMBER)  # every number was written before any read: a read gets a whole one
    return int.from_bytes(data, "little") if data else None


class _Parallel:
    """``jobs - 1`` forked workers and this process read the chunks, each taking the next from the
    queue. A thread of this process takes in what the workers send as it comes, so that no worker
    waits on a full pipe while this process is busy (reading nginx first, then chunks of its own)."""

    def __init__(self, items: list[DiscoveredFile], options: ParseOptions, cache: Cache | None, jobs: int):
        import multiprocessing
        import threading

        global _ITEMS, _CHUNKS, _OPTIONS, _CACHE
        self.items, self.options, self.cache = items, options, cache
        self.chunks = _chunks(len(items), jobs)
        _import_readers(items)
        self.queue, writer = os.pipe()
        try:
            os.write(writer, b"".join(number.to_bytes(_NUMBER, "little") for number in range(len(self.chunks))))
        finally:
            os.close(writer)  # the workers inherit the reading end only: an empty queue reads as its end
        context = multiprocessing.get_context("fork")
        self.workers = []  # (process, receiving end)
        self.arrived: dict[int, memoryview] = {}  # chunk number -> a worker's pickled results
        self.sending = 0  # workers whose pipe is still open
        self.news = threading.Condition()
        _ITEMS, _CHUNKS, _OPTIONS, _CACHE = items, self.chunks, options, cache
        try:
            for _ in range(1, jobs):
                receiver, sender = context.Pipe(duplex=False)
                process = context.Process(target=_work, args=(sender, self.queue), daemon=True)
                process.start()
                sender.close()
                self.workers.append((process, receiver))
        except BaseException:
            self._stop(wait=False)
            raise
        finally:
            _ITEMS, _CHUNKS, _OPTIONS, _CACHE = [], [], None, None
        self.sending = len(self.workers)
        # started once every worker is forked: no thread exists while this process forks
        self.receiver = threading.Thread(target=self._receive, name="timeout-lint results", daemon=True)
        self.receiver.start()
        self._results = self.results()

    def __iter__(self) -> Iterator[FileResult]:
        return self

    def __next__(self) -> FileResult:
        return next(self._results)

    def results(self) -> Iterator[FileResult]:
        """Every chunk's results in order: this process reads chunks while the queue lasts, handing on
        what is ready between two, then waits for the workers'."""
        own: dict[int, list[FileResult]] = {}  # chunk number -> this process's results
        following = 0  # the next chunk to hand on
        try:
            while (number := _take(self.queue)) is not None:
                start, end = self.chunks[number]
                own[number] = [read_one(item, self.options, self.cache) for item in self.items[start:end]]
                following = yield from self._in_order(own, following, wait=False)
            yield from self._in_order(own, following, wait=True)
        except BaseException:  # an error here, or the caller's (close): what the workers still do is of no use
            self._stop(wait=False)
            raise
        self._stop()

    def _in_order(self, own: dict[int, list[FileResult]], following: int, wait: bool):
        """Hand on the chunks from ``following`` on while they are here (with ``wait``, until the last);
        the next chunk still missing. A chunk a dead worker took is read here, as a serial run would
        read it (raising what a serial run would raise)."""
        import pickle

        while following < len(self.chunks):
            if following in own:
                yield from own.pop(following)
            else:
                with self.news:
                    if wait:
                        self.news.wait_for(lambda chunk=following: chunk in self.arrived or not self.sending)
                    data = self.arrived.pop(following, None)
                if data is not None:
                    yield from pickle.loads(data)
                elif wait:  # every worker is gone, and this chunk never came
                    start, end = self.chunks[following]
                    yield from [read_one(item, self.options, self.cache) for item in self.items[start:end]]
                else:
                    return following
            following += 1
        return following

    def _receive(self) -> None:
        """The receiving thread: each message as it comes, until every worker has closed its pipe."""
        from multiprocessing.connection import wait

        ends = [receiver for _, receiver in self.workers]
        while ends:
            for end in wait(ends):
                try:
                    message = end.recv_bytes()
                except (EOFError, OSError):  # a worker that is done or dead: what it sent is kept
                    ends.remove(end)
                    with self.news:
                        self.sending -= 1
                        self.news.notify_all()
                    continue
                with self.news:
                    self.arrived[int.from_bytes(message[:_NUMBER], "little")] = memoryview(message)[_NUMBER:]
                    self.news.notify_all()

    def close(self) -> None:
        """Stop early (the caller met an error): what the workers still do is of no use."""
        self._results.close()  # the generator's own cleanup, if it started
        self._stop(wait=False)

    def _stop(self, wait: bool = True) -> None:
        """Close the queue, end the workers (waited for: they are done or about to be, the queue being
        empty; or, when the run stops early, killed), then the receiving thread, which sees their ends."""
        if self.queue is not None:
            os.close(self.queue)
            self.queue = None
        for process, _ in self.workers:
            if wait:
                process.join(timeout=5)
            if process.is_alive():
                process.kill()
            process.join()
        receiver = getattr(self, "receiver", None)
        if receiver is not None:
            receiver.join()
        for _, end in self.workers:
            end.close()
        self.workers = []


def _work(sender, queue: int) -> None:
    """A worker: take chunks from the queue until it is empty; send each one's results, pickled and
    numbered, as one message. An exception stops it quietly: the parent reads the chunk it held and
    meets the same exception."""
    import pickle

    try:
        while (number := _take(queue)) is not None:
            start, end = _CHUNKS[number]
            results = [read_one(item, _OPTIONS, _CACHE) for item in _ITEMS[start:end]]
            sender.send_bytes(number.to_bytes(_NUMBER, "little") + pickle.dumps(results, pickle.HIGHEST_PROTOCOL))
    except BaseException:
        pass
    finally:
        sender.close()
