"""What one pass of fill enrichment did, so the summarizer knows which buckets to recompute. No I/O."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class MarketTouch:
    """The fills of one market whose enrichment a pass wrote or changed, and when they happened."""

    symbol: str
    first_ts_ms: int
    last_ts_ms: int
    written: int
    completed: int


@dataclass(frozen=True, slots=True)
class EnrichmentPass:
    """One batch of pending fills looked at, in fill id order.

    `last_fill_id` is the cursor for the next batch (None when nothing was pending); a batch that
    examined fewer fills than its limit was the last one.
    """

    examined: int
    last_fill_id: str | None
    touched: tuple[MarketTouch, ...] = ()

    @property
    def written(self) -> int:
        return sum(touch.written for touch in self.touched)

    @property
    def completed(self) -> int:
        return sum(touch.completed for touch in self.touched)
