"""Recorded funding settlements, each priced, as the summarizer charges them on the held position."""

from __future__ import annotations

from typing import Protocol

from mm.domain.pnl_attribution import FundingPayment


class FundingSettlementSource(Protocol):
    async def settlements_between(self, exchange: str, symbol: str, start_ms: int, end_ms: int) -> list[FundingPayment]:
        """Settlements at start_ms <= ts < end_ms in time order, each at the mark then (the mid when no mark
        was recorded); one with neither price is left out (nothing to value the position at)."""
        ...
