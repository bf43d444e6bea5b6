"""`TradingJournal` on Postgres: one transaction per batch into `md_*`, `md_gap`, `ex_*` and `ex_decision`.

Market rows belong to one `md_source` per journal (kind `ws`, named by the run), numbered in
arrival order; the numbers advance only after a commit, so a retried batch reuses them and
`ON CONFLICT DO NOTHING` stores it once. Fills are keyed by the venue's fill id the same way.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from sqlalchemy import Table, and_, insert, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from mm.adapters.postgres.epoch_ms import to_datetime
from mm.adapters.postgres.errors import translate_db_errors
from mm.adapters.postgres.ingest.market_data_rows import raw_text
from mm.adapters.postgres.partitions import day_of_ms, ensure_day_partitions
from mm.adapters.postgres.tables import (
    ex_decision,
    ex_fill,
    ex_order,
    ex_position,
    md_bbo,
    md_gap,
    md_price,
    md_source,
    md_trade,
)
from mm.domain.decision_record import DecisionRecord
from mm.domain.engine_commands import describe_command
from mm.domain.journal_batch import JournalBatch, JournaledFill
from mm.domain.market_events import BestBidOffer, FeedGap, FeedRecovered, MarketEvent, PriceUpdate, PublicTrade
from mm.domain.order_journal import OrderJournalEntry
from mm.domain.orders import PositionUpdate


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
        self._next_row_no = 1
        self._ensured_days: set[date] = set()
        self._new_days: set[date] = set()

    async def append(self, batch: JournalBatch) -> None:
        self._new_days = set()
        with translate_db_errors():
            async with self._engine.begin() as conn:
                rows_used = await self._append_market(conn, batch.market)
                await self._insert(conn, ex_order, [self._order_row(e) for e in batch.orders])
                await self._insert_fills(conn, batch.fills)
                await self._insert(conn, ex_position, [self._position_row(p) for p in batch.positions])
                await self._insert(conn, ex_decision, [self._decision_row(d) for d in batch.decisions])
        # Counters move only after the commit: a failed batch retried reuses its row numbers.
        self._next_row_no += rows_used
        self._ensured_days |= self._new_days

    @staticmethod
    async def _insert(conn: AsyncConnection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
        if rows:
            await conn.execute(insert(table), list(rows))

    async def _insert_fills(self, conn: AsyncConnection, fills: Iterable[JournaledFill]) -> None:
        rows = [self._fill_row(f) for f in fills]
        if rows:
            await conn.execute(pg_insert(ex_fill).on_conflict_do_nothing(), rows)

    # --- market data -----------------------------------------------------------------------------

    async def _append_market(self, conn: AsyncConnection, events: Sequence[MarketEvent]) -> int:
        """Insert the batch's market rows; returns how many row numbers they used."""
        if not events:
            return 0
        source_id = await self._source(conn)
        rows: dict[str, list[dict[str, Any]]] = {"md_bbo": [], "md_trade": [], "md_price": []}
        gaps: list[dict[str, Any]] = []
        recoveries: list[FeedRecovered] = []
        row_no = self._next_row_no
        for event in events:
            if isinstance(event, FeedGap):
                gaps.append(self._gap_row(event))
                continue
            if isinstance(event, FeedRecovered):
                recoveries.append(event)
                continue
            table_name, row = self._market_row(event)
            row.update(source_id=source_id, row_no=row_no, exchange=self._exchange, symbol=event.symbol)
            rows[table_name].append(row)
            row_no += 1
        await self._ensure_partitions(conn, {r["ts_ms"] for table_rows in rows.values() for r in table_rows})
        for md_table in (md_bbo, md_trade, md_price):
            table_rows = rows[md_table.name]
            for row in table_rows:
                row["ts"] = to_datetime(row.pop("ts_ms"))
            if table_rows:
                await conn.execute(pg_insert(md_table).on_conflict_do_nothing(), table_rows)
        await self._insert(conn, md_gap, gaps)
        for recovered in recoveries:
            await conn.execute(self._close_gap(recovered))
        return row_no - self._next_row_no

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

    async def _ensure_partitions(self, conn: AsyncConnection, stamps_ms: set[int]) -> None:
        days = {day_of_ms(ts_ms) for ts_ms in stamps_ms} - self._ensured_days
        if days:
            await conn.run_sync(ensure_day_partitions, days)
            self._new_days = days

    @staticmethod
    def _market_row(event: BestBidOffer | PublicTrade | PriceUpdate) -> tuple[str, dict[str, Any]]:
        common = {
            "ts_ms": event.exchange_ts_ms,
            "recv_ts": to_datetime(event.received_ts_ms),
            "seq": event.seq,
            "raw": raw_text(event.raw or None),  # md_* keep the message as received (text)
        }
        if isinstance(event, BestBidOffer):
            return "md_bbo", {
                **common,
                "bid_px": event.bid_px,
                "bid_sz": event.bid_sz,
                "ask_px": event.ask_px,
                "ask_sz": event.ask_sz,
            }
        if isinstance(event, PublicTrade):
            return "md_trade", {
                **common,
                "trade_id": event.trade_id,
                "price": event.price,
                "size": event.size,
                "taker_side": event.taker_side.value,
                "kind": event.kind.value,
                "is_replay": event.is_replay,
            }
        return "md_price", {**common, "kind": event.kind.value, "price": event.price}

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

    # --- exchange and decisions ------------------------------------------------------------------

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
