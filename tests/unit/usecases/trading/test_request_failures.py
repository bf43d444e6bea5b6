"""One reading of the venue's errors for the engine, shared by the live sender and the backtest's replay."""

from __future__ import annotations

from mm.domain.order_outcomes import RequestFailure
from mm.ports.errors import (
    ExchangeUnavailable,
    InsufficientMargin,
    InvalidRequest,
    OrderNotFound,
    OrderRejected,
    PostOnlyWouldCross,
    RateLimited,
)
from mm.usecases.trading.request_failures import failure_of


def test_a_post_only_cross_is_benign() -> None:
    assert failure_of(PostOnlyWouldCross("crosses")) is RequestFailure.POST_ONLY_WOULD_CROSS


def test_an_unknown_order_is_not_found() -> None:
    assert failure_of(OrderNotFound("gone")) is RequestFailure.NOT_FOUND


def test_a_rejection_is_a_refusal() -> None:
    assert failure_of(OrderRejected("no")) is RequestFailure.REFUSED


def test_an_invalid_request_is_a_refusal() -> None:
    assert failure_of(InvalidRequest("bad size")) is RequestFailure.REFUSED


def test_missing_margin_is_a_refusal() -> None:
    assert failure_of(InsufficientMargin("no margin")) is RequestFailure.REFUSED


def test_a_rate_limit_is_a_refusal() -> None:
    assert failure_of(RateLimited("slow down")) is RequestFailure.REFUSED


def test_an_unavailable_venue_leaves_the_outcome_unknown() -> None:
    assert failure_of(ExchangeUnavailable("timeout")) is RequestFailure.UNKNOWN
