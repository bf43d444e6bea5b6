"""Hand-built orders and books for the fill-model tests: tick 0.1, step 0.001 (prices in ticks)."""

from __future__ import annotations

from mm.adapters.sim.sim_order import SimOrder
from mm.adapters.sim.top_of_book import TopOfBook
from mm.domain.side import Side

STEP_SIZE = 0.001


def bid(price_ticks: int, size_steps: int = 1000) -> SimOrder:
    return _order(Side.BUY, price_ticks, size_steps)


def ask(price_ticks: int, size_steps: int = 1000) -> SimOrder:
    return _order(Side.SELL, price_ticks, size_steps)


def _order(side: Side, price_ticks: int, size_steps: int) -> SimOrder:
    return SimOrder(
        client_order_id=f"{side.value}-{price_ticks}",
        exchange_order_id="sim-1",
        side=side,
        price_ticks=price_ticks,
        size_steps=size_steps,
        step_size=STEP_SIZE,
        created_ts_ms=0,
    )


def book(bid_ticks: int, bid_sz: float, ask_ticks: int, ask_sz: float) -> TopOfBook:
    return TopOfBook(bid_ticks, bid_sz, ask_ticks, ask_sz)
