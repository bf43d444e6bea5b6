"""Pure wire ↔ domain mapping for Extended: stream frames, SDK models and order requests.

No I/O and no clock: receive times come in as arguments. This is the inbound validation boundary:
a stream frame becomes domain events whose numbers and times lie within `InboundBounds`, or raises
`MalformedMessage` carrying the reason and the raw text, so a stream can count it, log it and move on.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import ValidationError
from x10.models.balance import BalanceModel
from x10.models.market import MarketModel
from x10.models.order import OpenOrderModel, OrderSide
from x10.models.position import PositionModel
from x10.models.trade import AccountTradeModel

from mm.adapters.extended.account_event_bounds import checked_balance, checked_fill, checked_order, checked_position
from mm.adapters.extended.frames import StreamFrame
from mm.adapters.extended.inbound_bounds import (
    DEFAULT_BOUNDS,
    InboundBounds,
    MarketBounds,
    bounded_decimal,
    shown,
    venue_id,
)
from mm.adapters.extended.wire_models import AccountStreamData
from mm.domain.instrument import Instrument
from mm.domain.market_events import BestBidOffer, PriceKind, PriceUpdate, PublicTrade, TradeKind
from mm.domain.orders import (
    AccountEvent,
    Balance,
    BalanceUpdate,
    Fill,
    FillEvent,
    OpenOrder,
    OrderStatus,
    OrderUpdate,
    Position,
    PositionUpdate,
    RejectReason,
)
from mm.domain.side import Side
from mm.ports.errors import MalformedMessage

EXCHANGE = "extended"

_SIDES = {"BUY": Side.BUY, "SELL": Side.SELL}
_TRADE_KINDS = {"TRADE": TradeKind.TRADE, "LIQUIDATION": TradeKind.LIQUIDATION, "DELEVERAGE": TradeKind.DELEVERAGE}
_PRICE_NAMES = {kind: f"{kind} price" for kind in PriceKind}
_ORDER_STATUSES = {
    "NEW": OrderStatus.NEW,
    "UNTRIGGERED": OrderStatus.NEW,
    "TRIGGERED": OrderStatus.NEW,  # transient on the way to NEW/FILLED (PROTOCOL.md §4)
    "PARTIALLY_FILLED": OrderStatus.PARTIALLY_FILLED,
    "FILLED": OrderStatus.FILLED,
    "CANCELLED": OrderStatus.CANCELLED,
    "REJECTED": OrderStatus.REJECTED,
    "EXPIRED": OrderStatus.EXPIRED,
}
_REJECT_REASONS = {
    "NONE": RejectReason.NONE,
    "POST_ONLY_FAILED": RejectReason.POST_ONLY_WOULD_CROSS,
    "NOT_ENOUGH_FUNDS": RejectReason.INSUFFICIENT_MARGIN,
    "NEGATIVE_EQUITY": RejectReason.INSUFFICIENT_MARGIN,
    "ORDER_REPLACED": RejectReason.REPLACED,
    "SELF_TRADE_PROTECTION": RejectReason.SELF_TRADE,
    **dict.fromkeys(
        (
            "UNKNOWN_MARKET",
            "INVALID_FEE",
            "INVALID_QTY",
            "INVALID_PRICE",
            "INVALID_VALUE",
            "UNKNOWN_ACCOUNT",
            "INVALID_EXPIRE_TIME",
            "INVALID_LEVERAGE",
        ),
        RejectReason.INVALID,
    ),
}


# What a payload that does not fit raises while being mapped. A try/except per function rather than
# a context manager: these run for every frame, and the context manager cost ~1 µs each.
_MAPPING_ERRORS = (KeyError, IndexError, TypeError, ValueError, InvalidOperation, ValidationError)


def _malformed(raw: str, what: str, error: Exception) -> MalformedMessage:
    return MalformedMessage(f"malformed {what}: {error!r}", raw)


def _object(value: Any) -> dict[str, Any]:
    if type(value) is dict:
        return value
    raise TypeError(f"not an object: {shown(value)}")


def _array(value: Any) -> list[Any]:
    if type(value) is list:
        return value
    raise TypeError(f"not an array: {shown(value)}")


def side_from_wire(side: str) -> Side:
    return _SIDES[side]


def side_to_wire(side: Side) -> OrderSide:
    return OrderSide.BUY if side is Side.BUY else OrderSide.SELL


def bbo_from_frame(frame: StreamFrame, received_ts_ms: int, bounds: InboundBounds = DEFAULT_BOUNDS) -> BestBidOffer:
    """Best bid/offer from a `depth=1` order-book frame; an empty side has price and size None.

    A crossed or locked book passes as it came: the domain refuses to quote on one. A level that
    is not an object fails at its first subscript (a `TypeError`), so it needs no check of its own.
    """
    try:
        data = _object(frame.data)
        symbol = data["m"]
        market = bounds.market(symbol)
        bids, asks = data["b"], data["a"]
        if type(bids) is not list or type(asks) is not list:
            raise TypeError(f"book sides are not arrays: {shown(bids)}, {shown(asks)}")
        bid_px = bid_sz = ask_px = ask_sz = None
        if bids:
            bid = bids[0]
            bid_px = bounded_decimal(bid["p"], market.min_price, market.max_price, "bid price")
            bid_sz = bounded_decimal(bid["q"], market.min_size, market.max_size, "bid size")
        if asks:
            ask = asks[0]
            ask_px = bounded_decimal(ask["p"], market.min_price, market.max_price, "ask price")
            ask_sz = bounded_decimal(ask["q"], market.min_size, market.max_size, "ask size")
        return BestBidOffer(
            EXCHANGE,
            symbol,
            bounds.frame_ts(frame.ts_ms, received_ts_ms, "frame ts"),
            received_ts_ms,
            frame.seq,
            bid_px,
            bid_sz,
            ask_px,
            ask_sz,
            frame.raw,
        )
    except _MAPPING_ERRORS as error:
        raise _malformed(frame.raw, "best bid/offer", error) from error


def public_trades_from_frame(
    frame: StreamFrame, received_ts_ms: int, *, is_replay: bool, bounds: InboundBounds = DEFAULT_BOUNDS
) -> list[PublicTrade]:
    """Prints of one trades frame, each at its own trade time; `is_replay` marks resent history.

    One print out of bounds makes the whole frame malformed: its other prints are not trusted either.
    """
    try:
        bounds.frame_ts(frame.ts_ms, received_ts_ms, "frame ts")
        trades = []
        symbol: Any = None
        market: MarketBounds | None = None
        for item in _array(frame.data):
            if market is None or item["m"] != symbol:  # prints of one frame share their market: look it up once
                symbol = item["m"]
                market = bounds.market(symbol)
            trades.append(
                PublicTrade(
                    EXCHANGE,
                    symbol,
                    # The first frame of a connection replays older prints: a record time, not a frame time.
                    bounds.record_ts(item["T"], received_ts_ms, "trade time"),
                    received_ts_ms,
                    frame.seq,
                    str(venue_id(item["i"], "trade id")),
                    bounded_decimal(item["p"], market.min_price, market.max_price, "trade price"),
                    bounded_decimal(item["q"], market.min_size, market.max_size, "trade size"),
                    _SIDES[item["S"]],
                    _TRADE_KINDS[item["tT"]],
                    is_replay,
                    frame.raw,
                )
            )
        return trades
    except _MAPPING_ERRORS as error:
        raise _malformed(frame.raw, "public trades", error) from error


def price_from_frame(
    frame: StreamFrame, received_ts_ms: int, kind: PriceKind, bounds: InboundBounds = DEFAULT_BOUNDS
) -> PriceUpdate:
    """Mark or index price. Live frames carry an inner `ts` of 0 (or none): the envelope time stands in."""
    try:
        data = _object(frame.data)
        symbol = data["m"]
        market = bounds.market(symbol)
        envelope_ts_ms = bounds.frame_ts(frame.ts_ms, received_ts_ms, "frame ts")
        inner_ts_ms = data.get("ts")
        is_unset = inner_ts_ms is None or (type(inner_ts_ms) is int and inner_ts_ms == 0)
        return PriceUpdate(
            EXCHANGE,
            symbol,
            envelope_ts_ms if is_unset else bounds.frame_ts(inner_ts_ms, received_ts_ms, "price ts"),
            received_ts_ms,
            frame.seq,
            kind,
            bounded_decimal(data["p"], market.min_price, market.max_price, _PRICE_NAMES[kind]),
            frame.raw,
        )
    except _MAPPING_ERRORS as error:
        raise _malformed(frame.raw, f"{kind} price", error) from error


def instrument_from_market(market: MarketModel) -> Instrument:
    config = market.trading_config
    return Instrument(
        symbol=market.name,
        tick_size=config.min_price_change,
        step_size=config.min_order_size_change,
        min_order_size=config.min_order_size,
    )


def order_status_from_wire(status: str) -> OrderStatus:
    return _ORDER_STATUSES[status]


def reject_reason_from_wire(status_reason: str | None) -> RejectReason:
    """The domain's reason; anything unlisted (modes, TP/SL conflicts, liquidation) is OTHER."""
    if status_reason is None:
        return RejectReason.NONE
    return _REJECT_REASONS.get(status_reason, RejectReason.OTHER)


