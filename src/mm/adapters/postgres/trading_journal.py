"""`TradingJournal` on Postgres: one transaction per batch into `md_*`, `md_gap`, `ex_*` and `ex_decision`.

Market rows belong to one `md_source` per journal (kind `ws`, named by the run) and are encoded and
copied as the ingestor's are (`ingest/market_row_encoder.py`, `ingest/market_row_copy.py`): a venue
message the ingestor stored already is left out. The encoder's numbering advances only after a
commit, so a retried batch gets the same keys and is stored once. Fills are keyed by the venue's
fill id the same way.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date
from typing import Any

from psycopg import AsyncConnection as PsycopgConnection
from sqlalchemy import Table, and_, insert, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from mm.adapters.postgres.epoch_ms import to_datetime
from mm.adapters.postgres.errors import translate_db_errors
from mm.adapters.postgres.ingest.market_data_rows import MS_PER_DAY
from mm.adapters.postgres.ingest.market_row_copy import MarketRowCopy
from mm.adapters.postgres.ingest.market_row_encoder import EncodedRows, MarketRowEncoder
from mm.adapters.postgres.partitions import day_of_ms, ensure_day_partitions
from mm.adapters.postgres.tables import ex_decision, ex_fill, ex_order, ex_position, md_gap, md_source
from mm.domain.decision_record import DecisionRecord
from mm.domain.engine_commands import describe_command
from mm.domain.journal_batch import JournalBatch, JournaledFill
from mm.domain.market_events import FeedGap, FeedRecovered, MarketEvent
from mm.domain.order_journal import OrderJournalEntry
from mm.domain.orders import PositionUpdate


async def _psycopg_connection(conn: AsyncConnection) -> PsycopgConnection[tuple[object, ...]]:
    """The driver's connection under `conn`, in its transaction: COPY is psycopg's, not SQLAlchemy's."""
    raw = await conn.get_raw_connection()
    return raw.driver_connection  # type: ignore[return-value]


def _raw_json(raw: str) -> Any:
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return {"text": raw}


def _finite_json(values: dict[str, Any] | None) -> dict[str, Any] | None:
    """JSONB refuses NaN and infinities; they become null."""
    if values is None:
        return None
    return {k: (None if isinstance(v, float) and not math.isfinite(v) else v) for k, v in values.items()}


