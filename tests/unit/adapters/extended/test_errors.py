"""The one choke point from SDK, HTTP and network failures to `mm.ports.errors`."""

from __future__ import annotations

from types import SimpleNamespace

import aiohttp
import pydantic
import pytest
from x10.errors import ApiError
from x10.errors import ValidationError as SdkValidationError
from x10.models.base import EmptyModel
from x10.models.http import WrappedApiResponseModel
from x10.utils.http import handle_known_errors

from mm.adapters.extended.errors import DuplicateOrder, ensure_ok, parse_api_error, translate_errors
from mm.ports.errors import (
    AuthFailed,
    ExchangeUnavailable,
    InsufficientMargin,
    InvalidRequest,
    MmError,
    OrderNotFound,
    OrderRejected,
    RateLimited,
    RetryableError,
)
from tests.unit.adapters.extended.conftest import fixture_text

URL = "http://127.0.0.1:1/api/v1/user/order"


def sdk_error(http_status: int, body: str) -> Exception:
    """The exception the SDK itself raises for this HTTP reply."""
    with pytest.raises(ApiError) as raised:
        handle_known_errors(URL, None, SimpleNamespace(status=http_status), body)  # type: ignore[arg-type]
    return raised.value


def sdk_post_error(body: str) -> ApiError:
    """What the SDK raises for an HTTP 200 POST whose envelope says ERROR."""
    model = WrappedApiResponseModel[EmptyModel].model_validate_json(body)
    return ApiError(f"Error response from POST {URL}: {model.error}")


def translated(error: BaseException, operation: str = "place_order") -> MmError:
    with pytest.raises(MmError) as raised, translate_errors(operation):
        raise error
    assert raised.value.__cause__ is error
    return raised.value


def test_the_business_code_is_read_out_of_an_http_400_error_text() -> None:
    venue = parse_api_error(str(sdk_error(400, fixture_text("error_insufficient_balance.json"))))

    assert (venue.http_status, venue.code, venue.message) == (400, 1140, "New order cost exceeds available balance")


def test_the_business_code_is_read_out_of_a_post_error_envelope_text() -> None:
    venue = parse_api_error(str(sdk_post_error(fixture_text("error_invalid_trading_fees.json"))))

    assert (venue.http_status, venue.code, venue.message) == (None, 1128, "Trading fees are invalid")


def test_an_http_error_with_a_body_that_is_not_json_keeps_the_body_as_message() -> None:
    venue = parse_api_error(str(sdk_error(502, "<html>bad gateway</html>")))

    assert (venue.http_status, venue.code, venue.message) == (502, None, "<html>bad gateway</html>")


def test_insufficient_balance_becomes_insufficient_margin_with_its_code() -> None:
    error = translated(sdk_error(400, fixture_text("error_insufficient_balance.json")))

    assert isinstance(error, InsufficientMargin)
    assert error.code == 1140


@pytest.mark.parametrize("name", ["error_invalid_qty_precision.json", "error_invalid_trading_fees.json"])
def test_precision_and_fee_errors_are_invalid_requests(name: str) -> None:
    assert isinstance(translated(sdk_error(400, fixture_text(name))), InvalidRequest)


def test_an_invalid_request_in_a_post_envelope_is_an_invalid_request_too() -> None:
    assert isinstance(translated(sdk_post_error(fixture_text("error_invalid_qty_precision.json"))), InvalidRequest)


def test_an_unknown_market_is_an_invalid_request() -> None:
    assert isinstance(translated(sdk_error(400, fixture_text("error_market_not_found.json"))), InvalidRequest)


def test_a_reduce_only_refusal_is_an_order_rejection_but_not_a_bug() -> None:
    error = translated(sdk_error(400, fixture_text("error_reduce_only_no_position.json")))

    assert type(error) is OrderRejected
    assert error.code == 1137


def test_http_429_is_rate_limited_and_retryable() -> None:
    error = translated(sdk_error(429, fixture_text("error_rate_limit.json")))

    assert isinstance(error, RateLimited)
    assert isinstance(error, RetryableError)


