"""Where the record of our fills ends, so that a restart replays from the venue exactly what it lacks. No I/O.

Fills that happen while the executor is down (or starting) are missing from the record. The venue
keeps its trade history, so a restart reads it back from the last recorded fill. The mark reaches
a look-back behind the newest recorded fill, since fills are not always recorded in venue-time
order (a late one from a REST re-sync lands after a newer one from the stream), and carries the ids
recorded in that stretch, so none of them is replayed twice. With no fill recorded yet, the record
starts at the first order it holds: a fill can only happen on an order we sent.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FillHistoryMark:
    """Fills before `since_ts_ms` are recorded; from then to `until_ts_ms` (the newest), those in `recorded_ids`.

    Times are the venue's fill times (epoch ms).
    """

    since_ts_ms: int
    until_ts_ms: int
    recorded_ids: frozenset[str]

    def __post_init__(self) -> None:
        if self.since_ts_ms > self.until_ts_ms:
            raise ValueError(f"since_ts_ms {self.since_ts_ms} is after until_ts_ms {self.until_ts_ms}")

    @staticmethod
    def of(recent: Iterable[tuple[str, int]], lookback_ms: int) -> FillHistoryMark | None:
        """The mark over recorded fills `(fill_id, ts_ms)` (at least those within `lookback_ms` of the newest).

        None when no fill is recorded (see `before_first_order`).
        """
        if lookback_ms < 0:
            raise ValueError(f"lookback_ms must not be negative, got {lookback_ms}")
        fills = list(recent)
        if not fills:
            return None
        until_ts_ms = max(ts_ms for _, ts_ms in fills)
        since_ts_ms = until_ts_ms - lookback_ms
        recorded = frozenset(fill_id for fill_id, ts_ms in fills if ts_ms >= since_ts_ms)
        return FillHistoryMark(since_ts_ms, until_ts_ms, recorded)

    @staticmethod
    def before_first_order(first_order_ts_ms: int, lookback_ms: int) -> FillHistoryMark:
        """No fill recorded, orders recorded from `first_order_ts_ms` on: every fill since then is missing."""
        if lookback_ms < 0:
            raise ValueError(f"lookback_ms must not be negative, got {lookback_ms}")
        since_ts_ms = first_order_ts_ms - lookback_ms
        return FillHistoryMark(since_ts_ms, since_ts_ms, frozenset())

    def is_recorded(self, fill_id: str, ts_ms: int) -> bool:
        """Whether the fill is in the record already (a fill after the newest recorded one never is)."""
        if ts_ms < self.since_ts_ms:
            return True
        return ts_ms <= self.until_ts_ms and fill_id in self.recorded_ids
