"""--fix and --diff: the edits findings describe, decided, applied to each file's text, written safely.

Rules stay pure: TL101 and TL102 attach to each finding a Fix, the value a timeout needs and the Site
its parser recorded (where the setting is written, or for a default the object that would take it).
This package decides what is actually written:

- a place that other hops use as well (an nginx http block, an HAProxy defaults section, a
  KongIngress) is changed only when every hop using it is on a failing path; otherwise the setting
  is added to the failing hop itself (``Site.own``), or the finding is left unfixed. A place that
  also serves what the linted files do not show (an ingress-nginx controller's ConfigMap) is never
  changed when the hop has a place of its own (``Site.prefer_own``);
- several findings writing one place write the largest value they need;
- a value a system cannot take (an ALB's 4000 s) is not written;
- files with input problems (TL001, TL007), standard input and cluster objects are never written;
- each file's edits are applied together by the module of its format (one per format: yaml.py,
  nginx.py, haproxy.py), which checks its result by reading it again.

Writing is atomic: each file is written to a temporary file in its own directory, flushed to disk,
given the original's mode, and renamed over it, so an interrupted run leaves either the old file
or the new one, never half of one.
"""

from __future__ import annotations

import os
from collections import defaultdict
from typing import TYPE_CHECKING, NamedTuple

from timeout_lint.fix.text import Change, FixError
from timeout_lint.lazy import load
from timeout_lint.model import CLUSTER_SCHEME, Edit, Finding, Hop, RequestPath, Site
from timeout_lint.sources import STDIN

if TYPE_CHECKING:
    from collections.abc import Iterable

#: the module that edits each file format ("module:function", loaded only when a file needs it)
FORMATS = {
    "yaml": "timeout_lint.fix.yaml:apply",
    "nginx": "timeout_lint.fix.nginx:apply",
    "haproxy": "timeout_lint.fix.haproxy:apply",
}
_BOM = b"\xef\xbb\xbf"


class FileFix(NamedTuple):
    """One file's new content."""

    path: str  # absolute, as written (a symbolic link is written through to its target)
    display: str
    before: bytes
    after: bytes

    def diff(self) -> str:
        return unified_diff(self.display, self.before.decode("utf-8-sig"), self.after.decode("utf-8-sig"))


class NotFixed(NamedTuple):
    finding: Finding
    reason: str


class Fixed(NamedTuple):
    finding: Finding
    files: frozenset[str]  # the display paths its edits are in


class Plan(NamedTuple):
    files: tuple[FileFix, ...]
    fixed: tuple[Fixed, ...]  # findings whose every edit is in ``files``
    not_fixed: tuple[NotFixed, ...]  # findings with a fix that is not applied, and why


class _Wanted(NamedTuple):
    site: Site
    seconds: float
    needed: float
    findings: tuple[Finding, ...]


def plan(findings: Iterable[Finding], paths: Iterable[RequestPath], cwd: str, unparsed: frozenset[str] = frozenset()) -> Plan:
    """What --fix writes for these findings (suppressed ones are never fixed, but count as failing)."""
    findings = list(findings)
    failing: dict[tuple, set[Hop]] = defaultdict(set)
    for finding in findings:
        for edit in finding.fix.edits if finding.fix is not None else ():
            failing[edit.site.key].add(edit.hop)
    users: dict[tuple, set[Hop]] = defaultdict(set)
    for path in paths:
        for hop in path.hops:
            for timeout in hop.response_limits():
                if timeout.site is not None:
                    users[timeout.site.key].add(hop)
    not_fixed: dict[Finding, str] = {}
    wanted: dict[tuple, _Wanted] = {}
    for finding in findings:
        if finding.fix is None or finding.suppressed:
            continue
        for edit in finding.fix.edits:
            site = edit.site
            others = users[site.key] - failing[site.key]
            if site.prefer_own and site.own is not None:
                site = site.own
            elif others:
                if site.own is None:
                    names = ", ".join(sorted(hop.name for hop in others))
                    not_fixed[finding] = f"the value at {site.location} also applies to {names}, on no failing path; change it by hand"
                    continue
                site = site.own
            _want(wanted, site, edit, finding)
    changes: dict[str, list[tuple[Change, tuple[Finding, ...]]]] = defaultdict(list)
    for key, item in list(wanted.items()):
        raised = wanted.get(item.site.ceiling) if item.site.ceiling else None
        if raised is not None:  # the setting it may not exceed is raised too: that new value is the limit
            wanted[key] = item._replace(site=item.site._replace(maximum=max(item.site.maximum, raised.seconds)))
    for item in wanted.values():
        reason = _unwritable(item, unparsed)
        if reason is not None:
            for finding in item.findings:
                not_fixed.setdefault(finding, reason)
            continue
        seconds = min(item.seconds, item.site.maximum)
        for site in (item.site, *item.site.also):
            changes[site.location.file].append((change_for(site, seconds), item.findings))
    files: list[FileFix] = []
    for display, entries in sorted(changes.items()):
        path = os.path.join(cwd, display)
        try:
            files.append(fix_file(path, display, [change for change, _ in entries]))
        except (FixError, OSError, UnicodeDecodeError) as exc:
            reason = f"{display} is left as it is: {exc}" if isinstance(exc, FixError) else f"{display} cannot be read: {exc}"
            for _, owners in entries:
                for finding in owners:
                    not_fixed.setdefault(finding, reason)
    written = {fix.display for fix in files}
    fixed = []
    for finding in findings:
        if finding.fix is None or finding.suppressed or finding in not_fixed:
            continue
        targets = frozenset(_target(edit, users, failing).location.file for edit in finding.fix.edits)
        if targets <= written:
            fixed.append(Fixed(finding, targets))
    return Plan(tuple(files), tuple(fixed), tuple(NotFixed(f, r) for f, r in not_fixed.items()))


