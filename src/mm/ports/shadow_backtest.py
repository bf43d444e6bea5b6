"""Replays recent recorded market data through the backtest engine with given params (the executor's shadow check)."""

from __future__ import annotations

from typing import Protocol

from mm.domain.params import StrategyParams
from mm.domain.shadow_backtest import ShadowFigures


class ShadowBacktest(Protocol):
    async def replay(
        self, exchange: str, symbol: str, params: StrategyParams, start_ms: int, end_ms: int
    ) -> ShadowFigures:
        """The figures of one replay of the market's recorded data in [start_ms, end_ms) with `params`.

        Raises `ShadowBacktestFailed` when there is nothing to replay or the replay fails.
        """
        ...
