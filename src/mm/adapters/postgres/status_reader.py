"""The operator's read model on Postgres: one `SystemStatus` from what the apps last wrote.

Every query goes through an (exchange, symbol, ...) index and reads a handful of rows, so `mm status --watch`
can refresh every second on a database of months. The one long read, every fill before today (to know the
inventory the day opened with), is done once per market and day and remembered; so is the day's fills so far,
to which each read adds only the fills written since the last.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from mm.adapters.postgres.epoch_ms import to_datetime, to_epoch_ms
from mm.adapters.postgres.errors import translate_db_errors
from mm.adapters.postgres.summary.funding_settlements import SETTLEMENT_MARK_PX
from mm.adapters.postgres.trading_history import DISTINCT_SYMBOLS_CTE
from mm.domain.average_cost import CostBasis
from mm.domain.day_pnl import (
    DayPnl,
    DayTally,
    FillAmount,
    HeldAtSettlement,
    day_funding,
    day_start_ms,
    opening_basis,
)
from mm.domain.market_status import (
    App,
    BookTop,
    FillLine,
    Heartbeat,
    MarketStatus,
    OpenGap,
    ProposalLine,
    QuoteLine,
    RolloutLine,
    SystemStatus,
)
from mm.domain.mode import Mode
from mm.domain.pnl_attribution import FundingPayment
from mm.domain.shadow_backtest import ShadowComparison, ShadowFigures
from mm.domain.side import Side

_SYMBOLS = text(f"""
WITH RECURSIVE {DISTINCT_SYMBOLS_CTE.format(name="saved", table="strategy_state")}
SELECT symbol FROM saved WHERE symbol IS NOT NULL
UNION SELECT symbol FROM latest_top WHERE exchange = :exchange
UNION SELECT symbol FROM latest_price WHERE exchange = :exchange
ORDER BY 1
""")
_STATE = text("""
SELECT mode, mode_reasons, params_version, saved_ts, detail FROM strategy_state
WHERE exchange = :exchange AND symbol = :symbol ORDER BY version DESC LIMIT 1
""")
_TOP = text("""
SELECT bid_px, ask_px, ts, greatest(updated_at, (SELECT max(updated_at) FROM latest_price p
                                                WHERE p.exchange = :exchange AND p.symbol = :symbol)) AS written
FROM latest_top WHERE exchange = :exchange AND symbol = :symbol
""")
_LAST_DECISION = text("""
SELECT ts, bid_px, ask_px FROM ex_decision WHERE exchange = :exchange AND symbol = :symbol ORDER BY ts DESC LIMIT 1
""")
_FILLS_BETWEEN = text("""
SELECT side, price, size, fee FROM ex_fill
WHERE exchange = :exchange AND symbol = :symbol AND ts >= :start AND ts < :end ORDER BY ts, fill_id
""")
# The day's fills a reader has not folded in yet, and how many of those it has are still there (a late fill
# stamped before the last one seen, or a deleted one, changes the count: the day is then folded again).
_FILLS_AFTER = text("""
SELECT ts, fill_id, side, price, size, fee FROM ex_fill
WHERE exchange = :exchange AND symbol = :symbol AND ts >= :start AND ts < :end
  AND (ts, fill_id) > (:after_ts, :after_id)
ORDER BY ts, fill_id
""")
_FILLS_UP_TO = text("""
SELECT count(*) FROM ex_fill
WHERE exchange = :exchange AND symbol = :symbol AND ts >= :start AND (ts, fill_id) <= (:after_ts, :after_id)
""")
_MID_AT = text("""
SELECT (bid_px + ask_px) / 2 AS mid FROM md_bbo
WHERE exchange = :exchange AND symbol = :symbol AND ts <= :at AND bid_px IS NOT NULL AND ask_px IS NOT NULL
ORDER BY ts DESC LIMIT 1
""")
# The day's funding settlements, each priced at the mark then (the mid when no mark was recorded), with the
# signed size the day's fills had moved the position by then. A settlement with neither price is left out.
_SETTLEMENTS = text(f"""
SELECT s.ts, s.rate, {SETTLEMENT_MARK_PX} AS mark_px,
  coalesce((SELECT sum(CASE WHEN f.side = 'buy' THEN f.size ELSE -f.size END) FROM ex_fill f
            WHERE f.exchange = s.exchange AND f.symbol = s.symbol AND f.ts >= :start AND f.ts <= s.ts), 0) AS moved
