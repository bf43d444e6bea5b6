"""The venue's answers to the engine's requests: rejections, timeouts, refusals never stall quoting."""

from __future__ import annotations

from mm.domain.engine_commands import CancelOrder, PlaceOrder, ReplaceOrder
from mm.domain.mode import Mode
from mm.domain.order_outcomes import RequestFailure
from mm.domain.orders import OrderStatus, RejectReason
from mm.domain.own_orders import OrderPhase

from .engine_examples import Driver, a_driver, order_commands, quoting_driver


def placed_by_warm_up() -> tuple[Driver, list[PlaceOrder]]:
    driver = a_driver()
    places = [c for c in order_commands(driver.warm_up()) if isinstance(c, PlaceOrder)]
    return driver, places


def test_a_post_only_rejection_on_the_stream_is_requoted_on_the_next_tick() -> None:
    driver = quoting_driver()
    bid = next(o for o in driver.engine.orders if o.side.value == "buy")
    driver.report(bid.client_order_id, OrderStatus.REJECTED, reason=RejectReason.POST_ONLY_WOULD_CROSS)
    commands = order_commands(driver.book())
    assert [type(c) for c in commands] == [PlaceOrder]


def test_a_post_only_rejection_of_the_request_is_requoted_on_the_next_tick() -> None:
    driver, places = placed_by_warm_up()
    driver.engine.on_command_failed(places[0], RequestFailure.POST_ONLY_WOULD_CROSS, driver.now_ms)
    assert [type(c) for c in order_commands(driver.book())] == [PlaceOrder]


def test_a_post_only_rejection_is_not_an_exchange_error() -> None:
    driver = quoting_driver(error_burst_count=1)
    bid = next(iter(driver.engine.orders))
    driver.report(bid.client_order_id, OrderStatus.REJECTED, reason=RejectReason.POST_ONLY_WOULD_CROSS)
    driver.book()
    assert driver.engine.mode.value != "PAUSE"


def test_a_timed_out_placement_is_unknown_and_cancelled_rather_than_duplicated() -> None:
    driver = a_driver()
    places = [c for c in order_commands(driver.warm_up()) if isinstance(c, PlaceOrder)]
    driver.engine.on_command_failed(places[0], RequestFailure.UNKNOWN, driver.now_ms)
    order = driver.engine.orders.get(places[0].request.client_order_id)
    assert order is not None
    assert order.phase is OrderPhase.UNKNOWN
    commands = order_commands(driver.book())
    assert CancelOrder("BTC-USD", places[0].request.client_order_id) in commands
    assert not any(isinstance(c, PlaceOrder) and c.request.side is places[0].request.side for c in commands)


def test_a_cancel_answered_not_found_forgets_the_order() -> None:
    driver = a_driver()
    places = [c for c in order_commands(driver.warm_up()) if isinstance(c, PlaceOrder)]
    driver.engine.on_command_failed(places[0], RequestFailure.UNKNOWN, driver.now_ms)
    cancel = CancelOrder("BTC-USD", places[0].request.client_order_id)
    driver.engine.on_command_failed(cancel, RequestFailure.NOT_FOUND, driver.now_ms)
    assert places[0].request.client_order_id not in driver.engine.orders


def test_a_refused_replace_leaves_the_old_order_working() -> None:
    driver = quoting_driver(vol_multiplier=0.0)
    replace = next(c for c in order_commands(driver.book(60_100.0, 60_101.0)) if isinstance(c, ReplaceOrder))
    driver.engine.on_command_failed(replace, RequestFailure.REFUSED, driver.now_ms)
    old = driver.engine.orders.get(replace.previous_client_order_id)
    assert old is not None
    assert old.phase is OrderPhase.WORKING
    assert replace.request.client_order_id not in driver.engine.orders


def test_a_replace_of_a_vanished_order_forgets_both() -> None:
    driver = quoting_driver(vol_multiplier=0.0)
    replace = next(c for c in order_commands(driver.book(60_100.0, 60_101.0)) if isinstance(c, ReplaceOrder))
    driver.engine.on_command_failed(replace, RequestFailure.NOT_FOUND, driver.now_ms)
    assert replace.previous_client_order_id not in driver.engine.orders
    assert replace.request.client_order_id not in driver.engine.orders


def test_a_burst_of_refusals_pauses() -> None:
    driver = a_driver(error_burst_count=2)
    places = [c for c in order_commands(driver.warm_up()) if isinstance(c, PlaceOrder)]
    for place in places:
        driver.engine.on_command_failed(place, RequestFailure.REFUSED, driver.now_ms)
    driver.book()
    assert driver.engine.mode is Mode.PAUSE


def test_a_replace_that_finds_its_order_gone_is_not_an_exchange_error() -> None:
    """A fill racing a replace is ordinary market making: it must not pause quoting nor count against a proposal."""
    driver = quoting_driver(error_burst_count=1, vol_multiplier=0.0)
    replace = next(c for c in order_commands(driver.book(60_100.0, 60_101.0)) if isinstance(c, ReplaceOrder))
    driver.engine.on_command_failed(replace, RequestFailure.NOT_FOUND, driver.now_ms)
    driver.book(60_100.0, 60_101.0)
    assert driver.engine.mode is not Mode.PAUSE
    assert driver.engine.operational_facts(driver.now_ms).exchange_error_count == 0
