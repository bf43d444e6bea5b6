"""Recorded market data out, as columns: what a backtest replays."""

from __future__ import annotations

from typing import Protocol

from mm.domain.market_tape import MarketTape


class RecordedMarketData(Protocol):
    async def tape(self, exchange: str, symbol: str, start_ms: int | None, end_ms: int | None) -> MarketTape:
        """Every recorded book, trade and price row of the market with `start_ms <= ts < end_ms`, in time order.

        None bounds are open. Rows of one millisecond keep their recorded order. Raises
        `RecordNotFound` when the market has no book rows in the span: there is nothing to replay.
        """
        ...