def _target(edit: Edit, users: dict, failing: dict) -> Site:
    site = edit.site
    if site.own is not None and (site.prefer_own or users[site.key] - failing[site.key]):
        return site.own
    return site


def _want(wanted: dict[tuple, _Wanted], site: Site, edit: Edit, finding: Finding) -> None:
    """One value per place: the largest any finding there needs."""
    known = wanted.get(site.key)
    if known is None:
        wanted[site.key] = _Wanted(site, edit.seconds, edit.needed, (finding,))
        return
    owners = known.findings if finding in known.findings else (*known.findings, finding)
    wanted[site.key] = _Wanted(known.site, max(known.seconds, edit.seconds), max(known.needed, edit.needed), owners)


def _unwritable(item: _Wanted, unparsed: frozenset[str]) -> str | None:
    site = item.site
    file = site.location.file
    if file == STDIN or file.startswith(CLUSTER_SCHEME):
        return f"{file} is not a file --fix can write"
    if file in unparsed or any(also.location.file in unparsed for also in site.also):
        return f"{file} has input problems (TL001, TL007): --fix never writes a file it could not read"
    if site.format not in FORMATS:
        return f"--fix cannot edit {site.format} files"
    if item.needed > site.maximum:
        from timeout_lint.durations import format_seconds

        if site.ceiling:
            return f"it needs more than {format_seconds(site.maximum)}, the setting it may not exceed (raise that one first)"
        return f"it needs more than {format_seconds(site.maximum)}, the most this setting takes"
    return None


def change_for(site: Site, seconds: float) -> Change:
    """The text that goes at ``site`` for a value of ``seconds``."""
    from timeout_lint.fix.values import render

    value = render(seconds, site.syntax, site.written)
    if site.action == "set":
        if not site.fragment.endswith(site.written):
            raise ValueError(f"Site fragment {site.fragment!r} does not end with {site.written!r}")  # a parser bug
        return Change(site, site.fragment[: len(site.fragment) - len(site.written)] + value, value)
    return Change(site, site.entry.replace("{value}", value), value)


def fix_file(path: str, display: str, changes: list[Change]) -> FileFix:
    """One file with its changes applied by the module of its format (a byte-order mark kept); FixError when it refuses."""
    with open(path, "rb") as handle:
        before = handle.read()
    bom = before.startswith(_BOM)
    text = before[len(_BOM) :].decode("utf-8") if bom else before.decode("utf-8")
    by_format: dict[str, list[Change]] = defaultdict(list)
    for change in changes:
        by_format[change.site.format].append(change)
    if len(by_format) > 1:
        raise FixError(f"edits of several formats ({', '.join(sorted(by_format))}) in one file")
    ((fmt, own),) = by_format.items()
    after = load(FORMATS[fmt])(text, own)
    return FileFix(path, display, before, (_BOM if bom else b"") + after.encode("utf-8"))


def unified_diff(display: str, before: str, after: str) -> str:
    """A unified diff (``a/`` and ``b/`` prefixes, as git writes them), marking a last line without a newline."""
    import difflib

    def lines(text: str) -> list[str]:
        out = text.splitlines(keepends=True)
        if out and not out[-1].endswith("\n"):
            out[-1] += "\n\\ No newline at end of file\n"
        return out

    return "".join(difflib.unified_diff(lines(before), lines(after), f"a/{display}", f"b/{display}"))


def write(fixes: Iterable[FileFix]) -> list[str]:
    """Write each file atomically; the files that changed since they were read are skipped (their names returned)."""
    changed = []
    for fix in fixes:
        real = os.path.realpath(fix.path)
        with open(real, "rb") as handle:
            if handle.read() != fix.before:
                changed.append(fix.display)
                continue
        write_atomically(real, fix.after)
    return changed


def write_atomically(path: str, data: bytes) -> None:
    """Replace ``path`` with ``data`` so that a crash leaves either the old file or the new one.

    The data goes to a temporary file in the same directory (a rename is atomic only within one file
    system), is flushed to disk, gets the original's permission bits (and owner, where allowed), and
    is renamed over the original; the directory is flushed so that the rename itself survives a
    crash. On any failure the temporary file is removed and the original is untouched.
    """
    import stat
    import tempfile

    directory = os.path.dirname(path) or "."
    status = os.stat(path)
    descriptor, temporary = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", suffix=".timeout-lint", dir=directory)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, stat.S_IMODE(status.st_mode))
        if hasattr(os, "chown"):
            try:
                os.chown(temporary, status.st_uid, status.st_gid)
            except OSError:
                pass  # not permitted (another owner, no privileges): the file becomes the user's own
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise
    if hasattr(os, "O_DIRECTORY"):
        try:
            handle = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
        except OSError:
            return
        try:
            os.fsync(handle)
        except OSError:
            pass  # some file systems refuse to sync a directory; the rename is still done
        finally:
            os.close(handle)
