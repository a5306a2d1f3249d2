"""How --fix writes a number of seconds in each system's syntax, in the style the file already uses.

The value given is already rounded up (options.Margin.fix_value); writing it never rounds down, so
what is written always passes the check it fixes. ``written`` is the value as the file has it now
(for a rewrite), so that a bare number stays bare and a suffix stays a suffix.
"""

from __future__ import annotations

import math
import re

_BARE = re.compile(r"[+-]?\d+")


def render(seconds: float, syntax: str, written: str = "") -> str:
    """``seconds`` as the setting's syntax writes it.

    ms        integer milliseconds (Kong, Node.js): 150000
    s         integer seconds (ingress-nginx, AWS, Azure, GKE, gunicorn): 150
    go        a Go duration (Istio, Traefik units): 2m30s; never days, which Go refuses
    gateway   a Gateway API duration (GEP-2257): like go, at most 5 digits a component, no fractions
    traefik   bare seconds when the file wrote bare seconds, else a Go duration
    nginx     bare seconds when the file wrote a bare number, else nginx units: 2m30s
    haproxy   one number with one explicit unit, the largest that is exact (150s, 3m): HAProxy reads
              only the first unit of 1m30s, and a bare number is milliseconds
    """
    if syntax == "ms":
        return str(math.ceil(round(seconds * 1000, 6)))
    if syntax == "s":
        return str(_whole(seconds))
    if syntax in ("go", "gateway"):
        return _components(seconds)
    if syntax in ("traefik", "nginx"):
        return str(_whole(seconds)) if _BARE.fullmatch(written.strip()) else _components(seconds)
    if syntax == "haproxy":
        return _haproxy(seconds)
    raise ValueError(f"unknown value syntax {syntax!r}")  # a bug in the parser that made the Site


def _whole(seconds: float) -> int:
    return math.ceil(round(seconds, 6))


def _components(seconds: float) -> str:
    """``2m30s``, ``15s``, ``1h``, ``1h0m30s`` is written ``1h30s``; a fraction of a second as ``ms``."""
    millis = math.ceil(round(seconds * 1000, 6))
    whole, rest = divmod(millis, 1000)
    hours, remainder = divmod(whole, 3600)
    minutes, secs = divmod(remainder, 60)
    parts = [f"{hours}h" if hours else "", f"{minutes}m" if minutes else "", f"{secs}s" if secs else "", f"{rest}ms" if rest else ""]
    return "".join(parts) or "0s"


def _haproxy(seconds: float) -> str:
    millis = math.ceil(round(seconds * 1000, 6))
    for unit, size in (("h", 3_600_000), ("m", 60_000), ("s", 1000)):
        if millis % size == 0:
            return f"{millis // size}{unit}"
    return f"{millis}ms"
