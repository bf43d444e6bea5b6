"""Per-bucket summaries of one market: fills, markouts, PnL, inventory, modes and quote uptime. No I/O.

PnL is before fees (fees are their own column). Realized PnL uses the average-cost method, carried
from bucket to bucket in a `CostBasis`; mark-to-market PnL is the change over the bucket of
cash + position x mid, so it adds up across buckets. Time inside a bucket counts only up to
`as_of_ms`, so the bucket in progress reports the fraction of it that has elapsed.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from mm.domain.average_cost import CostBasis
from mm.domain.bucket_width import BucketWidth
from mm.domain.fill_summary import EnrichedFill, HorizonMarkout
from mm.domain.mode_timeline import ModeTimeline, ModeTimes
from mm.domain.pnl_attribution import AttributedFill, FundingPayment, PnlAttribution, attribute_pnl
from mm.domain.position_timeline import PositionTimeline
from mm.domain.side import Side

_ZERO = Decimal(0)
_MS_PER_S = Decimal(1000)
_QUANTUM = Decimal("0.000001")
"""Means and fractions are stored to six decimals."""


@dataclass(frozen=True, slots=True)
class BucketSummary:
    """One row of `agg_1m` / `agg_1h`, as the summarizer writes it and the reflector and rollback watch read it.

    Volume is in base units, notional, fees and PnL in quote units, times in seconds.
    `position_end` and `avg_entry_px_end` carry the cost basis on to the next bucket.
    """

    exchange: str
    symbol: str
    width: BucketWidth
    bucket_start_ms: int
    fill_count: int
    buy_count: int
    sell_count: int
    volume: Decimal
    notional: Decimal
    fees: Decimal
    mean_markout_1s_bps: Decimal | None
    mean_markout_10s_bps: Decimal | None
    mean_markout_60s_bps: Decimal | None
    realized_pnl: Decimal | None
    """None only in rows this job did not write: the column allows NULL."""
    mtm_pnl: Decimal | None
    inventory_min: Decimal | None
    inventory_max: Decimal | None
    pause_count: int
    time_normal_s: Decimal
    time_defensive_s: Decimal
    time_pause_s: Decimal
    quote_uptime: Decimal | None
    position_end: Decimal
    avg_entry_px_end: Decimal | None
    spread_capture: Decimal | None = None
    """The bucket's fills against the mid at each (the backtest's attribution); None: a held position had no mid."""
    inventory_pnl: Decimal | None = None
    """The held position times the mid's moves in the bucket; spread capture plus this is `mtm_pnl`."""
    funding_pnl: Decimal | None = None
    """Funding settled in the bucket on the position held then (positive: received); None as above."""

    @property
    def attributed_pnl(self) -> Decimal | None:
        """The bucket's PnL net of fees and funding: spread capture + inventory PnL - fees + funding."""
        if self.spread_capture is None or self.inventory_pnl is None or self.funding_pnl is None:
            return None
        return self.spread_capture + self.inventory_pnl - self.fees + self.funding_pnl

    def __post_init__(self) -> None:
        if min(self.fill_count, self.buy_count, self.sell_count, self.pause_count) < 0:
            raise ValueError("bucket summary counts must not be negative")

    @property
    def closing_basis(self) -> CostBasis:
        return CostBasis(self.position_end, self.avg_entry_px_end)


@dataclass(frozen=True, slots=True)
class MarketActivity:
    """Everything one market's summaries are computed from. `fills` are in time order."""

    exchange: str
    symbol: str
    fills: Sequence[EnrichedFill]
    modes: ModeTimeline
    positions: PositionTimeline
    mids_ms: Mapping[int, Decimal | None]
    """Mid at each mark time `mark_times_ms` asked for; a missing key or None means unknown."""
    funding: Sequence[FundingPayment] = ()
    """The market's funding settlements in the summarized span, priced, in time order."""


@dataclass(frozen=True, slots=True)
class SummaryWindow:
    """Which buckets to summarize: those from the one holding `start_ms` to the one holding `end_ms`."""

    width: BucketWidth
    start_ms: int
    end_ms: int
    as_of_ms: int
    max_decision_hold_ms: int

    def bucket_starts_ms(self) -> range:
        return range(self.width.floor_ms(self.start_ms), self.width.floor_ms(self.end_ms) + 1, self.width.ms)

    def close_mark_ms(self, bucket_start_ms: int) -> int:
        """When a bucket's inventory is marked: its end, or `as_of_ms` while it is in progress."""
        return max(bucket_start_ms, min(bucket_start_ms + self.width.ms, self.as_of_ms))


def mark_times_ms(window: SummaryWindow) -> list[int]:
    """The times whose mids `summarize_buckets` needs for mark-to-market PnL."""
    times = set(window.bucket_starts_ms())
    times.update(window.close_mark_ms(start) for start in window.bucket_starts_ms())
    return sorted(times)


def summarize_buckets(activity: MarketActivity, window: SummaryWindow, opening: CostBasis) -> list[BucketSummary]:
    """Summaries of the window's buckets that saw fills, decisions or position changes, oldest first.

    `opening` is the cost basis just before the window's first bucket.
    """
    fill_ts_ms = [enriched.fill.ts_ms for enriched in activity.fills]
    summaries: list[BucketSummary] = []
    basis = opening
    for start_ms in window.bucket_starts_ms():
        end_ms = start_ms + window.width.ms
        fills = activity.fills[bisect_left(fill_ts_ms, start_ms) : bisect_left(fill_ts_ms, end_ms)]
        times = activity.modes.times_between(start_ms, window.close_mark_ms(start_ms), window.max_decision_hold_ms)
        if not fills and times.covered_ms == 0 and not activity.positions.has_samples_between(start_ms, end_ms):
            continue
        trading = _Trading.replay(fills, basis)
        summaries.append(_summary(activity, window, start_ms, trading, times))
        basis = trading.closing
    return summaries


