"""The exchange-reported inventory of one market over time, queried window by window. Pure values, no I/O."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class PositionSample:
    """The signed position (long positive, base units) from `ts_ms` until the next sample."""

    ts_ms: int
    size: Decimal


@dataclass(frozen=True, slots=True)
class InventoryRange:
    low: Decimal
    high: Decimal


class PositionTimeline:
    __slots__ = ("_samples", "_ts_ms")

    def __init__(self, samples: Iterable[PositionSample]) -> None:
        self._samples = tuple(sorted(samples, key=lambda sample: sample.ts_ms))
        self._ts_ms = [sample.ts_ms for sample in self._samples]

    def range_between(self, start_ms: int, end_ms: int) -> InventoryRange | None:
        """Lowest and highest position held within [start_ms, end_ms); None when none is known."""
        first = max(0, bisect_right(self._ts_ms, start_ms) - 1)
        last = bisect_left(self._ts_ms, end_ms)
        sizes = [sample.size for sample in self._samples[first:last] if sample.ts_ms < end_ms]
        if not sizes:
            return None
        return InventoryRange(min(sizes), max(sizes))

    def has_samples_between(self, start_ms: int, end_ms: int) -> bool:
        return bisect_left(self._ts_ms, end_ms) > bisect_left(self._ts_ms, start_ms)
