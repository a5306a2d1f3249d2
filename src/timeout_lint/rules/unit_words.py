"""How the unit rules (TL401, TL402) say a timeout's value: what a system reads, and what to write instead.

Values come from the model, converted once by the parsers; these helpers only put them into words
and into the syntax of the setting they belong to (``"120000"`` for a Kong annotation, ``90s`` for
HAProxy, ``30 * time.Second`` for Go).
"""

from __future__ import annotations

import math
import re

from timeout_lint.durations import format_seconds
from timeout_lint.model import Hop, Timeout

GO = "Go net/http"
#: systems whose values are strings in YAML (annotations, ConfigMap data): advice keeps the quotes
_STRING_VALUED = frozenset({"ingress-nginx"})
#: systems that also read a number with a unit suffix where a bare number has an implicit unit
_SUFFIX_TOO = frozenset({"HAProxy", "Traefik"})
_SPOKEN_UNITS = {"d": "day", "h": "hour", "m": "minute", "s": "second", "ms": "millisecond"}
#: the largest unit that divides a value evenly, for a value with one unit (90s, 2m, 1h)
_SINGLE_UNITS = (("h", 3_600_000), ("m", 60_000), ("s", 1_000), ("ms", 1))
_GO_UNITS = (("time.Hour", 3_600_000), ("time.Minute", 60_000), ("time.Second", 1_000), ("time.Millisecond", 1))


def implicit_unit(hop: Hop, timeout: Timeout) -> str | None:
    """The unit a bare number of this setting is read in ("ms", "s", "ns"); None when the value carries its unit."""
    if timeout.unit is not None:
        return timeout.unit
    if re.fullmatch(r"\d+", timeout.raw):
        if hop.system == "nginx":
            return "s"  # ngx_parse_time: a number without a unit is seconds
        if hop.system == GO:
            return "ns"  # a time.Duration counts nanoseconds
    return None


def unit_phrase(hop: Hop, unit: str | None) -> str:
    """`` (milliseconds)``: how the system reads a bare number, for the message; empty when the value carries a unit."""
    if unit is None:
        return ""
    if hop.system == GO:
        return " (a time.Duration counts nanoseconds)"
    name = {"ms": "milliseconds", "s": "seconds"}[unit]
    if hop.system in _SUFFIX_TOO or hop.system == "nginx":
        return f" (a number without a unit is {name})"
    return f" ({name})"


def quoted(hop: Hop, timeout: Timeout, text: str) -> str:
    """A value as it is written in the file: annotation and ConfigMap values are strings."""
    if "/" in timeout.setting or hop.system in _STRING_VALUED:
        return f'"{text}"'
    return text


def reads(seconds: float, unit: str | None) -> str:
    """What the system makes of a value: ``120 ms``, ``8h20m``, ``30 ns``, ``no limit``."""
    if math.isinf(seconds):
        return "no limit"
    if unit == "ns" and seconds < 1e-3:
        return f"{round(seconds * 1e9)} ns"
    if seconds < 1:
        return f"{seconds * 1000:g} ms"
    return format_seconds(seconds)


def spoken(seconds: float) -> str:
    """A duration in words: ``2 minutes``, ``90 seconds``, ``2 hours 46 minutes 40 seconds``, ``500 milliseconds``."""
    words = []
    for number, unit in re.findall(r"(\d+(?:\.\d+)?)(ms|d|h|m|s)", format_seconds(seconds)):
        name = _SPOKEN_UNITS[unit]
        words.append(f"{number} {name}" + ("" if number == "1" else "s"))
    return " ".join(words)


def single_unit(seconds: float) -> str:
    """The value with one unit, as HAProxy, nginx and Go duration strings all read it: ``90s``, ``2m``, ``1h``, ``1500ms``."""
    human = format_seconds(seconds)
    if re.fullmatch(r"\d+(ms|h|m|s)", human):  # no "d": Go durations (Istio, Gateway API, Traefik) have none
        return human  # as messages show it: 60s, 2m
    millis = round(seconds * 1000)
    for suffix, size in _SINGLE_UNITS:
        if millis % size == 0:
            return f"{millis // size}{suffix}"
    return f"{millis}ms"  # pragma: no cover - the last unit divides every whole number of milliseconds


def go_expression(seconds: float) -> str:
    millis = round(seconds * 1000)
    for name, size in _GO_UNITS:
        if millis % size == 0:
            return f"{millis // size} * {name}"
    return f"{millis} * time.Millisecond"  # pragma: no cover


def written_for(hop: Hop, timeout: Timeout, seconds: float) -> str | None:
    """``seconds`` written the way this setting takes it, quotes included; None when it cannot be written exactly."""
    unit = implicit_unit(hop, timeout)
    if hop.system == GO:
        text = go_expression(seconds)
    elif unit == "ms" and hop.system not in _SUFFIX_TOO:
        millis = seconds * 1000
        if millis != round(millis):
            return None
        text = str(round(millis))
    elif unit == "s" and hop.system not in _SUFFIX_TOO and hop.system != "nginx":
        if seconds != round(seconds):
            return None
        text = str(round(seconds))
    else:
        text = single_unit(seconds)
    return quoted(hop, timeout, text)
