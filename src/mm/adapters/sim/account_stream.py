"""`AccountStream` on the simulated exchange, for consumers that iterate events asynchronously.

A synchronous replay loop reads `SimulatedExchange.drain_events()` instead; use one or the other,
since both take the same events. Events made while no one iterated wait in the exchange, so a new
iteration delivers the fills made in between; those a `FillHistoryMark` says are recorded are left out.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence

from mm.adapters.sim.exchange import SimulatedExchange
from mm.domain.fill_history_mark import FillHistoryMark
from mm.domain.orders import AccountEvent, FillEvent, symbol_of


class SimulatedAccountStream:
    """Yields the exchange's account events as they happen, until `aclose`."""

    def __init__(self, exchange: SimulatedExchange) -> None:
        self._exchange = exchange
        self._events_waiting = asyncio.Event()
        self._is_closed = False
        self._is_iterating = False

    async def events(
        self, symbols: Sequence[str], recorded_until: FillHistoryMark | None = None
    ) -> AsyncIterator[AccountEvent]:
        if self._is_iterating:
            # As on Extended: a second reader would take the exchange's listener and half the events.
            raise RuntimeError("events() is already running on this account stream")
        self._is_iterating = True
        wanted = frozenset(symbols)
        self._exchange.set_event_listener(self._events_waiting.set)
        try:
            while not self._is_closed:
                for event in self._exchange.drain_events():
                    if symbol_of(event) in wanted and not _is_recorded(event, recorded_until):
                        yield event
                if self._is_closed:
                    break
                await self._events_waiting.wait()
                self._events_waiting.clear()
        finally:
            self._exchange.set_event_listener(None)
            self._is_iterating = False

    async def aclose(self) -> None:
        self._is_closed = True
        self._events_waiting.set()


def _is_recorded(event: AccountEvent, mark: FillHistoryMark | None) -> bool:
    return mark is not None and isinstance(event, FillEvent) and mark.is_recorded(event.fill.fill_id, event.fill.ts_ms)
