"""How the `AccountStream` contract moves the market behind an account stream and waits for the venue.

Each adapter's test module implements `AccountSource`: the fake Extended server for `ExtendedAccountStream`,
the simulated exchange and its clock for `SimulatedAccountStream`. Orders go through the `TradingGateway`
on the same venue.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Protocol

from mm.domain.side import Side


class AccountSource(Protocol):
    """The venue's side of a contract test. Each test gets a fresh account: no orders, flat."""

    @property
    def symbol(self) -> str:
        """The market the tests trade and listen to."""
        ...

    @property
    def other_symbol(self) -> str:
        """A second market the venue lists, where the tests never trade."""
        ...

    @property
    def reference_price(self) -> Decimal:
        """A price the market may trade at; the book is built around it."""
        ...

    async def wait_until_listening(self) -> None:
        """Return once a running `events()` receives whatever happens on the account from now on."""
        ...

    async def wait_until_not_listening(self) -> None:
        """Return once the venue no longer delivers to a closed stream: what happens now, no one hears."""
        ...

    async def set_book(self, bid: Decimal, ask: Decimal) -> None:
        """Make `bid` and `ask` the market's best prices, with ample size on each."""
        ...

    async def print_trade(self, price: Decimal, size: Decimal, taker_side: Side) -> None:
        """Print a public trade, which may fill our resting orders."""
        ...

    async def settle(self) -> None:
        """Return once the venue processed every request so far and the stream had the chance to deliver it."""
        ...

    async def interrupt(self) -> None:
        """Cut the account stream's connection (only with `reports_outages`)."""
        ...
