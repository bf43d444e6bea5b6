from __future__ import annotations

import time

import pytest

from mm.adapters.clock import SystemClock
from tests.contract.clock.contract import ClockContract, PassTime


@pytest.mark.contract
class TestSystemClock(ClockContract):
    @pytest.fixture
    def clock(self) -> SystemClock:
        return SystemClock()

    @pytest.fixture
    def pass_time(self) -> PassTime:
        async def real_time_passes_by_itself(seconds: float) -> None:
            return None

        return real_time_passes_by_itself

    def test_now_is_the_wall_clock_in_epoch_milliseconds(self, clock: SystemClock) -> None:
        assert abs(clock.now_ms() - time.time() * 1000) < 1000
