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


def doc_section(doc: str, heading: str) -> str:
    """The text under ``## heading`` up to the next heading (fenced code kept whole), stripped."""
    lines: list[str] = []
    inside = in_fence = False
    for line in doc.splitlines():
        if line.startswith("```"):
            in_fence = not in_fence
        if not in_fence and line.startswith("## "):
            if inside:
                break
            inside = line[3:].strip() == heading
            continue
        if inside:
            lines.append(line)
    return "\n".join(lines).strip()
