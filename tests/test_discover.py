"""Stage 1, discovery: which files, in which order, of what kind, shown how; whatever the tree holds."""

from __future__ import annotations

import os
import shutil

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from timeout_lint.discover import FileKind, classify, discover


def listing(tmp_path, cwd=None, **options) -> list[tuple[str, str]]:
    found = discover(["."] if cwd is None else [str(tmp_path)], str(tmp_path if cwd is None else cwd), **options)
    return [(item.display, item.kind.value) for item in found.files]


def touch(root, *names: str) -> None:
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x: 1\n")


def test_a_directory_s_files_come_before_its_subdirectories_each_in_sorted_order(tmp_path):
    touch(tmp_path, "b/z.yaml", "b/a/y.yaml", "a.yaml", "c.yml", "B/x.yaml", "b.yaml")
    assert [display for display, _ in listing(tmp_path)] == ["a.yaml", "b.yaml", "c.yml", "B/x.yaml", "b/z.yaml", "b/a/y.yaml"]


def test_version_control_dependencies_caches_and_virtual_environments_are_never_walked(tmp_path):
    touch(tmp_path, ".git/x.yaml", "node_modules/x.yaml", ".venv/x.yaml", "env/pyvenv.cfg", "env/lib/x.yaml", "app/x.yaml")
    assert listing(tmp_path) == [("app/x.yaml", "yaml")]


def test_the_linted_root_is_walked_even_when_it_is_a_virtual_environment(tmp_path):
    touch(tmp_path, "pyvenv.cfg", "x.yaml")
    assert listing(tmp_path) == [("pyvenv.cfg", "maybe-haproxy"), ("x.yaml", "yaml")]  # a .cfg: read only if it is HAProxy


def test_kinds_come_from_names_and_directories(tmp_path):
    touch(
        tmp_path,
        "docker-compose.yml",
        "compose.prod.yaml",
        "docker-compose.override.yml",
        "compose.yaml.bak",
        "nginx/site",
        "conf.d/api.conf",
        "other.conf",
        "haproxy/edge.cfg",
        "setup.cfg",
        "traefik.toml",
        ".timeout-lint.yaml",
        "sub/.timeout-lint.yaml",
        "main.go",
        "server.ts",
        "README.md",
    )
    assert dict(listing(tmp_path)) == {
        ".timeout-lint.yaml": "project-config",
        "compose.prod.yaml": "compose",
        "conf.d/api.conf": "nginx",
        "docker-compose.override.yml": "compose",
        "docker-compose.yml": "compose",
        "haproxy/edge.cfg": "haproxy",
        "main.go": "go",
        "nginx/site": "nginx",
        "other.conf": "maybe-nginx",
        "server.ts": "node",
        "setup.cfg": "maybe-haproxy",
        "traefik.toml": "traefik-static",
    }


def test_compose_names(tmp_path):
    for name in ("compose.yaml", "compose.yml", "compose.a.b.yaml", "docker-compose.yaml", "Docker-Compose.YML", "docker-compose.x.yml"):
        assert classify(str(tmp_path / name), str(tmp_path)) is FileKind.COMPOSE, name
    for name in ("compose.json", "my-compose.yaml", "compose-x.yaml", "docker-compose"):
        assert classify(str(tmp_path / name), str(tmp_path)) is not FileKind.COMPOSE, name


def test_display_paths_are_relative_to_the_working_directory_unless_far_away(tmp_path):
    touch(tmp_path, "repo/k8s/a.yaml", "repo/b.yaml")
    root = tmp_path / "repo"
    assert listing(root, cwd=root / "k8s") == [("../b.yaml", "yaml"), ("a.yaml", "yaml")]
    assert listing(root, cwd=root) == [("b.yaml", "yaml"), ("k8s/a.yaml", "yaml")]
    far = tmp_path / "x" / "y"
    far.mkdir(parents=True)
    assert listing(root, cwd=far) == [(str(root / "b.yaml"), "yaml"), (str(root / "k8s" / "a.yaml"), "yaml")]


def test_a_tree_above_the_working_directory_is_shown_relative_to_it(tmp_path):
    touch(tmp_path, "a.yaml", "sub/b.yaml", "sub/deeper/c.yaml")
    assert listing(tmp_path, cwd=tmp_path / "sub") == [("../a.yaml", "yaml"), ("b.yaml", "yaml"), ("deeper/c.yaml", "yaml")]


def test_excluded_files_and_directories_are_pruned(tmp_path):
    touch(tmp_path, "keep/a.yaml", "drop/a.yaml", "keep/drop.yaml")

    def excluded(path: str) -> bool:
        return os.path.basename(path).startswith("drop")

    assert listing(tmp_path, excluded=excluded) == [("keep/a.yaml", "yaml")]


