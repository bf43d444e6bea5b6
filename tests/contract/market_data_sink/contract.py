"""What every `MarketDataSink` must do, whatever stores it.

Subclasses provide `sink` (started, empty) and `stored` (reads back what the sink made durable). Each test
writes its own market (`symbol`), so sinks over one shared database never see each other's rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol

import pytest

from mm.domain.market_events import BestBidOffer, PriceKind, PriceUpdate, PublicTrade
from mm.domain.recorded_rows import MarketDataRow
from mm.domain.side import Side
from mm.ports.errors import StoreError
from mm.ports.market_data_sink import MarketDataSink
from tests.ingestor_support.market_data_examples import (
    EXCHANGE,
    T0_MS,
    a_bbo,
    a_gap,
    a_price,
    a_recovery,
    trades_frame,
)
from tests.unique_keys import a_symbol

RowView = tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class TopView:
    ts_ms: int
    bid_px: Decimal | None
    bid_sz: Decimal | None
    ask_px: Decimal | None
    ask_sz: Decimal | None


@dataclass(frozen=True, slots=True)
class GapView:
    symbol: str
    stream: str
    kind: str
    from_ts_ms: int
    to_ts_ms: int | None


class StoredMarketData(Protocol):
    """Reads back a sink's durable state in one neutral form (after flushing it)."""

    async def rows(self, symbol: str) -> list[RowView]:
        """The market's stored rows, by row number."""
        ...

    async def latest_top(self, symbol: str) -> TopView | None: ...

    async def latest_price(self, symbol: str, kind: PriceKind) -> tuple[int, Decimal] | None: ...

    async def gaps(self, symbol: str) -> list[GapView]:
        """The market's gaps, in the order they were recorded."""
        ...


def row_view(row: MarketDataRow, row_no: int, raw: str | None) -> RowView:
    """The neutral form of one stored row; raw text is kept exactly as received."""
    head = (row_no, row.symbol, row.exchange_ts_ms, row.received_ts_ms, row.seq)
    kept = raw or None
    if isinstance(row, BestBidOffer):
        return ("md_bbo", *head, row.bid_px, row.bid_sz, row.ask_px, row.ask_sz, kept)
    if isinstance(row, PublicTrade):
        values = (row.trade_id, row.price, row.size, row.taker_side.value, row.kind.value, row.is_replay)
        return ("md_trade", *head, *values, kept)
    assert isinstance(row, PriceUpdate)
    return ("md_price", *head, row.kind.value, row.price, kept)


class MarketDataSinkContract:
    @pytest.fixture
    def symbol(self) -> str:
        return a_symbol()

    async def test_rows_are_numbered_in_arrival_order_and_keep_every_field(
        self, sink: MarketDataSink, stored: StoredMarketData, symbol: str
    ) -> None:
        rows: list[MarketDataRow] = [
            a_bbo(1, symbol=symbol),
            *trades_frame(2, ("60000.5", "0.25", Side.SELL), symbol=symbol),
            a_price(3, symbol=symbol),
            a_bbo(4, "59999.5", symbol=symbol),
        ]
        for row in rows:
            await sink.append(row)
        assert await stored.rows(symbol) == [row_view(row, n, row.raw) for n, row in enumerate(rows, start=1)]

    async def test_a_message_with_several_rows_keeps_its_raw_text_on_the_first_only(
        self, sink: MarketDataSink, stored: StoredMarketData, symbol: str
    ) -> None:
        first, second = trades_frame(5, ("60000.5", "0.1", Side.BUY), ("60001", "0.2", Side.BUY), symbol=symbol)
        await sink.append(first)
        await sink.append(second)
        assert [row[-1] is not None for row in await stored.rows(symbol)] == [True, False]

    async def test_an_empty_side_of_the_book_is_stored_as_none(
        self, sink: MarketDataSink, stored: StoredMarketData, symbol: str
    ) -> None:
        await sink.append(a_bbo(1, bid_px=None, symbol=symbol))
        assert (await stored.rows(symbol))[0][6:10] == (None, None, Decimal("60001.0"), Decimal("0.5"))

    async def test_the_latest_top_includes_updates_that_were_thinned_out(
        self, sink: MarketDataSink, stored: StoredMarketData, symbol: str
    ) -> None:
        await sink.append(a_bbo(1, symbol=symbol))
        await sink.update_latest(a_bbo(2, "59999.0", bid_sz="3", symbol=symbol))
        assert await stored.latest_top(symbol) == TopView(
            T0_MS + 2, Decimal("59999.0"), Decimal(3), Decimal("60001.0"), Decimal("0.5")
        )

    async def test_an_older_top_does_not_replace_a_newer_one(
        self, sink: MarketDataSink, stored: StoredMarketData, symbol: str
    ) -> None:
        await sink.append(a_bbo(5, "60005", symbol=symbol))
        await sink.flush()
        await sink.update_latest(a_bbo(4, "60004", symbol=symbol))
        top = await stored.latest_top(symbol)
        assert top is not None
        assert top.bid_px == Decimal(60005)

    async def test_the_latest_mark_and_index_prices_are_kept_apart(
        self, sink: MarketDataSink, stored: StoredMarketData, symbol: str
    ) -> None:
        await sink.append(a_price(1, "60000.5", PriceKind.MARK, symbol=symbol))
        await sink.append(a_price(2, "59999.5", PriceKind.INDEX, symbol=symbol))
        await sink.append(a_price(3, "60000.7", PriceKind.MARK, symbol=symbol))
        assert await stored.latest_price(symbol, PriceKind.MARK) == (T0_MS + 3, Decimal("60000.7"))
        assert await stored.latest_price(symbol, PriceKind.INDEX) == (T0_MS + 2, Decimal("59999.5"))

    async def test_a_gap_stays_open_until_its_recovery(
        self, sink: MarketDataSink, stored: StoredMarketData, symbol: str
    ) -> None:
        await sink.record_gap(a_gap(T0_MS, symbol=symbol))
        assert await stored.gaps(symbol) == [GapView(symbol, "bbo", "disconnected", T0_MS, None)]
        await sink.record_recovery(a_recovery(T0_MS, T0_MS + 2_000, symbol=symbol))
        assert await stored.gaps(symbol) == [GapView(symbol, "bbo", "disconnected", T0_MS, T0_MS + 2_000)]

    async def test_a_recovery_closes_only_its_own_streams_gaps(
        self, sink: MarketDataSink, stored: StoredMarketData, symbol: str
    ) -> None:
        await sink.record_gap(a_gap(T0_MS, stream="bbo", symbol=symbol))
        await sink.record_gap(a_gap(T0_MS, stream="trades", symbol=symbol))
        await sink.record_recovery(a_recovery(T0_MS, T0_MS + 2_000, stream="trades", symbol=symbol))
        assert sorted((gap.stream, gap.to_ts_ms) for gap in await stored.gaps(symbol)) == [
            ("bbo", None),
            ("trades", T0_MS + 2_000),
        ]

    async def test_accepting_after_close_raises_store_error(self, sink: MarketDataSink, symbol: str) -> None:
        await sink.aclose()
        with pytest.raises(StoreError):
            await sink.append(a_bbo(1, symbol=symbol))


__all__ = ["EXCHANGE", "GapView", "MarketDataSinkContract", "RowView", "StoredMarketData", "TopView", "row_view"]
