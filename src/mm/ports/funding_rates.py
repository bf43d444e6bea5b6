"""Funding rates: where the venue's settlements are read from, and where they are recorded (md_funding)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from mm.domain.market_tape import FundingRate


class FundingRateSource(Protocol):
    async def funding_rates(self, symbol: str, start_ms: int, end_ms: int) -> list[FundingRate]:
        """The market's funding settlements in [start_ms, end_ms], in time order."""
        ...


class FundingRateStore(Protocol):
    async def save(self, exchange: str, symbol: str, rates: Sequence[FundingRate]) -> int:
        """Record settlements (one already recorded is kept as it is); return how many were new."""
        ...

    async def last_ts_ms(self, exchange: str, symbol: str) -> int | None:
        """The time of the newest recorded settlement of the market, if any."""
        ...
