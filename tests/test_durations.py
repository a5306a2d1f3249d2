import math

import pytest

from timeout_lint.durations import (
    DurationError,
    format_in_unit,
    format_seconds,
    parse_declared,
    parse_go_duration,
    parse_haproxy_time,
    parse_integer,
    parse_nginx_time,
)


@pytest.mark.parametrize(
    "text, seconds",
    [
        ("500ms", 0.5),
        ("2s", 2),
        ("5m", 300),
        ("1m30s", 90),
        ("1h 30m", 5400),
        ("1h30m", 5400),
        ("60", 60),  # bare numbers are seconds
        ("1h 30", 3630),  # a trailing bare number is seconds
        ("1d", 86400),
        ("1w", 604800),
        ("0", 0),
    ],
)
def test_nginx_time(text, seconds):
    assert parse_nginx_time(text) == seconds


@pytest.mark.parametrize("text", ["30s1m", "1m1m", "1M", "1y", "1.5s", "", "abc", "5 m s", "-5s"])
def test_nginx_time_rejects_what_nginx_rejects(text):
    with pytest.raises(DurationError):
        parse_nginx_time(text)


@pytest.mark.parametrize(
    "text, seconds",
    [("90s", 90), ("1m30s", 90), ("1.5h", 5400), ("300ms", 0.3), ("0", 0), ("2h45m", 9900), ("1us", 1e-6)],
)
def test_go_duration(text, seconds):
    assert parse_go_duration(text) == pytest.approx(seconds)


@pytest.mark.parametrize("text", ["90", "1x", "", "s"])
def test_go_duration_needs_units(text):
    with pytest.raises(DurationError):
        parse_go_duration(text)


@pytest.mark.parametrize("text, seconds", [("500ms", 0.5), ("45s", 45), ("2m", 120), ("1m30s", 90), ("1h", 3600)])
def test_declared(text, seconds):
    assert parse_declared(text) == seconds


def test_declared_needs_a_unit_and_says_so():
    with pytest.raises(DurationError, match='"120" has no unit'):
        parse_declared("120")
    with pytest.raises(DurationError, match="longer than zero"):
        parse_declared("0s")


def test_integer_is_strict_like_atoi():
    assert parse_integer("60000") == 60000
    assert parse_integer(" +5 ") == 5
    for bad in ("60s", "1e3", "6.0", ""):
        with pytest.raises(DurationError):
            parse_integer(bad)


@pytest.mark.parametrize(
    "seconds, text",
    [
        (0.5, "500ms"),
        (2, "2s"),
        (60, "60s"),
        (90, "90s"),
        (120, "2m"),
        (150, "2m30s"),
        (10000, "2h46m40s"),
        (math.inf, "no limit"),
        (2.5, "2.5s"),
    ],
)
def test_format_seconds(seconds, text):
    assert format_seconds(seconds) == text


def test_format_in_unit():
    assert format_in_unit(120, "ms") == "120000"
    assert format_in_unit(90.2, "s") == "91"
    assert format_in_unit(300, None) == "5m"


@pytest.mark.parametrize(
    "text, seconds, ignored",
    [
        ("30", 0.03, ""),  # a bare number is MILLISECONDS in HAProxy
        ("30000", 30, ""),
        ("30s", 30, ""),
        ("500ms", 0.5, ""),
        ("5m", 300, ""),
        ("2h", 7200, ""),
        ("1d", 86400, ""),
        ("1500us", 0.002, ""),  # rounded up to the next millisecond, like HAProxy
        ("1us", 0.001, ""),
        ("0", 0, ""),
        ("1m30s", 60, "30s"),  # one unit only: HAProxy reads 1m and warns about the rest
        ("15min", 900, "in"),
        ("10sec", 10, "ec"),
        ("2147483647", 2147483.647, ""),
    ],
)
def test_haproxy_time(text, seconds, ignored):
    parsed = parse_haproxy_time(text)
    assert parsed.seconds == pytest.approx(seconds)
    assert parsed.ignored == ignored


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "expects an integer value"),
        ("s", "unexpected character 's'"),
        ("-5s", "unexpected character '-'"),
        ("1.5s", "unexpected character '.'"),
        ("5u", "unexpected character 'u'"),  # "u" alone is no unit (only "us")
        ("5S", "unexpected character 'S'"),  # units are lower case
        ("25d", "timer overflow"),  # 2^31 ms is about 24.8 days
        ("2147483648", "timer overflow"),
    ],
)
def test_haproxy_time_rejects_what_haproxy_refuses(text, message):
    with pytest.raises(DurationError, match=message):
        parse_haproxy_time(text)
