"""The market rules an order must meet before the venue signs off on it. Pure checks.

Precision (too many decimals: 1123/1125) is told apart from a wrong increment (a multiple of
neither step nor tick: 1121/1124), as the venue's codes do.
"""

from __future__ import annotations

from decimal import Decimal

from mm.testing.fake_extended.markets import MarketSpec
from mm.testing.fake_extended.order_request import PlaceOrderRequest
from mm.testing.fake_extended.rejections import ErrorCode, Rejection

MAX_EXPIRY_MS = 90 * 24 * 3600 * 1000  # mainnet limit; testnet allows 28 days
ALLOWED_TYPES = ("LIMIT", "MARKET")


def _decimals(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return max(0, -int(exponent))


def check_price(price: Decimal, spec: MarketSpec) -> None:
    if price <= 0:
        raise Rejection(ErrorCode.INVALID_PRICE_AMOUNT, "Price must be positive")
    if _decimals(price) > _decimals(spec.tick_size):
        raise Rejection(ErrorCode.INVALID_PRICE_PRECISION, "Invalid price precision")
    if price % spec.tick_size != 0:
        raise Rejection(ErrorCode.INVALID_PRICE_WRONG_PRICE_MOVEMENT, "Invalid price: wrong price movement")


def check_qty(qty: Decimal, spec: MarketSpec) -> None:
    if _decimals(qty) > _decimals(spec.step_size):
        raise Rejection(ErrorCode.INVALID_QTY_PRECISION, "Invalid quantity precision")
    if qty % spec.step_size != 0:
        raise Rejection(ErrorCode.INVALID_QTY_WRONG_SIZE_INCREMENT, "Invalid quantity: wrong size increment")
    if qty < spec.min_order_size:
        raise Rejection(ErrorCode.ORDER_QTY_LESS_THAN_MIN_TRADE_SIZE, "Order quantity less than min trade size")


def check_kind(request: PlaceOrderRequest) -> None:
    if request.type not in ALLOWED_TYPES:
        raise Rejection(ErrorCode.NOT_ALLOWED_ORDER_TYPE, f"Order type {request.type} is not allowed")
    if request.type == "MARKET" and (request.time_in_force != "IOC" or request.post_only):
        raise Rejection(ErrorCode.INVALID_ORDER_PARAMETERS, "Market orders must be IOC and not post-only")
    if request.time_in_force == "TOB" and not request.post_only:
        raise Rejection(ErrorCode.INVALID_ORDER_PARAMETERS, "TOB orders must be post-only")


def check_expiry(expiry_epoch_ms: int, now_ms: int) -> None:
    if not now_ms < expiry_epoch_ms <= now_ms + MAX_EXPIRY_MS:
        raise Rejection(ErrorCode.INVALID_ORDER_EXPIRATION, "Invalid order expiration")


def check_fee(request: PlaceOrderRequest, spec: MarketSpec) -> None:
    """The signed fee is a maximum: it must cover the rate that can apply (maker only for post-only)."""
    required = spec.maker_fee_rate if request.post_only else spec.taker_fee_rate
    if request.fee < required:
        raise Rejection(ErrorCode.INVALID_TRADING_FEES, "Trading fees are invalid")


def check_price_band(request: PlaceOrderRequest, spec: MarketSpec, mark_price: Decimal | None) -> None:
    """Buy no higher than mark·(1+cap), sell no lower than mark·(1−floor); no band before a mark exists."""
    if mark_price is None:
        return
    if request.side == "BUY" and request.price > mark_price * (1 + spec.limit_price_cap):
        raise Rejection(ErrorCode.INVALID_PRICE_AMOUNT, "Order price is above the limit price cap")
    if request.side == "SELL" and request.price < mark_price * (1 - spec.limit_price_floor):
        raise Rejection(ErrorCode.INVALID_PRICE_AMOUNT, "Order price is below the limit price floor")


def check_market_rules(request: PlaceOrderRequest, spec: MarketSpec, mark_price: Decimal | None, now_ms: int) -> None:
    """Every stateless rule, in the order the venue reports them."""
    check_kind(request)
    check_price(request.price, spec)
    check_qty(request.qty, spec)
    check_expiry(request.expiry_epoch_millis, now_ms)
    check_fee(request, spec)
    check_price_band(request, spec, mark_price)
