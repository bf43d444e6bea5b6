"""One market's public state in the fake: book levels, recent prints, mark and index price.

Pure bookkeeping, no publishing: `FakeMarket` decides what goes on the wire.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

TRADE_HISTORY_LEN = 50  # the real venue replays about this many trades on subscribe


@dataclass(frozen=True, slots=True)
class BookLevel:
    price: Decimal
    size: Decimal


@dataclass(frozen=True, slots=True)
class LevelChange:
    """One level of a book delta: `change` is the signed size change (`q`), `size_after` the new size (`c`)."""

    price: Decimal
    change: Decimal
    size_after: Decimal


@dataclass(frozen=True, slots=True)
class PublicPrint:
    trade_id: int
    market: str
    taker_side: str
    trade_type: str
    ts_ms: int
    price: Decimal
    qty: Decimal


def _level_changes(before: dict[Decimal, Decimal], after: dict[Decimal, Decimal]) -> list[LevelChange]:
    changes = []
    for price in sorted(before.keys() | after.keys()):
        old, new = before.get(price, Decimal(0)), after.get(price, Decimal(0))
        if old != new:
            changes.append(LevelChange(price, new - old, new))
    return changes


class MarketBook:
    """Levels keyed by exact price (`"84050.0"` and `"84050"` are one level), best first on demand."""

    def __init__(self, market: str) -> None:
        self.market = market
        self._bids: dict[Decimal, Decimal] = {}
        self._asks: dict[Decimal, Decimal] = {}
        self.prints: deque[PublicPrint] = deque(maxlen=TRADE_HISTORY_LEN)
        self.mark_price: Decimal | None = None
        self.index_price: Decimal | None = None

    def replace(
        self, bids: Iterable[BookLevel], asks: Iterable[BookLevel]
    ) -> tuple[list[LevelChange], list[LevelChange]]:
        """Install a new book; return the bid and ask changes a DELTA frame must carry."""
        new_bids = {level.price: level.size for level in bids if level.size > 0}
        new_asks = {level.price: level.size for level in asks if level.size > 0}
        bid_changes = _level_changes(self._bids, new_bids)
        ask_changes = _level_changes(self._asks, new_asks)
        bid_changes.reverse()  # bids go out best (highest) first, like the venue's snapshots
        self._bids, self._asks = new_bids, new_asks
        return bid_changes, ask_changes

    def bids(self) -> list[BookLevel]:
        return [BookLevel(p, self._bids[p]) for p in sorted(self._bids, reverse=True)]

    def asks(self) -> list[BookLevel]:
        return [BookLevel(p, self._asks[p]) for p in sorted(self._asks)]

    @property
    def best_bid(self) -> BookLevel | None:
        if not self._bids:
            return None
        price = max(self._bids)
        return BookLevel(price, self._bids[price])

    @property
    def best_ask(self) -> BookLevel | None:
        if not self._asks:
            return None
        price = min(self._asks)
        return BookLevel(price, self._asks[price])

    @property
    def mid_price(self) -> Decimal | None:
        bid, ask = self.best_bid, self.best_ask
        if bid is None or ask is None:
            return None
        return (bid.price + ask.price) / 2

    @property
    def last_price(self) -> Decimal | None:
        return self.prints[-1].price if self.prints else None
