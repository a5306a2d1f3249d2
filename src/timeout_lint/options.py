"""Rule options: the value types rules declare in their options NamedTuple, and how config values become them.

A rule with options declares ``options=SomeOptions``, a NamedTuple whose fields have defaults. In the
project file they are written in kebab-case under ``rules: {TL101: {margin: 10%}}``. Each field's
type converts the written value: a type with a ``parse(value)`` classmethod converts itself, and
``bool``, ``int``, ``float`` and ``str`` are checked as they are. Errors are ``OptionError`` with a
message that can be shown to the user as is, naming the option.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import NamedTuple

from timeout_lint.durations import DurationError, format_seconds, parse_go_duration


class OptionError(ValueError):
    """A rule option that cannot be used; ``key`` is the option as written (None: the options as a whole)."""

    def __init__(self, key: str | None, message: str):
        super().__init__(message)
        self.key = key
        self.message = message


#: --fix without a configured margin: a quarter more than required, rounded up to a step that depends on
#: the size (seconds up to a limit -> step): 5 s steps up to a minute, 30 s up to ten minutes, whole
#: minutes up to an hour, then 5 minutes
FIX_HEADROOM = 1.25
FIX_STEPS = ((60.0, 5.0), (600.0, 30.0), (3600.0, 60.0), (float("inf"), 300.0))

_PERCENT = r"(\d+(?:\.\d+)?)\s*%"  # compiled (and cached by re) on first use only
_DURATION = r"(?:\d+(?:\.\d+)?(?:ms|h|m|s))+"


class Margin(NamedTuple):
    """Head room demanded above a required value: a duration (``30s``) or a percentage (``10%``)."""

    seconds: float = 0.0
    percent: float = 0.0
    raw: str = "0"

    @classmethod
    def parse(cls, value: object) -> Margin:
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise ValueError(f'must be a duration ("30s") or a percentage ("10%"), not {_shape(value)}')
        text = str(value).strip()
        if text in ("0", "0%", "0s"):
            return cls(raw=text)
        percent = re.fullmatch(_PERCENT, text)
        if percent:
            return cls(percent=float(percent.group(1)), raw=text)
        if re.fullmatch(_DURATION, text):
            try:
                return cls(seconds=parse_go_duration(text), raw=text)
            except DurationError as exc:  # pragma: no cover - the pattern admits only valid durations
                raise ValueError(str(exc)) from None
        if re.fullmatch(r"\d+(\.\d+)?", text):
            raise ValueError(f'"{text}" has no unit: write it as "{text}s" or "{text}%"')
        raise ValueError(f'"{text}" is neither a duration ("30s", "1m") nor a percentage ("10%")')

    def __bool__(self) -> bool:
        return bool(self.seconds or self.percent)

    def applied_to(self, required: float) -> float:
        """What a timeout must reach: the required value plus this margin."""
        return required * (1 + self.percent / 100) + self.seconds

    def fix_value(self, required: float) -> float:
        """The value ``--fix`` writes for a timeout that must carry ``required`` seconds.

        With a margin configured, the project has said how much head room it wants: the required value
        plus the margin, rounded up to a whole second. Without one, a timeout equal to the worst case
        would cut off the slowest legitimate response at its last byte, so --fix adds a quarter
        (FIX_HEADROOM) and rounds up to a figure a reviewer reads at a glance (FIX_STEPS): 2m becomes
        2m30s, 10s becomes 15s, 90s becomes 2m, 5m becomes 6m30s.
        """
        import math

        if self:
            return float(math.ceil(self.applied_to(required) - 1e-9))
        wanted = required * FIX_HEADROOM
        step = next((size for limit, size in FIX_STEPS if wanted <= limit), FIX_STEPS[-1][1])
        return float(math.ceil(wanted / step - 1e-9) * step)

    def describe(self, required: float) -> str:
        """`` plus the margin 10% (11s)``, or nothing without a margin."""
        if not self:
            return ""
        return f" plus the margin {self.raw} ({format_seconds(self.applied_to(required))})"


class Percent(NamedTuple):
    """A share of a value, written ``10%`` (or a bare number of percent, ``10``)."""

    value: float = 0.0
    raw: str = "0%"

    @classmethod
    def parse(cls, value: object) -> Percent:
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise ValueError(f'must be a percentage ("10%"), not {_shape(value)}')
        text = str(value).strip()
        match = re.fullmatch(_PERCENT, text) or re.fullmatch(r"(\d+(?:\.\d+)?)", text)
        if match is None:
            raise ValueError(f'"{text}" is not a percentage ("10%")')
        return cls(float(match.group(1)), text if text.endswith("%") else f"{text}%")

    def of(self, amount: float) -> float:
        return amount * self.value / 100


def _shape(value: object) -> str:
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, bool):
        return "a boolean"
    return f"{type(value).__name__} {value!r}"


def field_name(key: str) -> str:
    """``max-retries`` in the project file is the field ``max_retries``."""
    return key.replace("-", "_")


def option_key(field: str) -> str:
    return field.replace("_", "-")


def _convert(kind: type, value: object) -> object:
    parse = getattr(kind, "parse", None)
    if parse is not None:
        return parse(value)
    if kind is bool:
        if not isinstance(value, bool):
            raise ValueError(f"must be true or false, not {_shape(value)}")
        return value
    if kind is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"must be a whole number, not {_shape(value)}")
        return value
    if kind is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError(f"must be a number, not {_shape(value)}")
        return float(value)
    if kind is str:
        if not isinstance(value, str):
            raise ValueError(f"must be text, not {_shape(value)}")
        return value
    raise TypeError(f"option type {kind!r} has no parse() and is not bool, int, float or str")  # a bug in the rule


def option_types(options_class: type) -> dict[str, type]:
    """Each field of an options NamedTuple with its (resolved) type."""
    import typing

    hints = typing.get_type_hints(options_class)
    return {name: hints[name] for name in options_class._fields}


def build(options_class: type | None, values: Mapping[str, object], code: str = "this rule") -> object:
    """An options instance from values as written in the project file; OptionError names the bad key."""
    if options_class is None:
        if values:
            key = next(iter(values))
            raise OptionError(key, f"{code} takes no options")
        return None
    types = option_types(options_class)
    fields = {}
    for key, value in values.items():
        name = field_name(key)
        if name not in types:
            known = ", ".join(option_key(f) for f in types) or "none"
            raise OptionError(key, f"unknown option {key!r} of {code} (its options: {known})")
        try:
            fields[name] = _convert(types[name], value)
        except ValueError as exc:
            raise OptionError(key, f"{key}: {exc}") from None
    return options_class(**fields)


def defaults(options_class: type | None) -> dict[str, object]:
    """The default of every option, for --list-rules: ``{"margin": "0"}``."""
    if options_class is None:
        return {}
    out = {}
    for name, value in options_class._field_defaults.items():
        out[option_key(name)] = getattr(value, "raw", value)
    return out


class Seconds(NamedTuple):
    """A duration option (``30s``, ``2m``), kept with the text it was written as."""

    seconds: float
    raw: str

    @classmethod
    def parse(cls, value: object) -> Seconds:
        if isinstance(value, bool) or not isinstance(value, str):
            raise ValueError(f'must be a duration such as "30s" or "2m", not {_shape(value)}')
        from timeout_lint.durations import parse_declared

        try:
            return cls(parse_declared(value), value.strip())
        except DurationError as exc:
            raise ValueError(str(exc)) from None
