"""The engine's picture of one market: latest book, mark and index prices, rolling windows, feed health. No I/O.

Updated from plain floats so the backtest can feed recorded columns without building an event
object per row; `snapshot` freezes it into the `MarketSnapshot` the decision reads.
"""

from __future__ import annotations

from mm.domain.price_sanity import PriceSanity
from mm.domain.snapshot import MarketSnapshot
from mm.domain.tick_grid import TickGrid
from mm.domain.windows import MarketWindows


class MarketState:
    """Latest values with the time each was last known current, plus the 1 s / 10 s windows.

    Times are whatever clock the engine is driven with (receive time live, replay time in a
    backtest). A stream with an open gap makes every snapshot report `has_feed_gap`. Every book and
    print also goes through the price-sanity guard; a book it does not trust is kept (the snapshot
    reports it unconfirmed) but adds no volatility sample, so an outlier moves no feature.
    """

    __slots__ = (
        "ask_px",
        "ask_sz",
        "bbo_ts_ms",
        "bid_px",
        "bid_sz",
        "gaps",
        "index_px",
        "index_ts_ms",
        "mark_px",
        "mark_ts_ms",
        "sanity",
        "windows",
    )

    def __init__(self, liquidation_window_ms: int, sanity: PriceSanity) -> None:
        self.bid_px: float | None = None
        self.bid_sz: float | None = None
        self.ask_px: float | None = None
        self.ask_sz: float | None = None
        self.bbo_ts_ms: int | None = None
        self.mark_px: float | None = None
        self.mark_ts_ms: int | None = None
        self.index_px: float | None = None
        self.index_ts_ms: int | None = None
        self.windows = MarketWindows(liquidation_window_ms)
        self.sanity = sanity
        self.gaps: set[str] = set()

    def on_bbo(
        self, ts_ms: int, bid_px: float | None, bid_sz: float | None, ask_px: float | None, ask_sz: float | None
    ) -> None:
        self.bid_px = bid_px
        self.bid_sz = bid_sz
        self.ask_px = ask_px
        self.ask_sz = ask_sz
        self.bbo_ts_ms = ts_ms
        sanity = self.sanity
        sanity.on_book(bid_px, ask_px)
        if sanity.is_confirmed:
            self.windows.on_book(ts_ms, bid_px, ask_px)

    def on_trade(self, price: float) -> None:
        """A public print: it may confirm a price the guard held back."""
        self.sanity.on_trade(price)

    def on_liquidation(self, ts_ms: int) -> None:
        self.windows.on_liquidation(ts_ms)

    def on_mark(self, ts_ms: int, price: float) -> None:
        self.mark_px = price
        self.mark_ts_ms = ts_ms
        self.sanity.set_anchors(price, self.index_px)

    def on_index(self, ts_ms: int, price: float) -> None:
        self.index_px = price
        self.index_ts_ms = ts_ms
        self.sanity.set_anchors(self.mark_px, price)

    def on_gap(self, stream: str) -> None:
        """A stream lost data: nothing it said before can be trusted until it recovers with a fresh snapshot.

        The engine also opens a gap for its account stream: stale fills and orders are as
        dangerous as a stale book."""
        self.gaps.add(stream)

    def on_recovered(self, stream: str) -> None:
        self.gaps.discard(stream)

    @property
    def has_gap(self) -> bool:
        return bool(self.gaps)

    @property
    def mid(self) -> float | None:
        bid_px, ask_px = self.bid_px, self.ask_px
        if bid_px is None or ask_px is None:
            return None
        return (bid_px + ask_px) * 0.5

    def snapshot(self, now_ts_ms: int, grid: TickGrid) -> MarketSnapshot:
        """Freeze the state at `now_ts_ms`."""
        windows = self.windows
        # Positional, in MarketSnapshot's field order: this runs on every tick, and keywords cost more.
        return MarketSnapshot(
            now_ts_ms,
            grid,
            self.bid_px,
            self.bid_sz,
            self.ask_px,
            self.ask_sz,
            self.bbo_ts_ms,
            self.mark_px,
            self.mark_ts_ms,
            self.index_px,
            self.index_ts_ms,
            windows.volatility_stats(now_ts_ms),
            windows.liquidation_count(now_ts_ms),
            bool(self.gaps),
            not self.sanity.is_confirmed,
        )
