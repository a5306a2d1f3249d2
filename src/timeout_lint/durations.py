"""Unit conversion at the edge: every system's way of writing a duration, turned into seconds.

Each parser calls exactly one of these on the raw text it read and keeps the raw text next to the
result. ``math.inf`` stands for "no limit". Errors are ``DurationError`` with a message that can be
shown to the user as is.
"""

from __future__ import annotations

import math
import re
from typing import NamedTuple

from timeout_lint.lazy import Patterns

__all__ = [
    "DurationError",
    "format_in_unit",
    "format_seconds",
    "parse_declared",
    "parse_gateway_duration",
    "parse_go_duration",
    "parse_haproxy_time",
    "parse_integer",
    "parse_nginx_time",
    "parse_traefik_duration",
]


class DurationError(ValueError):
    """A duration that the system it belongs to would not accept."""


# nginx: ngx_parse_time() in src/core/ngx_parse.c. Units largest first, each at most once, optional
# spaces between them; a trailing bare number is seconds. Directives stored in milliseconds (all the
# *_timeout directives) start at the "month" step, so `M` and `y` are rejected for them.
_NGINX_UNITS = {"w": 604800.0, "d": 86400.0, "h": 3600.0, "m": 60.0, "s": 1.0, "ms": 0.001}
_NGINX_ORDER = ["w", "d", "h", "m", "s", "ms"]
_NGINX = Patterns(token=(r"\s*(\d+)(ms|[wdhms]|[My])?", 0))


def parse_nginx_time(text: str) -> float:
    """nginx time syntax (``500ms``, ``2s``, ``5m``, ``1m30s``, ``"1h 30m"``); a bare number is seconds."""
    value = text.strip()
    if not value:
        raise DurationError("empty time value")
    pos = 0
    total = 0.0
    last_rank = -1
    bare_seen = False
    while pos < len(value):
        m = _NGINX.token.match(value, pos)
        if not m or m.end() == pos:
            raise DurationError(f'invalid nginx time "{text}"')
        digits, unit = m.group(1), m.group(2)
        if unit in ("M", "y"):
            raise DurationError(f'invalid nginx time "{text}": "{unit}" is not accepted by timeout directives')
        if bare_seen:
            raise DurationError(f'invalid nginx time "{text}"')
        if unit is None:
            # a bare number is seconds; after other units it must be the last component
            rank = _NGINX_ORDER.index("s")
            bare_seen = True
        else:
            rank = _NGINX_ORDER.index(unit)
        if rank <= last_rank:
            raise DurationError(f'invalid nginx time "{text}": units must be largest first, each at most once')
        last_rank = rank
        total += int(digits) * _NGINX_UNITS[unit or "s"]
        pos = m.end()
        while pos < len(value) and value[pos].isspace():
            pos += 1
    return total


