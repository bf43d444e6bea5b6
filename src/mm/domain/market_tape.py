"""Recorded market data of one market as columns, the form the backtest replays. Pure values, no I/O.

A replay of a day touches hundreds of thousands of rows; one object per row would cost more than
the replay itself. Each column is a stdlib `array` instead: compact, turned into a list in one call
for the replay loop, and viewable from numpy without a copy. A missing book side is NaN.
"""

from __future__ import annotations

import hashlib
import math
from array import array
from bisect import bisect_right
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import pairwise


def _check_columns(name: str, ts_ms: array[int], columns: tuple[array[float] | array[int], ...]) -> None:
    if any(len(column) != len(ts_ms) for column in columns):
        raise ValueError(f"{name} columns must all have {len(ts_ms)} rows")
    if any(later < earlier for earlier, later in pairwise(ts_ms)):
        raise ValueError(f"{name} rows must be in time order")


@dataclass(frozen=True, slots=True)
class BookColumns:
    """Best bid/offer rows: one per change, sizes in base units, NaN price and size for an empty side."""

    ts_ms: array[int] = field(default_factory=lambda: array("q"))
    bid_px: array[float] = field(default_factory=lambda: array("d"))
    bid_sz: array[float] = field(default_factory=lambda: array("d"))
    ask_px: array[float] = field(default_factory=lambda: array("d"))
    ask_sz: array[float] = field(default_factory=lambda: array("d"))

    def __post_init__(self) -> None:
        _check_columns("book", self.ts_ms, (self.bid_px, self.bid_sz, self.ask_px, self.ask_sz))

    def __len__(self) -> int:
        return len(self.ts_ms)

    @property
    def has_empty_side(self) -> bool:
        """Whether some row lacks a bid or an ask (NaN), so replays must map NaN to 'no level'."""
        return any(map(math.isnan, self.bid_px)) or any(map(math.isnan, self.ask_px))


@dataclass(frozen=True, slots=True)
class TradeColumns:
    """Public prints: price, size, whether the aggressor bought, and two flags.

    `is_liquidation` marks liquidation and deleveraging prints. `is_history` marks prints a venue
    resent on (re)subscription, or that otherwise arrived while no live book was known: they are
    real trades, but they must not fill quotes resting on a book that is minutes old.
    """

    ts_ms: array[int] = field(default_factory=lambda: array("q"))
    px: array[float] = field(default_factory=lambda: array("d"))
    sz: array[float] = field(default_factory=lambda: array("d"))
    is_buy: array[int] = field(default_factory=lambda: array("b"))
    is_liquidation: array[int] = field(default_factory=lambda: array("b"))
    is_history: array[int] = field(default_factory=lambda: array("b"))

    def __post_init__(self) -> None:
        _check_columns("trade", self.ts_ms, (self.px, self.sz, self.is_buy, self.is_liquidation, self.is_history))

    def __len__(self) -> int:
        return len(self.ts_ms)


@dataclass(frozen=True, slots=True)
class PriceColumns:
    """Mark (`is_mark` 1) and index (0) prices."""

    ts_ms: array[int] = field(default_factory=lambda: array("q"))
    is_mark: array[int] = field(default_factory=lambda: array("b"))
    px: array[float] = field(default_factory=lambda: array("d"))

    def __post_init__(self) -> None:
        _check_columns("price", self.ts_ms, (self.is_mark, self.px))

    def __len__(self) -> int:
        return len(self.ts_ms)


@dataclass(frozen=True, slots=True)
class RecordedGap:
    """A span in which the recorder lost `stream` (an `md_gap` row): data in it may be missing.

    The live engine paused through such a span, so a replay feeds the engine the same gap and
    recovery. `to_ts_ms` None: the recorder never marked the stream recovered (it stopped, say);
    the replay then takes the first book row after `from_ts_ms` as the recovery, since the data
    came back then.
    """

    stream: str
    kind: str
    from_ts_ms: int
    to_ts_ms: int | None = None

    def __post_init__(self) -> None:
        if not self.stream:
            raise ValueError("a recorded gap needs its stream")
        if self.to_ts_ms is not None and self.to_ts_ms < self.from_ts_ms:
            raise ValueError(f"a gap cannot end ({self.to_ts_ms}) before it starts ({self.from_ts_ms})")