def open_order_from_wire(order: OpenOrderModel) -> OpenOrder:
    """An order from REST or the account stream. Orders without a price (TP/SL legs) do not fit."""
    if order.price is None:
        raise ValueError(f"order {order.id} has no price")
    return OpenOrder(
        client_order_id=order.external_id,
        exchange_order_id=str(order.id),
        symbol=order.market,
        side=_SIDES[str(order.side)],
        price=order.price,
        size=order.qty,
        filled_size=order.filled_qty or Decimal(0),
        status=order_status_from_wire(str(order.status)),
        created_ts_ms=order.created_time,
        updated_ts_ms=order.updated_time,
        reason=reject_reason_from_wire(None if order.status_reason is None else str(order.status_reason)),
    )


def fill_from_wire(trade: AccountTradeModel, client_order_id: str = "") -> Fill:
    """A fill of ours; the venue's fee is already positive when paid."""
    return Fill(
        fill_id=str(trade.id),
        exchange_order_id=str(trade.order_id),
        client_order_id=client_order_id,
        symbol=trade.market,
        side=_SIDES[str(trade.side)],
        price=trade.price,
        size=trade.qty,
        fee=trade.fee,
        is_taker=trade.is_taker,
        ts_ms=trade.created_time,
    )


def fill_event_from_trade(trade: AccountTradeModel, received_ts_ms: int) -> FillEvent:
    """A fill read back over REST (`/user/trades`), whose client order id the SDK's model drops.

    `raw` is the trade as the SDK parsed it, in the venue's field names, so the journal shows
    where the fill came from.
    """
    return FillEvent(fill_from_wire(trade), received_ts_ms, trade.model_dump_json(by_alias=True))


