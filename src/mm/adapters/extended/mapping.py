"""Pure wire ↔ domain mapping for Extended: stream frames, SDK models and order requests.

No I/O and no clock: receive times come in as arguments. Anything that does not fit raises
`MalformedMessage` carrying the raw text, so a stream can count it, log it and move on.
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

from mm.adapters.extended.frames import StreamFrame
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


def _decimal(value: Any) -> Decimal:
    """An exact decimal from the venue's string (or integer) number; floats are refused."""
    if type(value) is str or type(value) is int:
        result = Decimal(value)
        if result.is_finite():
            return result
    raise ValueError(f"not a decimal string: {value!r}")


def _int(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise ValueError(f"not an integer: {value!r}")


def side_from_wire(side: str) -> Side:
    return _SIDES[side]


def side_to_wire(side: Side) -> OrderSide:
    return OrderSide.BUY if side is Side.BUY else OrderSide.SELL


# --- public market data ---------------------------------------------------------------------------


def bbo_from_frame(frame: StreamFrame, received_ts_ms: int) -> BestBidOffer:
    """Best bid/offer from a `depth=1` order-book frame; an empty side has price and size None."""
    try:
        data = frame.data
        bids, asks = data["b"], data["a"]
        bid = bids[0] if bids else None
        ask = asks[0] if asks else None
        return BestBidOffer(
            exchange=EXCHANGE,
            symbol=str(data["m"]),
            exchange_ts_ms=frame.ts_ms,
            received_ts_ms=received_ts_ms,
            seq=frame.seq,
            bid_px=_decimal(bid["p"]) if bid else None,
            bid_sz=_decimal(bid["q"]) if bid else None,
            ask_px=_decimal(ask["p"]) if ask else None,
            ask_sz=_decimal(ask["q"]) if ask else None,
            raw=frame.raw,
        )
    except _MAPPING_ERRORS as error:
        raise _malformed(frame.raw, "best bid/offer", error) from error


def public_trades_from_frame(frame: StreamFrame, received_ts_ms: int, *, is_replay: bool) -> list[PublicTrade]:
    """Prints of one trades frame, each at its own trade time; `is_replay` marks resent history."""
    try:
        return [
            PublicTrade(
                exchange=EXCHANGE,
                symbol=str(item["m"]),
                exchange_ts_ms=_int(item["T"]),
                received_ts_ms=received_ts_ms,
                seq=frame.seq,
                trade_id=str(_int(item["i"])),
                price=_decimal(item["p"]),
                size=_decimal(item["q"]),
                taker_side=_SIDES[item["S"]],
                kind=_TRADE_KINDS[item["tT"]],
                is_replay=is_replay,
                raw=frame.raw,
            )
            for item in frame.data
        ]
    except _MAPPING_ERRORS as error:
        raise _malformed(frame.raw, "public trades", error) from error


def price_from_frame(frame: StreamFrame, received_ts_ms: int, kind: PriceKind) -> PriceUpdate:
    """Mark or index price. Live frames carry an inner `ts` of 0: the envelope time stands in."""
    try:
        data = frame.data
        inner_ts_ms = data.get("ts")
        exchange_ts_ms = inner_ts_ms if isinstance(inner_ts_ms, int) and inner_ts_ms > 0 else frame.ts_ms
        return PriceUpdate(
            exchange=EXCHANGE,
            symbol=str(data["m"]),
            exchange_ts_ms=exchange_ts_ms,
            received_ts_ms=received_ts_ms,
            seq=frame.seq,
            kind=kind,
            price=_decimal(data["p"]),
            raw=frame.raw,
        )
    except _MAPPING_ERRORS as error:
        raise _malformed(frame.raw, f"{kind} price", error) from error


# --- markets, orders, account ---------------------------------------------------------------------


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


def account_events_from_frame(frame: StreamFrame, received_ts_ms: int) -> list[AccountEvent]:
    """Order updates, fills, position and balance changes of one account frame, in payload order."""
    try:
        data = AccountStreamData.model_validate(frame.data if frame.data is not None else {})
        events: list[AccountEvent] = []
        for order in data.orders or ():
            events.append(OrderUpdate(open_order_from_wire(order), received_ts_ms, frame.raw))
        for trade in data.trades or ():
            events.append(FillEvent(fill_from_wire(trade, trade.external_order_id or ""), received_ts_ms, frame.raw))
        for position in data.positions or ():
            events.append(PositionUpdate(position_from_wire(position), received_ts_ms, frame.raw))
        if data.balance is not None:
            events.append(BalanceUpdate(balance_from_wire(data.balance), received_ts_ms, frame.raw))
        return events

    except _MAPPING_ERRORS as error:
        raise _malformed(frame.raw, f"account {frame.type}", error) from error