FROM md_funding s WHERE s.exchange = :exchange AND s.symbol = :symbol AND s.ts >= :start AND s.ts < :end
ORDER BY s.ts
""")
_LAST_FILLS = text("""
SELECT f.ts, f.side, f.price, f.size, f.fee, e.markout_1s_bps, e.markout_10s_bps, e.markout_60s_bps
FROM ex_fill f LEFT JOIN fills_enriched e ON e.exchange = f.exchange AND e.fill_id = f.fill_id
WHERE f.exchange = :exchange AND f.symbol = :symbol ORDER BY f.ts DESC, f.fill_id DESC LIMIT :limit
""")
_OPEN_GAPS = text("""
SELECT stream, kind, from_ts FROM md_gap
WHERE exchange = :exchange AND symbol = :symbol AND to_ts IS NULL ORDER BY from_ts DESC LIMIT 20
""")
_SUMMARIZER_WRITE = text("""
SELECT greatest(
    (SELECT updated_at FROM agg_1m WHERE exchange = :exchange AND symbol = :symbol
     ORDER BY bucket_start DESC LIMIT 1),
    (SELECT enriched_at FROM fills_enriched WHERE exchange = :exchange AND symbol = :symbol
     ORDER BY ts DESC LIMIT 1)) AS written
""")
_LAST_PROPOSAL = text("""
SELECT id, status, created_at, changes FROM llm_proposal
WHERE exchange = :exchange AND symbol = :symbol ORDER BY created_at DESC LIMIT 1
""")
_LAST_ROLLOUT = text("""
SELECT ts, action, proposal_id, reasons, shadow_current, shadow_proposed FROM param_rollout
WHERE exchange = :exchange AND symbol = :symbol ORDER BY ts DESC, id DESC LIMIT 1
""")

_OpeningKey = tuple[str, int]


@dataclass(frozen=True, slots=True)
class _SeenFills:
    """A market's day as last read: its fills up to (`last_ts`, `last_id`), `count` of them, folded."""

    day_ms: int
    end_ms: int
    tally: DayTally
    last_ts: datetime
    last_id: str
    count: int


