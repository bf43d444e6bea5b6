from __future__ import annotations

from decimal import Decimal

import pytest

from mm.adapters.sim.fill_models import QueuePositionFillModel
from mm.domain.orders import FillEvent, OrderStatus, OrderUpdate, PositionUpdate
from mm.domain.side import Side
from mm.ports.errors import InvalidRequest, OrderNotFound
from tests.unit.adapters.sim.venue import START_MS, exchange, request, statuses

NEW = (OrderStatus.NEW, "none")
CANCELLED = (OrderStatus.CANCELLED, "none")
FILLED = (OrderStatus.FILLED, "none")

# --- order entry -------------------------------------------------------------------------------------


def test_with_no_latency_an_order_rests_at_once() -> None:
    venue = exchange()
    venue.submit_place(request("b1", Side.BUY, "99.9"))
    assert [o.client_order_id for o in venue.open_orders()] == ["b1"]


def test_an_order_rests_only_after_the_order_latency() -> None:
    venue = exchange(latency_ms=30)
    venue.submit_place(request("b1", Side.BUY, "99.9"))
    venue.advance_to(START_MS + 29)
    assert venue.open_orders() == []


def test_an_order_rests_once_the_order_latency_has_passed() -> None:
    venue = exchange(latency_ms=30)
    venue.submit_place(request("b1", Side.BUY, "99.9"))
    venue.advance_to(START_MS + 30)
    assert venue.open_orders()[0].created_ts_ms == START_MS + 30


def test_market_data_arriving_after_the_latency_lets_the_order_arrive_first() -> None:
    venue = exchange(latency_ms=30)
    venue.submit_place(request("b1", Side.BUY, "100.0"))
    venue.on_trade(START_MS + 40, 100.0, 1.0, Side.SELL)
    assert statuses(venue.drain_events(), "b1") == [NEW, FILLED]


def test_a_crossing_post_only_order_is_rejected_by_an_event_not_an_exception() -> None:
    venue = exchange()
    venue.submit_place(request("b1", Side.BUY, "100.5"))
    assert statuses(venue.drain_events(), "b1") == [(OrderStatus.REJECTED, "post_only_would_cross")]


def test_the_crossing_check_uses_the_book_when_the_order_arrives() -> None:
    venue = exchange(latency_ms=30)
    venue.submit_place(request("b1", Side.BUY, "100.2"))
    venue.on_bbo(START_MS + 10, 99.8, 1.0, 100.2, 1.0)
    venue.advance_to(START_MS + 30)
    assert statuses(venue.drain_events(), "b1") == [(OrderStatus.REJECTED, "post_only_would_cross")]


@pytest.mark.parametrize(("price", "size"), [("99.95", "0.1"), ("99.9", "0.1005"), ("99.9", "0.005")])
def test_an_off_grid_or_too_small_order_raises_invalid_request(price: str, size: str) -> None:
    with pytest.raises(InvalidRequest):
        exchange().submit_place(request("b1", Side.BUY, price, size))


def test_an_order_for_another_market_raises_invalid_request() -> None:
    order = request("b1", Side.BUY, "99.9")
    with pytest.raises(InvalidRequest):
        exchange().submit_place(type(order)("b1", "BTC-USD", Side.BUY, order.price, order.size))


def test_a_non_post_only_order_raises_invalid_request() -> None:
    order = request("b1", Side.BUY, "99.9")
    with pytest.raises(InvalidRequest):
        exchange().submit_place(type(order)("b1", order.symbol, Side.BUY, order.price, order.size, post_only=False))


def test_a_retried_placement_returns_the_first_order() -> None:
    venue = exchange()
    first = venue.submit_place(request("b1", Side.BUY, "99.9"))
    assert venue.submit_place(request("b1", Side.BUY, "99.9")) == first


def test_a_retried_placement_creates_no_second_order() -> None:
    venue = exchange()
    venue.submit_place(request("b1", Side.BUY, "99.9"))
    venue.submit_place(request("b1", Side.BUY, "99.9"))
    assert len(venue.open_orders()) == 1


# --- replace and cancel ------------------------------------------------------------------------------


