from __future__ import annotations

import asyncio
import math

import pytest

from mm.adapters.clock import SimulatedClock
from tests.contract.clock.contract import ClockContract, PassTime

START_MS = 1_700_000_000_000


@pytest.mark.contract
class TestSimulatedClock(ClockContract):
    @pytest.fixture
    def clock(self) -> SimulatedClock:
        return SimulatedClock(START_MS)

    @pytest.fixture
    def pass_time(self, clock: SimulatedClock) -> PassTime:
        async def advance(seconds: float) -> None:
            await clock.run_until(clock.now_ms() + math.ceil(seconds * 1000))

        return advance

    # --- what only a simulated clock does --------------------------------------------------------

    def test_now_starts_at_the_given_time(self, clock: SimulatedClock) -> None:
        assert clock.now_ms() == START_MS

    def test_advance_to_sets_now(self, clock: SimulatedClock) -> None:
        clock.advance_to(START_MS + 250)
        assert clock.now_ms() == START_MS + 250

    def test_time_cannot_be_moved_backwards(self, clock: SimulatedClock) -> None:
        with pytest.raises(ValueError, match="backwards"):
            clock.advance_to(START_MS - 1)

    async def test_a_sleeper_stays_asleep_until_its_deadline(self, clock: SimulatedClock) -> None:
        sleeper = asyncio.create_task(clock.sleep(1))
        await asyncio.sleep(0)
        clock.advance_to(START_MS + 999)
        await asyncio.sleep(0)
        assert not sleeper.done()
        sleeper.cancel()

    async def test_advance_to_wakes_a_sleeper_whose_deadline_passed(self, clock: SimulatedClock) -> None:
        sleeper = asyncio.create_task(clock.sleep(1))
        await asyncio.sleep(0)
        clock.advance_to(START_MS + 5000)
        await asyncio.wait_for(sleeper, timeout=1)
        assert clock.now_ms() == START_MS + 5000

    async def test_run_until_lets_a_periodic_loop_see_each_of_its_deadlines(self, clock: SimulatedClock) -> None:
        seen_ms: list[int] = []

        async def every_second() -> None:
            while True:
                await clock.sleep(1)
                seen_ms.append(clock.now_ms() - START_MS)

        loop = asyncio.create_task(every_second())
        await asyncio.sleep(0)
        await clock.run_until(START_MS + 3500)
        loop.cancel()
        assert seen_ms == [1000, 2000, 3000]

    async def test_next_deadline_is_the_earliest_sleepers(self, clock: SimulatedClock) -> None:
        sleepers = [asyncio.create_task(clock.sleep(s)) for s in (2, 0.5)]
        await asyncio.sleep(0)
        assert clock.next_deadline_ms() == START_MS + 500
        for sleeper in sleepers:
            sleeper.cancel()

    def test_next_deadline_is_none_when_nobody_sleeps(self, clock: SimulatedClock) -> None:
        assert clock.next_deadline_ms() is None

    async def test_a_fraction_of_a_millisecond_rounds_the_deadline_up(self, clock: SimulatedClock) -> None:
        sleeper = asyncio.create_task(clock.sleep(0.0001))
        await asyncio.sleep(0)
        assert clock.next_deadline_ms() == START_MS + 1
        sleeper.cancel()

    async def test_a_sleep_that_advances_time_moves_now_by_its_duration(self) -> None:
        clock = SimulatedClock(START_MS, sleep_advances_time=True)
        await clock.sleep(1.5)
        assert clock.now_ms() == START_MS + 1500
