"""Market data in: normalized events for one or more markets."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Protocol

from mm.domain.market_events import MarketEvent


class MarketDataFeed(Protocol):
    def events(self, symbols: Sequence[str]) -> AsyncIterator[MarketEvent]:
        """Yield best bid/offer, trades, mark and index prices, and gap/recovery events, until closed.

        The iterator survives disconnects: it reconnects on its own and reports each outage as a
        `FeedGap` followed by `FeedRecovered` once a fresh snapshot arrived.
        """
        ...

    async def aclose(self) -> None:
        """Stop streaming; a running `events()` iterator ends."""
        ...
