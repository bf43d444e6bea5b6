"""`MarketDataFeed` from a script: the events a test or notebook lists, then more pushed live.

Like the real feed, `aclose()` lets the events already queued through before the iterator ends, and one
instance serves one running `events()` iteration at a time.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable, Sequence

from mm.domain.market_events import MarketEvent


class _End:
    """Marks the end of the script in the queue."""


class ScriptedMarketDataFeed:
    """Yields `script`, then whatever `push()` adds, until `finish()` or `aclose()`.

    With `hold_open=False` the feed ends after the script, like a venue that closed the stream.
    Events of markets not asked for in `events(symbols)` are skipped, as a venue would not send them.
    """

    def __init__(self, script: Iterable[MarketEvent] = (), *, hold_open: bool = True) -> None:
        self._queue: asyncio.Queue[MarketEvent | _End] = asyncio.Queue()
        for event in script:
            self._queue.put_nowait(event)
        if not hold_open:
            self._queue.put_nowait(_End())
        self._is_closed = False
        self._is_iterating = False
        self.delivered = 0

    def push(self, event: MarketEvent) -> None:
        if self._is_closed:
            raise RuntimeError("the scripted feed is closed")
        self._queue.put_nowait(event)

    def finish(self) -> None:
        """End the feed after the events queued so far."""
        if not self._is_closed:
            self._is_closed = True
            self._queue.put_nowait(_End())

    async def events(self, symbols: Sequence[str]) -> AsyncIterator[MarketEvent]:
        if self._is_iterating:
            # Two readers would split one queue between them, each seeing part of the market.
            raise RuntimeError("events() is already running on this feed")
        self._is_iterating = True
        wanted = set(symbols)
        try:
            while True:
                event = await self._queue.get()
                if isinstance(event, _End):
                    return
                if event.symbol in wanted:
                    self.delivered += 1
                    yield event
        finally:
            self._is_iterating = False

    async def aclose(self) -> None:
        self.finish()
