"""Where a replay's data is missing: the recorder's own gaps and long silences of the book.

Reports shade these spans and break their lines there, so a jump across missing data is not drawn
as a straight line (and a reader sees why the engine paused).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from itertools import pairwise

from mm.domain.market_tape import BookColumns, RecordedGap

BOOK_SILENCE_MS = 10_000
"""A book that says nothing for this long is treated as a gap in the data."""


def data_gaps(
    book: BookColumns, recorded: Sequence[RecordedGap], silence_ms: int = BOOK_SILENCE_MS
) -> list[tuple[int, int]]:
    """[start, end) of each span without data: recorded gaps (open ones until the next book row) and
    silences of at least `silence_ms` between book rows, merged where they overlap."""
    ts = book.ts_ms
    spans: list[tuple[int, int]] = []
    for gap in recorded:
        end = gap.to_ts_ms
        if end is None:
            after = bisect_right(ts, gap.from_ts_ms)
            end = ts[after] if after < len(ts) else gap.from_ts_ms
        spans.append((gap.from_ts_ms, max(end, gap.from_ts_ms)))
    spans.extend((before, after) for before, after in pairwise(ts) if after - before >= silence_ms)
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged
