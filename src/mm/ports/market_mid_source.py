"""As-of mids of recorded best bid/offer data, many times at once."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Protocol


class MarketMidSource(Protocol):
    async def mids_at(
        self, exchange: str, symbol: str, times_ms: Sequence[int], max_staleness_ms: int
    ) -> list[Decimal | None]:
        """The mid in effect at each time, in the order asked.

        The mid of the latest two-sided best bid/offer at or before the time; None when there is
        none, or it is more than `max_staleness_ms` older than the time.
        """
        ...
