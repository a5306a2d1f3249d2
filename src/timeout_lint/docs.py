"""Rule documentation: one Markdown file per rule, shipped in the package (from the top-level rules/)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

HEADINGS = ("What it checks", "Why it matters", "Failing example", "Fix", "Options", "References")


def rule_doc(code: str) -> str | None:
    """The Markdown doc of a rule, or None if there is none."""
    name = f"{code}.md"
    packaged = resources.files("timeout_lint").joinpath("rule_docs", name)
    if packaged.is_file():
        return packaged.read_text("utf-8")
    # running from a source checkout (editable install): the docs are in rules/ at the top
    source = Path(__file__).resolve().parents[2] / "rules" / name
    return source.read_text("utf-8") if source.is_file() else None
