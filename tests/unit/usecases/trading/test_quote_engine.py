"""The quote engine: quotes on both sides, following the book, throttled ticks, decisions, saves."""

from __future__ import annotations

from decimal import Decimal

from mm.domain.engine_commands import PlaceOrder, ReplaceOrder
from mm.domain.mode import Mode
from mm.domain.orders import Fill as VenueFill
from mm.domain.orders import FillEvent, Position, PositionUpdate
from mm.domain.side import Side
from mm.domain.strategy_snapshot import StrategySnapshot

from .engine_examples import (
    START_MS,
    SYMBOL,
    Driver,
    a_driver,
    an_engine,
    decisions,
    order_commands,
    quoting_driver,
    saves,
)


def test_no_order_goes_out_while_the_volatility_windows_warm_up() -> None:
    driver = a_driver()
    commands = driver.warm_up(duration_ms=9_000)
    assert order_commands(commands) == []
    assert "vol_warming_up" in decisions(commands)[-1].record.reasons


def test_a_warm_engine_places_one_order_per_side() -> None:
    commands = order_commands(a_driver().warm_up())
    assert sorted(type(c).__name__ + c.request.side for c in commands) == ["PlaceOrderbuy", "PlaceOrdersell"]  # type: ignore[union-attr]


def test_quotes_straddle_the_book() -> None:
    driver = quoting_driver()
    bid, ask = driver.engine.desired_quotes()
    assert bid is not None
    assert ask is not None
    assert bid.price < Decimal("60000.5") < ask.price


def test_a_missing_book_side_means_no_quote_and_resting_orders_are_cancelled() -> None:
    driver = quoting_driver()
    commands = driver.advance(100) + list(driver.engine.on_bbo_values(driver.now_ms + 100, 60_000.0, 1.0, None, None))
    assert driver.engine.desired_quotes() == (None, None)
    assert {type(c).__name__ for c in order_commands(commands)} == {"CancelOrder"}


def test_quotes_follow_the_book_with_one_replace_per_side() -> None:
    driver = quoting_driver(vol_multiplier=0.0)  # no widening from the jump itself
    commands = order_commands(driver.book(bid_px=60_100.0, ask_px=60_101.0))
    assert len(commands) == 2
    assert all(isinstance(c, ReplaceOrder) for c in commands)
    bid, _ = driver.engine.desired_quotes()
    assert bid is not None
    assert bid.price > Decimal(60_000)


def test_a_small_move_within_tolerance_sends_nothing() -> None:
    driver = quoting_driver()
    assert order_commands(driver.book(bid_px=60_000.1, ask_px=60_001.1)) == []


def test_a_long_position_lowers_both_quotes() -> None:
    flat = quoting_driver()
    long = quoting_driver()
    long.engine.on_account_event(
        PositionUpdate(Position(SYMBOL, Decimal("0.008"), None, long.now_ms), long.now_ms), long.now_ms
    )
    flat.book()
    long.book()
    (flat_bid, flat_ask), (long_bid, long_ask) = flat.engine.desired_quotes(), long.engine.desired_quotes()
    assert flat_bid
    assert flat_ask
    assert long_bid
    assert long_ask
    assert long_bid.price < flat_bid.price
    assert long_ask.price < flat_ask.price


def test_a_fill_moves_the_position_at_once() -> None:
    driver = quoting_driver()
    fill = VenueFill(
        "f1", "x1", "t-1", SYMBOL, Side.BUY, Decimal("59990"), Decimal("0.002"), Decimal(0), False, driver.now_ms + 1
    )
    driver.engine.on_account_event(FillEvent(fill, driver.now_ms), driver.now_ms)
    assert driver.engine.position == 0.002


def test_events_within_the_min_interval_wait_for_the_timer() -> None:
    driver = quoting_driver()
    first = driver.book(bid_px=60_100.0, ask_px=60_101.0, step_ms=100)
    driver.accept(first)
    held = driver.engine.on_bbo_values(driver.now_ms + 10, 60_200.0, 1.0, 60_201.0, 1.0)
    assert held == ()
    assert driver.engine.next_timer_ms() == driver.now_ms + 50
    later = order_commands(driver.engine.on_timer(driver.now_ms + 50))
    assert len(later) == 2


def test_without_events_the_engine_still_ticks_every_max_interval() -> None:
    driver = quoting_driver()
    due_ms = driver.engine.next_timer_ms()
    assert due_ms is not None
    assert due_ms - driver.now_ms <= driver.engine.params.max_tick_interval_ms


def test_an_old_order_is_refreshed_by_replace() -> None:
    driver = quoting_driver(refresh_interval_ms=1_000)
    commands = order_commands(driver.advance(1_100))
    assert len(commands) == 2
    assert all(isinstance(c, ReplaceOrder) for c in commands)


def test_a_decision_is_logged_when_it_changes_and_not_while_it_repeats() -> None:
    driver = quoting_driver()
    assert decisions(driver.book()) == []
    changed = decisions(driver.book(bid_px=60_100.0, ask_px=60_101.0))
    assert len(changed) == 1
    assert changed[0].record.bid_px is not None


def test_a_quiet_decision_is_still_logged_as_a_heartbeat() -> None:
    driver = quoting_driver()
    assert len(decisions(driver.advance(10_000))) >= 1


def test_the_state_is_saved_every_interval_one_version_above_the_last_save() -> None:
    driver = quoting_driver()
    persisted = saves(driver.advance(5_000))
    assert persisted
    snapshot = persisted[-1].snapshot
    assert isinstance(snapshot, StrategySnapshot)
    assert snapshot.version == driver.engine.saved_version + 1
    assert len(snapshot.detail["orders"]) == 2


def test_a_timer_call_that_sends_orders_leaves_the_state_save_to_the_next_call() -> None:
    driver = Driver(an_engine(stale_after_ms=60_000))  # saves every 5 s: at +5 s and +10 s of the warm-up
    driver.accept(driver.warm_up())
    engine, t0 = driver.engine, START_MS + 10_500
    assert not engine.on_bbo_values(t0 + 10, 60_050.0, 1.0, 60_051.0, 1.0)  # held by the throttle
    with_orders = engine.on_timer(START_MS + 15_000)  # the held tick and the save are both due
    assert (len(order_commands(with_orders)), saves(with_orders)) == (2, [])
    assert engine.next_timer_ms() == START_MS + 10_000 + 5_000  # the save is overdue: the next poll takes it
    assert len(saves(engine.on_timer(START_MS + 15_010))) == 1


def test_a_state_save_is_never_put_off_past_a_second_interval() -> None:
    driver = Driver(an_engine(stale_after_ms=60_000))
    driver.accept(driver.warm_up())
    engine = driver.engine
    engine.on_bbo_values(START_MS + 10_510, 60_050.0, 1.0, 60_051.0, 1.0)
    due = engine.on_timer(START_MS + 20_000)  # two intervals since the save at +10 s
    assert (len(order_commands(due)) > 0, len(saves(due))) == (True, 1)


def test_client_order_ids_carry_the_prefix_and_never_repeat() -> None:
    driver = a_driver()
    commands = order_commands(driver.warm_up())
    ids = [c.request.client_order_id for c in commands if isinstance(c, PlaceOrder)]
    assert ids == ["t-1", "t-2"]


def test_the_engine_starts_defensive() -> None:
    assert a_driver().engine.mode is Mode.DEFENSIVE
