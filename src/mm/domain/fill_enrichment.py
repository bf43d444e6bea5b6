"""Enrichment of fills with the book at fill time and their markouts, on in-memory data. No I/O.

The summarizer's in-memory path and the backtest's pseudo-markouts both come from here; the Postgres
adapter computes the same in SQL, and a parity test holds the two together.

A markout at horizon h is measured against the as-of mid at fill time + h: the latest two-sided
best bid/offer at or before it. It is None when that mid is older than `max_staleness_ms`
before the horizon (no mid close enough), or when the horizon lies beyond the recorded data.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from itertools import pairwise

from mm.domain import markouts
from mm.domain.fill_summary import EnrichedFill, FillRecord, HorizonMarkout

MARKOUT_BPS_DECIMALS = 8
"""Stored bps are rounded half away from zero to this many decimals (as Postgres `round` does)."""
_BPS_QUANTUM = Decimal(1).scaleb(-MARKOUT_BPS_DECIMALS)


@dataclass(frozen=True, slots=True)
class MarkoutSpec:
    """How close an as-of mid must be: at most `max_staleness_ms` older than the time it stands for."""

    max_staleness_ms: int = 5_000

    def __post_init__(self) -> None:
        if self.max_staleness_ms < 0:
            raise ValueError(f"max_staleness_ms must not be negative, got {self.max_staleness_ms}")


class MidSeries:
    """One market's two-sided best bid/offer as time-ordered mids (and spreads), and where its data ends.

    `end_ms` is the time of the last recorded row, one-sided rows included; it defaults to the last mid.
    Rows with equal times keep their recorded order: the last of them is the one in effect.
    """

    __slots__ = ("_mids", "_spreads", "_ts_ms", "end_ms")

    def __init__(
        self,
        ts_ms: Sequence[int],
        mids: Sequence[Decimal],
        spreads: Sequence[Decimal] | None = None,
        *,
        end_ms: int | None = None,
    ) -> None:
        if len(mids) != len(ts_ms) or (spreads is not None and len(spreads) != len(ts_ms)):
            raise ValueError("ts_ms, mids and spreads must have the same length")
        if any(later < earlier for earlier, later in pairwise(ts_ms)):
            raise ValueError("ts_ms must be in time order")
        self._ts_ms = list(ts_ms)
        self._mids = list(mids)
        self._spreads = list(spreads) if spreads is not None else None
        self.end_ms = end_ms if end_ms is not None else (self._ts_ms[-1] if self._ts_ms else None)

    def as_of_index(self, ts_ms: int, max_staleness_ms: int) -> int | None:
        """Index of the mid in effect at `ts_ms`; None when there is none within `max_staleness_ms`."""
        index = bisect_right(self._ts_ms, ts_ms) - 1
        if index < 0 or ts_ms - self._ts_ms[index] > max_staleness_ms:
            return None
        return index

    def mid_at(self, ts_ms: int, max_staleness_ms: int, *, bounded_by_data_end: bool = True) -> Decimal | None:
        """The as-of mid at `ts_ms`; also None past the end of the data when `bounded_by_data_end`."""
        if bounded_by_data_end and (self.end_ms is None or ts_ms > self.end_ms):
            return None
        index = self.as_of_index(ts_ms, max_staleness_ms)
        return None if index is None else self._mids[index]

    def spread_at(self, ts_ms: int, max_staleness_ms: int) -> Decimal | None:
        if self._spreads is None or self.end_ms is None or ts_ms > self.end_ms:
            return None
        index = self.as_of_index(ts_ms, max_staleness_ms)
        return None if index is None else self._spreads[index]


def enrich_fill(fill: FillRecord, series: MidSeries, spec: MarkoutSpec) -> EnrichedFill:
    """The fill with its mid and spread at fill time and its 1 s, 10 s and 60 s markouts."""
    return EnrichedFill(
        fill=fill,
        mid_at_fill=series.mid_at(fill.ts_ms, spec.max_staleness_ms),
        spread_at_fill=series.spread_at(fill.ts_ms, spec.max_staleness_ms),
        markout_1s=_markout_at(fill, series, spec, 1),
        markout_10s=_markout_at(fill, series, spec, 10),
        markout_60s=_markout_at(fill, series, spec, 60),
    )


def enrich_fills(
    fills: Iterable[FillRecord],
    mids_ts_ms: Sequence[int],
    mids: Sequence[Decimal],
    *,
    spreads: Sequence[Decimal] | None = None,
    spec: MarkoutSpec | None = None,
    data_end_ms: int | None = None,
) -> list[EnrichedFill]:
    """Enrich fills of one market against its time-ordered mids (the backtest's pseudo-markouts).

    `data_end_ms` is where the recorded data ends (default: the last mid); horizons beyond it stay None.
    """
    series = MidSeries(mids_ts_ms, mids, spreads, end_ms=data_end_ms)
    rules = spec or MarkoutSpec()
    return [enrich_fill(fill, series, rules) for fill in fills]


def _markout_at(fill: FillRecord, series: MidSeries, spec: MarkoutSpec, horizon_s: int) -> HorizonMarkout | None:
    future_mid = series.mid_at(fill.ts_ms + horizon_s * 1000, spec.max_staleness_ms)
    if future_mid is None:
        return None
    price = markouts.markout(fill.side, fill.price, future_mid)
    bps = markouts.markout_bps(fill.side, fill.price, future_mid)
    return HorizonMarkout(horizon_s=horizon_s, price=price, bps=bps.quantize(_BPS_QUANTUM, rounding=ROUND_HALF_UP))
