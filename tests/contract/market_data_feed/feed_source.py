"""How the `MarketDataFeed` contract publishes market data at the source behind a feed.

Each adapter's test module implements `FeedSource`: the fake Extended server's markets for
`ExtendedMarketDataFeed`, the script of a `ScriptedMarketDataFeed`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Protocol

from mm.domain.market_events import PriceKind
from mm.domain.side import Side


class FeedSource(Protocol):
    """The market side of a contract test; it lists at least two markets, `symbol` and `other_symbol`."""

    @property
    def symbol(self) -> str:
        """The market the tests subscribe to."""
        ...

    @property
    def other_symbol(self) -> str:
        """A second listed market, never subscribed to."""
        ...

    async def wait_until_listening(self) -> None:
        """Return once a running `events()` would receive whatever is published from now on."""
        ...

    async def publish_bbo(
        self, symbol: str, bid_px: Decimal, bid_sz: Decimal, ask_px: Decimal, ask_sz: Decimal
    ) -> None:
        """Make these the market's best bid and offer."""
        ...

    async def print_trade(self, symbol: str, px: Decimal, sz: Decimal, taker_side: Side) -> None:
        """Print a public trade in the market."""
        ...

    async def publish_price(self, symbol: str, kind: PriceKind, px: Decimal) -> None:
        """Publish the market's mark or index price."""
        ...

    async def interrupt(self, symbol: str) -> None:
        """Cut the market's best bid/offer connection (only with `reports_outages`)."""
        ...
