"""Touch-fill rules: when a resting order of ours fills against the replayed market. Pure functions.

The recorded data has no queue positions, so a resting order fills in full the moment the market
touches it: a bid when a trade prints at or below it or the best ask comes down to it; asks
symmetrically. The same comparison decides whether a post-only order would cross on arrival.
"""

from __future__ import annotations

from decimal import Decimal

BUY = "BUY"
SELL = "SELL"


def would_cross(side: str, price: Decimal, best_bid: Decimal | None, best_ask: Decimal | None) -> bool:
    """True if a limit order at `price` would take liquidity from the current book."""
    if side == BUY:
        return best_ask is not None and price >= best_ask
    return best_bid is not None and price <= best_bid


def is_touched_by_book(side: str, price: Decimal, best_bid: Decimal | None, best_ask: Decimal | None) -> bool:
    """A resting order is touched when the opposite best reaches its price."""
    return would_cross(side, price, best_bid, best_ask)


def is_touched_by_trade(side: str, price: Decimal, trade_price: Decimal) -> bool:
    """A resting bid is touched by a print at or below it, an ask by a print at or above it."""
    if side == BUY:
        return trade_price <= price
    return trade_price >= price


def touch_fill_qty(remaining: Decimal, trade_qty: Decimal | None, *, is_full_fill: bool) -> Decimal:
    """Size filled on a touch: everything, or at most the touching trade's size when fills are capped."""
    if is_full_fill or trade_qty is None:
        return remaining
    return min(remaining, trade_qty)


def taker_price(side: str, best_bid: Decimal | None, best_ask: Decimal | None, limit: Decimal) -> Decimal:
    """Where a crossing (non-post-only) order executes: the opposite best, never worse than its limit."""
    if side == BUY:
        return min(limit, best_ask) if best_ask is not None else limit
    return max(limit, best_bid) if best_bid is not None else limit
