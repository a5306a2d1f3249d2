"""``--show-paths``: every request path as a tree, entry first, each hop with its timeouts, the app last.

    p1: Ingress shop/reports  k8s/ingress.yaml:2:1
    └─ ✗ Kong: Kong service for Service shop/export-api  k8s/export-api.yaml:23:1
       │    connect  connect_timeout  60000 ms (60s)  default  k8s/export-api.yaml:23:1
       │    send     write_timeout    60000 ms (60s)  default  k8s/export-api.yaml:23:1
       │  ✗ idle     read_timeout     60000 ms (60s)  default  k8s/export-api.yaml:23:1  shorter than the worst case 2m: TL102
       │    retries  retries          5               default  k8s/export-api.yaml:23:1
       └─ Service shop/export-api: worst case 2m  k8s/export-api.yaml:29:5

``✗`` marks a hop, and the timeouts in it, that give up before the app has answered; each timeout's
value is shown as written, explicit or default, with where it is set (or where it would be set).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from timeout_lint.report.pathview import HopView, app_summary, codes_by_place, hop_views

if TYPE_CHECKING:
    from timeout_lint.lint import Report

MARK = "✗"
_RED, _BOLD, _DIM, _RESET = "\x1b[31m", "\x1b[1m", "\x1b[2m", "\x1b[0m"


class _Style:
    def __init__(self, colour: bool) -> None:
        self.colour = colour

    def __call__(self, text: str, *codes: str) -> str:
        return f"{''.join(codes)}{text}{_RESET}" if self.colour and text else text


def _rows(view: HopView, style: _Style) -> list[str]:
    """The hop's settings as aligned columns: kind, setting, value as written, explicit or default, source."""
    table = []
    for item in view.timeouts:
        t = item.timeout
        note = ""
        if item.short:
            note = f"shorter than the {item.needed}" + (f": {', '.join(item.codes)}" if item.codes else "")
        table.append((item.short, t.kind.value, t.setting, t.written, "explicit" if t.explicit else "default", str(t.location), note))
    retries = view.hop.retries
    if retries is not None:
        table.append(
            (False, "retries", retries.setting, retries.raw, "explicit" if retries.explicit else "default", str(retries.location), "")
        )
    if not table:
        return []
    widths = [max(len(row[index]) for row in table) for index in range(1, 5)]
    lines = []
    for short, *cells, source, note in table:
        padded = "  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True))
        mark = style(MARK, _BOLD, _RED) if short else " "
        text = f"{mark} {padded}  {style(source, _DIM)}"
        lines.append(text + (f"  {style(note, _RED)}" if note else ""))
    return lines


def format_paths(report: Report, *, colour: bool = False) -> str:
    """The tree of every request path (empty string when there is none)."""
    style = _Style(colour)
    codes = codes_by_place(report.findings)
    blocks = []
    for index, path in enumerate(report.paths, 1):
        lines = [f"p{index}: {style(path.entry, _BOLD)}  {style(str(path.entry_location), _DIM)}"]
        indent = ""
        for view in hop_views(path, codes):
            hop = view.hop
            mark = f"{style(MARK, _BOLD, _RED)} " if view.failing else ""
            where = "" if str(hop.location) in hop.name else f"  {style(str(hop.location), _DIM)}"
            lines.append(f"{indent}└─ {mark}{hop.system}: {hop.name}{where}")
            indent += "   "
            lines.extend(f"{indent}│  {row}" for row in _rows(view, style))
        app = path.app
        anchor = app.worst_case.location if app.worst_case is not None else app.location
        where = f"  {style(str(anchor), _DIM)}" if anchor is not None else ""
        lines.append(f"{indent}└─ {app_summary(path)}{where}")
        blocks.append("\n".join(lines))
    if not blocks:
        return ""
    return f"Request paths ({MARK} gives up before the app has answered):\n\n" + "\n\n".join(blocks) + "\n"
