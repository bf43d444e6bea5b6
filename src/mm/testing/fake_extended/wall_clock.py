"""The fake server's default time source: real time, since its clients talk over real sockets.

A `Clock` adapter of its own so the fake runs standalone (demo, CLI); pass any other `Clock`
(e.g. `mm.adapters.clock.SystemClock`) to the server instead.
"""

from __future__ import annotations

import asyncio
import time


class WallClock:
    def now_ms(self) -> int:
        return time.time_ns() // 1_000_000

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)