def test_a_replace_cancels_the_previous_order_as_replaced() -> None:
    venue = exchange()
    venue.submit_place(request("b1", Side.BUY, "99.9"))
    venue.submit_replace("b1", request("b2", Side.BUY, "99.8"))
    assert statuses(venue.drain_events(), "b1") == [NEW, (OrderStatus.CANCELLED, "replaced")]


def test_a_replace_leaves_only_the_new_order() -> None:
    venue = exchange()
    venue.submit_place(request("b1", Side.BUY, "99.9"))
    venue.submit_replace("b1", request("b2", Side.BUY, "99.8"))
    assert [(o.client_order_id, o.price) for o in venue.open_orders()] == [("b2", Decimal("99.8"))]


def test_a_replace_of_an_unknown_order_raises_order_not_found() -> None:
    with pytest.raises(OrderNotFound):
        exchange().submit_replace("nope", request("b2", Side.BUY, "99.8"))


def test_a_replace_arriving_after_its_order_filled_rejects_the_new_order() -> None:
    venue = exchange(latency_ms=30)
    venue.submit_place(request("b1", Side.BUY, "99.9"))
    venue.advance_to(START_MS + 30)
    venue.submit_replace("b1", request("b2", Side.BUY, "99.8"))
    venue.on_trade(START_MS + 40, 99.9, 1.0, Side.SELL)
    venue.advance_to(START_MS + 60)
    assert statuses(venue.drain_events(), "b2") == [(OrderStatus.REJECTED, "other")]


def test_a_cancel_removes_the_order() -> None:
    venue = exchange()
    venue.submit_place(request("b1", Side.BUY, "99.9"))
    venue.submit_cancel("ETH-USD", "b1")
    assert statuses(venue.drain_events(), "b1") == [NEW, CANCELLED]


def test_an_order_can_fill_while_its_cancel_is_on_the_way() -> None:
    venue = exchange(latency_ms=30)
    venue.submit_place(request("b1", Side.BUY, "99.9"))
    venue.advance_to(START_MS + 30)
    venue.submit_cancel("ETH-USD", "b1")
    venue.on_trade(START_MS + 45, 99.9, 1.0, Side.SELL)
    venue.advance_to(START_MS + 60)
    assert statuses(venue.drain_events(), "b1") == [NEW, FILLED]


def test_a_cancel_of_an_unknown_order_raises_order_not_found() -> None:
    with pytest.raises(OrderNotFound):
        exchange().submit_cancel("ETH-USD", "nope")


def test_cancel_all_cancels_both_sides() -> None:
    venue = exchange()
    venue.submit_place(request("b1", Side.BUY, "99.9"))
    venue.submit_place(request("a1", Side.SELL, "100.6"))
    venue.submit_cancel_all("ETH-USD")
    assert venue.open_orders() == []


# --- fills and the account ---------------------------------------------------------------------------


def test_a_fill_reports_fill_then_order_then_position() -> None:
    venue = exchange()
    venue.submit_place(request("b1", Side.BUY, "99.9"))
    venue.drain_events()
    venue.on_trade(START_MS + 5, 99.9, 1.0, Side.SELL)
    assert [type(event) for event in venue.drain_events()] == [FillEvent, OrderUpdate, PositionUpdate]


def test_a_fill_pays_the_maker_fee_on_its_notional() -> None:
    venue = exchange(maker_fee_rate=Decimal("0.0002"))
    venue.submit_place(request("b1", Side.BUY, "99.9", "0.5"))
    venue.on_trade(START_MS + 5, 99.9, 1.0, Side.SELL)
    fills = [event.fill for event in venue.drain_events() if isinstance(event, FillEvent)]
    assert (fills[0].price, fills[0].size, fills[0].fee, fills[0].is_taker) == (
        Decimal("99.9"),
        Decimal("0.500"),
        Decimal("0.00999000"),
        False,
    )


def test_the_position_averages_its_entry_price() -> None:
    venue = exchange()
    venue.submit_place(request("b1", Side.BUY, "99.9"))
    venue.submit_place(request("b2", Side.BUY, "99.7", "0.3"))
    venue.on_trade(START_MS + 5, 99.7, 1.0, Side.SELL)
    position = venue.position()
    assert (position.size, position.entry_price) == (Decimal("0.400"), Decimal("99.75"))


