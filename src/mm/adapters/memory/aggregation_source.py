"""`AggregationSource` in memory: aggregates and enriched fills added by hand (tests, notebooks)."""

from __future__ import annotations

from collections import defaultdict

from mm.domain.bucket_width import BucketWidth
from mm.domain.reflection_input import HourlyAggregate, WorstFill
from mm.domain.reflection_window import ReflectionWindow


class InMemoryAggregationSource:
    def __init__(self) -> None:
        self._aggregates: dict[tuple[BucketWidth, str, str], dict[int, HourlyAggregate]] = defaultdict(dict)
        self._fills: dict[tuple[str, str], dict[str, WorstFill]] = defaultdict(dict)

    def add_aggregate(
        self, exchange: str, symbol: str, aggregate: HourlyAggregate, width: BucketWidth = BucketWidth.HOUR
    ) -> None:
        """Store a bucket, replacing the one with the same width and start (as the summarizer's upsert does)."""
        self._aggregates[(width, exchange, symbol)][aggregate.bucket_start_ms] = aggregate

    def add_fill(self, exchange: str, symbol: str, fill: WorstFill) -> None:
        self._fills[(exchange, symbol)][fill.fill_id] = fill

    async def hourly_aggregates(self, exchange: str, symbol: str, window: ReflectionWindow) -> list[HourlyAggregate]:
        return self._inside(BucketWidth.HOUR, exchange, symbol, window)

    async def minute_aggregates(self, exchange: str, symbol: str, window: ReflectionWindow) -> list[HourlyAggregate]:
        return self._inside(BucketWidth.MINUTE, exchange, symbol, window)

    async def worst_fills(self, exchange: str, symbol: str, window: ReflectionWindow, limit: int) -> list[WorstFill]:
        inside = [fill for fill in self._fills.get((exchange, symbol), {}).values() if window.contains(fill.ts_ms)]
        inside.sort(key=lambda fill: (fill.markout_10s_bps, fill.ts_ms, fill.fill_id))
        return inside[:limit]

    def _inside(
        self, width: BucketWidth, exchange: str, symbol: str, window: ReflectionWindow
    ) -> list[HourlyAggregate]:
        buckets = self._aggregates.get((width, exchange, symbol), {})
        return [buckets[start] for start in sorted(buckets) if window.contains(start)]
