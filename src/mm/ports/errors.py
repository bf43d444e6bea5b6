"""Typed failure categories, shared by every port. Adapters translate library errors into these.

`RetryableError` marks transient failures: adapters may retry exactly these, within a bound.
"""

from __future__ import annotations


class MmError(Exception):
    """Root of every error `mm` raises on purpose."""


class RetryableError(MmError):
    """A transient failure: the same call may succeed later."""


# --- exchange -------------------------------------------------------------------------------------


class ExchangeError(MmError):
    """Any failure talking to an exchange."""


class ExchangeUnavailable(ExchangeError, RetryableError):
    """Network failure, timeout or 5xx: the outcome of a write is unknown, not failed."""


class RateLimited(ExchangeError, RetryableError):
    """The venue (HTTP 429) or our own request budget refused the call."""

    def __init__(self, message: str, retry_after_s: float | None = None) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class AuthFailed(ExchangeError):
    """Credentials were refused: fatal, nothing will work until settings change."""


class OrderRejected(ExchangeError):
    """The venue refused one order. `code` is the venue's business code when it gave one."""

    def __init__(self, message: str, code: int | None = None) -> None:
        super().__init__(message)
        self.code = code


class PostOnlyWouldCross(OrderRejected):
    """Benign: the book moved; the engine re-quotes on the next tick."""


class InsufficientMargin(OrderRejected):
    """Not enough collateral for the order."""


class InvalidRequest(OrderRejected):
    """We sent something the venue cannot accept: a bug on our side, to be loud about."""


class OrderNotFound(ExchangeError):
    """The order to cancel or replace is not known to the venue (already done, or never arrived)."""


# --- market data ----------------------------------------------------------------------------------


class StaleMarketData(MmError):
    """Market data is older than allowed or has a gap."""


class MalformedMessage(MmError):
    """A message could not be parsed; it is counted, logged with its raw text, and skipped."""

    def __init__(self, message: str, raw: str) -> None:
        super().__init__(message)
        self.raw = raw


# --- storage --------------------------------------------------------------------------------------


class StoreError(MmError):
    """A storage failure."""


class StoreUnavailable(StoreError, RetryableError):
    """The database could not be reached."""


class StoreConflict(StoreError):
    """A write lost an optimistic-concurrency race or broke a uniqueness rule."""


class RecordNotFound(StoreError):
    """The record to update does not exist."""


class ReasoningWriteFailed(StoreError):
    """A reasoning file could not be written completely; nothing is left at its final path."""


# --- parameter advisor (LLM) ----------------------------------------------------------------------


class ShadowBacktestFailed(MmError):
    """The shadow backtest before a rollout could not run (no recorded data in the span, a replay error)."""


class AdvisorError(MmError):
    """The parameter advisor gave no usable proposal."""


class AdvisorUnavailable(AdvisorError, RetryableError):
    """The model could not be reached, refused (HTTP error) or timed out: try again next run."""


class AdvisorOutputInvalid(AdvisorError):
    """The model kept answering outside the allowed structure or bounds after its retries.

    `problems` lists what was wrong with its answers, for the audit log; the answers are discarded.
    """

    def __init__(self, message: str, problems: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.problems = problems


# --- configuration --------------------------------------------------------------------------------


class ConfigError(MmError):
    """Settings are missing or invalid; the message names each one."""
