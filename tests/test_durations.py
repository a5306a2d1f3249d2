import math

import pytest

from timeout_lint.durations import (
    DurationError,
    format_in_unit,
    format_seconds,
    parse_declared,
    parse_gateway_duration,
    parse_go_duration,
    parse_haproxy_time,
    parse_integer,
    parse_nginx_time,
    parse_traefik_duration,
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


@pytest.mark.parametrize(
    "text, seconds",
    [("10s", 10), ("1m30s", 90), ("1s500ms", 1.5), ("1ms", 0.001), ("99999h", 99999 * 3600), ("1h1h", 7200), ("1h2m3s4ms", 3723.004)],
)
def test_gateway_duration(text, seconds):
    assert parse_gateway_duration(text) == pytest.approx(seconds)


def test_gateway_duration_zero_means_no_limit():
    assert parse_gateway_duration("0s") == math.inf
    assert parse_gateway_duration("0ms") == math.inf


@pytest.mark.parametrize(
    "text, reason",
    [
        ("30", "has no unit"),
        ("0", "has no unit"),  # the pattern needs a unit even for zero
        ("1.5s", "whole numbers only"),
        ("120000ms", "at most 5 digits"),
        ("-1s", "no sign"),
        ("1d", "not a Gateway API duration"),
        ("1s1s1s1s1s", "not a Gateway API duration"),  # five components
        (" 1s", "not a Gateway API duration"),
        ("1s\n", "not a Gateway API duration"),
        ("1us", "not a Gateway API duration"),
        ("", "not a Gateway API duration"),
    ],
)
def test_gateway_duration_rejects_what_the_api_server_rejects(text, reason):
    with pytest.raises(DurationError, match=reason):
        parse_gateway_duration(text)


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


def test_worst_case_requirements_by_kind():
    from timeout_lint.model import Kind, Location, WorstCase

    where = Location("x", 1)
    plain = WorstCase(120, "2m", where)
    assert plain.required(Kind.IDLE) == (120, "worst case 2m")
    streaming = WorstCase(120, "2m", where, first_byte=10, first_byte_raw="10s", max_gap=30, max_gap_raw="30s")
    assert streaming.required(Kind.TOTAL) == (120, "worst case 2m")
    assert streaming.required(Kind.FIRST_BYTE) == (10, "first byte 10s")
    assert streaming.required(Kind.IDLE) == (30, "longest silence 30s")
    quiet_start = WorstCase(120, "2m", where, first_byte=40, first_byte_raw="40s", max_gap=30, max_gap_raw="30s")
    assert quiet_start.required(Kind.IDLE) == (40, "first byte 40s")


def test_comment_at_ignores_hashes_in_quotes_and_words():
    from timeout_lint.sources import SourceFile

    source = SourceFile("/x", "x", 'read_timeout: 10000000 # 10 minutes\nurl: "http://a/#frag" # real\nproxy_pass http://x#y;\n#whole\n')
    assert source.comment_at(1) == "10 minutes"
    assert source.comment_at(2) == "real"
    assert source.comment_at(3) is None
    assert source.comment_at(4) == "whole"


@pytest.mark.parametrize(
    "text, seconds",
    [("42", 42), ("0", 0), ("+5", 5), ("-5", -5), ("42s", 42), ("42ms", 0.042), ("1m30s", 90), ("1.5h", 5400), ("0s", 0)],
)
def test_traefik_duration_bare_digits_are_seconds(text, seconds):
    assert parse_traefik_duration(text) == pytest.approx(seconds)


@pytest.mark.parametrize("text", ["1.5", "42 s", "forty", "", "1d", "42_000"])
def test_traefik_duration_rejects_what_traefik_rejects(text):
    # paerser Duration.Set: strconv.ParseInt first (no fractions, no "_" in base 10), then time.ParseDuration
    with pytest.raises(DurationError):
        parse_traefik_duration(text)


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
