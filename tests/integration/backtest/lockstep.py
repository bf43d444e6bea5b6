"""Replays recorded rows into the fake Extended server in lockstep with a live executor, on simulated time.

The server, the executor and its adapters share one `SimulatedClock`, so every frame the server
sends is stamped with the recorded time and the executor receives it at that time: the clock
follows the market events' timestamps. Before the rows of millisecond t go out, time moves to t
deadline by deadline (the executor's 10 ms timer task ticks exactly where it would); after they
went out, time stands still until the executor's engine has taken the millisecond's book row.
That is what makes the live run see the same events, in the same order, at the same times as a
backtest of the same rows.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Iterable, Iterator

from mm.adapters.clock import SimulatedClock
from mm.testing.fake_extended import FakeExtendedServer
from mm.testing.fake_extended.replay import RecordedBbo, RecordedEvent, RecordedTrade
from mm.usecases.trading.quote_engine import QuoteEngine

SETTLE_YIELDS = 16
ENGINE_WAIT_S = 10.0


async def settle() -> None:
    """Let every task woken so far run up to its next await."""
    for _ in range(SETTLE_YIELDS):
        await asyncio.sleep(0)


async def run_clock_to(clock: SimulatedClock, ts_ms: int) -> None:
    """Move time to `ts_ms`, stopping at every sleeper's deadline on the way so each wakes at its own time."""
    while (deadline_ms := clock.next_deadline_ms()) is not None and deadline_ms <= ts_ms:
        clock.advance_to(deadline_ms)
        await settle()
    clock.advance_to(ts_ms)
    await settle()


def by_millisecond(events: Iterable[RecordedEvent]) -> Iterator[tuple[int, list[RecordedEvent]]]:
    for ts_ms, group in itertools.groupby(events, key=lambda event: event.ts_ms):
        yield ts_ms, list(group)


async def engine_took(engine: QuoteEngine, ts_ms: int, row: RecordedBbo) -> None:
    """Wait (real time) until the engine's book is this row, received at `ts_ms`."""
    expected = (ts_ms, float(row.bid_px), float(row.bid_sz), float(row.ask_px), float(row.ask_sz))
    deadline = time.monotonic() + ENGINE_WAIT_S
    market = engine.market
    while (market.bbo_ts_ms, market.bid_px, market.bid_sz, market.ask_px, market.ask_sz) != expected:
        if time.monotonic() > deadline:
            raise AssertionError(f"the executor did not take the book row of {ts_ms} within {ENGINE_WAIT_S} s")
        await asyncio.sleep(0.0002)
    await settle()


async def replay_in_lockstep(
    server: FakeExtendedServer, clock: SimulatedClock, engine: QuoteEngine, events: Iterable[RecordedEvent]
) -> int:
    """Replay `events` (time-ordered) into the server's market; returns how many were replayed."""
    market = server.market
    replayed = 0
    for ts_ms, group in by_millisecond(events):
        await run_clock_to(clock, ts_ms)
        last_book: RecordedBbo | None = None
        for event in group:
            if isinstance(event, RecordedTrade):
                market.apply_trade(event.px, event.sz, event.side, ts_ms=ts_ms)
            else:
                market.apply_book([(event.bid_px, event.bid_sz)], [(event.ask_px, event.ask_sz)], ts_ms=ts_ms)
                last_book = event
        replayed += len(group)
        if last_book is not None:
            await engine_took(engine, ts_ms, last_book)
        else:
            await settle()
    return replayed
