"""The aggregation windows of the summary tables: one minute (`agg_1m`) and one hour (`agg_1h`). No I/O."""

from __future__ import annotations

from enum import StrEnum


class BucketWidth(StrEnum):
    MINUTE = "1m"
    HOUR = "1h"

    @property
    def ms(self) -> int:
        return _WIDTH_MS[self]

    @property
    def unit(self) -> str:
        """The width in words, as a prompt says "per minute" or "per hour"."""
        return _UNITS[self]

    def floor_ms(self, ts_ms: int) -> int:
        """Start of the bucket holding `ts_ms` (buckets are aligned to the epoch, so to UTC)."""
        return ts_ms - ts_ms % self.ms


_WIDTH_MS = {BucketWidth.MINUTE: 60_000, BucketWidth.HOUR: 3_600_000}
_UNITS = {BucketWidth.MINUTE: "minute", BucketWidth.HOUR: "hour"}
