"""`ExecutorRecord` on Postgres: incidents from `ex_decision`, `md_gap` and `ex_order`; the fill mark from `ex_fill`.

Each read goes through the table's (exchange, symbol, ts) index. Which rows are incidents follows
`mm.domain.recorded_incidents`, the rules the engine counted them by live.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from mm.adapters.postgres.epoch_ms import to_datetime, to_epoch_ms
from mm.adapters.postgres.errors import translate_db_errors
from mm.adapters.postgres.tables import ex_decision, ex_fill, ex_order, md_gap
from mm.domain.fill_history_mark import FillHistoryMark
from mm.domain.mode import Mode
from mm.domain.order_journal import OrderEvent
from mm.domain.orders import RejectReason
from mm.domain.recorded_incidents import BENIGN_CLOSE_REASONS, BENIGN_FAILURES, OPEN_STATUSES, RecordedIncidents

_PAUSE = Mode.PAUSE.value

_EXCHANGE_ERROR = or_(
    and_(
        ex_order.c.event == OrderEvent.FAILED.value,
        or_(ex_order.c.reason.is_(None), ex_order.c.reason.not_in(sorted(BENIGN_FAILURES))),
    ),
    and_(
        ex_order.c.event == OrderEvent.UPDATE.value,
        or_(ex_order.c.status.is_(None), ex_order.c.status.not_in(sorted(OPEN_STATUSES))),
        func.coalesce(ex_order.c.reason, RejectReason.NONE.value).not_in(sorted(BENIGN_CLOSE_REASONS)),
    ),
)


class PostgresExecutorRecord:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def incidents_since(self, exchange: str, symbol: str, since_ms: int) -> RecordedIncidents:
        since = to_datetime(since_ms)
        pauses = (
            select(ex_decision.c.ts)
            .where(ex_decision.c.exchange == exchange, ex_decision.c.symbol == symbol, ex_decision.c.ts >= since)
            .where(
                ex_decision.c.mode == _PAUSE, ex_decision.c.prev_mode.is_not(None), ex_decision.c.prev_mode != _PAUSE
            )
            .order_by(ex_decision.c.ts)
        )
        gaps = (
            select(md_gap.c.from_ts)
            .where(md_gap.c.exchange == exchange, md_gap.c.symbol == symbol, md_gap.c.from_ts >= since)
            .order_by(md_gap.c.from_ts)
        )
        errors = (
            select(ex_order.c.ts)
            .where(ex_order.c.exchange == exchange, ex_order.c.symbol == symbol, ex_order.c.ts >= since)
            .where(_EXCHANGE_ERROR)
            .order_by(ex_order.c.ts)
        )
        with translate_db_errors():
            async with self._engine.connect() as conn:
                return RecordedIncidents(
                    pause_ts_ms=await _stamps(conn, pauses),
                    gap_ts_ms=await _stamps(conn, gaps),
                    error_ts_ms=await _stamps(conn, errors),
                )

    async def fill_history_mark(
        self, exchange: str, symbols: Sequence[str], lookback_ms: int
    ) -> FillHistoryMark | None:
        ours = and_(ex_fill.c.exchange == exchange, ex_fill.c.symbol.in_(list(symbols)))
        newest = select(func.max(ex_fill.c.ts)).where(ours).scalar_subquery()
        recent = select(ex_fill.c.fill_id, ex_fill.c.ts).where(
            ours, ex_fill.c.ts >= newest - timedelta(milliseconds=lookback_ms)
        )
        first_order = select(func.min(ex_order.c.ts)).where(
            ex_order.c.exchange == exchange, ex_order.c.symbol.in_(list(symbols))
        )
        with translate_db_errors():
            async with self._engine.connect() as conn:
                rows = (await conn.execute(recent)).all()
                first_order_ts = None if rows else await conn.scalar(first_order)
        if first_order_ts is not None:
            return FillHistoryMark.before_first_order(to_epoch_ms(first_order_ts), lookback_ms)
        return FillHistoryMark.of(((row.fill_id, to_epoch_ms(row.ts)) for row in rows), lookback_ms)


async def _stamps(conn: AsyncConnection, query: object) -> tuple[int, ...]:
    result = await conn.execute(query)  # type: ignore[call-overload]
    return tuple(to_epoch_ms(ts) for ts in result.scalars())
