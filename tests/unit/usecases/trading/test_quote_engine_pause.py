"""PAUSE in the quote engine: cancel everything at once, re-send until the venue is flat, place nothing."""

from __future__ import annotations

from mm.domain.engine_commands import CancelAll, OrderCommand, PlaceOrder, ResyncAccount
from mm.domain.market_events import FeedGap, FeedIssueKind, FeedRecovered
from mm.domain.mode import Mode
from mm.domain.orders import AccountStreamGap, OrderStatus, RejectReason

from .engine_examples import SYMBOL, Driver, a_driver, order_commands, quoting_driver


def a_gap(driver: Driver, kind: FeedIssueKind = FeedIssueKind.SEQUENCE_GAP) -> FeedGap:
    return FeedGap("extended", SYMBOL, "bbo", kind, driver.now_ms - 50, driver.now_ms)


def paused(driver: Driver) -> list[OrderCommand]:
    """Open a feed gap now; returns the order commands it caused."""
    return order_commands(driver.engine.on_market_event(a_gap(driver), driver.now_ms))


def close_all_on_the_venue(driver: Driver) -> None:
    for order in list(driver.engine.orders):
        driver.report(order.client_order_id, OrderStatus.CANCELLED)


def test_a_feed_gap_pauses_at_once_with_one_cancel_all() -> None:
    driver = quoting_driver()
    assert paused(driver) == [CancelAll(SYMBOL)]
    assert driver.engine.mode is Mode.PAUSE


def test_a_disconnect_pauses_like_a_gap() -> None:
    driver = quoting_driver()
    gap = a_gap(driver, FeedIssueKind.DISCONNECTED)
    assert order_commands(driver.engine.on_market_event(gap, driver.now_ms)) == [CancelAll(SYMBOL)]


def test_stale_data_pauses_and_cancels_all() -> None:
    driver = quoting_driver(stale_after_ms=1_000)
    commands = order_commands(driver.advance(1_001))
    assert CancelAll(SYMBOL) in commands
    assert driver.engine.mode is Mode.PAUSE


def test_the_cancel_all_is_resent_until_the_venue_shows_nothing_open() -> None:
    driver = quoting_driver()
    paused(driver)
    resent = [c for c in order_commands(driver.advance(1_100)) if isinstance(c, CancelAll)]
    assert resent == [CancelAll(SYMBOL)]
    assert driver.engine.is_awaiting_flat


def test_the_venue_closing_every_order_confirms_flat_and_stops_the_resends() -> None:
    driver = quoting_driver()
    paused(driver)
    close_all_on_the_venue(driver)
    assert not driver.engine.is_awaiting_flat
    assert order_commands(driver.advance(3_000)) == []


def test_an_empty_rest_snapshot_after_the_cancel_all_confirms_flat() -> None:
    driver = quoting_driver(stale_after_ms=60_000)
    paused(driver)
    driver.advance(3_100)  # past the absence grace of the orders placed before
    driver.resync([])
    assert not driver.engine.is_awaiting_flat


def test_an_answered_cancel_all_asks_for_the_venue_s_open_orders() -> None:
    driver = quoting_driver()
    assert driver.engine.on_command_succeeded(CancelAll(SYMBOL)) == (ResyncAccount(SYMBOL),)


def test_an_answered_placement_asks_for_nothing_more() -> None:
    driver = a_driver()
    place = next(c for c in order_commands(driver.warm_up()) if isinstance(c, PlaceOrder))
    assert tuple(driver.engine.on_command_succeeded(place, "x-1")) == ()


def test_nothing_is_placed_while_paused() -> None:
    driver = quoting_driver()
    paused(driver)
    close_all_on_the_venue(driver)
    commands = order_commands(driver.book() + driver.book())
    assert not any(isinstance(c, PlaceOrder) for c in commands)


def test_an_order_appearing_during_pause_brings_a_new_cancel_all() -> None:
    driver = quoting_driver()
    paused(driver)
    close_all_on_the_venue(driver)
    assert order_commands(driver.report("stranger", OrderStatus.NEW)) == [CancelAll(SYMBOL)]


def test_a_recovered_feed_leaves_pause_for_defensive() -> None:
    driver = quoting_driver()
    paused(driver)
    close_all_on_the_venue(driver)
    recovered = FeedRecovered("extended", SYMBOL, "bbo", driver.now_ms - 50, driver.now_ms)
    driver.engine.on_market_event(recovered, driver.now_ms)
    assert driver.engine.mode is Mode.DEFENSIVE


def test_quoting_resumes_after_the_pause_once_the_venue_is_flat() -> None:
    driver = quoting_driver()
    paused(driver)
    close_all_on_the_venue(driver)
    recovered = FeedRecovered("extended", SYMBOL, "bbo", 0, driver.now_ms)
    commands = order_commands(driver.engine.on_market_event(recovered, driver.now_ms))
    assert sum(isinstance(c, PlaceOrder) for c in commands) == 2


def test_leaving_pause_places_nothing_until_the_cancel_all_is_confirmed() -> None:
    driver = quoting_driver()
    paused(driver)
    driver.engine.on_market_event(FeedRecovered("extended", SYMBOL, "bbo", 0, driver.now_ms), driver.now_ms)
    commands = order_commands(driver.book())
    assert not any(isinstance(c, PlaceOrder) for c in commands)


def test_an_account_stream_gap_pauses_until_a_rest_resync() -> None:
    driver = quoting_driver()
    commands = order_commands(driver.engine.on_account_event(AccountStreamGap(driver.now_ms), driver.now_ms))
    assert commands == [CancelAll(SYMBOL)]
    driver.advance(3_100)
    driver.resync([])
    driver.book()
    assert driver.engine.mode is Mode.DEFENSIVE


def test_a_burst_of_exchange_errors_pauses() -> None:
    driver = quoting_driver(error_burst_count=3)
    for client_order_id in [o.client_order_id for o in driver.engine.orders]:
        driver.report(client_order_id, OrderStatus.REJECTED, reason=RejectReason.INSUFFICIENT_MARGIN)
    driver.report("t-x", OrderStatus.REJECTED, reason=RejectReason.INSUFFICIENT_MARGIN)
    driver.report("t-y", OrderStatus.REJECTED, reason=RejectReason.INSUFFICIENT_MARGIN)
    assert CancelAll(SYMBOL) in order_commands(driver.book())
    assert driver.engine.mode is Mode.PAUSE


def test_a_forced_pause_cancels_all_and_stays() -> None:
    driver = quoting_driver()
    assert order_commands(driver.engine.force_pause("executor_failed", driver.now_ms)) == [CancelAll(SYMBOL)]
    close_all_on_the_venue(driver)
    driver.book()
    assert driver.engine.mode is Mode.PAUSE
