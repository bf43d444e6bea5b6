"""Where the reflector and the rollback watch read what the summarizer computed: aggregates and the worst fills."""

from __future__ import annotations

from typing import Protocol

from mm.domain.reflection_input import HourlyAggregate, WorstFill
from mm.domain.reflection_window import ReflectionWindow


class AggregationSource(Protocol):
    async def hourly_aggregates(self, exchange: str, symbol: str, window: ReflectionWindow) -> list[HourlyAggregate]:
        """The market's 1-hour buckets starting inside the window, oldest first."""
        ...

    async def minute_aggregates(self, exchange: str, symbol: str, window: ReflectionWindow) -> list[HourlyAggregate]:
        """The market's 1-minute buckets (`agg_1m`, same shape as the hourly) starting inside the window, oldest first."""
        ...

    async def worst_fills(self, exchange: str, symbol: str, window: ReflectionWindow, limit: int) -> list[WorstFill]:
        """Up to `limit` fills inside the window with the lowest 10 s markout, worst first.

        Fills whose 10 s markout is not known yet are left out; ties go to the earlier fill.
        """
        ...
