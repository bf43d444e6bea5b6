"""When a resting order of ours fills against recorded market data: pluggable fill models.

A model answers, per live order and market event, how many steps fill now (0: none). It keeps
per-order state (the queue ahead) on the order itself, so one model instance serves any number of
orders and exchanges. The exchange only asks when an event is near one of our prices.
"""

from __future__ import annotations

import math
from typing import Protocol

from mm.adapters.sim.sim_order import SimOrder
from mm.adapters.sim.top_of_book import TopOfBook

# Float queue sizes come from summing recorded decimals; this keeps 0.3 - 0.1 - 0.2 from missing a step.
_STEP_SLACK = 1e-9


class FillModel(Protocol):
    @property
    def tracks_queue(self) -> bool:
        """True if the model must see every best bid/offer at our price levels, not only crossings."""
        ...

    def on_order_live(self, order: SimOrder, book: TopOfBook) -> None:
        """Set up per-order state when the order reaches the book."""
        ...

    def fill_steps_on_bbo(self, order: SimOrder, book: TopOfBook) -> int:
        """Steps of `order` that fill after the best bid/offer became `book`."""
        ...

    def fill_steps_on_trade(self, order: SimOrder, trade_ticks: int, trade_sz: float, taker_is_buy: bool) -> int:
        """Steps of `order` that fill after a public trade (`taker_is_buy`: the aggressor bought)."""
        ...


def _is_crossed_by_book(order: SimOrder, book: TopOfBook) -> bool:
    """The opposite best reached our price: the market traded through our level."""
    if order.is_buy:
        return book.ask_ticks <= order.price_ticks
    return book.bid_ticks >= order.price_ticks


class TouchFillModel:
    """Optimistic bound: an order fills in full the moment the market touches its price.

    A bid fills when a trade prints at or below it (whichever side the aggressor was) or the best
    ask comes down to it; asks symmetrically. The same rule the fake Extended server replays by.
    """

    @property
    def tracks_queue(self) -> bool:
        return False

    def on_order_live(self, order: SimOrder, book: TopOfBook) -> None:
        return None

    def fill_steps_on_bbo(self, order: SimOrder, book: TopOfBook) -> int:
        return order.remaining_steps if _is_crossed_by_book(order, book) else 0

    def fill_steps_on_trade(self, order: SimOrder, trade_ticks: int, trade_sz: float, taker_is_buy: bool) -> int:
        touched = trade_ticks <= order.price_ticks if order.is_buy else trade_ticks >= order.price_ticks
        return order.remaining_steps if touched else 0


class QueuePositionFillModel:
    """Risk-averse queue position, after hftbacktest's `RiskAdverseQueueModel`.

    The order joins the back of the visible queue at its price: the queue ahead is the recorded
    size at that level when the order goes live, 0 when it improves the book, and unknown
    (infinite) when it sits behind the best, until its level becomes the best. Only trades at our
    price whose aggressor hits our side shrink the queue ahead; a shrinking visible level lowers it
    to at most the level's size (cancels are assumed to come from behind us). The order fills once
    at least one step has traded beyond the queue ahead, and in full when the opposite best or a
    trade goes through its price.

    With `partial_fills` False (the default, like hftbacktest's no-partial-fill exchange the
    benchmark compares against) a fill takes the whole remaining size; with True it takes only
    the steps traded beyond the queue.
    """

    def __init__(self, *, partial_fills: bool = False) -> None:
        self._partial_fills = partial_fills

    @property
    def tracks_queue(self) -> bool:
        return True

    def on_order_live(self, order: SimOrder, book: TopOfBook) -> None:
        best_ticks, best_sz = (book.bid_ticks, book.bid_sz) if order.is_buy else (book.ask_ticks, book.ask_sz)
        improves_book = order.price_ticks > best_ticks if order.is_buy else order.price_ticks < best_ticks
        if order.price_ticks == best_ticks:
            order.queue_ahead = best_sz
        elif improves_book:
            order.queue_ahead = 0.0
        else:
            order.queue_ahead = math.inf

    def fill_steps_on_bbo(self, order: SimOrder, book: TopOfBook) -> int:
        # Inlined per side: this runs on every best bid/offer while we sit at the touch.
        if order.is_buy:
            if book.ask_ticks <= order.price_ticks:
                return order.remaining_steps
            if book.bid_ticks == order.price_ticks and book.bid_sz < order.queue_ahead:
                order.queue_ahead = book.bid_sz
        else:
            if book.bid_ticks >= order.price_ticks:
                return order.remaining_steps
            if book.ask_ticks == order.price_ticks and book.ask_sz < order.queue_ahead:
                order.queue_ahead = book.ask_sz
        return 0

    def fill_steps_on_trade(self, order: SimOrder, trade_ticks: int, trade_sz: float, taker_is_buy: bool) -> int:
        if taker_is_buy == order.is_buy:
            return 0  # the aggressor took the other side of the book
        if trade_ticks != order.price_ticks:
            went_through = trade_ticks < order.price_ticks if order.is_buy else trade_ticks > order.price_ticks
            return order.remaining_steps if went_through else 0
        order.queue_ahead -= trade_sz
        if order.queue_ahead >= 0:  # also an unknown (infinite) queue: we are not reached yet
            return 0
        steps_beyond_queue = math.floor(-order.queue_ahead / order.step_size + _STEP_SLACK)
        if steps_beyond_queue <= 0:
            return 0
        order.queue_ahead = 0.0
        if self._partial_fills:
            return min(order.remaining_steps, steps_beyond_queue)
        return order.remaining_steps
