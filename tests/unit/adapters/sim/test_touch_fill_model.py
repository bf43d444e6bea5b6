from __future__ import annotations

from mm.adapters.sim.fill_models import TouchFillModel
from tests.unit.adapters.sim.orders import ask, bid, book

model = TouchFillModel()


def test_a_bid_fills_in_full_when_the_best_ask_comes_down_to_it() -> None:
    assert model.fill_steps_on_bbo(bid(1000), book(999, 5.0, 1000, 5.0)) == 1000


def test_a_bid_does_not_fill_while_the_best_ask_stays_above_it() -> None:
    assert model.fill_steps_on_bbo(bid(1000), book(1000, 5.0, 1001, 5.0)) == 0


def test_a_bid_fills_when_a_trade_prints_at_its_price() -> None:
    assert model.fill_steps_on_trade(bid(1000), 1000, 0.001, taker_is_buy=False) == 1000


def test_a_bid_fills_when_a_trade_prints_below_it_whoever_aggressed() -> None:
    assert model.fill_steps_on_trade(bid(1000), 999, 0.001, taker_is_buy=True) == 1000


def test_a_bid_does_not_fill_on_a_trade_above_it() -> None:
    assert model.fill_steps_on_trade(bid(1000), 1001, 5.0, taker_is_buy=False) == 0


def test_an_ask_fills_when_the_best_bid_rises_to_it() -> None:
    assert model.fill_steps_on_bbo(ask(1000), book(1000, 5.0, 1001, 5.0)) == 1000


def test_an_ask_fills_when_a_trade_prints_at_or_above_it() -> None:
    assert model.fill_steps_on_trade(ask(1000), 1001, 0.001, taker_is_buy=True) == 1000


def test_an_ask_does_not_fill_on_a_trade_below_it() -> None:
    assert model.fill_steps_on_trade(ask(1000), 999, 5.0, taker_is_buy=True) == 0


def test_a_partly_filled_order_fills_only_what_remains() -> None:
    order = bid(1000, size_steps=10)
    order.filled_steps = 4
    assert model.fill_steps_on_trade(order, 1000, 5.0, taker_is_buy=False) == 6


def test_an_order_going_live_gets_no_queue_position() -> None:
    order = bid(1000)
    model.on_order_live(order, book(1000, 5.0, 1001, 5.0))
    assert order.queue_ahead == 0.0
