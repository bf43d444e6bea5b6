"""The body of `POST /user/order` as the venue validates it: required fields and exact types.

Strict on purpose: decimals must be JSON strings and ids plain strings, as the SDK sends them, so
an adapter that builds bodies by hand fails here rather than on the real venue.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictBool, StrictInt, ValidationError
from pydantic.alias_generators import to_camel

from mm.testing.fake_extended.rejections import ErrorCode, Rejection


def _decimal_string(value: object) -> Decimal:
    if not isinstance(value, str):
        raise ValueError("must be a decimal JSON string")
    try:
        parsed = Decimal(value)
    except InvalidOperation:
        raise ValueError(f"not a decimal: {value!r}") from None
    if not parsed.is_finite():
        raise ValueError(f"not a finite decimal: {value!r}")
    return parsed


def _integer_string(value: object) -> int:
    if not isinstance(value, str) or not value.isdigit():
        raise ValueError("must be a non-negative integer JSON string")
    return int(value)


DecimalString = Annotated[Decimal, BeforeValidator(_decimal_string)]
IntegerString = Annotated[int, BeforeValidator(_integer_string)]
HexString = Annotated[int, BeforeValidator(lambda v: int(v, 16) if isinstance(v, str) else _reject_hex(v))]


def _reject_hex(value: object) -> int:
    raise ValueError(f"must be a hex string, got {type(value).__name__}")


class _WireModel(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore", alias_generator=to_camel, populate_by_name=True)


class SignatureBody(_WireModel):
    r: HexString
    s: HexString


class SettlementBody(_WireModel):
    signature: SignatureBody
    stark_key: HexString
    collateral_position: IntegerString


class DebuggingAmountsBody(_WireModel):
    collateral_amount: DecimalString
    fee_amount: DecimalString
    synthetic_amount: DecimalString


class PlaceOrderRequest(_WireModel):
    id: str = Field(min_length=1)
    market: str
    type: str
    side: Literal["BUY", "SELL"]
    qty: DecimalString
    price: DecimalString
    time_in_force: Literal["GTT", "IOC", "TOB"]
    expiry_epoch_millis: StrictInt
    fee: DecimalString
    nonce: IntegerString
    self_trade_protection_level: Literal["DISABLED", "ACCOUNT", "CLIENT"]
    post_only: StrictBool = False
    reduce_only: StrictBool = False
    cancel_id: str | None = None
    settlement: SettlementBody | None = None
    debugging_amounts: DebuggingAmountsBody | None = None
    builder_fee: DecimalString | None = None
    builder_id: StrictInt | None = None


def _describe(error: ValidationError) -> str:
    return "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors())


def parse_place_order(body: Any) -> PlaceOrderRequest:
    """Validate a decoded JSON body; raise `Rejection` 1130 (no price) or 1133 (anything else)."""
    if not isinstance(body, dict):
        raise Rejection(ErrorCode.INVALID_ORDER_PARAMETERS, "Request body must be a JSON object")
    if body.get("price") is None:
        raise Rejection(ErrorCode.MISSING_ORDER_PRICE, "Order price is missing")
    try:
        return PlaceOrderRequest.model_validate(body)
    except ValidationError as error:
        raise Rejection(ErrorCode.INVALID_ORDER_PARAMETERS, f"Invalid order parameters: {_describe(error)}") from None
