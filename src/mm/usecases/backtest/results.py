"""A backtest's outputs, derived from what the replay observed: fills with pseudo-markouts, PnL and
inventory over time, the mode timeline and its PAUSE intervals, and the headline numbers.

Markouts come from the summarizer's own in-memory enrichment (`mm.domain.fill_enrichment`), so a
simulated fill is scored exactly as a live one would be.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from mm.domain.average_cost import CostBasis
from mm.domain.backtest_run import BacktestFill, ModeChange
from mm.domain.fill_enrichment import MarkoutSpec, enrich_fills
from mm.domain.fill_summary import MARKOUT_HORIZONS_S, EnrichedFill, FillRecord
from mm.domain.market_tape import BookColumns
from mm.domain.mode import Mode
from mm.domain.value import value

MAX_PNL_SAMPLES = 4_000
MIN_PNL_SAMPLE_MS = 1_000


@value(frozen=True)
class PnlSample:
    """The book and our account at `ts_ms`: PnL is marked to the mid, fees included (quote currency)."""

    ts_ms: int
    bid_px: float | None
    ask_px: float | None
    mid: float | None
    position: float
    fees: float
    pnl: float | None


@value(frozen=True)
class ModeInterval:
    """The engine stayed in `mode` for `reasons` over [start_ms, end_ms)."""

    start_ms: int
    end_ms: int
    mode: Mode
    reasons: tuple[str, ...]

    @property
    def duration_ms(self) -> int:
        return self.end_ms - self.start_ms


def backtest_fills(fills: Sequence[FillRecord], book: BookColumns, spec: MarkoutSpec) -> list[BacktestFill]:
    """Enrich each fill with its mid, spread and 1 s / 10 s / 60 s markouts, and the position it left."""
    mids_ts_ms, mids, spreads = _mids_for(fills, book)
    data_end_ms = book.ts_ms[-1] if len(book) else None
    enriched = enrich_fills(fills, mids_ts_ms, mids, spreads=spreads, spec=spec, data_end_ms=data_end_ms)
    position = Decimal(0)
    out: list[BacktestFill] = []
    for fill in enriched:
        position += fill.fill.size if fill.fill.side.sign > 0 else -fill.fill.size
        out.append(BacktestFill(fill, position))
    return out


def _mids_for(fills: Sequence[FillRecord], book: BookColumns) -> tuple[list[int], list[Decimal], list[Decimal]]:
    """The two-sided book rows in effect at each fill and each horizon after it, as exact mids and spreads.

    Only those rows are converted to Decimal: an as-of lookup on this subset finds the same row as
    on the whole book, since every row it can return is in it.
    """
    two_sided = (
        [index for index in range(len(book)) if not (math.isnan(book.bid_px[index]) or math.isnan(book.ask_px[index]))]
        if book.has_empty_side
        else None
    )
    ts_ms = book.ts_ms if two_sided is None else [book.ts_ms[index] for index in two_sided]
    wanted: set[int] = set()
    for fill in fills:
        for offset_ms in (0, *(horizon * 1000 for horizon in MARKOUT_HORIZONS_S)):
            position = bisect_right(ts_ms, fill.ts_ms + offset_ms) - 1
            if position >= 0:
                wanted.add(two_sided[position] if two_sided is not None else position)
    rows = sorted(wanted)
    bids = [Decimal(repr(book.bid_px[row])) for row in rows]
    asks = [Decimal(repr(book.ask_px[row])) for row in rows]
    return (
        [book.ts_ms[row] for row in rows],
        [(bid + ask) / 2 for bid, ask in zip(bids, asks, strict=True)],
        [ask - bid for bid, ask in zip(bids, asks, strict=True)],
    )


def pnl_samples(fills: Sequence[FillRecord], book: BookColumns, start_ms: int, end_ms: int) -> list[PnlSample]:
    """PnL and inventory on an even grid over [start_ms, end_ms] (at most `MAX_PNL_SAMPLES` points)."""
    step_ms = max(MIN_PNL_SAMPLE_MS, -(-(end_ms - start_ms) // MAX_PNL_SAMPLES))
    book_ts = book.ts_ms
    samples: list[PnlSample] = []
    cash = position = fees = 0.0
    fill_index = 0
    for ts_ms in range(start_ms, end_ms + step_ms, step_ms):
        at_ms = min(ts_ms, end_ms)
        while fill_index < len(fills) and fills[fill_index].ts_ms <= at_ms:
            fill = fills[fill_index]
            signed = float(fill.size) * fill.side.sign
            position += signed
            cash -= signed * float(fill.price)
            fees += float(fill.fee)
            fill_index += 1
        row = bisect_right(book_ts, at_ms) - 1
        bid = book.bid_px[row] if row >= 0 and not math.isnan(book.bid_px[row]) else None
        ask = book.ask_px[row] if row >= 0 and not math.isnan(book.ask_px[row]) else None
        mid = (bid + ask) / 2 if bid is not None and ask is not None else None
        pnl = cash + position * mid - fees if mid is not None else None
        samples.append(PnlSample(at_ms, bid, ask, mid, position, fees, pnl))
        if at_ms == end_ms:
            break
    return samples


def mode_intervals(changes: Sequence[ModeChange], end_ms: int) -> list[ModeInterval]:
    """The mode timeline as intervals; the last lasts until `end_ms`, the end of the data."""
    merged: list[ModeChange] = []
    for change in changes:
        if not merged or (merged[-1].mode, merged[-1].reasons) != (change.mode, change.reasons):
            merged.append(change)
    return [
        ModeInterval(
            change.ts_ms,
            merged[index + 1].ts_ms if index + 1 < len(merged) else max(end_ms, change.ts_ms),
            change.mode,
            change.reasons,
        )
        for index, change in enumerate(merged)
    ]


def pause_intervals(intervals: Sequence[ModeInterval]) -> list[tuple[int, int]]:
    """[start, end) of each PAUSE episode: consecutive PAUSE intervals (reasons changing) merged."""
    episodes: list[tuple[int, int]] = []
    for interval in intervals:
        if interval.mode is not Mode.PAUSE:
            continue
        if episodes and episodes[-1][1] == interval.start_ms:
            episodes[-1] = (episodes[-1][0], interval.end_ms)
        else:
            episodes.append((interval.start_ms, interval.end_ms))
    return episodes


@dataclass(frozen=True, slots=True)
class AccountTotals:
    """Average-cost accounting of the run's fills (realized PnL before fees, as the summarizer reports it)."""

    fills: int
    buys: int
    sells: int
    volume: Decimal
    notional: Decimal
    fees: Decimal
    realized_pnl: Decimal
    position: Decimal
    avg_entry_px: Decimal | None
    max_abs_position: Decimal


def account_totals(fills: Sequence[FillRecord]) -> AccountTotals:
    basis = CostBasis()
    realized = volume = notional = fees = max_abs = Decimal(0)
    buys = 0
    for fill in fills:
        basis, gained = basis.apply_fill(fill.side, fill.price, fill.size)
        realized += gained
        volume += fill.size
        notional += fill.size * fill.price
        fees += fill.fee
        buys += fill.side.sign > 0
        max_abs = max(max_abs, abs(basis.position))
    return AccountTotals(
        len(fills),
        buys,
        len(fills) - buys,
        volume,
        notional,
        fees,
        realized,
        basis.position,
        basis.avg_entry_px,
        max_abs,
    )


def mean_markouts_bps(fills: Sequence[EnrichedFill]) -> dict[int, float | None]:
    """The mean markout per horizon in bps over the fills that have one (None: none has)."""
    means: dict[int, float | None] = {}
    for slot, horizon in enumerate(MARKOUT_HORIZONS_S):
        values = [float(markout.bps) for fill in fills if (markout := fill.markouts[slot]) is not None]
        means[horizon] = sum(values) / len(values) if values else None
    return means
