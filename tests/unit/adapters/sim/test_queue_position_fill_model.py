from __future__ import annotations

import math

from mm.adapters.sim.fill_models import QueuePositionFillModel
from mm.adapters.sim.sim_order import SimOrder
from tests.unit.adapters.sim.orders import ask, bid, book

model = QueuePositionFillModel()


def live(
    order: SimOrder, bid_ticks: int = 1000, bid_sz: float = 2.0, ask_ticks: int = 1001, ask_sz: float = 3.0
) -> SimOrder:
    model.on_order_live(order, book(bid_ticks, bid_sz, ask_ticks, ask_sz))
    return order


# --- joining the queue -------------------------------------------------------------------------------


def test_a_bid_joining_the_best_bid_has_the_levels_size_ahead() -> None:
    assert live(bid(1000)).queue_ahead == 2.0


def test_an_ask_joining_the_best_ask_has_the_levels_size_ahead() -> None:
    assert live(ask(1001)).queue_ahead == 3.0


def test_a_bid_improving_the_book_has_nothing_ahead() -> None:
    assert live(bid(1000), bid_ticks=999).queue_ahead == 0.0


def test_a_bid_behind_the_best_has_an_unknown_queue_ahead() -> None:
    assert live(bid(998)).queue_ahead == math.inf


# --- trades at our price -----------------------------------------------------------------------------


def test_a_sell_trade_at_our_bid_shortens_the_queue_ahead() -> None:
    order = live(bid(1000))
    model.fill_steps_on_trade(order, 1000, 0.5, taker_is_buy=False)
    assert order.queue_ahead == 1.5


def test_a_bid_does_not_fill_until_the_size_ahead_has_traded() -> None:
    order = live(bid(1000))
    assert model.fill_steps_on_trade(order, 1000, 2.0, taker_is_buy=False) == 0


def test_a_bid_fills_in_full_once_a_step_trades_beyond_the_queue() -> None:
    order = live(bid(1000))
    model.fill_steps_on_trade(order, 1000, 1.5, taker_is_buy=False)
    assert model.fill_steps_on_trade(order, 1000, 0.501, taker_is_buy=False) == 1000


def test_with_partial_fills_only_the_steps_beyond_the_queue_fill() -> None:
    partial = QueuePositionFillModel(partial_fills=True)
    order = bid(1000)
    partial.on_order_live(order, book(1000, 2.0, 1001, 3.0))
    assert partial.fill_steps_on_trade(order, 1000, 2.25, taker_is_buy=False) == 250


def test_after_a_partial_fill_the_rest_of_the_order_is_first_in_the_queue() -> None:
    partial = QueuePositionFillModel(partial_fills=True)
    order = bid(1000)
    partial.on_order_live(order, book(1000, 2.0, 1001, 3.0))
    partial.fill_steps_on_trade(order, 1000, 2.25, taker_is_buy=False)
    assert order.queue_ahead == 0.0


def test_a_buy_aggressor_printing_at_our_bid_does_not_move_the_queue() -> None:
    order = live(bid(1000))
    model.fill_steps_on_trade(order, 1000, 5.0, taker_is_buy=True)
    assert order.queue_ahead == 2.0


def test_a_buy_trade_at_our_ask_fills_it_once_the_queue_ahead_has_traded() -> None:
    order = live(ask(1001))
    assert model.fill_steps_on_trade(order, 1001, 3.001, taker_is_buy=True) == 1000


def test_a_trade_at_an_unknown_queue_does_not_fill() -> None:
    order = live(bid(998))
    assert model.fill_steps_on_trade(order, 998, 100.0, taker_is_buy=False) == 0


# --- trades and books through our price ------------------------------------------------------------


def test_a_sell_trade_below_our_bid_fills_it_in_full_whatever_the_queue() -> None:
    order = live(bid(1000))
    assert model.fill_steps_on_trade(order, 999, 0.001, taker_is_buy=False) == 1000


def test_a_buy_trade_above_our_ask_fills_it_in_full() -> None:
    order = live(ask(1001))
    assert model.fill_steps_on_trade(order, 1002, 0.001, taker_is_buy=True) == 1000


def test_the_best_ask_reaching_our_bid_fills_it_in_full() -> None:
    order = live(bid(1000))
    assert model.fill_steps_on_bbo(order, book(999, 1.0, 1000, 1.0)) == 1000


# --- the visible level moving ------------------------------------------------------------------------


def test_a_shrinking_level_lowers_the_queue_ahead_to_its_size() -> None:
    order = live(bid(1000))
    model.fill_steps_on_bbo(order, book(1000, 0.7, 1001, 3.0))
    assert order.queue_ahead == 0.7


def test_a_growing_level_does_not_push_us_back() -> None:
    order = live(bid(1000))
    model.fill_steps_on_bbo(order, book(1000, 9.0, 1001, 3.0))
    assert order.queue_ahead == 2.0


def test_the_best_moving_away_from_our_level_leaves_the_queue_alone() -> None:
    order = live(bid(1000))
    model.fill_steps_on_bbo(order, book(999, 0.1, 1001, 3.0))
    assert order.queue_ahead == 2.0


def test_a_bid_behind_the_best_takes_its_levels_size_once_that_level_is_the_best() -> None:
    order = live(bid(998))
    model.fill_steps_on_bbo(order, book(998, 4.0, 1001, 3.0))
    assert order.queue_ahead == 4.0


def test_a_level_change_alone_never_fills() -> None:
    order = live(bid(1000))
    assert model.fill_steps_on_bbo(order, book(1000, 0.0, 1001, 3.0)) == 0
