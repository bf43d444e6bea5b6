"""The executor on the fake server when the venue's rate limit bites: PAUSE's cancels and the switch still get through.

One executor warms up once and serves both tests. Its REST budget is the venue's limit scaled down
(100 routine plus 60 reserved under the fake's 180 a minute, as the defaults 800 plus 150 are under
Extended's 1,000), and its quoting wants more than all of it: a book that moves every 100 ms.
"""

from __future__ import annotations

import asyncio
import itertools
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
import pytest_asyncio

from mm.adapters.clock import SystemClock
from mm.adapters.extended import (
    AccountStreamSettings,
    ExtendedAccountStream,
    ExtendedMarketDataFeed,
    ExtendedRestSession,
    ExtendedTradingGateway,
    RequestBudgetSettings,
    RestSettings,
)
from mm.adapters.observability.prometheus import PrometheusMetrics
from mm.adapters.postgres.engine import create_engine_for
from mm.adapters.postgres.strategy_state_store import PostgresStrategyStateStore
from mm.adapters.postgres.trading_journal import PostgresTradingJournal
from mm.testing.fake_extended import FakeExtendedServer, StreamKind
from mm.usecases.trading.engine_config import EngineConfig
from mm.usecases.trading.executor_metrics import ExecutorMetrics
from mm.usecases.trading.journal_writer import JournalWriter
from mm.usecases.trading.live_executor import ExecutorConfig, LiveExecutor

from .conftest import (
    FAST_STREAMS,
    QUOTING_PARAMS,
    SYMBOL,
    LiveMarket,
    credentials_of,
    endpoints_of,
    eventually,
    quotes_on_both_sides,
)

pytestmark = [pytest.mark.integration, pytest.mark.asyncio(loop_scope="module")]

VENUE_LIMIT_PER_MIN = 180
BUDGET = RequestBudgetSettings(max_requests=100, burst=10, reserved_requests=60, reserved_burst=10)
DEAD_MAN_SWITCH_S = 10
WARM_UP_S = 30.0
STORM_REQUESTS = 20  # all refused within ~5 s at this budget's pace: less than the switch's countdown
MASS_CANCEL = "POST /user/order/massCancel"
SWITCH = "POST /user/deadmanswitch"
ENGINE_RESEND_S = 1.0  # EngineConfig.cancel_all_resend_ms


class BusyMarket(LiveMarket):
    """A book whose top jumps 20 ticks every 100 ms: every quote is stale by the next tick."""

    async def _run(self) -> None:
        step = 0
        while True:
            if not self.is_paused:
                step += 1
                shift = 20 * (step % 2)
                self.server.market.apply_book([(self.bid + shift, "1.5")], [(self.ask + shift, "2")])
            await asyncio.sleep(0.1)


@dataclass
class Venue:
    server: FakeExtendedServer
    market: BusyMarket
    executor: LiveExecutor
    session: ExtendedRestSession


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def venue(database_url: str) -> AsyncIterator[Venue]:
    db = create_engine_for(database_url)
    async with FakeExtendedServer.start(rate_limit_per_min=VENUE_LIMIT_PER_MIN) as server:
        market = BusyMarket(server)
        market.start()
        clock, metrics = SystemClock(), PrometheusMetrics()
        session = ExtendedRestSession(
            endpoints_of(server), credentials_of(server), clock, metrics, RestSettings(budget=BUDGET)
        )
        exchange = f"it-{uuid.uuid4().hex[:8]}"
        executor_metrics = ExecutorMetrics(metrics)
        executor = LiveExecutor(
            config=ExecutorConfig(
                markets=(EngineConfig(exchange, SYMBOL, client_order_id_prefix=uuid.uuid4().hex[:6]),),
                dead_man_switch_s=DEAD_MAN_SWITCH_S,
                dead_man_refresh_s=3.0,
            ),
            params={SYMBOL: QUOTING_PARAMS},
            gateway=ExtendedTradingGateway(session),
            feed=ExtendedMarketDataFeed(endpoints_of(server), clock, metrics, settings=FAST_STREAMS),
            account=ExtendedAccountStream(session, AccountStreamSettings(resync_interval_s=5.0, stream=FAST_STREAMS)),
            state_store=PostgresStrategyStateStore(db),
            journal=JournalWriter(PostgresTradingJournal(db, exchange, "it"), clock, executor_metrics),
            clock=clock,
            metrics=executor_metrics,
            stopwatch_ns=time.perf_counter_ns,
        )
        stop = asyncio.Event()
        task = asyncio.get_running_loop().create_task(executor.run(stop))
        try:
            await eventually(lambda: quotes_on_both_sides(server), WARM_UP_S, "quotes on both sides")
            yield Venue(server, market, executor, session)
        finally:
            stop.set()
            await asyncio.wait_for(task, 30)
            await market.stop()
            await session.aclose()
            await db.dispose()


