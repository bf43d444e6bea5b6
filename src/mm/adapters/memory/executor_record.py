"""`ExecutorRecord` over an `InMemoryTradingJournal`: what one in-memory journal of `exchange` holds, read back."""

from __future__ import annotations

from collections.abc import Sequence

from mm.adapters.memory.trading_journal import InMemoryTradingJournal
from mm.domain.fill_history_mark import FillHistoryMark
from mm.domain.market_events import FeedGap
from mm.domain.recorded_incidents import RecordedIncidents, is_exchange_error, is_pause_entered


class InMemoryExecutorRecord:
    """Reads `journal`, whose rows all belong to `exchange` (as a `PostgresTradingJournal`'s do)."""

    def __init__(self, journal: InMemoryTradingJournal, exchange: str) -> None:
        self._journal = journal
        self._exchange = exchange

    async def incidents_since(self, exchange: str, symbol: str, since_ms: int) -> RecordedIncidents:
        if exchange != self._exchange:
            return RecordedIncidents()
        journal = self._journal
        pauses = [
            d.ts_ms
            for d in journal.decisions
            if d.symbol == symbol and d.ts_ms >= since_ms and is_pause_entered(d.mode, d.prev_mode)
        ]
        gaps = [
            e.from_ts_ms
            for e in journal.market
            if isinstance(e, FeedGap) and e.symbol == symbol and e.from_ts_ms >= since_ms
        ]
        errors = [
            o.ts_ms for o in journal.orders if o.symbol == symbol and o.ts_ms >= since_ms and is_exchange_error(o)
        ]
        return RecordedIncidents(tuple(sorted(pauses)), tuple(sorted(gaps)), tuple(sorted(errors)))

    async def fill_history_mark(
        self, exchange: str, symbols: Sequence[str], lookback_ms: int
    ) -> FillHistoryMark | None:
        if exchange != self._exchange:
            return None
        wanted = set(symbols)
        recorded = [
            (fill_id, f.event.fill.ts_ms) for fill_id, f in self._journal.fills.items() if f.event.fill.symbol in wanted
        ]
        if recorded:
            return FillHistoryMark.of(recorded, lookback_ms)
        order_times = [entry.ts_ms for entry in self._journal.orders if entry.symbol in wanted]
        return FillHistoryMark.before_first_order(min(order_times), lookback_ms) if order_times else None
