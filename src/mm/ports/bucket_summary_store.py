"""Where the per-minute and per-hour summaries (`agg_1m`, `agg_1h`) are kept.

The summarizer writes them; the reflector (hours) and the rollback watch (minutes) read the same
`BucketSummary` rows back through this one port.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from mm.domain.bucket_summary import BucketSummary
from mm.domain.bucket_width import BucketWidth


class BucketSummaryStore(Protocol):
    async def upsert(self, summaries: Sequence[BucketSummary]) -> None:
        """Store each summary, replacing the stored one of the same market, width and bucket."""
        ...

    async def summaries_between(
        self, exchange: str, symbol: str, width: BucketWidth, start_ms: int, end_ms: int
    ) -> list[BucketSummary]:
        """Summaries of buckets starting at start_ms <= bucket_start < end_ms, oldest first."""
        ...

    async def latest(
        self, exchange: str, symbol: str, width: BucketWidth, *, before_ms: int | None = None
    ) -> BucketSummary | None:
        """The newest summary (starting before `before_ms` when given); None when there is none."""
        ...
