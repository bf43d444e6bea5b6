from __future__ import annotations

from decimal import Decimal

import pytest

from mm.adapters.memory.market_data_sink import InMemoryMarketDataSink
from mm.domain.market_events import PriceKind
from tests.contract.market_data_sink.contract import (
    EXCHANGE,
    GapView,
    MarketDataSinkContract,
    RowView,
    TopView,
    row_view,
)


class StoredInMemory:
    def __init__(self, sink: InMemoryMarketDataSink) -> None:
        self._sink = sink

    async def rows(self, symbol: str) -> list[RowView]:
        return [
            row_view(stored.row, stored.row_no, stored.raw) for stored in self._sink.rows if stored.row.symbol == symbol
        ]

    async def latest_top(self, symbol: str) -> TopView | None:
        top = self._sink.latest_tops.get((EXCHANGE, symbol))
        return None if top is None else TopView(top.exchange_ts_ms, top.bid_px, top.bid_sz, top.ask_px, top.ask_sz)

    async def latest_price(self, symbol: str, kind: PriceKind) -> tuple[int, Decimal] | None:
        price = self._sink.latest_prices.get((EXCHANGE, symbol, kind))
        return None if price is None else (price.exchange_ts_ms, price.price)

    async def gaps(self, symbol: str) -> list[GapView]:
        return [
            GapView(s.gap.symbol, s.gap.stream, s.gap.kind.value, s.gap.from_ts_ms, s.to_ts_ms)
            for s in self._sink.gaps
            if s.gap.symbol == symbol
        ]


@pytest.mark.contract
class TestInMemoryMarketDataSink(MarketDataSinkContract):
    @pytest.fixture
    def sink(self) -> InMemoryMarketDataSink:
        return InMemoryMarketDataSink()

    @pytest.fixture
    def stored(self, sink: InMemoryMarketDataSink) -> StoredInMemory:
        return StoredInMemory(sink)
