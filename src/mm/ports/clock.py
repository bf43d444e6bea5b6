"""The time source. Nothing outside clock adapters reads the wall clock or sleeps."""

from __future__ import annotations

from typing import Protocol


class Clock(Protocol):
    def now_ms(self) -> int:
        """Current time in epoch milliseconds, UTC."""
        ...

    async def sleep(self, seconds: float) -> None:
        """Wait; a simulated clock advances instead of waiting."""
        ...
