"""The inbound bounds applied to our account's orders, fills, positions and balances. Pure, no I/O.

Each check returns its value unchanged or raises `ValueError` naming the field, so one malformed
account frame is skipped whole rather than half-applied to the engine's view of the account.
"""

from __future__ import annotations

from decimal import Decimal

from mm.adapters.extended.inbound_bounds import InboundBounds, bounded_decimal
from mm.domain.orders import Balance, Fill, OpenOrder, Position

_ZERO = Decimal(0)


def checked_order(order: OpenOrder, bounds: InboundBounds, received_ts_ms: int) -> OpenOrder:
    market = bounds.market(order.symbol)
    bounded_decimal(order.price, market.min_price, market.max_price, "order price")
    bounded_decimal(order.size, market.min_size, market.max_size, "order size")
    bounded_decimal(order.filled_size, _ZERO, order.size, "order filled size")
    bounds.record_ts(order.created_ts_ms, received_ts_ms, "order created time")
    bounds.record_ts(order.updated_ts_ms, received_ts_ms, "order updated time")
    return order


def checked_fill(fill: Fill, bounds: InboundBounds, received_ts_ms: int) -> Fill:
    market = bounds.market(fill.symbol)
    bounded_decimal(fill.price, market.min_price, market.max_price, "fill price")
    bounded_decimal(fill.size, market.min_size, market.max_size, "fill size")
    bounds.amount(fill.fee, "fill fee")  # negative when a rebate is paid
    bounds.record_ts(fill.ts_ms, received_ts_ms, "fill time")
    return fill


def checked_position(position: Position, bounds: InboundBounds, received_ts_ms: int) -> Position:
    market = bounds.market(position.symbol)
    # Signed already (SHORT negative); a flat position has size 0 and no entry price.
    bounded_decimal(position.size, -market.max_size, market.max_size, "position size")
    if position.entry_price is not None:
        bounded_decimal(position.entry_price, market.min_price, market.max_price, "position entry price")
    if position.unrealised_pnl is not None:
        bounds.amount(position.unrealised_pnl, "position unrealised pnl")
    if position.realised_pnl is not None:
        bounds.amount(position.realised_pnl, "position realised pnl")
    bounds.record_ts(position.ts_ms, received_ts_ms, "position time")
    return position


def checked_balance(balance: Balance, bounds: InboundBounds, received_ts_ms: int) -> Balance:
    bounds.amount(balance.equity, "equity")  # negative equity is a real (and urgent) state
    bounds.amount(balance.available_for_trade, "available for trade")
    bounds.record_ts(balance.ts_ms, received_ts_ms, "balance time")
    return balance
