"""The venue's dead man's switch: cancel all our orders unless it is refreshed within the countdown."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import Any

from mm.ports.clock import Clock


class DeadManSwitch:
    """Armed by `POST /user/deadmanswitch?countdownTime=N`; 0 disarms; each call restarts the countdown."""

    def __init__(self, clock: Clock, on_expiry: Callable[[], Any]) -> None:
        self._clock = clock
        self._on_expiry = on_expiry
        self._task: asyncio.Task[None] | None = None
        self.countdown_s = 0
        self.deadline_ms: int | None = None
        self.expiry_count = 0

    @property
    def is_armed(self) -> bool:
        return self._task is not None and not self._task.done()

    def arm(self, countdown_s: int) -> None:
        if countdown_s < 0:
            raise ValueError("countdown must not be negative")
        self.disarm()
        if countdown_s == 0:
            return
        self.countdown_s = countdown_s
        self.deadline_ms = self._clock.now_ms() + countdown_s * 1000
        self._task = asyncio.get_running_loop().create_task(self._count_down(countdown_s))

    def disarm(self) -> None:
        if self._task is not None:
            self._task.cancel()
        self._task = None
        self.countdown_s = 0
        self.deadline_ms = None

    async def _count_down(self, countdown_s: int) -> None:
        await self._clock.sleep(countdown_s)
        self.expiry_count += 1
        self.deadline_ms = None
        self._on_expiry()

    async def close(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
