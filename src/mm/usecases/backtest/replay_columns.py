"""A tape as the replay loop reads it: plain lists, the engine's view of empty sides beside the venue's.

Tapes with mark/index prices, liquidation prints or recording gaps (recorded live data) are also
merged into one time-ordered row list per side of the replay; the shared recordings need none.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from mm.domain.engine_commands import EngineCommand
from mm.domain.market_events import FeedGap, FeedIssueKind, FeedRecovered
from mm.domain.market_tape import MarketTape, RecordedGap, gap_end_ms
from mm.domain.side import Side
from mm.usecases.trading.quote_engine import QuoteEngine


@dataclass(frozen=True, slots=True)
class ReplayColumns:
    """The tape as lists, with the engine's view of empty sides (None) beside the venue's (NaN)."""

    book_ts: list[int]
    bid_px: list[float]
    bid_sz: list[float]
    ask_px: list[float]
    ask_sz: list[float]
    engine_bid_px: list[float | None]
    engine_bid_sz: list[float | None]
    engine_ask_px: list[float | None]
    engine_ask_sz: list[float | None]
    trade_ts: list[int]
    trade_px: list[float]
    trade_sz: list[float]
    trade_side: list[Side]
    trade_is_history: list[int]
    liquidation_ts: list[int]
    price_ts: list[int]
    price_is_mark: list[int]
    price_px: list[float]
    gaps: list[RecordedGap]
    gap_end_ts: list[int | None]
    """When each gap ended (see `gap_end_ms`); None: it never did within the tape."""

    @property
    def needs_merged_rows(self) -> bool:
        """Whether the tape has rows beyond book and trades, which only the general replay loop reads."""
        return bool(self.price_ts or self.liquidation_ts or self.gaps)

    @staticmethod
    def of(tape: MarketTape) -> ReplayColumns:
        book, trades, prices = tape.book, tape.trades, tape.prices
        bid_px, bid_sz, ask_px, ask_sz = (c.tolist() for c in (book.bid_px, book.bid_sz, book.ask_px, book.ask_sz))
        engine_bid_px: list[float | None] = list(bid_px)
        engine_bid_sz: list[float | None] = list(bid_sz)
        engine_ask_px: list[float | None] = list(ask_px)
        engine_ask_sz: list[float | None] = list(ask_sz)
        if book.has_empty_side:
            _empty_sides_to_none(engine_bid_px, engine_bid_sz)
            _empty_sides_to_none(engine_ask_px, engine_ask_sz)
        trade_ts = trades.ts_ms.tolist()
        return ReplayColumns(
            book_ts=book.ts_ms.tolist(),
            bid_px=bid_px,
            bid_sz=bid_sz,
            ask_px=ask_px,
            ask_sz=ask_sz,
            engine_bid_px=engine_bid_px,
            engine_bid_sz=engine_bid_sz,
            engine_ask_px=engine_ask_px,
            engine_ask_sz=engine_ask_sz,
            trade_ts=trade_ts,
            trade_px=trades.px.tolist(),
            trade_sz=trades.sz.tolist(),
            trade_side=[Side.BUY if flag else Side.SELL for flag in trades.is_buy],
            trade_is_history=trades.is_history.tolist(),
            liquidation_ts=[ts for ts, flag in zip(trade_ts, trades.is_liquidation, strict=True) if flag],
            price_ts=prices.ts_ms.tolist(),
            price_is_mark=prices.is_mark.tolist(),
            price_px=prices.px.tolist(),
            gaps=list(tape.gaps),
            gap_end_ts=[gap_end_ms(gap, book.ts_ms) for gap in tape.gaps],
        )


def _empty_sides_to_none(prices: list[float | None], sizes: list[float | None]) -> None:
    """The engine's view of an empty side: None price and size (the venue's is a NaN price)."""
    for index, price in enumerate(prices):
        if price is None or math.isnan(price):
            prices[index] = sizes[index] = None


BOOK, TRADE, MARK, INDEX, LIQUIDATION, GAP_START, GAP_END = range(7)
"""Row kinds of the merged rows of a tape with prices, liquidations or gaps."""


def merged_venue_rows(c: ReplayColumns) -> list[tuple[int, int, int]]:
    """(ts, kind, index) of book and trade rows, book rows first within a millisecond."""
    rows = [(ts, BOOK, index) for index, ts in enumerate(c.book_ts)]
    rows += [(ts, TRADE, index) for index, ts in enumerate(c.trade_ts)]
    rows.sort()
    return rows


def merged_engine_rows(c: ReplayColumns) -> list[tuple[int, int, int]]:
    """(ts, kind, index) of every row the engine reads: prices and liquidations, then book rows, per millisecond."""
    rows = [(ts, BOOK, index) for index, ts in enumerate(c.book_ts)]
    rows += [(ts, MARK if c.price_is_mark[index] else INDEX, index) for index, ts in enumerate(c.price_ts)]
    rows += [(ts, LIQUIDATION, index) for index, ts in enumerate(c.liquidation_ts)]
    rows += [(gap.from_ts_ms, GAP_START, index) for index, gap in enumerate(c.gaps)]
    rows += [(ts, GAP_END, index) for index, ts in enumerate(c.gap_end_ts) if ts is not None]
    rows.sort(key=lambda row: (row[0], _ORDER_IN_INSTANT[row[1]], row[2]))
    return rows


# Within one millisecond: a recovery comes before the fresh snapshot it brought; prices and
# liquidations before the book rows, whose last may tick; a gap is detected after what arrived.
_ORDER_IN_INSTANT = {GAP_END: 0, MARK: 1, INDEX: 1, LIQUIDATION: 1, BOOK: 2, GAP_START: 3}


def gap_event(c: ReplayColumns, kind: int, index: int, exchange: str, symbol: str) -> FeedGap | FeedRecovered:
    """The feed event the live engine got at a recorded gap's start (`GAP_START`) or end."""
    gap = c.gaps[index]
    if kind == GAP_END:
        end_ts = c.gap_end_ts[index]
        assert end_ts is not None  # only gaps that ended have a GAP_END row
        return FeedRecovered(exchange, symbol, gap.stream, gap.from_ts_ms, end_ts)
    try:
        issue = FeedIssueKind(gap.kind)
    except ValueError:  # a label this version does not know: the engine treats every kind alike
        issue = FeedIssueKind.DISCONNECTED
    return FeedGap(exchange, symbol, gap.stream, issue, gap.from_ts_ms, gap.from_ts_ms, detail=gap.kind)


def apply_engine_group(
    engine: QuoteEngine, c: ReplayColumns, group: list[tuple[int, int, int]], now: int
) -> Sequence[EngineCommand]:
    """All rows of one millisecond into the engine's state; only the last may start a tick."""
    market = engine.market
    for _ts, kind, index in group[:-1]:
        if kind == BOOK:
            market.on_bbo(
                now, c.engine_bid_px[index], c.engine_bid_sz[index], c.engine_ask_px[index], c.engine_ask_sz[index]
            )
        elif kind == MARK:
            market.on_mark(now, c.price_px[index])
        elif kind == INDEX:
            market.on_index(now, c.price_px[index])
        else:
            market.on_liquidation(now)
    _ts, kind, index = group[-1]
    if kind == BOOK:
        return engine.on_bbo_values(
            now, c.engine_bid_px[index], c.engine_bid_sz[index], c.engine_ask_px[index], c.engine_ask_sz[index]
        )
    if kind == MARK:
        return engine.on_mark_value(now, c.price_px[index])
    if kind == INDEX:
        return engine.on_index_value(now, c.price_px[index])
    return engine.on_trade_values(now, True)
