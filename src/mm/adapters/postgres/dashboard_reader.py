"""The dashboard's read model on Postgres: recent series of a market for the live page. Read-only.

Every query is bounded by an (exchange, symbol, ts) index and a row limit, so a refresh costs the same on a
database of months as on one of minutes. The book and our quotes are sampled: for each of `samples` equal
steps of the window, the last row at or before the step's end (one index probe each), so a dense feed does
not send thousands of points to the browser.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from mm.adapters.postgres.epoch_ms import to_datetime, to_epoch_ms
from mm.adapters.postgres.errors import translate_db_errors
from mm.adapters.postgres.status_reader import fill_line
from mm.domain.backtest_run import ModeChange
from mm.domain.live_market import BookSample, GapLine, MarketSeries, QuoteSample
from mm.domain.mode import Mode

# One row per step: the last book row and the last decision in the step, times as epoch ms (cheaper than
# timestamps to decode, and what the charts want).
_SAMPLED = text("""
SELECT b.ts_ms AS book_ts_ms, b.bid_px AS book_bid, b.ask_px AS book_ask,
       q.ts_ms AS quote_ts_ms, q.bid_px AS quote_bid, q.ask_px AS quote_ask
FROM generate_series(:start, :end, :step) AS step(at)
LEFT JOIN LATERAL (
    SELECT (extract(epoch FROM t.ts) * 1000)::bigint AS ts_ms, t.bid_px, t.ask_px FROM md_bbo t
    WHERE t.exchange = :exchange AND t.symbol = :symbol AND t.ts <= step.at AND t.ts > step.at - :step
    ORDER BY t.ts DESC LIMIT 1
) AS b ON true
LEFT JOIN LATERAL (
    SELECT (extract(epoch FROM d.ts) * 1000)::bigint AS ts_ms, d.bid_px, d.ask_px FROM ex_decision d
    WHERE d.exchange = :exchange AND d.symbol = :symbol AND d.ts <= step.at AND d.ts > step.at - :step
    ORDER BY d.ts DESC LIMIT 1
) AS q ON true
WHERE b.ts_ms IS NOT NULL OR q.ts_ms IS NOT NULL
""")
_MODE_BEFORE = text("""
SELECT ts, mode, reasons FROM ex_decision
WHERE exchange = :exchange AND symbol = :symbol AND ts < :start ORDER BY ts DESC LIMIT 1
""")
# `prev_mode` is set only on the decision that changed the mode; a change of causes within a mode counts too.
_MODE_CHANGES = text("""
SELECT ts, mode, reasons FROM (
    SELECT ts, mode, reasons, lag(mode) OVER w AS mode_before, lag(reasons) OVER w AS reasons_before
    FROM ex_decision
    WHERE exchange = :exchange AND symbol = :symbol AND ts >= :start AND ts <= :end
    WINDOW w AS (ORDER BY ts)
) AS decisions
WHERE mode_before IS DISTINCT FROM mode OR reasons_before IS DISTINCT FROM reasons
ORDER BY ts DESC LIMIT :limit
""")
_FILLS = text("""
SELECT f.ts, f.side, f.price, f.size, f.fee, e.markout_1s_bps, e.markout_10s_bps, e.markout_60s_bps
FROM ex_fill f LEFT JOIN fills_enriched e ON e.exchange = f.exchange AND e.fill_id = f.fill_id
WHERE f.exchange = :exchange AND f.symbol = :symbol AND f.ts >= :start AND f.ts <= :end
ORDER BY f.ts DESC, f.fill_id DESC LIMIT :limit
""")
_GAPS = text("""
SELECT stream, kind, from_ts, to_ts FROM md_gap
WHERE exchange = :exchange AND symbol = :symbol AND (to_ts IS NULL OR to_ts >= :start)
ORDER BY from_ts DESC LIMIT :limit
""")


class PostgresDashboardReader:
    """Reads a market's recent book, quotes, mode changes, fills and gaps. It never writes a row."""

    def __init__(self, engine: AsyncEngine, exchange: str, *, samples: int = 300, rows_shown: int = 200) -> None:
        if samples < 2:
            raise ValueError(f"samples must be at least 2, got {samples}")
        self._engine = engine
        self._exchange = exchange
        self._samples = samples
        self._rows_shown = rows_shown

    async def series(self, symbol: str, start_ms: int, end_ms: int) -> MarketSeries:
        """The market over `[start_ms, end_ms]` (epoch ms)."""
        if end_ms <= start_ms:
            raise ValueError(f"the window must end ({end_ms}) after it starts ({start_ms})")
        step_ms = max(1, (end_ms - start_ms) // (self._samples - 1))
        key: dict[str, Any] = {"exchange": self._exchange, "symbol": symbol}
        window = {**key, "start": to_datetime(start_ms), "end": to_datetime(end_ms), "limit": self._rows_shown}
        sampled = {**key, "start": to_datetime(start_ms), "end": to_datetime(end_ms), "step": _interval(step_ms)}
        with translate_db_errors():
            async with self._engine.connect() as conn:
                samples = list(await conn.execute(_SAMPLED, sampled))
                book = [BookSample(*row) for row in _distinct((r.book_ts_ms, r.book_bid, r.book_ask) for r in samples)]
                quotes = [
                    QuoteSample(*row) for row in _distinct((r.quote_ts_ms, r.quote_bid, r.quote_ask) for r in samples)
                ]
                modes = await self._modes(conn, window)
                fills = [fill_line(row) for row in await conn.execute(_FILLS, window)]
                gaps = [
                    GapLine(row.stream, row.kind, to_epoch_ms(row.from_ts), _ms(row.to_ts))
                    for row in await conn.execute(_GAPS, {**window, "limit": 20})
                ]
        return MarketSeries(
            symbol=symbol,
            start_ms=start_ms,
            end_ms=end_ms,
            book=tuple(book),
            quotes=tuple(quotes),
            modes=tuple(modes),
            fills=tuple(reversed(fills)),
            gaps=tuple(gaps),
        )

    @staticmethod
    async def _modes(conn: AsyncConnection, window: dict[str, Any]) -> list[ModeChange]:
        """The mode in force at the window's start, then each change inside it, oldest first."""
        before = (await conn.execute(_MODE_BEFORE, window)).first()
        changes = list(reversed(list(await conn.execute(_MODE_CHANGES, window))))
        kept: list[ModeChange] = []
        for row in ([before] if before is not None else []) + changes:
            change = ModeChange(to_epoch_ms(row.ts), Mode(row.mode), tuple(row.reasons))
            if not kept or (kept[-1].mode, kept[-1].reasons) != (change.mode, change.reasons):
                kept.append(change)
        return kept


def _distinct(rows: Iterable[tuple[int | None, Any, Any]]) -> list[tuple[int, Any, Any]]:
    """Samples in time order, each recorded row once (a quiet stretch repeats none), steps without one left out."""
    seen: set[int] = set()
    kept: list[tuple[int, Any, Any]] = []
    for ts_ms, bid, ask in rows:
        if ts_ms is not None and ts_ms not in seen:
            seen.add(ts_ms)
            kept.append((ts_ms, bid, ask))
    return kept


def _interval(step_ms: int) -> timedelta:
    return timedelta(milliseconds=step_ms)


def _ms(value: Any) -> int | None:
    return None if value is None else to_epoch_ms(value)
