"""The live executor on in-memory adapters: quoting, PAUSE, SIGTERM, failures, restarts, the event log."""

from __future__ import annotations

from mm.ports.errors import StoreConflict

from .executor_harness import RunningExecutor, Venue, by_side, quoting


async def test_quotes_rest_on_both_sides_after_the_warm_up() -> None:
    venue = Venue()
    running = await quoting(venue)
    assert by_side(venue.open_orders()) == {"buy": 1, "sell": 1}
    await running.stopped()


async def test_a_feed_gap_leaves_no_order_resting() -> None:
    venue = Venue()
    running = await quoting(venue)
    running.gap()
    await running.move(10, with_book=False)
    assert venue.open_orders() == []
    await running.stopped()


async def test_stale_data_leaves_no_order_resting() -> None:
    venue = Venue()
    running = await quoting(venue)
    await running.move(3_200, with_book=False)
    assert venue.open_orders() == []
    await running.stopped()


async def test_a_pause_with_no_order_open_ends_once_the_venue_has_shown_it_is_flat() -> None:
    venue = Venue()
    running = RunningExecutor(venue)
    await running.start()
    await running.move(5_000)
    await running.move(3_200, with_book=False)  # stale before the first quote: PAUSE with nothing open
    await running.move(20_000)
    assert by_side(venue.open_orders()) == {"buy": 1, "sell": 1}
    await running.stopped()


async def test_sigterm_cancels_every_order_and_exits_cleanly() -> None:
    venue = Venue()
    running = await quoting(venue)
    assert await running.stopped() == 0
    assert venue.open_orders() == []


async def test_the_state_is_saved_on_shutdown() -> None:
    venue = Venue()
    running = await quoting(venue)
    stopped_at_ms = venue.clock.now_ms()
    await running.stopped()
    saved = await venue.store.load_latest("extended", "BTC-USD")
    assert saved is not None
    assert saved.saved_ts_ms >= stopped_at_ms
    assert saved.detail["orders"] == []


async def test_an_ended_feed_fails_the_run_and_cancels_everything() -> None:
    venue = Venue()
    running = await quoting(venue)
    running.feed.finish()
    assert await running.finished() == 1
    assert venue.open_orders() == []


async def test_a_state_store_conflict_fails_the_run_and_cancels_everything() -> None:
    venue = Venue()
    running = await quoting(venue)

    class ConflictingStore:
        async def save(self, snapshot: object) -> None:
            raise StoreConflict("another executor owns the market")

        async def load_latest(self, exchange: str, symbol: str) -> None:
            return None

    await running.stopped()
    second = RunningExecutor(venue, store=ConflictingStore())
    await second.start()
    await second.move(6_000, with_book=False)  # its first save, after 5 s, meets the conflict
    assert await second.finished() == 1
    assert venue.open_orders() == []


async def test_a_post_only_rejection_neither_crashes_nor_stalls_quoting() -> None:
    venue = Venue(order_latency_ms=50)
    running = await quoting(venue, params=_params(vol_multiplier=0.0))
    running.book(60_100.0, 60_101.0)  # the engine moves its quotes toward this book ...
    await running.settle()
    await venue.clock.run_until(venue.clock.now_ms() + 10)
    running.book(60_200.0, 60_201.0)  # ... which the book has left when they arrive: the ask crosses
    await running.move(2_000)
    assert running.metrics.value("executor_rejects_total", symbol="BTC-USD", reason="post_only_would_cross")
    assert by_side(venue.open_orders()) == {"buy": 1, "sell": 1}
    assert running.task is not None
    assert not running.task.done()
    await running.stopped()


async def test_the_dead_man_switch_cancels_everything_after_a_crash() -> None:
    venue = Venue()
    running = await quoting(venue, dead_man_switch_s=5)
    await running.crash()
    venue.exchange.advance_to(venue.clock.now_ms() + 5_000)
    assert venue.open_orders() == []


async def test_a_restart_keeps_one_order_per_side_and_none_orphaned() -> None:
    venue = Venue()
    first = await quoting(venue)
    await first.move(5_100)  # a state save with both orders
    await first.crash()
    second = await quoting(venue)
    resting = venue.open_orders()
    assert by_side(resting) == {"buy": 1, "sell": 1}
    assert {o.client_order_id for o in resting} <= {
        o.client_order_id for o in second.executor.engines["BTC-USD"].orders
    }
    await second.stopped()


async def test_a_restart_continues_the_saved_state_version() -> None:
    venue = Venue()
    first = await quoting(venue)
    await first.stopped()
    saved = await venue.store.load_latest("extended", "BTC-USD")
    second = await quoting(venue)
    await second.stopped()
    latest = await venue.store.load_latest("extended", "BTC-USD")
    assert saved is not None
    assert latest is not None
    assert latest.version > saved.version


async def test_order_events_and_decisions_reach_the_event_log() -> None:
    venue = Venue()
    running = await quoting(venue)
    await running.stopped()
    events = {entry.event.value for entry in running.journal_store.orders}
    assert {"place_sent", "accepted", "update"} <= events
    assert running.journal_store.decisions
    assert running.journal_store.market


def _params(**changes: float) -> object:
    from .executor_harness import HARNESS_PARAMS

    return HARNESS_PARAMS.with_changes(changes)


async def test_mode_quotes_orders_and_tick_latency_are_exported_as_metrics() -> None:
    venue = Venue()
    running = await quoting(venue)
    await running.move(600)  # a gauge refresh
    metrics = running.metrics
    assert metrics.value("executor_mode", symbol="BTC-USD") in (0.0, 1.0)
    assert (metrics.value("executor_quote_price", symbol="BTC-USD", side="buy") or 0) > 59_000
    assert metrics.value("executor_orders_sent_total", symbol="BTC-USD", kind="place") == 2
    assert (metrics.value("executor_tick_latency_seconds_count", symbol="BTC-USD", input="timer") or 0) > 0
    assert metrics.value("executor_inventory", symbol="BTC-USD") == 0
    await running.stopped()
