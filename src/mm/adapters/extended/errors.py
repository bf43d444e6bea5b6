"""The one place Extended failures become the typed errors of `mm.ports.errors`.

The SDK reports HTTP errors as `ApiError` text (`code <http> - <body>`), POST business errors as
`ApiError` with the parsed error model in the text, and GET/DELETE business errors not at all (an
`ERROR` envelope on HTTP 200). `translate_errors` and `ensure_ok` cover all three; the venue's
numeric code decides the category.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import aiohttp
import pydantic
import structlog
from x10.errors import ApiError, ApiNotAuthorizedError, ApiRateLimitError
from x10.errors import ValidationError as SdkValidationError

from mm.ports.errors import (
    AuthFailed,
    ExchangeError,
    ExchangeUnavailable,
    InsufficientMargin,
    InvalidRequest,
    MmError,
    OrderNotFound,
    OrderRejected,
    RateLimited,
)

_log = structlog.get_logger(__name__)

DUPLICATE_ORDER_CODE = 1134

_INSUFFICIENT_MARGIN_CODES = frozenset({1140, 1147, 1148})
_ORDER_NOT_FOUND_CODES = frozenset({1142})
_UNAVAILABLE_CODES = frozenset({1006, 1010})  # unhandled server error, maintenance: outcome unknown
_AUTH_CODES = frozenset({1004, 1008, 1100, 1101, 1102, 1500})  # account or Stark keys do not match
_REFUSED_CODES = frozenset({1002, 1009, 1011, 1012, 1014, 1126, 1127, 1136, 1137, 1138, DUPLICATE_ORDER_CODE})
_INVALID_CODES = frozenset(
    {1000, 1001, 1003, 1005, 1013, *range(1049, 1054), *range(1120, 1126), *range(1128, 1134)}
    | {1135, 1139, 1141, 1143, 1144, 1145, 1146, 1153}
)
_ORDER_OPERATIONS = frozenset({"place_order", "replace_order", "cancel_order", "cancel_all"})
# Operations where HTTP 404 means "no such order" rather than a wrong path.
_ORDER_LOOKUPS = frozenset({"replace_order", "cancel_order", "order_by_exchange_id", "order_by_client_id"})

_HTTP_ERROR_TEXT = re.compile(r"code (\d{3}) - (.*)\Z", re.S)
# The SDK's 429 text carries aiohttp's response repr, headers included.
_RETRY_AFTER_TEXT = re.compile(r"'Retry-After': '\s*(\d+(?:\.\d+)?)\s*'", re.I)
_MODEL_ERROR_TEXT = re.compile(r"code=(\d+) message=(['\"])(.*?)\2", re.S)


class DuplicateOrder(OrderRejected):
    """The client order id is already known to the venue: a retried placement that had arrived."""


class PlacementSuperseded(OrderRejected):
    """A placement still waiting for budget when a cancel-all of its market went out: it was never sent."""


class VenueRateLimited(RateLimited):
    """The venue answered HTTP 429 (not our own budget); `venue_retry_after_s` is its `Retry-After`, if sent.

    Extended documents no `Retry-After`; when one comes, it is the earliest moment to try again.
    """

    def __init__(self, message: str, venue_retry_after_s: float | None = None) -> None:
        super().__init__(message, retry_after_s=venue_retry_after_s)
        self.venue_retry_after_s = venue_retry_after_s


def retry_after_in(text: str) -> float | None:
    """The `Retry-After` seconds in an SDK 429 text; None when absent or given as a date."""
    found = _RETRY_AFTER_TEXT.search(text)
    return float(found.group(1)) if found else None


@dataclass(frozen=True, slots=True)
class VenueError:
    """What the venue said: HTTP status (None when it came on HTTP 200), business code, message."""

    http_status: int | None
    code: int | None
    message: str


def parse_api_error(text: str) -> VenueError:
    """Read status, code and message out of an SDK `ApiError` text."""
    if http := _HTTP_ERROR_TEXT.search(text):
        status, body = int(http.group(1)), http.group(2)
        code, message = _code_and_message(body)
        return VenueError(status, code, message or body)
    if model := _MODEL_ERROR_TEXT.search(text):
        return VenueError(None, int(model.group(1)), model.group(3))
    return VenueError(None, None, text)


def _code_and_message(body: str) -> tuple[int | None, str]:
    try:
        parsed: Any = json.loads(body)
        error = parsed.get("error") or {}
        code = error.get("code")
        return (code if isinstance(code, int) else None), str(error.get("message", ""))
    except (ValueError, AttributeError):
        return None, ""


_Rule = tuple[Callable[[int | None, int | None, str], bool], type[MmError]]

# First match wins: (http status, business code, operation) -> category.
_RULES: tuple[_Rule, ...] = (
    (lambda status, code, op: status == 429, VenueRateLimited),
    (lambda status, code, op: status in (401, 403) or code in _AUTH_CODES, AuthFailed),
    (lambda status, code, op: (status or 0) >= 500 or code in _UNAVAILABLE_CODES, ExchangeUnavailable),
    (lambda status, code, op: code in _INSUFFICIENT_MARGIN_CODES, InsufficientMargin),
    (
        lambda status, code, op: code in _ORDER_NOT_FOUND_CODES or (status == 404 and op in _ORDER_LOOKUPS),
        OrderNotFound,
    ),
    (lambda status, code, op: code == DUPLICATE_ORDER_CODE, DuplicateOrder),
    (lambda status, code, op: code in _REFUSED_CODES, OrderRejected),
    (lambda status, code, op: code in _INVALID_CODES or (code is None and status in (400, 404, 422)), InvalidRequest),
    (lambda status, code, op: op in _ORDER_OPERATIONS, OrderRejected),
)


def error_for(venue: VenueError, operation: str) -> MmError:
    """The typed error for a venue error met while doing `operation` (e.g. `place_order`)."""
    text = f"{operation}: HTTP {venue.http_status} code {venue.code}: {venue.message}"
    for matches, category in _RULES:
        if matches(venue.http_status, venue.code, operation):
            return category(text, venue.code) if issubclass(category, OrderRejected) else category(text)
    return ExchangeError(text)


def _logged(error: MmError, operation: str) -> MmError:
    if isinstance(error, OrderNotFound):
        # Routine: a replace or cancel that crossed a fill or cancel on its way. The caller counts it.
        _log.info("extended_request_failed", operation=operation, category=type(error).__name__, error=str(error))
    elif isinstance(error, InvalidRequest | AuthFailed):
        _log.error("extended_request_refused", operation=operation, category=type(error).__name__, error=str(error))
    else:
        _log.warning("extended_request_failed", operation=operation, category=type(error).__name__, error=str(error))
    return error


@contextmanager
def translate_errors(operation: str) -> Iterator[None]:
    """Re-raise SDK, HTTP and network failures of `operation` as `mm.ports.errors` types."""
    try:
        yield
    except MmError:
        raise
    except ApiNotAuthorizedError as error:
        raise _logged(AuthFailed(f"{operation}: {error}"), operation) from error
    except ApiRateLimitError as error:
        rate_limited = VenueRateLimited(f"{operation}: HTTP 429", retry_after_in(str(error)))
        raise _logged(rate_limited, operation) from error
    except ApiError as error:
        raise _logged(error_for(parse_api_error(str(error)), operation), operation) from error
    except SdkValidationError as error:
        raise _logged(InvalidRequest(f"{operation}: {error}"), operation) from error
    except pydantic.ValidationError as error:
        # A reply we cannot read: for a write the outcome is unknown, for a read the answer is.
        raise _logged(ExchangeUnavailable(f"{operation}: unreadable response: {error}"), operation) from error
    except (TimeoutError, aiohttp.ClientError, OSError) as error:
        raise _logged(ExchangeUnavailable(f"{operation}: {type(error).__name__}: {error}"), operation) from error


def ensure_ok(response: Any, operation: str) -> None:
    """Raise the typed error for an `ERROR` envelope the SDK returned instead of raising (GET/DELETE)."""
    if str(getattr(response, "status", "OK")) == "OK" and getattr(response, "error", None) is None:
        return
    error = getattr(response, "error", None)
    venue = VenueError(None, getattr(error, "code", None), str(getattr(error, "message", error)))
    raise _logged(error_for(venue, operation), operation)
