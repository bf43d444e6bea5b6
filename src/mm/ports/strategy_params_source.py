"""Where the parameters in force for a market are read from (the newest `strategy_params` version)."""

from __future__ import annotations

from typing import Protocol

from mm.domain.params import StrategyParams


class StrategyParamsSource(Protocol):
    async def current(self, exchange: str, symbol: str) -> StrategyParams | None:
        """The market's newest stored params (their `version` is the stored one), or None if none are stored."""
        ...