def test_symlinked_directories_are_followed_once_and_loops_reported(tmp_path):
    touch(tmp_path, "real/a.yaml")
    (tmp_path / "link").symlink_to(tmp_path / "real")
    (tmp_path / "real" / "back").symlink_to(tmp_path)
    found = discover(["."], str(tmp_path))
    assert [item.display for item in found.files] == ["link/a.yaml"]
    assert [str(loop) for loop in found.symlink_loops] == ["link/back:1:1", "real:1:1"]


def test_dangling_symlinks_and_special_files_are_passed_over(tmp_path):
    touch(tmp_path, "a.yaml")
    (tmp_path / "gone.yaml").symlink_to(tmp_path / "nowhere.yaml")
    (tmp_path / "alias.yaml").symlink_to(tmp_path / "a.yaml")
    os.mkfifo(tmp_path / "pipe.yaml")
    assert listing(tmp_path) == [("a.yaml", "yaml"), ("alias.yaml", "yaml")]


def test_an_unreadable_directory_is_passed_over(tmp_path):
    touch(tmp_path, "a.yaml", "closed/b.yaml")
    (tmp_path / "closed").chmod(0)
    try:
        if os.access(tmp_path / "closed", os.R_OK):
            pytest.skip("running as a user who reads everything")
        assert listing(tmp_path) == [("a.yaml", "yaml")]
    finally:
        (tmp_path / "closed").chmod(0o755)


def test_files_named_on_the_command_line(tmp_path):
    touch(tmp_path, "a.yaml", "notes.txt")
    found = discover(["a.yaml", "notes.txt", "missing.yaml", "a.yaml"], str(tmp_path))
    assert [(item.display, item.kind.value, item.explicit) for item in found.files] == [
        ("a.yaml", "yaml", True),
        ("notes.txt", "unknown", True),
    ]
    assert found.unreadable == ["missing.yaml"]


# -- the walk against a plain os.walk that does what discovery promises, on generated trees --------

NAMES = st.sampled_from(["a.yaml", "b.yml", "x.conf", "nginx", "conf.d", "pyvenv.cfg", ".git", "haproxy.cfg", "k", "z.go"])


@st.composite
def trees(draw):
    """Paths of a small tree: files, directories, and symlinks to places in it (some dangling, some loops)."""
    entries = []
    for _ in range(draw(st.integers(1, 14))):
        depth = draw(st.integers(1, 3))
        parts = [draw(NAMES) for _ in range(depth)]
        entries.append((draw(st.sampled_from(["file", "dir", "link"])), "/".join(parts), "/".join(draw(NAMES) for _ in range(depth))))
    return entries


def reference(root: str, cwd: str) -> tuple[list[tuple[str, str]], list[str]]:
    """What discovery promises, written the plain way: os.walk with the same pruning."""
    from timeout_lint.discover import SKIPPED_DIRS
    from timeout_lint.sources import display_path

    files, loops, visited = [], [], set()
    for dirpath, dirnames, filenames in os.walk(root, followlinks=True):
        info = os.stat(dirpath)
        if (info.st_dev, info.st_ino) in visited:
            loops.append(display_path(dirpath, cwd))
            dirnames[:] = []
            continue
        visited.add((info.st_dev, info.st_ino))
        dirnames[:] = sorted(d for d in dirnames if d not in SKIPPED_DIRS and not os.path.isfile(os.path.join(dirpath, d, "pyvenv.cfg")))
        for name in sorted(filenames):
            path = os.path.join(dirpath, name)
            kind = classify(path, root)
            if kind is None or (kind is FileKind.PROJECT_CONFIG and dirpath != root) or not os.path.isfile(path):
                continue
            files.append((display_path(path, cwd), kind.value))
    return files, loops


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(entries=trees())
def test_the_walk_finds_what_a_plain_walk_finds(tmp_path, entries):
    root = tmp_path / "tree"
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir()
    for kind, path, target in entries:
        place = root / path
        try:
            place.parent.mkdir(parents=True, exist_ok=True)
            if kind == "file":
                place.write_text("x: 1\n")
            elif kind == "dir":
                place.mkdir(exist_ok=True)
            else:
                place.symlink_to(root / target)
        except OSError:
            continue  # a name already taken by another kind of entry
    inside = [root / "k", root / "k" / "k", root / "nginx" / "k"]  # when they are directories: the tree is shown from within
    for cwd in (root, tmp_path, *(place for place in inside if place.is_dir() and not place.is_symlink())):
        found = discover([str(root)], str(cwd))
        assert ([(item.display, item.kind.value) for item in found.files], [loop.file for loop in found.symlink_loops]) == reference(
            str(root), str(cwd)
        )
