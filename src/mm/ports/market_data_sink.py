"""Where recorded market data goes: rows of best bid/offer, trades and prices, the latest top, gaps.

One sink is one recording source (an ingestor run): it numbers the rows it accepts 1, 2, 3, … in
arrival order. Accepting never waits on I/O; it waits only while the writer is behind
(backpressure). A message that yields several rows (a trades frame with several prints) keeps its
raw text on its first row only, so every message's raw text is stored exactly once.
"""

from __future__ import annotations

from typing import Protocol

from mm.domain.market_events import BestBidOffer, FeedGap, FeedRecovered
from mm.domain.recorded_rows import MarketDataRow


class MarketDataSink(Protocol):
    async def append(self, row: MarketDataRow) -> None:
        """Store `row` (and let it update the market's latest top or price)."""
        ...

    async def update_latest(self, top: BestBidOffer) -> None:
        """Make `top` the market's latest best bid/offer without storing it as a row (thinned out)."""
        ...

    async def record_gap(self, gap: FeedGap) -> None:
        """Record that data may be missing from `gap.from_ts_ms` on, until a recovery closes it."""
        ...

    async def record_recovery(self, recovery: FeedRecovered) -> None:
        """Close the open gaps of the recovered stream at `recovery.recovered_ts_ms`."""
        ...

    async def flush(self) -> None:
        """Return once everything accepted so far is durable (stored, or spooled to be stored)."""
        ...

    async def aclose(self) -> None:
        """Flush and stop; accepting afterwards raises `StoreError`."""
        ...
