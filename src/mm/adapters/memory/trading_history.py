"""`TradingHistory` in memory: what an executor (or a backtest) journaled, held in lists."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from mm.domain.fill_summary import FillRecord
from mm.domain.mode_timeline import DecisionSample
from mm.domain.position_timeline import PositionSample

_T = TypeVar("_T", DecisionSample, PositionSample)


class InMemoryTradingHistory:
    def __init__(self) -> None:
        self._fills: dict[tuple[str, str], FillRecord] = {}
        self._decisions: dict[tuple[str, str], list[DecisionSample]] = {}
        self._positions: dict[tuple[str, str], list[PositionSample]] = {}

    def add_fill(self, fill: FillRecord) -> None:
        """Journal a fill; the same (exchange, fill id) again is ignored, as `ex_fill` stores it once."""
        self._fills.setdefault((fill.exchange, fill.fill_id), fill)

    def add_decision(self, exchange: str, symbol: str, decision: DecisionSample) -> None:
        self._decisions.setdefault((exchange, symbol), []).append(decision)

    def add_position(self, exchange: str, symbol: str, position: PositionSample) -> None:
        self._positions.setdefault((exchange, symbol), []).append(position)

    def fills(self, exchange: str) -> list[FillRecord]:
        """The exchange's fills in fill id order."""
        return sorted((fill for fill in self._fills.values() if fill.exchange == exchange), key=lambda f: f.fill_id)

    async def symbols(self, exchange: str) -> list[str]:
        found = {fill.symbol for fill in self._fills.values() if fill.exchange == exchange}
        found.update(symbol for (ex, symbol), rows in self._decisions.items() if ex == exchange and rows)
        return sorted(found)

    async def activity_span_ms(self, exchange: str, symbol: str) -> tuple[int, int] | None:
        times = [f.ts_ms for f in self._fills.values() if (f.exchange, f.symbol) == (exchange, symbol)]
        times += [d.ts_ms for d in self._decisions.get((exchange, symbol), [])]
        times += [p.ts_ms for p in self._positions.get((exchange, symbol), [])]
        return (min(times), max(times)) if times else None

    async def decisions_between(self, exchange: str, symbol: str, start_ms: int, end_ms: int) -> list[DecisionSample]:
        return _between_with_prior(self._decisions.get((exchange, symbol), []), start_ms, end_ms, _ts_of)

    async def positions_between(self, exchange: str, symbol: str, start_ms: int, end_ms: int) -> list[PositionSample]:
        return _between_with_prior(self._positions.get((exchange, symbol), []), start_ms, end_ms, _ts_of)


def _ts_of(sample: DecisionSample | PositionSample) -> int:
    return sample.ts_ms


def _between_with_prior(rows: Sequence[_T], start_ms: int, end_ms: int, ts_of: Callable[[_T], int]) -> list[_T]:
    ordered = sorted(rows, key=ts_of)
    before = [row for row in ordered if ts_of(row) < start_ms]
    inside = [row for row in ordered if start_ms <= ts_of(row) < end_ms]
    return before[-1:] + inside
