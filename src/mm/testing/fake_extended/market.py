"""One market's public side, driven by tests or by a replay: book, prints, mark and index.

Every change goes out on the public streams first, then reaches our resting orders (touch fills).
Prices accept `Decimal`, `str`, `int` or `float` (through its repr) for convenient tests.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from mm.ports.clock import Clock
from mm.testing.fake_extended.book import BookLevel, MarketBook, PublicPrint
from mm.testing.fake_extended.exchange import FakeExchange
from mm.testing.fake_extended.market_payloads import (
    book_payload,
    level_change_payload,
    level_payload,
    price_payload,
    print_payload,
)
from mm.testing.fake_extended.prices import DerivedPrices, PriceDerivation
from mm.testing.fake_extended.stream_hub import StreamHub, StreamKind
from mm.testing.fake_extended.wire_decimal import to_decimal

Number = Decimal | str | int | float
TRADE_TYPES = ("TRADE", "LIQUIDATION", "DELEVERAGE")


class FakeMarket:
    """The test-facing driver of one market (`server.market`, or `server.markets[name]`).

    `ts_ms` arguments set the market clock (derived-price throttling, spike expiry; default: now);
    frames always carry the server's wall time.
    """

    def __init__(
        self,
        book: MarketBook,
        *,
        hub: StreamHub,
        exchange: FakeExchange,
        clock: Clock,
        trade_ids: itertools.count[int],
        derivation: PriceDerivation | None,
    ) -> None:
        self.name = book.market
        self.book = book
        self._hub = hub
        self._exchange = exchange
        self._clock = clock
        self._trade_ids = trade_ids
        self._derived = DerivedPrices(derivation) if derivation is not None else None
        self.market_ts_ms = 0

    async def push_bbo(
        self, bid_px: Number, bid_sz: Number, ask_px: Number, ask_sz: Number, *, ts_ms: int | None = None
    ) -> None:
        """Set the top of book (one level a side) and let the market move through our orders."""
        self.apply_book([(bid_px, bid_sz)], [(ask_px, ask_sz)], ts_ms=ts_ms)
        await self._clock.sleep(0)

    async def push_book(
        self, bids: Sequence[tuple[Number, Number]], asks: Sequence[tuple[Number, Number]], *, ts_ms: int | None = None
    ) -> None:
        """Replace the whole book with these levels (any order)."""
        self.apply_book(bids, asks, ts_ms=ts_ms)
        await self._clock.sleep(0)

    async def push_trade(
        self, px: Number, sz: Number, side: str = "BUY", *, trade_type: str = "TRADE", ts_ms: int | None = None
    ) -> None:
        """Print a public trade (`side` is the taker's, any case); it may touch-fill our orders."""
        self.apply_trade(px, sz, side, trade_type=trade_type, ts_ms=ts_ms)
        await self._clock.sleep(0)

    async def set_mark(self, px: Number) -> None:
        self._publish_mark(to_decimal(px))
        await self._clock.sleep(0)

    async def set_index(self, px: Number) -> None:
        self._publish_index(to_decimal(px))
        await self._clock.sleep(0)

    def spike_divergence(self, extra_bps: Number, duration_s: float) -> None:
        """Move the derived mark `extra_bps` away from the index for `duration_s` of market time."""
        if self._derived is None:
            raise RuntimeError("price derivation is off for this market; use set_mark/set_index")
        now_ms = self.market_ts_ms or self._clock.now_ms()
        self._derived.spike(to_decimal(extra_bps), int(duration_s * 1000), now_ms)
        self._derive_prices()

    def publish_book_snapshot(self) -> None:
        """Send a fresh full snapshot on the full-depth streams, continuing their seq (the venue's minutely one)."""
        self._hub.publish(StreamKind.ORDERBOOK, self.name, "SNAPSHOT", self._full_snapshot())

    def _market_now(self, ts_ms: int | None) -> int:
        self.market_ts_ms = ts_ms if ts_ms is not None else self._clock.now_ms()
        return self.market_ts_ms

    def apply_book(
        self, bids: Sequence[tuple[Number, Number]], asks: Sequence[tuple[Number, Number]], *, ts_ms: int | None = None
    ) -> None:
        """`push_book` without yielding to the event loop: the replayer's per-event step."""
        self._market_now(ts_ms)
        old_top = (self.book.best_bid, self.book.best_ask)
        bid_changes, ask_changes = self.book.replace(
            [BookLevel(to_decimal(p), to_decimal(q)) for p, q in bids],
            [BookLevel(to_decimal(p), to_decimal(q)) for p, q in asks],
        )
        if bid_changes or ask_changes:
            delta = book_payload(
                self.name,
                "DELTA",
                [level_change_payload(c) for c in bid_changes],
                [level_change_payload(c) for c in ask_changes],
                "f",
            )
            self._hub.publish(StreamKind.ORDERBOOK, self.name, "DELTA", delta)
        if (self.book.best_bid, self.book.best_ask) != old_top:
            self._hub.publish(StreamKind.BBO, self.name, "SNAPSHOT", self._bbo_snapshot())
            self._derive_prices()
            self._exchange.on_book_moved(self.name)

    def apply_trade(
        self, px: Number, sz: Number, side: str, *, trade_type: str = "TRADE", ts_ms: int | None = None
    ) -> None:
        """`push_trade` without yielding to the event loop: the replayer's per-event step."""
        self._market_now(ts_ms)
        taker_side = side.upper()
        if taker_side not in ("BUY", "SELL") or trade_type not in TRADE_TYPES:
            raise ValueError(f"bad trade side {side!r} or type {trade_type!r}")
        trade = PublicPrint(
            next(self._trade_ids),
            self.name,
            taker_side,
            trade_type,
            self._clock.now_ms(),
            to_decimal(px),
            to_decimal(sz),
        )
        self.book.prints.append(trade)
        self._hub.publish(StreamKind.TRADES, self.name, None, [print_payload(trade)])
        self._exchange.on_trade(self.name, trade.price, trade.qty)

    def _derive_prices(self) -> None:
        mid = self.book.mid_price
        if self._derived is None or mid is None:
            return
        derived = self._derived.derive(mid, self.market_ts_ms)
        if derived is not None:
            self._publish_mark(derived.mark)
            self._publish_index(derived.index)

    def _publish_mark(self, price: Decimal) -> None:
        self.book.mark_price = price
        self._hub.publish(StreamKind.MARK, self.name, "MP", price_payload(self.name, price, self._clock.now_ms()))
        self._exchange.on_mark(self.name, price)

    def _publish_index(self, price: Decimal) -> None:
        self.book.index_price = price
        self._hub.publish(StreamKind.INDEX, self.name, "IP", price_payload(self.name, price, self._clock.now_ms()))

    def _bbo_snapshot(self) -> dict[str, Any]:
        bid, ask = self.book.best_bid, self.book.best_ask
        bids = [level_payload(bid)] if bid else []
        asks = [level_payload(ask)] if ask else []
        return book_payload(self.name, "SNAPSHOT", bids, asks, "1")

    def _full_snapshot(self) -> dict[str, Any]:
        bids = [level_payload(level) for level in self.book.bids()]
        asks = [level_payload(level) for level in self.book.asks()]
        return book_payload(self.name, "SNAPSHOT", bids, asks, "f")

    def snapshot_frames(self, kind: StreamKind) -> list[tuple[str | None, Any]]:
        """The frames a new public connection gets first (the trades one always: it is history)."""
        now_ms = self._clock.now_ms()
        if kind is StreamKind.ORDERBOOK:
            return [("SNAPSHOT", self._full_snapshot())]
        if kind is StreamKind.BBO:
            return [("SNAPSHOT", self._bbo_snapshot())] if self.book.best_bid or self.book.best_ask else []
        if kind is StreamKind.TRADES:
            return [(None, [print_payload(trade) for trade in self.book.prints])]
        if kind is StreamKind.MARK and self.book.mark_price is not None:
            return [("MP", price_payload(self.name, self.book.mark_price, now_ms))]
        if kind is StreamKind.INDEX and self.book.index_price is not None:
            return [("IP", price_payload(self.name, self.book.index_price, now_ms))]
        return []
