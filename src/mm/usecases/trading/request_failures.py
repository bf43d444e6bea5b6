"""How the venue's answer to an order request reads to the engine: one mapping for every driver.

The live order sender and the backtest's replay both turn a typed venue error into a
`RequestFailure` here, so a refusal means the same to the engine live and in a replay.
"""

from __future__ import annotations

from mm.domain.order_outcomes import RequestFailure
from mm.ports.errors import ExchangeError, OrderNotFound, OrderRejected, PostOnlyWouldCross, RateLimited


def failure_of(error: ExchangeError) -> RequestFailure:
    """The engine's view of a typed venue error (callers let `AuthFailed` through first: it is fatal)."""
    if isinstance(error, PostOnlyWouldCross):
        return RequestFailure.POST_ONLY_WOULD_CROSS
    if isinstance(error, OrderNotFound):
        return RequestFailure.NOT_FOUND
    if isinstance(error, OrderRejected | RateLimited):
        return RequestFailure.REFUSED
    return RequestFailure.UNKNOWN  # ExchangeUnavailable and anything unclassified: outcome unknown