# Go time.ParseDuration: a sequence of decimal numbers with a unit suffix; "0" alone is allowed.
_GO_UNITS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "μs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}
_GO = Patterns(component=(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)", 0))


def parse_go_duration(text: str) -> float:
    """Go duration strings (``90s``, ``1m30s``, ``1.5h``), as used by Gateway API, Istio, Traefik."""
    value = text.strip()
    sign = 1.0
    if value[:1] in "+-" and value:
        sign = -1.0 if value[0] == "-" else 1.0
        value = value[1:]
    if value == "0":
        return 0.0
    if not value:
        raise DurationError(f'invalid duration "{text}"')
    pos = 0
    total = 0.0
    while pos < len(value):
        m = _GO.component.match(value, pos)
        if not m:
            if re.fullmatch(r"\d+(\.\d*)?", value[pos:]):
                raise DurationError(f'invalid duration "{text}": missing unit')
            raise DurationError(f'invalid duration "{text}"')
        total += float(m.group(1)) * _GO_UNITS[m.group(2)]
        pos = m.end()
    return sign * total


# Traefik (traefik/paerser types/duration.go, Duration.Set): an integer (strconv.ParseInt, base 10,
# optional sign) is seconds; anything else goes to time.ParseDuration.
_TRAEFIK = Patterns(seconds=(r"[+-]?\d+", 0))


def parse_traefik_duration(text: str) -> float:
    """Traefik durations: bare digits are seconds (``42``), else Go syntax (``42s``, ``1m30s``)."""
    value = text.strip()
    if _TRAEFIK.seconds.fullmatch(value):
        return float(int(value))
    return parse_go_duration(value)


# Gateway API Duration (GEP-2257, gateway-api apis/v1/shared_types.go): 1 to 4 components of 1 to 5
# digits, each with the unit h, m, s or ms; no sign, no decimals, no spaces. Read like Go's
# time.ParseDuration, so components may repeat and come in any order; the API server rejects the rest.
_GATEWAY = Patterns(duration=(r"^([0-9]{1,5}(h|m|s|ms)){1,4}$", 0))


def parse_gateway_duration(text: str) -> float:
    """A Gateway API duration (``10s``, ``1m30s``, ``1s500ms``); zero (``0s``) means no limit (``math.inf``)."""
    if _GATEWAY.duration.fullmatch(text):  # fullmatch: "$" alone would let a trailing newline through
        seconds = parse_go_duration(text)
        return math.inf if seconds == 0 else seconds
    value = text.strip()
    if re.fullmatch(r"\d+", value):
        reason = f'has no unit: write "{value}s" or "{value}ms"'
    elif re.search(r"\d\.\d", value):
        reason = "takes whole numbers only: write 1s500ms, not 1.5s"
    elif re.search(r"\d{6,}", value):
        reason = "allows at most 5 digits per component: write 2m, not 120000ms"
    elif value.startswith(("+", "-")):
        reason = "takes no sign"
    else:
        reason = "is not a Gateway API duration: 1 to 4 parts of up to 5 digits with h, m, s or ms, such as 30s or 1m30s"
    raise DurationError(f'"{text}" {reason}')


# HAProxy: parse_time_err() in src/tools.c. Digits, then at most one unit; a bare number is in the
# unit the keyword stores (milliseconds for every `timeout`). Anything after the unit is ignored with a
# startup warning ("1m30s" is read as 1m), a character that is no unit is a fatal error. Values are
# rounded up to the next millisecond and must stay below 2^31 ms.
_HAPROXY_UNIT_US = {"us": 1, "ms": 1_000, "s": 1_000_000, "m": 60_000_000, "h": 3_600_000_000, "d": 86_400_000_000}
HAPROXY_MAX_MS = 2**31 - 1


class HaproxyTime(NamedTuple):
    seconds: float
    ignored: str  # what HAProxy ignores after the unit, with a warning ("30s" in "1m30s"); "" if nothing


def parse_haproxy_time(text: str) -> HaproxyTime:
    """HAProxy time syntax for timeouts (``30s``, ``5m``, ``500ms``); a bare number is MILLISECONDS."""
    if not text:
        raise DurationError("expects an integer value (in milliseconds)")
    digits = re.match(r"[0-9]+", text)
    if digits is None:
        raise DurationError(f"unexpected character '{text[0]}'")
    rest = text[digits.end() :]
    if not rest:
        unit, ignored = "ms", ""
    elif rest[:2] in ("us", "ms"):
        unit, ignored = rest[:2], rest[2:]
    elif rest[0] in "smhd":
        unit, ignored = rest[0], rest[1:]
    else:  # "u" alone, "x", "S": HAProxy refuses to start
        raise DurationError(f"unexpected character '{rest[0]}'")
    micros = int(digits.group()) * _HAPROXY_UNIT_US[unit]
    millis = -(-micros // 1000)  # HAProxy rounds up
    if millis > HAPROXY_MAX_MS:
        raise DurationError(f"timer overflow in '{text}' (maximum value is {HAPROXY_MAX_MS} ms or ~24.8 days)")
    return HaproxyTime(millis / 1000, ignored)


# Worst-case declarations: 500ms, 45s, 2m, 1m30s, 1h (Go-style components, largest first).
_DECLARED = Patterns(duration=(r"^(?:\d+(?:\.\d+)?(?:ms|h|m|s))+$", 0))


def parse_declared(text: str) -> float:
    """A duration in a timeout-lint declaration; a unit is required."""
    value = text.strip()
    if not _DECLARED.duration.match(value):
        if re.fullmatch(r"\d+(\.\d+)?", value):
            raise DurationError(f'"{text}" has no unit: write it as "{value}s", "{value}m" or "{value}ms"')
        raise DurationError(f'"{text}" is not a duration: use forms like 500ms, 45s, 2m, 1m30s, 1h')
    seconds = parse_go_duration(value)
    if seconds <= 0:
        raise DurationError(f'"{text}" must be longer than zero')
    return seconds


def parse_integer(text: str, *, minimum: int | None = None) -> int:
    """A plain decimal integer as Go's strconv.Atoi reads it (optional sign, digits only)."""
    value = text.strip() if isinstance(text, str) else str(text)
    if not re.fullmatch(r"[+-]?\d+", value):
        raise DurationError(f'"{text}" is not an integer')
    number = int(value)
    if minimum is not None and number < minimum:
        raise DurationError(f'"{text}" is below the minimum of {minimum}')
    return number


def format_seconds(seconds: float) -> str:
    """Human form: 500ms, 2.5s, 60s, 90s, 2m, 2m30s, 2h46m40s; ``math.inf`` is "no limit".

    Under two minutes the value stays in seconds (60s reads better than 1m next to 60000 ms).
    """
    if math.isinf(seconds):
        return "no limit"
    if seconds < 0:
        return "-" + format_seconds(-seconds)
    millis = round(seconds * 1000)
    if millis == 0:
        return "0s"
    if millis < 1000:
        return f"{millis}ms"
    whole, rest_ms = divmod(millis, 1000)
    fraction = f".{rest_ms:03d}".rstrip("0") if rest_ms else ""
    if whole < 120:
        return f"{whole}{fraction}s"
    days, rem = divmod(whole, 86400)
    hours, rem = divmod(rem, 3600)
    minutes, secs = divmod(rem, 60)
    parts = [f"{days}d" if days else "", f"{hours}h" if hours else "", f"{minutes}m" if minutes else ""]
    if secs or fraction:
        parts.append(f"{secs}{fraction}s")
    return "".join(parts)


def format_in_unit(seconds: float, unit: str | None) -> str:
    """A value written the way a system wants it: ``120000`` for milliseconds, ``2m`` otherwise."""
    if unit == "ms":
        return str(int(math.ceil(seconds * 1000)))
    if unit == "s":
        return str(int(math.ceil(seconds)))
    return format_seconds(seconds)
