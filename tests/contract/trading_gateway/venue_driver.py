"""How the `TradingGateway` contract drives and inspects the venue behind a gateway.

Each adapter's test module implements `VenueDriver` over its venue: the simulated exchange for
`SimulatedExchangeGateway`, the fake Extended server for `ExtendedTradingGateway`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from mm.domain.orders import AccountEvent
from mm.domain.side import Side


@dataclass(frozen=True, slots=True)
class RestingOrder:
    """An order of ours on the venue's book, as the venue itself sees it; `size` is what remains."""

    client_order_id: str
    side: Side
    price: Decimal
    size: Decimal


class VenueDriver(Protocol):
    """The venue's side of a contract test. Each test gets a fresh account: no orders, flat."""

    @property
    def symbol(self) -> str:
        """The market the gateway trades in these tests."""
        ...

    @property
    def reference_price(self) -> Decimal:
        """A price the market may trade at (inside the venue's price bands); the book is built around it."""
        ...

    async def set_book(self, bid: Decimal, ask: Decimal) -> None:
        """Make `bid` and `ask` the market's best prices, with ample size on each."""
        ...

    async def print_trade(self, price: Decimal, size: Decimal, taker_side: Side) -> None:
        """Print a public trade, which may fill our resting orders."""
        ...

    async def settle(self) -> None:
        """Return once the venue has processed every request sent so far and reported it on the account stream."""
        ...

    async def resting_orders(self) -> list[RestingOrder]:
        """Our open orders in the venue's own books, oldest first."""
        ...

    async def account_events(self) -> list[AccountEvent]:
        """Every account event the gateway's account stream has delivered so far, in order."""
        ...

    async def pass_time(self, seconds: float) -> None:
        """Let `seconds` of the venue's time go by (the dead man's switch counts it)."""
        ...