class PostgresStatusReader:
    """Reads each market's state and each app's last write. Read-only: it never writes a row."""

    def __init__(self, engine: AsyncEngine, exchange: str, *, fills_shown: int = 5) -> None:
        self._engine = engine
        self._exchange = exchange
        self._fills_shown = fills_shown
        self._openings: dict[_OpeningKey, CostBasis] = {}
        self._days: dict[str, _SeenFills] = {}

    async def read(self, symbols: Sequence[str], now_ms: int) -> SystemStatus:
        """The status of `symbols` (every market the database knows when empty) as of `now_ms`."""
        with translate_db_errors():
            async with self._engine.connect() as conn:
                names = list(symbols) or await self._known_symbols(conn)
                markets: list[MarketStatus] = []
                writes: dict[App, int | None] = dict.fromkeys(App)
                for symbol in names:
                    market, market_writes = await self._market(conn, symbol, now_ms)
                    markets.append(market)
                    for app, written in market_writes.items():
                        writes[app] = _latest(writes[app], written)
        return SystemStatus(
            now_ms=now_ms,
            exchange=self._exchange,
            markets=tuple(markets),
            heartbeats=tuple(Heartbeat(app, written) for app, written in writes.items()),
        )

    async def known_symbols(self) -> list[str]:
        """Every market the database knows for the exchange: saved executor state or a recorded book or price."""
        with translate_db_errors():
            async with self._engine.connect() as conn:
                return await self._known_symbols(conn)

    async def _known_symbols(self, conn: AsyncConnection) -> list[str]:
        rows = await conn.execute(_SYMBOLS, {"exchange": self._exchange})
        return [row.symbol for row in rows]

    async def _market(
        self, conn: AsyncConnection, symbol: str, now_ms: int
    ) -> tuple[MarketStatus, dict[App, int | None]]:
        key = {"exchange": self._exchange, "symbol": symbol}
        state = (await conn.execute(_STATE, key)).mappings().first()
        top = (await conn.execute(_TOP, key)).mappings().first()
        decision = (await conn.execute(_LAST_DECISION, key)).mappings().first()
        book = _book(top, decision)
        fills = [fill_line(row) for row in (await conn.execute(_LAST_FILLS, {**key, "limit": self._fills_shown}))]
        gaps = tuple(
            OpenGap(row.stream, row.kind, to_epoch_ms(row.from_ts)) for row in await conn.execute(_OPEN_GAPS, key)
        )
        proposal = (await conn.execute(_LAST_PROPOSAL, key)).mappings().first()
        rollout = (await conn.execute(_LAST_ROLLOUT, key)).mappings().first()
        summarized = (await conn.execute(_SUMMARIZER_WRITE, key)).scalar()
        pnl = await self._day_pnl(conn, symbol, now_ms, book) if fills or state else None
        detail: dict[str, Any] = dict(state["detail"]) if state else {}
        market = MarketStatus(
            symbol=symbol,
            mode=Mode(state["mode"]) if state else None,
            mode_since_ms=_int_or_none(detail.get("mode_since_ts_ms")) if state else None,
            mode_reasons=tuple(state["mode_reasons"]) if state else (),
            params_version=state["params_version"] if state else None,
            quotes=_quotes(detail),
            book=book,
            pnl=pnl,
            last_fills=tuple(fills),
            open_gaps=gaps,
            last_proposal=_proposal(proposal),
            last_rollout=_rollout(rollout),
        )
        writes = {
            App.INGESTOR: _ms(top["written"]) if top else None,
            App.EXECUTOR: _latest(_ms(state["saved_ts"]) if state else None, _ms(decision["ts"]) if decision else None),
            App.SUMMARIZER: _ms(summarized),
            App.REFLECTOR: _ms(proposal["created_at"]) if proposal else None,
        }
        return market, writes

    async def _day_pnl(self, conn: AsyncConnection, symbol: str, now_ms: int, book: BookTop | None) -> DayPnl:
        day_ms = day_start_ms(now_ms)
        opening = await self._opening(conn, symbol, day_ms)
        opening_mid = None
        if opening.position != 0:
            row = (
                await conn.execute(_MID_AT, {"exchange": self._exchange, "symbol": symbol, "at": to_datetime(day_ms)})
            ).first()
            opening_mid = row.mid if row else None
        tally = await self._today(conn, symbol, day_ms, now_ms + 1, opening)
        funding = await self._funding(conn, symbol, day_ms, now_ms + 1, opening.position)
        return tally.marked(opening_mid, book.mid if book else None, funding)

    async def _funding(
        self, conn: AsyncConnection, symbol: str, day_ms: int, end_ms: int, opening_position: Decimal
    ) -> Decimal:
        """What the day's settlements before `end_ms` charged the position held at each (negative: received)."""
        rows = await conn.execute(
            _SETTLEMENTS,
            {
                "exchange": self._exchange,
                "symbol": symbol,
                "start": to_datetime(day_ms),
                "end": to_datetime(end_ms),
            },
        )
        return day_funding(
            opening_position,
            (
                HeldAtSettlement(FundingPayment(to_epoch_ms(row.ts), row.rate, row.mark_px), row.moved)
                for row in rows
                if row.mark_px is not None
            ),
        )

    async def _today(
        self, conn: AsyncConnection, symbol: str, day_ms: int, end_ms: int, opening: CostBasis
    ) -> DayTally:
        """The day's fills before `end_ms` folded onto the opening: only those not seen by the last read are read.

        A refresh then costs the fills since the last one, not every fill of the day.
        """
        seen = self._days.get(symbol)
        key: dict[str, Any] = {"exchange": self._exchange, "symbol": symbol, "start": to_datetime(day_ms)}
        if seen is not None and (seen.day_ms != day_ms or end_ms < seen.end_ms):
            seen = None
        if seen is not None and seen.count:
            still = (
                await conn.execute(_FILLS_UP_TO, {**key, "after_ts": seen.last_ts, "after_id": seen.last_id})
            ).scalar()
            if still != seen.count:
                seen = None
        if seen is None:
            seen = _SeenFills(day_ms, end_ms, DayTally.opened(opening), to_datetime(day_ms), "", 0)
        rows = list(
            await conn.execute(
                _FILLS_AFTER,
                {**key, "end": to_datetime(end_ms), "after_ts": seen.last_ts, "after_id": seen.last_id},
            )
        )
        if rows:
            tally = seen.tally.add(FillAmount(Side(row.side), row.price, row.size, row.fee) for row in rows)
            seen = _SeenFills(day_ms, end_ms, tally, rows[-1].ts, rows[-1].fill_id, seen.count + len(rows))
        else:
            seen = _SeenFills(day_ms, end_ms, seen.tally, seen.last_ts, seen.last_id, seen.count)
        self._days[symbol] = seen
        return seen.tally

    async def _opening(self, conn: AsyncConnection, symbol: str, day_ms: int) -> CostBasis:
        known = self._openings.get((symbol, day_ms))
        if known is None:
            known = opening_basis(await self._fills(conn, symbol, 0, day_ms))
            self._openings[(symbol, day_ms)] = known
        return known

    async def _fills(self, conn: AsyncConnection, symbol: str, start_ms: int, end_ms: int) -> list[FillAmount]:
        rows = await conn.execute(
            _FILLS_BETWEEN,
            {"exchange": self._exchange, "symbol": symbol, "start": to_datetime(start_ms), "end": to_datetime(end_ms)},
        )
        return [FillAmount(Side(row.side), row.price, row.size, row.fee) for row in rows]


