"""Known flaws of recorded data, repaired before a replay: history bursts and bucketed books. No I/O.

Both repairs are explicit steps with a parameter, so a run records what was done to its data.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from dataclasses import replace

from mm.domain.market_tape import BookColumns, MarketTape, PriceColumns, RecordedGap, TradeColumns, gap_end_ms

DEFAULT_MAX_BOOK_AGE_MS = 30_000
"""Prints further than this behind the last book row are treated as history. Hyperliquid's resent
prints after a reconnect sat 31-240 s behind the last book row in the shared recordings, while
StandX's quiet-hour prints reach 30 s, so 30 s separates the two on the data we have."""


def mark_history_trades(tape: MarketTape, max_book_age_ms: int = DEFAULT_MAX_BOOK_AGE_MS) -> MarketTape:
    """Flag prints made before the first book row, or more than `max_book_age_ms` after the latest one.

    A venue resends recent prints on every (re)subscription (Hyperliquid ~30, Extended ~50) and a
    recorder keeps them; they fall in the recording gap, behind a book that is minutes old, and
    would fill quotes nobody could still have had resting. Prints already flagged stay flagged.
    """
    if max_book_age_ms < 0:
        raise ValueError(f"max_book_age_ms must not be negative, got {max_book_age_ms}")
    trades, book_ts_ms = tape.trades, tape.book.ts_ms
    flags = array("b", trades.is_history)
    book_index = 0
    book_count = len(book_ts_ms)
    for row, ts_ms in enumerate(trades.ts_ms):
        while book_index < book_count and book_ts_ms[book_index] <= ts_ms:
            book_index += 1
        if book_index == 0 or ts_ms - book_ts_ms[book_index - 1] > max_book_age_ms:
            flags[row] = 1
    return replace(tape, trades=replace(trades, is_history=flags))


def lift_bucketed_asks(tape: MarketTape, offset: float) -> MarketTape:
    """Add `offset` to every ask price: a book floor-bucketed on both sides shows each ask at its bucket's floor.

    StandX's books are bucketed to 0.1 while its trades print at 0.01, which locks bid and ask in
    ~43% of rows; taking each ask as the top of its bucket (offset 0.09) unlocks every row.
    """
    if offset < 0:
        raise ValueError(f"offset must not be negative, got {offset}")
    book = tape.book
    lifted = array("d", (px + offset for px in book.ask_px))
    return replace(tape, book=replace(book, ask_px=lifted))


def slice_tape(tape: MarketTape, start_ms: int | None, end_ms: int | None) -> MarketTape:
    """The rows with `start_ms <= ts_ms < end_ms` (None: unbounded)."""
    return replace(
        tape,
        book=_slice_book(tape.book, start_ms, end_ms),
        trades=_slice_trades(tape.trades, start_ms, end_ms),
        prices=_slice_prices(tape.prices, start_ms, end_ms),
        gaps=_slice_gaps(tape, start_ms, end_ms),
        funding=tuple(
            f
            for f in tape.funding
            if (start_ms is None or f.ts_ms >= start_ms) and (end_ms is None or f.ts_ms < end_ms)
        ),
    )


def _slice_gaps(tape: MarketTape, start_ms: int | None, end_ms: int | None) -> tuple[RecordedGap, ...]:
    """The gaps open at some moment of the span, each with its end (see `gap_end_ms`) and clipped to the span's start."""
    kept: list[RecordedGap] = []
    for gap in tape.gaps:
        gap_end = gap_end_ms(gap, tape.book.ts_ms)
        if end_ms is not None and gap.from_ts_ms >= end_ms:
            continue
        if start_ms is not None and gap_end is not None and gap_end <= start_ms:
            continue
        from_ts_ms = gap.from_ts_ms if start_ms is None else max(gap.from_ts_ms, start_ms)
        kept.append(replace(gap, from_ts_ms=from_ts_ms, to_ts_ms=gap_end))
    return tuple(kept)


def _bounds(ts_ms: array[int], start_ms: int | None, end_ms: int | None) -> slice:
    first = 0 if start_ms is None else bisect_left(ts_ms, start_ms)
    last = len(ts_ms) if end_ms is None else bisect_left(ts_ms, end_ms)
    return slice(first, max(first, last))


def _slice_book(book: BookColumns, start_ms: int | None, end_ms: int | None) -> BookColumns:
    rows = _bounds(book.ts_ms, start_ms, end_ms)
    return BookColumns(book.ts_ms[rows], book.bid_px[rows], book.bid_sz[rows], book.ask_px[rows], book.ask_sz[rows])


def _slice_trades(trades: TradeColumns, start_ms: int | None, end_ms: int | None) -> TradeColumns:
    rows = _bounds(trades.ts_ms, start_ms, end_ms)
    return TradeColumns(
        trades.ts_ms[rows],
        trades.px[rows],
        trades.sz[rows],
        trades.is_buy[rows],
        trades.is_liquidation[rows],
        trades.is_history[rows],
    )


def _slice_prices(prices: PriceColumns, start_ms: int | None, end_ms: int | None) -> PriceColumns:
    rows = _bounds(prices.ts_ms, start_ms, end_ms)
    return PriceColumns(prices.ts_ms[rows], prices.is_mark[rows], prices.px[rows])
