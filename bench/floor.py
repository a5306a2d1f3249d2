"""The floor: compose every YAML document of a tree with a C parser, and nothing else.

usage: python bench/floor.py TREE [--parser ruamel|pyyaml]
Walks TREE as timeout-lint does (sorted, version-control and virtualenv directories skipped), reads
each *.yaml / *.yml file and composes all its documents into node trees with positions: ruamel.yaml's
C parser (CBaseLoader, the floor as the issue defines it) or PyYAML's C composer (for reference).
Prints the number of files and documents. Nothing is linked, checked or printed per document.
"""

from __future__ import annotations

import argparse
import os

SKIPPED = {".git", ".hg", ".svn", "node_modules", "__pycache__", ".tox", ".nox", ".venv", "venv", ".timeout-lint-cache"}


def yaml_files(root: str):
    for directory, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIPPED)
        for name in sorted(filenames):
            if name.lower().endswith((".yaml", ".yml")):
                yield os.path.join(directory, name)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("tree")
    parser.add_argument("--parser", choices=("ruamel", "pyyaml"), default="ruamel")
    args = parser.parse_args()
    if args.parser == "ruamel":
        from ruamel.yaml.cyaml import CBaseLoader

        def compose_all(text: str) -> int:
            loader = CBaseLoader(text)
            count = 0
            try:
                while loader.check_node():
                    loader.get_node()
                    count += 1
            finally:
                loader.dispose()
            return count

    else:
        import yaml

        def compose_all(text: str) -> int:
            return sum(1 for _ in yaml.compose_all(text, Loader=yaml.CSafeLoader))

    files = documents = 0
    for path in yaml_files(args.tree):
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
        files += 1
        try:
            documents += compose_all(text)
        except Exception:  # a broken file ends there, as in timeout-lint
            pass
    print(f"{files} files {documents} documents")


if __name__ == "__main__":
    main()
