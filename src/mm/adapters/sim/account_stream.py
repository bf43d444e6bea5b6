"""`AccountStream` on the simulated exchange, for consumers that iterate events asynchronously.

A synchronous replay loop reads `SimulatedExchange.drain_events()` instead; use one or the other,
since both take the same events.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence

from mm.adapters.sim.exchange import SimulatedExchange
from mm.domain.orders import AccountEvent, symbol_of


class SimulatedAccountStream:
    """Yields the exchange's account events as they happen, until `aclose`."""

    def __init__(self, exchange: SimulatedExchange) -> None:
        self._exchange = exchange
        self._events_waiting = asyncio.Event()
        self._is_closed = False
        self._is_iterating = False

    async def events(self, symbols: Sequence[str]) -> AsyncIterator[AccountEvent]:
        if self._is_iterating:
            # As on Extended: a second reader would take the exchange's listener and half the events.
            raise RuntimeError("events() is already running on this account stream")
        self._is_iterating = True
        wanted = frozenset(symbols)
        self._exchange.set_event_listener(self._events_waiting.set)
        try:
            while not self._is_closed:
                for event in self._exchange.drain_events():
                    if symbol_of(event) in wanted:
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
