"""`BucketSummaryStore` in memory: one summary per (exchange, symbol, width, bucket start).

The in-memory summarizer writes here and the in-memory reflector and rollback watch read here.
"""

from __future__ import annotations

from collections.abc import Sequence

from mm.domain.bucket_summary import BucketSummary
from mm.domain.bucket_width import BucketWidth


class InMemoryBucketSummaryStore:
    def __init__(self) -> None:
        self._summaries: dict[tuple[str, str, BucketWidth, int], BucketSummary] = {}

    async def upsert(self, summaries: Sequence[BucketSummary]) -> None:
        for summary in summaries:
            key = (summary.exchange, summary.symbol, summary.width, summary.bucket_start_ms)
            self._summaries[key] = summary

    async def summaries_between(
        self, exchange: str, symbol: str, width: BucketWidth, start_ms: int, end_ms: int
    ) -> list[BucketSummary]:
        found = [
            summary
            for (ex, sym, wid, start), summary in self._summaries.items()
            if (ex, sym, wid) == (exchange, symbol, width) and start_ms <= start < end_ms
        ]
        return sorted(found, key=lambda summary: summary.bucket_start_ms)

    async def latest(
        self, exchange: str, symbol: str, width: BucketWidth, *, before_ms: int | None = None
    ) -> BucketSummary | None:
        found = [
            summary
            for (ex, sym, wid, start), summary in self._summaries.items()
            if (ex, sym, wid) == (exchange, symbol, width) and (before_ms is None or start < before_ms)
        ]
        return max(found, key=lambda summary: summary.bucket_start_ms, default=None)