def gap_end_ms(gap: RecordedGap, book_ts_ms: array[int]) -> int | None:
    """When `gap` ended: its recorded end, else the first book row after its start (None: none came)."""
    if gap.to_ts_ms is not None:
        return gap.to_ts_ms
    after = bisect_right(book_ts_ms, gap.from_ts_ms)
    return book_ts_ms[after] if after < len(book_ts_ms) else None


@dataclass(frozen=True, slots=True)
class FundingRate:
    """A funding settlement at `ts_ms`: a long pays `rate` times the notional held then (negative: it receives)."""

    ts_ms: int
    rate: Decimal


@dataclass(frozen=True, slots=True)
class MarketTape:
    """Everything recorded for one market over one span, and where it came from.

    `source` names the origin for the run record (a file prefix, or the database range); the
    columns are never mutated after construction.
    """

    exchange: str
    symbol: str
    book: BookColumns
    trades: TradeColumns = field(default_factory=TradeColumns)
    prices: PriceColumns = field(default_factory=PriceColumns)
    source: str = ""
    gaps: tuple[RecordedGap, ...] = ()
    """Recording gaps, by start time; not rows (they are not counted as events)."""
    funding: tuple[FundingRate, ...] = ()
    """Funding settlements, by time; not rows (the replay does not see them, the PnL does)."""

    def __post_init__(self) -> None:
        if not self.exchange or not self.symbol:
            raise ValueError("a tape needs an exchange and a symbol")
        if any(later.from_ts_ms < earlier.from_ts_ms for earlier, later in pairwise(self.gaps)):
            raise ValueError("recorded gaps must be in time order")

    @property
    def row_count(self) -> int:
        """Rows of market data: best bid/offer changes, trades and prices (the benchmark's events)."""
        return len(self.book) + len(self.trades) + len(self.prices)

    @property
    def first_ts_ms(self) -> int | None:
        firsts = [columns.ts_ms[0] for columns in (self.book, self.trades, self.prices) if len(columns)]
        return min(firsts) if firsts else None

    @property
    def last_ts_ms(self) -> int | None:
        lasts = [columns.ts_ms[-1] for columns in (self.book, self.trades, self.prices) if len(columns)]
        return max(lasts) if lasts else None

    def sha256(self) -> str:
        """A digest of every column's bytes: two tapes with one digest replay identically."""
        digest = hashlib.sha256()
        for columns in (self.book, self.trades, self.prices):
            for column in _fields_of(columns):
                digest.update(column.typecode.encode())
                digest.update(len(column).to_bytes(8, "little"))
                digest.update(column.tobytes())
        for gap in self.gaps:  # a tape without gaps keeps the digest it had before gaps were replayed
            digest.update(f"gap|{gap.stream}|{gap.kind}|{gap.from_ts_ms}|{gap.to_ts_ms}".encode())
        for funding in self.funding:  # likewise without funding
            digest.update(f"funding|{funding.ts_ms}|{funding.rate}".encode())
        return digest.hexdigest()


def _fields_of(columns: BookColumns | TradeColumns | PriceColumns) -> tuple[array[float] | array[int], ...]:
    if isinstance(columns, BookColumns):
        return (columns.ts_ms, columns.bid_px, columns.bid_sz, columns.ask_px, columns.ask_sz)
    if isinstance(columns, TradeColumns):
        return (columns.ts_ms, columns.px, columns.sz, columns.is_buy, columns.is_liquidation, columns.is_history)
    return (columns.ts_ms, columns.is_mark, columns.px)