def test_a_round_trip_realises_its_pnl() -> None:
    venue = exchange()
    venue.submit_place(request("b1", Side.BUY, "99.9"))
    venue.on_trade(START_MS + 5, 99.9, 1.0, Side.SELL)
    venue.submit_place(request("a1", Side.SELL, "100.6"))
    venue.on_trade(START_MS + 9, 100.6, 1.0, Side.BUY)
    position = venue.position()
    assert (position.size, position.realised_pnl) == (Decimal(0), Decimal("0.0700"))


def test_a_queue_model_fill_waits_for_the_size_ahead_to_trade() -> None:
    venue = exchange(fill_model=QueuePositionFillModel())
    venue.submit_place(request("b1", Side.BUY, "100.0"))
    venue.on_trade(START_MS + 5, 100.0, 1.5, Side.SELL)
    venue.on_bbo(START_MS + 6, 100.0, 0.4, 100.5, 3.0)
    venue.on_trade(START_MS + 7, 100.0, 0.4, Side.SELL)
    assert statuses(venue.drain_events(), "b1") == [NEW]


def test_a_queue_model_fill_comes_once_a_step_trades_beyond_the_queue() -> None:
    venue = exchange(fill_model=QueuePositionFillModel())
    venue.submit_place(request("b1", Side.BUY, "100.0"))
    venue.on_bbo(START_MS + 6, 100.0, 0.4, 100.5, 3.0)
    venue.on_trade(START_MS + 7, 100.0, 0.401, Side.SELL)
    assert statuses(venue.drain_events(), "b1") == [NEW, FILLED]


def test_the_same_inputs_give_the_same_events() -> None:
    def run() -> list[object]:
        venue = exchange(latency_ms=7, fill_model=QueuePositionFillModel(partial_fills=True))
        for i in range(50):
            ts_ms = START_MS + 10 * i
            venue.advance_to(ts_ms)
            if i % 5 == 0:
                venue.submit_place(request(f"b{i}", Side.BUY, "100.0", "0.05"))
            venue.on_bbo(ts_ms, 100.0, 0.5 + (i % 3) * 0.1, 100.5, 1.0)
            venue.on_trade(ts_ms, 100.0, 0.03 * (i % 4), Side.SELL)
        return list(venue.drain_events())

    assert run() == run()


# --- the dead man's switch ---------------------------------------------------------------------------


def test_the_dead_mans_switch_cancels_every_order_when_its_countdown_runs_out() -> None:
    venue = exchange()
    venue.submit_place(request("b1", Side.BUY, "99.9"))
    venue.arm_dead_man_switch(5)
    venue.advance_to(START_MS + 5000)
    assert venue.open_orders() == []


def test_re_arming_the_dead_mans_switch_restarts_its_countdown() -> None:
    venue = exchange()
    venue.submit_place(request("b1", Side.BUY, "99.9"))
    venue.arm_dead_man_switch(5)
    venue.advance_to(START_MS + 4000)
    venue.arm_dead_man_switch(5)
    venue.advance_to(START_MS + 8000)
    assert len(venue.open_orders()) == 1


def test_a_zero_countdown_disarms_the_dead_mans_switch() -> None:
    venue = exchange()
    venue.submit_place(request("b1", Side.BUY, "99.9"))
    venue.arm_dead_man_switch(5)
    venue.arm_dead_man_switch(0)
    venue.advance_to(START_MS + 60_000)
    assert len(venue.open_orders()) == 1


def test_market_data_past_the_deadline_fires_the_dead_mans_switch_before_matching() -> None:
    venue = exchange()
    venue.submit_place(request("b1", Side.BUY, "99.9"))
    venue.arm_dead_man_switch(1)
    venue.on_trade(START_MS + 1000, 99.0, 1.0, Side.SELL)
    assert statuses(venue.drain_events(), "b1") == [NEW, CANCELLED]


def test_a_negative_countdown_raises_invalid_request() -> None:
    with pytest.raises(InvalidRequest):
        exchange().arm_dead_man_switch(-1)