def accepted_ts_s(server: FakeExtendedServer, route: str, since_s: float) -> list[float]:
    return [
        e.ts_ms / 1000
        for e in server.requests.entries
        if e.route == route and e.status == 200 and e.ts_ms / 1000 >= since_s
    ]


def attempts_ts_s(server: FakeExtendedServer, route: str, since_s: float) -> list[float]:
    return [e.ts_ms / 1000 for e in server.requests.entries if e.route == route and e.ts_ms / 1000 >= since_s]


class BookWatch:
    """Samples the fake's resting orders every millisecond: when they were last seen."""

    def __init__(self, server: FakeExtendedServer) -> None:
        self.server = server
        self.last_seen_s: float | None = None
        self._task = asyncio.get_running_loop().create_task(self._sample())

    async def _sample(self) -> None:
        while True:
            if self.server.resting_orders(SYMBOL):
                self.last_seen_s = time.time()
            await asyncio.sleep(0.001)

    async def stop(self) -> None:
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)


async def pause_and_watch(venue: Venue, started_s: float, *, with_gap: bool = False) -> tuple[float, float | None]:
    """Freeze the book (after a sequence gap: PAUSE at once) until PAUSE has emptied it.

    Returns when the first cancel-all since `started_s` was accepted, and when an order was last seen resting.
    """
    watch = BookWatch(venue.server)
    if with_gap:
        venue.server.faults.skip_sequence(3, kind=StreamKind.BBO)
        await asyncio.sleep(0.15)  # the next frame carries the gap
    venue.market.is_paused = True
    try:
        await eventually(
            lambda: bool(accepted_ts_s(venue.server, MASS_CANCEL, started_s)), 20.0, "an accepted cancel-all"
        )
        await asyncio.sleep(1.0)
    finally:
        await watch.stop()
    return accepted_ts_s(venue.server, MASS_CANCEL, started_s)[0], watch.last_seen_s


async def resume_quoting(venue: Venue) -> None:
    venue.market.is_paused = False
    await eventually(lambda: quotes_on_both_sides(venue.server), 20.0, "quoting again")


async def test_with_quoting_over_the_limit_the_switch_never_lapses_and_pause_cancels_at_once_and_for_good(
    venue: Venue,
) -> None:
    server = venue.server
    started_s = time.time()
    await asyncio.sleep(10.0)  # quoting wants ~200 requests a minute; its budget allows 100
    paused_s = time.time()

    first_cancel_s, last_order_s = await pause_and_watch(venue, paused_s, with_gap=True)

    refreshes = accepted_ts_s(server, SWITCH, started_s)
    assert max(b - a for a, b in zip([started_s, *refreshes], refreshes, strict=False)) < DEAD_MAN_SWITCH_S
    assert server.dead_man_switch.expiry_count == 0
    assert first_cancel_s - paused_s < 0.5
    assert last_order_s is None or last_order_s <= first_cancel_s + 0.05
    await resume_quoting(venue)


async def test_in_a_storm_of_429s_cancel_all_goes_out_at_the_venues_pace_and_the_first_accepted_one_empties_the_book(
    venue: Venue,
) -> None:
    server = venue.server
    await resume_quoting(venue)
    server.faults.rate_limit_per_min = None
    started_s = time.time()
    server.faults.fail_next_requests(STORM_REQUESTS)

    first_cancel_s, last_order_s = await pause_and_watch(venue, started_s)

    attempts = attempts_ts_s(server, MASS_CANCEL, started_s)
    during_storm = [ts for ts in attempts if ts <= first_cancel_s]
    assert server.faults.pending_rest_failures == 0
    assert len(during_storm) >= 2, "the storm met cancel-alls, not only quoting"
    assert max(b - a for a, b in itertools.pairwise(during_storm)) <= ENGINE_RESEND_S + 0.3
    assert last_order_s is None or last_order_s <= first_cancel_s + 0.05
    assert server.dead_man_switch.expiry_count == 0