def position_from_wire(position: PositionModel) -> Position:
    """Signed size (SHORT negative); a CLOSED position is flat."""
    if str(position.status) == "CLOSED" or position.size == 0:
        return Position(
            symbol=position.market,
            size=Decimal(0),
            entry_price=None,
            ts_ms=position.updated_at,
            realised_pnl=position.realised_pnl,
        )
    sign = 1 if str(position.side) == "LONG" else -1
    return Position(
        symbol=position.market,
        size=sign * abs(position.size),
        entry_price=position.open_price,
        ts_ms=position.updated_at,
        unrealised_pnl=position.unrealised_pnl,
        realised_pnl=position.realised_pnl,
    )


def balance_from_wire(balance: BalanceModel) -> Balance:
    return Balance(equity=balance.equity, available_for_trade=balance.available_for_trade, ts_ms=balance.updated_time)


def account_events_from_frame(
    frame: StreamFrame, received_ts_ms: int, bounds: InboundBounds = DEFAULT_BOUNDS
) -> list[AccountEvent]:
    """Order updates, fills, position and balance changes of one account frame, in payload order.

    One value out of bounds makes the whole frame malformed: it is skipped, never half-applied.
    """
    try:
        bounds.frame_ts(frame.ts_ms, received_ts_ms, "frame ts")
        data = AccountStreamData.model_validate(frame.data if frame.data is not None else {})
        events: list[AccountEvent] = []
        for order in data.orders or ():
            checked = checked_order(open_order_from_wire(order), bounds, received_ts_ms)
            events.append(OrderUpdate(checked, received_ts_ms, frame.raw))
        for trade in data.trades or ():
            fill = checked_fill(fill_from_wire(trade, trade.external_order_id or ""), bounds, received_ts_ms)
            events.append(FillEvent(fill, received_ts_ms, frame.raw))
        for position in data.positions or ():
            held = checked_position(position_from_wire(position), bounds, received_ts_ms)
            events.append(PositionUpdate(held, received_ts_ms, frame.raw))
        if data.balance is not None:
            balance = checked_balance(balance_from_wire(data.balance), bounds, received_ts_ms)
            events.append(BalanceUpdate(balance, received_ts_ms, frame.raw))
        return events
    except _MAPPING_ERRORS as error:
        raise _malformed(frame.raw, f"account {frame.type}", error) from error