def _book(top: Any, decision: Any) -> BookTop | None:
    """The newer of the ingestor's latest top and the executor's last decision's book.

    A decision taken without a book (a PAUSE on a stale feed) carries none: the recorded top is shown then.
    """
    candidates = [
        BookTop(row["bid_px"], row["ask_px"], to_epoch_ms(row["ts"]))
        for row in (top, decision)
        if row is not None and (row is top or row["bid_px"] is not None or row["ask_px"] is not None)
    ]
    return max(candidates, key=lambda book: book.ts_ms, default=None)


def _quotes(detail: dict[str, Any]) -> tuple[QuoteLine, ...]:
    orders = detail.get("orders") or ()
    return tuple(
        QuoteLine(Side(order["side"]), Decimal(order["price"]), Decimal(order["size"]), str(order.get("phase", "")))
        for order in orders
    )


def fill_line(row: Any) -> FillLine:
    """A fill row (ts, side, price, size, fee, markouts) as the status and the dashboard show it."""
    return FillLine(
        ts_ms=to_epoch_ms(row.ts),
        side=Side(row.side),
        price=row.price,
        size=row.size,
        fee=row.fee,
        markout_1s_bps=row.markout_1s_bps,
        markout_10s_bps=row.markout_10s_bps,
        markout_60s_bps=row.markout_60s_bps,
    )


def _proposal(row: Any) -> ProposalLine | None:
    if row is None:
        return None
    changes = row["changes"]
    return ProposalLine(
        proposal_id=row["id"],
        status=row["status"],
        created_ms=to_epoch_ms(row["created_at"]),
        changes=changes if isinstance(changes, str) else json.dumps(changes, sort_keys=True),
    )


def _rollout(row: Any) -> RolloutLine | None:
    if row is None:
        return None
    return RolloutLine(
        ts_ms=to_epoch_ms(row["ts"]),
        action=row["action"],
        proposal_id=row["proposal_id"],
        reasons=tuple(row["reasons"]),
        shadow=None
        if row["shadow_current"] is None or row["shadow_proposed"] is None
        else ShadowComparison(
            ShadowFigures.from_mapping(row["shadow_current"]), ShadowFigures.from_mapping(row["shadow_proposed"])
        ),
    )


def _ms(value: Any) -> int | None:
    return None if value is None else to_epoch_ms(value)


def _int_or_none(value: Any) -> int | None:
    return None if value is None else int(value)


def _latest(a: int | None, b: int | None) -> int | None:
    if a is None:
        return b
    return a if b is None else max(a, b)