class PostgresTradingJournal:
    """Appends batches for one exchange; `source_name` names this run's market-data source."""

    def __init__(self, engine: AsyncEngine, exchange: str, source_name: str) -> None:
        self._engine = engine
        self._exchange = exchange
        self._source_name = source_name
        self._source_id: int | None = None
        self._encoder = MarketRowEncoder()
        self._rows = MarketRowCopy()
        self._ensured_days: set[date] = set()
        self._new_days: set[date] = set()

    async def append(self, batch: JournalBatch) -> None:
        self._new_days = set()
        encoder = self._encoder.fork()
        with translate_db_errors():
            async with self._engine.begin() as conn:
                await self._append_market(conn, batch.market, encoder)
                await self._insert(conn, ex_order, [self._order_row(e) for e in batch.orders])
                await self._insert_fills(conn, batch.fills)
                await self._insert(conn, ex_position, [self._position_row(p) for p in batch.positions])
                await self._insert(conn, ex_decision, [self._decision_row(d) for d in batch.decisions])
        # The numbering moves on only after the commit: a failed batch retried gets the same keys.
        self._encoder = encoder
        self._ensured_days |= self._new_days

    @staticmethod
    async def _insert(conn: AsyncConnection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
        if rows:
            await conn.execute(insert(table), list(rows))

    async def _insert_fills(self, conn: AsyncConnection, fills: Iterable[JournaledFill]) -> None:
        rows = [self._fill_row(f) for f in fills]
        if rows:
            await conn.execute(pg_insert(ex_fill).on_conflict_do_nothing(), rows)

    async def _append_market(
        self, conn: AsyncConnection, events: Sequence[MarketEvent], encoder: MarketRowEncoder
    ) -> None:
        """Store the batch's market rows (each venue message once) and its feed gaps."""
        if not events:
            return
        rows = EncodedRows()
        encoder.encode((self._labelled(event) for event in events), rows)
        if rows.row_total:
            source_id = await self._source(conn)
            await self._ensure_partitions(conn, {day_of_ms(day * MS_PER_DAY) for day in rows.days})
            driver = await _psycopg_connection(conn)
            for table, table_rows in rows.by_table().items():
                await self._rows.store(driver, table, table_rows, source_id)
        await self._insert(conn, md_gap, [self._gap_row(e) for e in events if isinstance(e, FeedGap)])
        for recovered in events:
            if isinstance(recovered, FeedRecovered):
                await conn.execute(self._close_gap(recovered))

    def _labelled(self, event: MarketEvent) -> MarketEvent:
        """The event under this journal's exchange name, which its rows have always been stored with."""
        if isinstance(event, FeedGap | FeedRecovered) or event.exchange == self._exchange:
            return event
        return replace(event, exchange=self._exchange)

    async def _source(self, conn: AsyncConnection) -> int:
        if self._source_id is None:
            statement = (
                pg_insert(md_source)
                .values(kind="ws", exchange=self._exchange, name=self._source_name, detail={"app": "executor"})
                .on_conflict_do_update(index_elements=["kind", "exchange", "name"], set_={"name": self._source_name})
                .returning(md_source.c.id)
            )
            self._source_id = int((await conn.execute(statement)).scalar_one())
        return self._source_id

    async def _ensure_partitions(self, conn: AsyncConnection, days_wanted: set[date]) -> None:
        days = days_wanted - self._ensured_days
        if days:
            await conn.run_sync(ensure_day_partitions, days)
            self._new_days = days

    def _gap_row(self, gap: FeedGap) -> dict[str, Any]:
        return {
            "exchange": self._exchange,
            "symbol": gap.symbol,
            "stream": gap.stream,
            "kind": gap.kind.value,
            "from_ts": to_datetime(gap.from_ts_ms),
            "expected_seq": gap.expected_seq,
            "received_seq": gap.received_seq,
            "detail": gap.detail,
        }

    def _close_gap(self, recovered: FeedRecovered) -> Any:
        return (
            update(md_gap)
            .where(
                and_(
                    md_gap.c.exchange == self._exchange,
                    md_gap.c.symbol == recovered.symbol,
                    md_gap.c.stream == recovered.stream,
                    md_gap.c.to_ts.is_(None),
                )
            )
            .values(to_ts=to_datetime(recovered.recovered_ts_ms))
        )

    def _order_row(self, entry: OrderJournalEntry) -> dict[str, Any]:
        return {
            "exchange": entry.exchange,
            "symbol": entry.symbol,
            "ts": to_datetime(entry.ts_ms),
            "event": entry.event.value,
            "client_order_id": entry.client_order_id,
            "exchange_order_id": entry.exchange_order_id,
            "side": entry.side,
            "price": entry.price,
            "size": entry.size,
            "filled_size": entry.filled_size,
            "status": entry.status,
            "reason": entry.reason,
            "raw": _raw_json(entry.raw),
        }

    def _fill_row(self, journaled: JournaledFill) -> dict[str, Any]:
        fill = journaled.event.fill
        return {
            "exchange": self._exchange,
            "fill_id": fill.fill_id,
            "symbol": fill.symbol,
            "ts": to_datetime(fill.ts_ms),
            "recv_ts": to_datetime(journaled.event.received_ts_ms),
            "exchange_order_id": fill.exchange_order_id or None,
            "client_order_id": fill.client_order_id or None,
            "side": fill.side.value,
            "price": fill.price,
            "size": fill.size,
            "fee": fill.fee,
            "is_taker": fill.is_taker,
            "mode": journaled.mode,
            "params_version": journaled.params_version,
            "raw": _raw_json(journaled.event.raw),
        }

    def _position_row(self, update_: PositionUpdate) -> dict[str, Any]:
        position = update_.position
        return {
            "exchange": self._exchange,
            "symbol": position.symbol,
            "ts": to_datetime(position.ts_ms),
            "size": position.size,
            "entry_price": position.entry_price,
            "unrealised_pnl": position.unrealised_pnl,
            "realised_pnl": position.realised_pnl,
            "raw": _raw_json(update_.raw),
        }

    @staticmethod
    def _decision_row(record: DecisionRecord) -> dict[str, Any]:
        return {
            "exchange": record.exchange,
            "symbol": record.symbol,
            "ts": to_datetime(record.ts_ms),
            "mode": record.mode,
            "prev_mode": record.prev_mode,
            "reasons": list(record.reasons),
            "params_version": record.params_version,
            "mid": record.mid,
            "bid_px": record.bid_px,
            "bid_sz": record.bid_sz,
            "ask_px": record.ask_px,
            "ask_sz": record.ask_sz,
            "position": record.position,
            "features": _finite_json(record.features_json()),
            "commands": [describe_command(command) for command in record.commands],
        }
