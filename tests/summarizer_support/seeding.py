"""Writing the summarizer's inputs (fills, best bid/offer, decisions, positions) into either backend.

The contract suites and the use-case tests seed through this one interface, so the same scenario
runs against the in-memory adapters and against Postgres.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Protocol

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncEngine

from mm.adapters.memory.bucket_summary_store import InMemoryBucketSummaryStore
from mm.adapters.memory.fill_enrichment_store import InMemoryFillEnrichmentStore
from mm.adapters.memory.market_mid_source import InMemoryMarketMidSource
from mm.adapters.memory.trading_history import InMemoryTradingHistory
from mm.adapters.postgres.epoch_ms import to_datetime
from mm.adapters.postgres.partitions import day_of_ms, ensure_day_partitions
from mm.adapters.postgres.summary.bucket_summary_store import PostgresBucketSummaryStore
from mm.adapters.postgres.summary.fill_enrichment_store import PostgresFillEnrichmentStore
from mm.adapters.postgres.summary.market_mid_source import PostgresMarketMidSource
from mm.adapters.postgres.tables import ex_decision, ex_fill, ex_position, md_bbo
from mm.adapters.postgres.trading_history import PostgresTradingHistory
from mm.domain.fill_summary import FillRecord
from mm.domain.mode import Mode
from mm.domain.mode_timeline import DecisionSample
from mm.domain.position_timeline import PositionSample
from mm.ports.bucket_summary_store import BucketSummaryStore
from mm.ports.fill_enrichment_store import FillEnrichmentStore
from mm.ports.market_mid_source import MarketMidSource
from mm.ports.trading_history import TradingHistory


class Seeder(Protocol):
    async def add_fill(self, fill: FillRecord) -> None: ...

    async def add_bbo(
        self, exchange: str, symbol: str, ts_ms: int, bid_px: Decimal | None, ask_px: Decimal | None
    ) -> None: ...

    async def add_decision(
        self,
        exchange: str,
        symbol: str,
        ts_ms: int,
        mode: Mode,
        *,
        bid_px: Decimal | None = None,
        ask_px: Decimal | None = None,
    ) -> None: ...

    async def add_position(self, exchange: str, symbol: str, ts_ms: int, size: Decimal) -> None: ...


@dataclass(frozen=True, slots=True)
class SummarizerBackend:
    """One backend's four adapters and the seeder writing into the same data."""

    seed: Seeder
    fills: FillEnrichmentStore
    mids: MarketMidSource
    history: TradingHistory
    summaries: BucketSummaryStore


class InMemorySeeder:
    def __init__(self, history: InMemoryTradingHistory, market_data: InMemoryMarketMidSource) -> None:
        self._history = history
        self._market_data = market_data

    async def add_fill(self, fill: FillRecord) -> None:
        self._history.add_fill(fill)

    async def add_bbo(
        self, exchange: str, symbol: str, ts_ms: int, bid_px: Decimal | None, ask_px: Decimal | None
    ) -> None:
        self._market_data.add_bbo(exchange, symbol, ts_ms, bid_px, ask_px)

    async def add_decision(
        self,
        exchange: str,
        symbol: str,
        ts_ms: int,
        mode: Mode,
        *,
        bid_px: Decimal | None = None,
        ask_px: Decimal | None = None,
    ) -> None:
        quoting = bid_px is not None and ask_px is not None
        self._history.add_decision(exchange, symbol, DecisionSample(ts_ms, mode, quoting))

    async def add_position(self, exchange: str, symbol: str, ts_ms: int, size: Decimal) -> None:
        self._history.add_position(exchange, symbol, PositionSample(ts_ms, size))


class PostgresSeeder:
    """Inserts rows as the executor and the ingestor would (md_bbo in recorded order, one source)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._row_no = itertools.count()
        self._days: set[date] = set()

    async def add_fill(self, fill: FillRecord) -> None:
        row = {
            "exchange": fill.exchange,
            "fill_id": fill.fill_id,
            "symbol": fill.symbol,
            "ts": to_datetime(fill.ts_ms),
            "side": fill.side.value,
            "price": fill.price,
            "size": fill.size,
            "fee": fill.fee,
            "is_taker": False,
            "mode": fill.mode.value if fill.mode else None,
            "params_version": fill.params_version,
        }
        async with self._engine.begin() as conn:
            await conn.execute(insert(ex_fill).values(row))

    async def add_bbo(
        self, exchange: str, symbol: str, ts_ms: int, bid_px: Decimal | None, ask_px: Decimal | None
    ) -> None:
        row = {
            "exchange": exchange,
            "symbol": symbol,
            "ts": to_datetime(ts_ms),
            "bid_px": bid_px,
            "ask_px": ask_px,
            "source_id": 1,
            "row_no": next(self._row_no),
        }
        async with self._engine.begin() as conn:
            if day_of_ms(ts_ms) not in self._days:
                await conn.run_sync(ensure_day_partitions, [day_of_ms(ts_ms)], ("md_bbo",))
                self._days.add(day_of_ms(ts_ms))
            await conn.execute(insert(md_bbo).values(row))

    async def add_decision(
        self,
        exchange: str,
        symbol: str,
        ts_ms: int,
        mode: Mode,
        *,
        bid_px: Decimal | None = None,
        ask_px: Decimal | None = None,
    ) -> None:
        row = {
            "exchange": exchange,
            "symbol": symbol,
            "ts": to_datetime(ts_ms),
            "mode": mode.value,
            "bid_px": bid_px,
            "ask_px": ask_px,
        }
        async with self._engine.begin() as conn:
            await conn.execute(insert(ex_decision).values(row))

    async def add_position(self, exchange: str, symbol: str, ts_ms: int, size: Decimal) -> None:
        row = {"exchange": exchange, "symbol": symbol, "ts": to_datetime(ts_ms), "size": size}
        async with self._engine.begin() as conn:
            await conn.execute(insert(ex_position).values(row))


def in_memory_backend() -> SummarizerBackend:
    history, market_data = InMemoryTradingHistory(), InMemoryMarketMidSource()
    return SummarizerBackend(
        seed=InMemorySeeder(history, market_data),
        fills=InMemoryFillEnrichmentStore(history, market_data),
        mids=market_data,
        history=history,
        summaries=InMemoryBucketSummaryStore(),
    )


def postgres_backend(engine: AsyncEngine) -> SummarizerBackend:
    return SummarizerBackend(
        seed=PostgresSeeder(engine),
        fills=PostgresFillEnrichmentStore(engine),
        mids=PostgresMarketMidSource(engine),
        history=PostgresTradingHistory(engine),
        summaries=PostgresBucketSummaryStore(engine),
    )
