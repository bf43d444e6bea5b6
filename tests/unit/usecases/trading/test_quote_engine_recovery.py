"""Restart recovery: restore the saved state, reconcile with the venue, cancel what we do not own."""

from __future__ import annotations

from mm.domain.engine_commands import CancelOrder, PlaceOrder
from mm.domain.mode import Mode
from mm.domain.own_orders import OrderPhase
from mm.domain.side import Side
from mm.domain.strategy_snapshot import StrategySnapshot

from .engine_examples import START_MS, Driver, an_engine, open_order, order_commands, quoting_driver


def saved_by_a_running_engine() -> tuple[StrategySnapshot, list[str]]:
    """The state an engine quoting two orders saved, and its orders' client ids."""
    driver = quoting_driver()
    snapshot = driver.engine.state_snapshot(driver.now_ms)
    return snapshot, [order.client_order_id for order in driver.engine.orders]


def restarted(snapshot: StrategySnapshot, at_ms: int) -> Driver:
    driver = Driver(an_engine(), now_ms=at_ms)
    driver.engine.restore(snapshot, at_ms)
    return driver


def test_a_restart_from_a_normal_state_resumes_defensive() -> None:
    snapshot, _ = saved_by_a_running_engine()
    assert snapshot.mode is Mode.NORMAL
    driver = restarted(snapshot, snapshot.saved_ts_ms + 1_000)
    assert driver.engine.mode is Mode.DEFENSIVE


def test_the_calm_period_after_a_restart_counts_from_the_restart_not_across_the_downtime() -> None:
    snapshot, _ = saved_by_a_running_engine()
    restart_ms = snapshot.saved_ts_ms + 85_000
    driver = restarted(snapshot, restart_ms)
    assert driver.engine.mode_state.calm_since_ts_ms == restart_ms


def test_the_first_tick_after_a_long_downtime_stays_defensive() -> None:
    snapshot, _ = saved_by_a_running_engine()
    driver = restarted(snapshot, snapshot.saved_ts_ms + 85_000)
    driver.resync([])
    driver.book()
    assert driver.engine.mode is Mode.DEFENSIVE


def test_restored_orders_the_venue_still_holds_are_adopted_as_working() -> None:
    snapshot, owned = saved_by_a_running_engine()
    driver = restarted(snapshot, snapshot.saved_ts_ms + 1_000)
    driver.resync([open_order(owned[0], Side.BUY), open_order(owned[1], Side.SELL, "60010.0")])
    phases = {order.client_order_id: order.phase for order in driver.engine.orders}
    assert phases == {owned[0]: OrderPhase.WORKING, owned[1]: OrderPhase.WORKING}
    assert not any(order.is_foreign for order in driver.engine.orders)


def test_restored_orders_the_venue_no_longer_holds_are_dropped() -> None:
    snapshot, _ = saved_by_a_running_engine()
    driver = restarted(snapshot, snapshot.saved_ts_ms + 10_000)
    driver.resync([])
    assert driver.engine.orders.is_empty


def test_open_orders_we_do_not_own_the_plan_for_are_cancelled_on_the_first_tick() -> None:
    driver = Driver(an_engine())
    driver.resync([open_order("someone-else")])
    commands = order_commands(driver.book())
    assert commands == [CancelOrder("BTC-USD", "someone-else")]


def test_no_duplicate_order_is_placed_beside_an_adopted_one() -> None:
    snapshot, owned = saved_by_a_running_engine()
    driver = restarted(snapshot, snapshot.saved_ts_ms + 1_000)
    driver.resync([open_order(owned[0], Side.BUY), open_order(owned[1], Side.SELL, "60010.0")])
    commands = order_commands(driver.warm_up())
    assert not any(isinstance(c, PlaceOrder) for c in commands)


def test_client_order_ids_continue_after_a_restart() -> None:
    snapshot, owned = saved_by_a_running_engine()
    driver = restarted(snapshot, snapshot.saved_ts_ms + 10_000)
    driver.resync([])
    placed = [c.request.client_order_id for c in order_commands(driver.warm_up()) if isinstance(c, PlaceOrder)]
    assert set(placed).isdisjoint(owned)


def test_the_next_save_continues_the_restored_version() -> None:
    snapshot, _ = saved_by_a_running_engine()
    stored = StrategySnapshot(
        exchange=snapshot.exchange,
        symbol=snapshot.symbol,
        mode=snapshot.mode,
        params_version=snapshot.params_version,
        saved_ts_ms=snapshot.saved_ts_ms,
        version=7,
        mode_reasons=snapshot.mode_reasons,
        detail=snapshot.detail,
    )
    driver = restarted(stored, START_MS + 20_000)
    assert driver.engine.state_snapshot(driver.now_ms).version == 8


def test_the_position_comes_from_the_venue_on_reconcile() -> None:
    driver = Driver(an_engine())
    driver.resync([], position="-0.004")
    assert driver.engine.position == -0.004
