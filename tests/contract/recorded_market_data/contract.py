"""What every `RecordedMarketData` must do, whatever it reads from: the same rows give the same tape."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from mm.domain.market_tape import MarketTape
from mm.ports.errors import RecordNotFound
from mm.ports.recorded_market_data import RecordedMarketData
from tests.unique_keys import a_symbol

EXCHANGE = "binance"
T0 = 1_723_161_256_313

BOOK_CSV = f"""ts_ms,bid_px,bid_sz,ask_px,ask_sz
{T0},61800.1,1.5,61800.2,0.004
{T0 + 5},61800.1,1.2,61800.2,0.004
{T0 + 5},61800.0,0.9,61800.2,0.01
{T0 + 900},61799.9,2.0,61800.0,0.5
"""
TRADES_CSV = f"""ts_ms,px,sz,side
{T0 + 5},61800.1,0.3,sell
{T0 + 5},61800.1,0.002,sell
{T0 + 700},61800.2,0.01,buy
"""


def write_recording(folder: Path) -> Path:
    """The sample set as gzipped files; returns its prefix."""
    prefix = folder / "sample"
    for suffix, text in ((".bbo.csv.gz", BOOK_CSV), (".trades.csv.gz", TRADES_CSV)):
        with gzip.open(prefix.with_name(prefix.name + suffix), "wt") as handle:
            handle.write(text)
    return prefix


def book_rows(tape: MarketTape) -> list[tuple[int, float, float, float, float]]:
    book = tape.book
    return list(zip(book.ts_ms, book.bid_px, book.bid_sz, book.ask_px, book.ask_sz, strict=True))


def trade_rows(tape: MarketTape) -> list[tuple[int, float, float, int]]:
    trades = tape.trades
    return list(zip(trades.ts_ms, trades.px, trades.sz, trades.is_buy, strict=True))


class RecordedMarketDataContract:
    """Subclasses provide a `market_data` fixture holding the sample set for binance `symbol` (its own per test)."""

    @pytest.fixture
    def symbol(self) -> str:
        return a_symbol()

    async def test_every_row_comes_back_in_recorded_order(self, market_data: RecordedMarketData, symbol: str) -> None:
        tape = await market_data.tape(EXCHANGE, symbol, None, None)
        assert (book_rows(tape), trade_rows(tape)) == (
            [
                (T0, 61800.1, 1.5, 61800.2, 0.004),
                (T0 + 5, 61800.1, 1.2, 61800.2, 0.004),
                (T0 + 5, 61800.0, 0.9, 61800.2, 0.01),
                (T0 + 900, 61799.9, 2.0, 61800.0, 0.5),
            ],
            [(T0 + 5, 61800.1, 0.3, 0), (T0 + 5, 61800.1, 0.002, 0), (T0 + 700, 61800.2, 0.01, 1)],
        )

    async def test_the_tape_is_labelled_with_its_market(self, market_data: RecordedMarketData, symbol: str) -> None:
        tape = await market_data.tape(EXCHANGE, symbol, None, None)
        assert (tape.exchange, tape.symbol) == (EXCHANGE, symbol)

    async def test_a_span_includes_its_start_and_excludes_its_end(
        self, market_data: RecordedMarketData, symbol: str
    ) -> None:
        tape = await market_data.tape(EXCHANGE, symbol, T0 + 5, T0 + 900)
        assert ([row[0] for row in book_rows(tape)], [row[0] for row in trade_rows(tape)]) == (
            [T0 + 5, T0 + 5],
            [T0 + 5, T0 + 5, T0 + 700],
        )

    async def test_recorded_prints_are_neither_history_nor_liquidations(
        self, market_data: RecordedMarketData, symbol: str
    ) -> None:
        tape = await market_data.tape(EXCHANGE, symbol, None, None)
        assert (list(tape.trades.is_history), list(tape.trades.is_liquidation)) == ([0, 0, 0], [0, 0, 0])

    async def test_a_span_without_book_rows_raises_record_not_found(
        self, market_data: RecordedMarketData, symbol: str
    ) -> None:
        with pytest.raises(RecordNotFound):
            await market_data.tape(EXCHANGE, symbol, T0 + 1_000, T0 + 2_000)

    async def test_another_market_has_nothing_to_replay(self, market_data: RecordedMarketData) -> None:
        with pytest.raises(RecordNotFound):
            await market_data.tape(EXCHANGE, a_symbol(), None, None)