@dataclass(frozen=True, slots=True)
class _Trading:
    """A bucket's fills, replayed on the cost basis carried into the bucket."""

    fills: Sequence[EnrichedFill]
    opening: CostBasis
    closing: CostBasis
    realized_pnl: Decimal
    cash: Decimal
    """Quote currency received (sells) minus paid (buys), before fees."""

    @classmethod
    def replay(cls, fills: Sequence[EnrichedFill], opening: CostBasis) -> _Trading:
        basis, realized, cash = opening, _ZERO, _ZERO
        for enriched in fills:
            fill = enriched.fill
            basis, realized_now = basis.apply_fill(fill.side, fill.price, fill.size)
            realized += realized_now
            cash -= fill.side.sign * fill.price * fill.size
        return cls(fills=fills, opening=opening, closing=basis, realized_pnl=realized, cash=cash)

    def mtm_pnl(self, open_mid: Decimal | None, close_mid: Decimal | None) -> Decimal | None:
        """Cash flow plus the change in inventory value; None when a non-flat inventory has no mid."""
        open_value = _inventory_value(self.opening.position, open_mid)
        close_value = _inventory_value(self.closing.position, close_mid)
        if open_value is None or close_value is None:
            return None
        return self.cash + close_value - open_value


def _summary(
    activity: MarketActivity, window: SummaryWindow, start_ms: int, trading: _Trading, times: ModeTimes
) -> BucketSummary:
    fills = [enriched.fill for enriched in trading.fills]
    close_mark_ms = window.close_mark_ms(start_ms)
    inventory = activity.positions.range_between(start_ms, start_ms + window.width.ms)
    attribution = _attribution(activity, start_ms, close_mark_ms, trading)
    return BucketSummary(
        exchange=activity.exchange,
        symbol=activity.symbol,
        width=window.width,
        bucket_start_ms=start_ms,
        fill_count=len(fills),
        buy_count=sum(1 for fill in fills if fill.side is Side.BUY),
        sell_count=sum(1 for fill in fills if fill.side is Side.SELL),
        volume=sum((fill.size for fill in fills), _ZERO),
        notional=sum((fill.price * fill.size for fill in fills), _ZERO),
        fees=sum((fill.fee for fill in fills), _ZERO),
        mean_markout_1s_bps=_mean_bps(enriched.markout_1s for enriched in trading.fills),
        mean_markout_10s_bps=_mean_bps(enriched.markout_10s for enriched in trading.fills),
        mean_markout_60s_bps=_mean_bps(enriched.markout_60s for enriched in trading.fills),
        realized_pnl=trading.realized_pnl,
        mtm_pnl=trading.mtm_pnl(activity.mids_ms.get(start_ms), activity.mids_ms.get(close_mark_ms)),
        inventory_min=inventory.low if inventory else None,
        inventory_max=inventory.high if inventory else None,
        pause_count=times.pause_entries,
        time_normal_s=Decimal(times.normal_ms) / _MS_PER_S,
        time_defensive_s=Decimal(times.defensive_ms) / _MS_PER_S,
        time_pause_s=Decimal(times.pause_ms) / _MS_PER_S,
        quote_uptime=_fraction(times.quoting_ms, close_mark_ms - start_ms),
        position_end=trading.closing.position,
        avg_entry_px_end=trading.closing.avg_entry_px,
        spread_capture=attribution.spread_capture if attribution else None,
        inventory_pnl=attribution.inventory_pnl if attribution else None,
        funding_pnl=attribution.funding if attribution else None,
    )


def _attribution(
    activity: MarketActivity, start_ms: int, close_mark_ms: int, trading: _Trading
) -> PnlAttribution | None:
    """The backtest's attribution of the bucket: the position carried in enters as a fill at the opening mid
    (no spread, no fee), so the parts sum to `mtm_pnl - fees + funding`. None when a held position has no mid."""
    open_mid = activity.mids_ms.get(start_ms)
    close_mid = activity.mids_ms.get(close_mark_ms)
    opening = trading.opening.position
    if (opening != 0 and open_mid is None) or (trading.closing.position != 0 and close_mid is None):
        return None
    fills: list[AttributedFill] = []
    if opening != 0 and open_mid is not None:
        side = Side.BUY if opening > 0 else Side.SELL
        fills.append(AttributedFill(start_ms, side, open_mid, abs(opening), _ZERO, open_mid))
    fills.extend(
        AttributedFill(e.fill.ts_ms, e.fill.side, e.fill.price, e.fill.size, e.fill.fee, e.mid_at_fill)
        for e in trading.fills
    )
    settled = [payment for payment in activity.funding if start_ms <= payment.ts_ms < close_mark_ms]
    return attribute_pnl(fills, close_mid, settled)


def _mean_bps(markouts: Iterable[HorizonMarkout | None]) -> Decimal | None:
    values = [markout.bps for markout in markouts if markout is not None]
    if not values:
        return None
    return (sum(values, _ZERO) / len(values)).quantize(_QUANTUM)


def _fraction(part_ms: int, whole_ms: int) -> Decimal | None:
    return (Decimal(part_ms) / whole_ms).quantize(_QUANTUM) if whole_ms > 0 else None


def _inventory_value(position: Decimal, mid: Decimal | None) -> Decimal | None:
    if position == 0:
        return _ZERO
    return None if mid is None else position * mid
