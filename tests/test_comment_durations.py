"""The duration a comment states (TL402 reads it): a table of comments and what they say, in seconds."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from timeout_lint.comment_durations import durations_in, stated_duration


@pytest.mark.parametrize(
    "comment, seconds",
    [
        # the forms people write
        ("10 minutes", 600),
        ("10 min", 600),
        ("10 mins", 600),
        ("10m", 600),
        ("10 m", 600),
        ("2h", 7200),
        ("2 hrs", 7200),
        ("1.5 hours", 5400),
        ("1.5h", 5400),
        (".5 h", 1800),
        ("90 sec", 90),
        ("90sec.", 90),
        ("90 seconds", 90),
        ("30s", 30),
        ("500ms", 0.5),
        ("500 msec", 0.5),
        ("500 milliseconds", 0.5),
        ("1 day", 86400),
        ("2 weeks", 1209600),
        ("10 Minutes", 600),
        # compound durations are one duration
        ("1m30s", 90),
        ("2h46m40s", 10000),
        ("1h 30m", 5400),
        ("1 hour 30 minutes", 5400),
        ("2 hours and 30 minutes", 9000),
        # numbers in words
        ("two minutes", 120),
        ("one minute", 60),
        ("Forty-five seconds", 45),
        ("an hour", 3600),
        ("a minute", 60),
        ("half an hour", 1800),
        ("ten min", 600),
        # with words around it
        ("~2 minutes", 120),
        ("≈ 2 minutes", 120),
        ("(600 s)", 600),
        ("2-minute timeout for the CSV export", 120),
        ("10 minutes", 600),
        ("10 minutes  # expect: TL402", 600),
        ("wait up to 5 minutes", 300),
        ("max 10 minutes", 600),
        ("30s per try", 30),
        ("10,000,000 ms", 10000),
        # the same duration twice is still one statement
        ("120000 ms = 2 min", 120),
        ("10 minutes (600 s)", 600),
    ],
)
def test_comments_that_state_a_duration(comment, seconds):
    assert stated_duration(comment) == pytest.approx(seconds)


@pytest.mark.parametrize(
    "comment",
    [
        # no duration at all
        None,
        "",
        "no timeout",
        "in milliseconds",
        "0 disables it",
        "expect: TL402",
        "TL101",
        "retries: 3",
        # units that are no time, or not written as one
        "10M",
        "5S",
        "1000 requests/s",
        "ten m",
        "a second attempt",
        # HTTP status codes in the plural
        "avoids 504s",
        "no more 502s",
        # inside words, versions, paths and decimals written with a comma
        "v1.5h",
        "x10s",
        "see https://example.com/docs/60s",
        "1,5 hours",
        # several different durations
        "was 30s, now 2m",
        "5m, 30s",
        "read 5m connect 10s",
        "10s x 3 = 30s",
        # about another value, a bound, the app, or a suppression
        "Kong default 60000 ms",
        "defaults to 60s",
        "raised from 60s",
        "instead of 30s",
        "more than 2 minutes",
        "longer than the export (2m)",
        "at least 10 minutes",
        "> 60s",
        "2m export + 30s margin",
        "30s margin",
        "the export takes 2 minutes",
        "p99 is 40s",
        "health check every 10s",
        "timeout-lint: disable=TL101 -- the export takes 10m but runs async",
    ],
)
def test_comments_that_state_no_duration_about_the_value(comment):
    assert stated_duration(comment) is None


def test_compound_parts_must_shrink_and_touch_or_be_joined_by_and():
    assert durations_in("1h 30m") == [5400]
    assert durations_in("30m 1h") == [1800, 3600]  # growing: two durations
    assert durations_in("1h, 30m") == [3600, 1800]  # a comma separates a list
    assert durations_in("1h then 30m") == [3600, 1800]
    assert durations_in("5m and 2m") == [300, 120]  # not shrinking


@given(
    st.lists(
        st.sampled_from(
            ["10", "1.5", ",", " ", "-", "two", "half an", "a", "an", "ms", "s", "m", "H", "sec", "Minutes", "hrs", "day", "x", "TL101"]
        ),
        max_size=8,
    ).map("".join)
)
def test_the_cheap_look_before_the_patterns_never_hides_a_duration(comment):
    from timeout_lint.comment_durations import _may_hold_a_duration

    if durations_in(comment):
        assert _may_hold_a_duration(comment)


def test_comments_without_a_duration_do_not_build_the_patterns():
    from timeout_lint import comment_durations

    comment_durations._patterns.cache_clear()
    assert stated_duration("expect: TL101") is None and stated_duration("see RUN-12.") is None
    assert comment_durations._patterns.cache_info().misses == 0