def test_http_401_is_auth_failed_and_not_retryable() -> None:
    error = translated(sdk_error(401, '{"status":"ERROR","error":{"code":401,"message":"bad key"}}'))

    assert isinstance(error, AuthFailed)
    assert not isinstance(error, RetryableError)


def test_an_invalid_stark_signature_is_auth_failed() -> None:
    assert isinstance(translated(sdk_error(400, '{"status":"ERROR","error":{"code":1101,"message":"x"}}')), AuthFailed)


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_server_errors_are_exchange_unavailable(status: int) -> None:
    assert isinstance(translated(sdk_error(status, "")), ExchangeUnavailable)


def test_edit_order_not_found_is_order_not_found() -> None:
    body = '{"status":"ERROR","error":{"code":1142,"message":"Edit order not found"}}'

    assert isinstance(translated(sdk_error(400, body), "replace_order"), OrderNotFound)


def test_http_404_on_a_cancel_is_order_not_found() -> None:
    assert isinstance(translated(sdk_error(404, ""), "cancel_order"), OrderNotFound)


def test_a_duplicate_client_order_id_is_recognised_for_idempotent_placement() -> None:
    body = '{"status":"ERROR","error":{"code":1134,"message":"Duplicate order"}}'

    error = translated(sdk_error(400, body))

    assert isinstance(error, DuplicateOrder)
    assert isinstance(error, OrderRejected)


def test_an_unknown_code_on_an_order_is_a_plain_rejection_with_the_code() -> None:
    body = '{"status":"ERROR","error":{"code":1999,"message":"new rule"}}'

    error = translated(sdk_error(400, body))

    assert type(error) is OrderRejected
    assert error.code == 1999


def test_an_unknown_code_on_an_order_over_http_200_is_a_plain_rejection_too() -> None:
    error = translated(sdk_post_error('{"status":"ERROR","error":{"code":1999,"message":"new rule"}}'))

    assert type(error) is OrderRejected
    assert error.code == 1999


@pytest.mark.parametrize(
    "error",
    [
        TimeoutError(),
        aiohttp.ServerDisconnectedError(),
        aiohttp.ClientConnectionError("refused"),
        ConnectionResetError(),
    ],
)
def test_timeouts_and_network_failures_are_exchange_unavailable(error: BaseException) -> None:
    assert isinstance(translated(error), ExchangeUnavailable)


def test_an_unreadable_reply_is_exchange_unavailable_because_the_outcome_is_unknown() -> None:
    with pytest.raises(pydantic.ValidationError) as raised:
        WrappedApiResponseModel[EmptyModel].model_validate_json("<html>")

    assert isinstance(translated(raised.value), ExchangeUnavailable)


def test_an_sdk_side_validation_error_is_an_invalid_request() -> None:
    assert isinstance(translated(SdkValidationError("Market BTC-XYZ not found")), InvalidRequest)


def test_typed_errors_pass_through_unchanged() -> None:
    original = RateLimited("budget", retry_after_s=1.0)

    with pytest.raises(RateLimited) as raised, translate_errors("place_order"):
        raise original

    assert raised.value is original


def test_an_ok_envelope_passes() -> None:
    ensure_ok(WrappedApiResponseModel[EmptyModel].model_validate_json('{"status":"OK"}'), "cancel_order")


def test_an_error_envelope_on_http_200_raises_its_category() -> None:
    response = WrappedApiResponseModel[EmptyModel].model_validate_json(fixture_text("error_insufficient_balance.json"))

    with pytest.raises(InsufficientMargin):
        ensure_ok(response, "cancel_order")


def test_an_error_envelope_for_a_missing_order_on_cancel_is_order_not_found() -> None:
    body = '{"status":"ERROR","error":{"code":1142,"message":"Order not found"}}'
    response = WrappedApiResponseModel[EmptyModel].model_validate_json(body)

    with pytest.raises(OrderNotFound):
        ensure_ok(response, "cancel_order")
