from __future__ import annotations

import json
from collections.abc import AsyncIterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import psycopg
import pytest

from mm.adapters.observability.prometheus import PrometheusMetrics
from mm.adapters.postgres.ingest.batch import RecordingSource
from mm.adapters.postgres.ingest.market_data_sink import PostgresMarketDataSink, WriterSettings
from mm.domain.market_events import PriceKind
from tests.contract.market_data_sink.contract import (
    EXCHANGE,
    GapView,
    MarketDataSinkContract,
    RowView,
    TopView,
)
from tests.unique_keys import an_id


def _ms(ts: Any) -> Any:
    """Epoch milliseconds of a timestamptz (None stays None)."""
    return None if ts is None else round(ts.timestamp() * 1000)


_ROW_QUERIES = {
    "md_bbo": "SELECT row_no, symbol, ts, recv_ts, seq, bid_px, bid_sz, ask_px, ask_sz, raw FROM md_bbo",
    "md_trade": "SELECT row_no, symbol, ts, recv_ts, seq, trade_id, price, size, taker_side, kind, is_replay, raw FROM md_trade",
    "md_price": "SELECT row_no, symbol, ts, recv_ts, seq, kind, price, raw FROM md_price",
}
_OF_THE_MARKET = " WHERE exchange = %s AND symbol = %s"


class StoredInPostgres:
    """Flushes the sink, then reads the tables it writes."""

    def __init__(self, sink: PostgresMarketDataSink, url: str) -> None:
        self._sink = sink
        self._url = url

    async def _query(self, query: str, *params: object) -> list[tuple[Any, ...]]:
        await self._sink.flush()
        async with await psycopg.AsyncConnection.connect(self._url) as conn:
            return await (await conn.execute(query, params)).fetchall()

    async def rows(self, symbol: str) -> list[RowView]:
        rows: list[RowView] = []
        for table, query in _ROW_QUERIES.items():
            found = await self._query(query + _OF_THE_MARKET, EXCHANGE, symbol)
            for row_no, row_symbol, ts, recv_ts, seq, *values, raw in found:
                rows.append((table, row_no, row_symbol, _ms(ts), _ms(recv_ts), seq, *values, raw))
        return sorted(rows, key=lambda row: row[1])

    async def latest_top(self, symbol: str) -> TopView | None:
        found = await self._query(
            "SELECT ts, bid_px, bid_sz, ask_px, ask_sz FROM latest_top WHERE exchange = %s AND symbol = %s",
            EXCHANGE,
            symbol,
        )
        return None if not found else TopView(_ms(found[0][0]), *found[0][1:])

    async def latest_price(self, symbol: str, kind: PriceKind) -> tuple[int, Decimal] | None:
        found = await self._query(
            "SELECT ts, price FROM latest_price WHERE exchange = %s AND symbol = %s AND kind = %s",
            EXCHANGE,
            symbol,
            kind.value,
        )
        return None if not found else (_ms(found[0][0]), found[0][1])

    async def gaps(self, symbol: str) -> list[GapView]:
        found = await self._query(
            "SELECT symbol, stream, kind, from_ts, to_ts FROM md_gap" + _OF_THE_MARKET + " ORDER BY id",
            EXCHANGE,
            symbol,
        )
        return [
            GapView(gap_symbol, stream, kind, _ms(from_ts), _ms(to_ts))
            for gap_symbol, stream, kind, from_ts, to_ts in found
        ]


@pytest.mark.contract
@pytest.mark.integration
class TestPostgresMarketDataSink(MarketDataSinkContract):
    @pytest.fixture
    async def sink(self, database_url: str, tmp_path: Path) -> AsyncIterator[PostgresMarketDataSink]:
        sink = PostgresMarketDataSink(
            database_url,
            source=RecordingSource(EXCHANGE, an_id("contract"), json.dumps({"test": True})),
            spool_folder=tmp_path / "spool",
            metrics=PrometheusMetrics(),
            settings=WriterSettings(batch_max_delay_s=0.01),
        )
        await sink.start()
        yield sink
        await sink.aclose()

    @pytest.fixture
    def stored(self, sink: PostgresMarketDataSink, database_url: str) -> StoredInPostgres:
        return StoredInPostgres(sink, database_url)
