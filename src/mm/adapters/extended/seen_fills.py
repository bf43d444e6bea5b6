"""Which of our fills were already emitted, and how far back a REST scan must look. Pure, no I/O.

A fill reaches the engine exactly once, whether the private stream carries it or the REST read of
`/user/trades` finds it after the stream missed it. Ids are remembered in a bounded window. The
floor is a venue time: fills before it are settled (emitted, or history from before the stream
first went live, or from before a restart's `FillHistoryMark`), so a scan stops there and the ids
behind it may be forgotten.
"""

from __future__ import annotations

from mm.domain.fill_history_mark import FillHistoryMark

_REMEMBERED_FILLS = 10_000  # far more fills than one scan's look-back window ever holds


class SeenFills:
    """Emitted fill ids (bounded, oldest forgotten first) and the floor of the next REST scan."""

    def __init__(self, capacity: int = _REMEMBERED_FILLS) -> None:
        if capacity < 1:
            raise ValueError(f"capacity must be positive, got {capacity}")
        self._capacity = capacity
        self._ts_ms_by_id: dict[str, int] = {}
        self.floor_ts_ms: int | None = None

    def __contains__(self, fill_id: object) -> bool:
        return fill_id in self._ts_ms_by_id

    def start_at(self, venue_ts_ms: int) -> None:
        """Note when the stream first went live; fills before that are history, not news. Later calls do nothing."""
        if self.floor_ts_ms is None:
            self.floor_ts_ms = venue_ts_ms

    def resume_from(self, mark: FillHistoryMark) -> None:
        """Start the floor at a restart's mark instead of the stream's first frame: what it lacks is news."""
        if self.floor_ts_ms is None:
            self.floor_ts_ms = mark.since_ts_ms
        for fill_id in sorted(mark.recorded_ids):
            self.admit(fill_id, mark.since_ts_ms)

    def is_settled(self, ts_ms: int) -> bool:
        """Whether a fill stamped `ts_ms` lies behind the floor (all of them do before the stream went live)."""
        return self.floor_ts_ms is None or ts_ms < self.floor_ts_ms

    def admit(self, fill_id: str, ts_ms: int) -> bool:
        """Remember a fill about to be emitted; False when it was emitted before."""
        if fill_id in self._ts_ms_by_id:
            return False
        self._ts_ms_by_id[fill_id] = ts_ms
        if len(self._ts_ms_by_id) > self._capacity:
            forgotten_ts_ms = self._ts_ms_by_id.pop(next(iter(self._ts_ms_by_id)))
            # A forgotten id must never come back from a scan as news: its time becomes settled.
            self.settle_before(forgotten_ts_ms + 1)
        return True

    def settle_before(self, ts_ms: int) -> None:
        """Raise the floor to `ts_ms` (it never goes down, and stays unset before the stream went live)."""
        if self.floor_ts_ms is not None and ts_ms > self.floor_ts_ms:
            self.floor_ts_ms = ts_ms
