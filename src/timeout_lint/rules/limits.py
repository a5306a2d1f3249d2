"""What the ordering rules compare: the limit a hop puts on a slow response, and how hops name themselves."""

from __future__ import annotations

import math

from timeout_lint.model import Hop, Kind, RequestPath, Side, Timeout


def response_limit(hop: Hop) -> Timeout | None:
    """The timeout with which a hop gives up first on a silent, slow response: the shortest of its
    idle, first-byte and total limits (each also bounds the time to the first byte). None if unbounded."""
    limits = [t for t in hop.response_limits() if not math.isinf(t.seconds)]
    return min(limits, key=lambda t: (t.seconds, t.setting)) if limits else None


def already_too_short(path: RequestPath, timeout: Timeout) -> bool:
    """Whether TL101/TL102 already report this timeout on this path (shorter than the worst case)."""
    worst = path.app.worst_case
    return worst is not None and timeout.seconds < worst.required(timeout.kind)[0]


def idle_pool(hop: Hop) -> Timeout | None:
    """How long a hop keeps idle connections to the next hop open for reuse (its keep-alive towards
    the upstream); None for a hop that does not reuse them (an L4 load balancer, nginx without
    `keepalive`, gunicorn's sync workers)."""
    for timeout in hop.timeouts:
        if timeout.kind is Kind.KEEPALIVE and timeout.side in (Side.UPSTREAM, Side.BOTH):
            return timeout
    return None


def server_keepalive(hop: Hop) -> Timeout | None:
    """How long a hop keeps an idle connection from its caller open between requests."""
    for timeout in hop.timeouts:
        if timeout.kind is Kind.KEEPALIVE and timeout.side in (Side.DOWNSTREAM, Side.BOTH):
            return timeout
    return None


def described(timeout: Timeout) -> str:
    """``proxy_read_timeout 60s (default)``, ``--timeout 120``."""
    return timeout.shown if not timeout.explicit else f"{timeout.setting} {timeout.written}"


#: Retry conditions under which a try that ran out of time is sent again (nginx `timeout`, HAProxy
#: `response-timeout`, Envoy `5xx`/`gateway-error`/`reset` ...); anything else retries failed
#: connections only, so a try costs its connect timeout, not its response limit.
_TIMEOUT_RETRY_WORDS = ("timeout", "all-retryable-errors", "5xx", "gateway-error", "reset", "http_504")


def retries_after_timeouts(on: str) -> bool:
    """Whether a retry policy sends a request again after a try timed out ("" = not known: assume so)."""
    if not on:
        return True
    return any(word in on for word in _TIMEOUT_RETRY_WORDS)
