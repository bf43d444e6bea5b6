"""The executor quoting on the fake Extended server: follows the book, skews, survives rejections, PAUSEs.

One executor warms up once (its volatility windows need 10 s of data) and serves every test of
this module in turn; each test leaves it quoting on both sides again.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
import pytest_asyncio
from sqlalchemy import select

from mm.adapters.postgres.engine import create_engine_for
from mm.adapters.postgres.tables import ex_decision
from mm.testing.fake_extended import FakeExtendedServer, OrderStatus, StreamKind

from .conftest import (
    SYMBOL,
    InProcessExecutor,
    LiveMarket,
    eventually,
    quotes_on_both_sides,
    resting,
    resting_prices,
)

pytestmark = [pytest.mark.integration, pytest.mark.asyncio(loop_scope="module")]

WARM_UP_S = 25.0
REQUOTE_S = 8.0


@dataclass
class Session:
    server: FakeExtendedServer
    market: LiveMarket
    executor: InProcessExecutor


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def quoting(database_url: str) -> AsyncIterator[Session]:
    """A warmed-up executor quoting BTC-USD on a fake server whose book stays fresh."""
    engine = create_engine_for(database_url)
    async with FakeExtendedServer.start() as server:
        market = LiveMarket(server)
        market.start()
        executor = InProcessExecutor(server, engine)
        executor.start()
        try:
            await eventually(lambda: quotes_on_both_sides(server), WARM_UP_S, "quotes on both sides")
            yield Session(server, market, executor)
        finally:
            await executor.close()
            await market.stop()
            await engine.dispose()


async def back_to_quoting(session: Session) -> None:
    session.market.move_to(100_000, 100_001)
    await eventually(lambda: quotes_on_both_sides(session.server), REQUOTE_S, "quoting again on both sides")


class RestingMinimum:
    """Samples how many orders rest on the fake every millisecond; remembers the fewest."""

    def __init__(self, server: FakeExtendedServer) -> None:
        self.server = server
        self.fewest: int | None = None
        self.zero_at: float | None = None
        self._task = asyncio.get_running_loop().create_task(self._sample())

    async def _sample(self) -> None:
        while True:
            count = len(self.server.resting_orders(SYMBOL))
            self.fewest = count if self.fewest is None else min(self.fewest, count)
            if count == 0 and self.zero_at is None:
                self.zero_at = time.monotonic()
            await asyncio.sleep(0.001)

    async def stop(self) -> None:
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)


async def test_quotes_appear_on_both_sides_of_the_book(quoting: Session) -> None:
    bid, ask = resting_prices(quoting.server)
    assert bid < 100_000
    assert ask > 100_001


async def test_quotes_follow_the_book(quoting: Session) -> None:
    bid_before, ask_before = resting_prices(quoting.server)
    quoting.market.move_to(100_200, 100_201)

    def moved_up() -> bool:
        if not quotes_on_both_sides(quoting.server):
            return False
        bid, ask = resting_prices(quoting.server)
        return bid > bid_before + 100 and ask > ask_before + 100

    await eventually(moved_up, REQUOTE_S, "both quotes 200 higher")
    await back_to_quoting(quoting)


async def test_inventory_skew_moves_the_quotes_against_the_position(quoting: Session) -> None:
    await back_to_quoting(quoting)
    await eventually(lambda: resting_prices(quoting.server)[1] > 100_001, REQUOTE_S, "settled quotes")
    bid_before, ask_before = resting_prices(quoting.server)
    position_before = quoting.server.position_size(SYMBOL)
    quoting.server.market.apply_trade(bid_before, "0.001", "SELL")  # a seller hits our bid: we are longer
    await eventually(lambda: quoting.server.position_size(SYMBOL) > position_before, REQUOTE_S, "the bid filled")

    def skewed_down() -> bool:
        if not quotes_on_both_sides(quoting.server):
            return False
        bid, ask = resting_prices(quoting.server)
        return bid < bid_before and ask < ask_before

    await eventually(skewed_down, REQUOTE_S, "both quotes lower with the book unchanged")


async def test_a_post_only_rejection_neither_crashes_nor_stalls_the_loop(quoting: Session) -> None:
    await back_to_quoting(quoting)
    server, market = quoting.server, quoting.market

    def post_only_rejections() -> int:
        return sum(
            1 for o in server.orders() if o.status is OrderStatus.REJECTED and o.status_reason == "POST_ONLY_FAILED"
        )

    for _attempt in range(5):
        market.is_paused = True
        await asyncio.sleep(0.3)
        # The engine quotes from the lower book; by the time its orders arrive, the book is back up
        # and the new, lower ask crosses it.
        server.market.apply_book([(99_950, "1")], [(99_960, "1")])
        server.market.apply_book([(100_000, "1")], [(100_001, "1")])
        market.is_paused = False
        await asyncio.sleep(0.5)
        if post_only_rejections():
            break
    assert post_only_rejections() >= 1
    assert quoting.executor.task is not None
    assert not quoting.executor.task.done()
    await back_to_quoting(quoting)


@pytest.mark.parametrize(
    "fault",
    ["stale data", "sequence gap", "disconnect"],
)
async def test_a_data_fault_pauses_and_the_venue_shows_no_resting_order(quoting: Session, fault: str) -> None:
    await back_to_quoting(quoting)
    server = quoting.server
    sampler = RestingMinimum(server)
    started = time.monotonic()
    try:
        if fault == "stale data":
            server.faults.stall_streams(StreamKind.BBO)
        elif fault == "sequence gap":
            server.faults.skip_sequence(3, kind=StreamKind.BBO)
        else:
            server.faults.drop_streams(StreamKind.BBO)
        await eventually(lambda: sampler.zero_at is not None, 4.0, f"no resting order after the {fault}")
    finally:
        server.faults.resume_streams(StreamKind.BBO)
        await sampler.stop()
    assert sampler.zero_at is not None
    assert sampler.zero_at - started < 4.0
    await back_to_quoting(quoting)


async def pause_reasons_logged(database_url: str, exchange: str) -> set[str]:
    engine = create_engine_for(database_url)
    try:
        async with engine.connect() as conn:
            query = select(ex_decision.c.reasons).where(
                ex_decision.c.exchange == exchange, ex_decision.c.mode == "PAUSE"
            )
            rows = (await conn.execute(query)).all()
    finally:
        await engine.dispose()
    return {reason for (row,) in rows for reason in row}


async def test_every_pause_is_in_the_decision_log(quoting: Session, database_url: str) -> None:
    wanted = {"stale_book", "feed_gap"}
    deadline = time.monotonic() + 5.0  # the log is written in batches, a few times a second
    reasons = await pause_reasons_logged(database_url, quoting.executor.exchange)
    while not wanted <= reasons and time.monotonic() < deadline:
        await asyncio.sleep(0.25)
        reasons = await pause_reasons_logged(database_url, quoting.executor.exchange)
    assert wanted <= reasons


async def test_the_executor_is_still_running_after_every_fault(quoting: Session) -> None:
    assert quoting.executor.task is not None
    assert not quoting.executor.task.done()
    assert resting(quoting.server)["BUY"]
