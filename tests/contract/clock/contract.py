"""What every `Clock` must do, whether time is real or simulated.

Subclasses provide `clock` and `pass_time`: an awaitable that makes `seconds` of this clock's time
go by (real clocks need nothing; a simulated one is advanced by it).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest

from mm.ports.clock import Clock

PassTime = Callable[[float], Awaitable[None]]


class ClockContract:
    """Subclasses provide `clock` and `pass_time` fixtures."""

    def test_now_is_a_non_negative_integer(self, clock: Clock) -> None:
        now_ms = clock.now_ms()
        assert isinstance(now_ms, int)
        assert now_ms >= 0

    def test_now_never_decreases_between_reads(self, clock: Clock) -> None:
        readings = [clock.now_ms() for _ in range(1000)]
        assert readings == sorted(readings)

    async def test_a_zero_sleep_returns(self, clock: Clock) -> None:
        await asyncio.wait_for(clock.sleep(0), timeout=1)

    async def test_a_negative_sleep_returns_at_once(self, clock: Clock) -> None:
        before_ms = clock.now_ms()
        await asyncio.wait_for(clock.sleep(-5), timeout=1)
        assert clock.now_ms() - before_ms < 1000

    async def test_a_sleep_lasts_at_least_its_duration(self, clock: Clock, pass_time: PassTime) -> None:
        before_ms = clock.now_ms()
        sleeper = asyncio.create_task(clock.sleep(0.02))
        await asyncio.sleep(0)
        await pass_time(0.02)
        await asyncio.wait_for(sleeper, timeout=1)
        assert clock.now_ms() - before_ms >= 20

    async def test_sleepers_wake_in_deadline_order(self, clock: Clock, pass_time: PassTime) -> None:
        woken: list[float] = []

        async def sleep_and_record(seconds: float) -> None:
            await clock.sleep(seconds)
            woken.append(seconds)

        sleepers = [asyncio.create_task(sleep_and_record(s)) for s in (0.03, 0.01, 0.02)]
        await asyncio.sleep(0)
        await pass_time(0.03)
        await asyncio.wait_for(asyncio.gather(*sleepers), timeout=1)
        assert woken == [0.01, 0.02, 0.03]

    async def test_a_cancelled_sleep_raises_cancelled_error(self, clock: Clock) -> None:
        sleeper = asyncio.create_task(clock.sleep(60))
        await asyncio.sleep(0)
        sleeper.cancel()
        with pytest.raises(asyncio.CancelledError):
            await sleeper

    async def test_cancelling_one_sleeper_leaves_another_to_wake(self, clock: Clock, pass_time: PassTime) -> None:
        cancelled = asyncio.create_task(clock.sleep(0.01))
        kept = asyncio.create_task(clock.sleep(0.02))
        await asyncio.sleep(0)
        cancelled.cancel()
        await pass_time(0.02)
        await asyncio.wait_for(kept, timeout=1)
        assert cancelled.cancelled()
