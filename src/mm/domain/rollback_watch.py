"""Whether an applied params change must be rolled back, and on what evidence. No I/O.

A proposal's rollback conditions were written against the reflector's one-hour summary, so they
are judged over the minute buckets since the change (the bucket it happened in is left out: it
mixes old params with new), at most the last hour of them, and only where more data could not
overturn the verdict: a mean once enough trading is observed, a count or extreme that has already
crossed the way it can only keep going, anything else once a whole hour is observed. The rest
wait: missing evidence rolls nothing back, and neither does no evidence at all.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from mm.domain.bucket_summary import BucketSummary
from mm.domain.bucket_width import BucketWidth
from mm.domain.fill_summary import EnrichedFill
from mm.domain.market_summary import ROLLBACK_METRICS, metric_value, summarize_market
from mm.domain.param_gate import Comparison, RollbackCondition
from mm.domain.reflection_window import HOUR_MS, ReflectionWindow
from mm.domain.rollout import triggered_rollback_conditions


class MetricShape(StrEnum):
    """How a summary metric moves as its window grows, which says when a crossing is final."""

    GROWS = "grows"
    """Never falls as the window grows (counts, volume, the largest inventory): ABOVE is final."""
    SHRINKS = "shrinks"
    """Never rises as the window grows (the worst markout): BELOW is final."""
    AVERAGE = "average"
    """A mean or a fraction: comparable with an hour's once enough trading is observed."""
    TOTAL = "total"
    """A sum that moves either way (PnL, fees): only an hour's compares with an hourly threshold."""


METRIC_SHAPES: Mapping[str, MetricShape] = {
    "fill_count": MetricShape.GROWS,
    "buy_count": MetricShape.GROWS,
    "sell_count": MetricShape.GROWS,
    "volume": MetricShape.GROWS,
    "fees": MetricShape.TOTAL,
    "mean_markout_1s_bps": MetricShape.AVERAGE,
    "mean_markout_10s_bps": MetricShape.AVERAGE,
    "mean_markout_60s_bps": MetricShape.AVERAGE,
    "worst_markout_10s_bps": MetricShape.SHRINKS,
    "realized_pnl": MetricShape.TOTAL,
    "mtm_pnl": MetricShape.TOTAL,
    "max_abs_inventory": MetricShape.GROWS,
    "pause_count": MetricShape.GROWS,
    "pause_fraction": MetricShape.AVERAGE,
    "quote_uptime": MetricShape.AVERAGE,
}
"""Every rollback metric's shape; a metric missing here is judged as a TOTAL (only over a whole hour)."""

_FINAL_CROSSINGS = frozenset({(MetricShape.GROWS, Comparison.ABOVE), (MetricShape.SHRINKS, Comparison.BELOW)})


@dataclass(frozen=True, slots=True)
class RollbackWatchPolicy:
    """How much summarized trading after a change (mode time in its minute buckets) judges what.

    `min_observed_s` before a mean or fraction is judged; `horizon_ms` is the span thresholds are
    written for (the reflector's hour), counted as observed once `horizon_coverage` of it is
    summarized (the summarizer runs behind the clock, and a gap in decisions is not trading).
    """

    min_observed_s: float = 900.0
    horizon_ms: int = HOUR_MS
    horizon_coverage: float = 0.9

    def __post_init__(self) -> None:
        if not 0 < self.min_observed_s <= self.horizon_ms / 1000:
            raise ValueError("min_observed_s must be positive and within the horizon")
        if not 0 < self.horizon_coverage <= 1:
            raise ValueError("horizon_coverage must be in (0, 1]")

    @property
    def full_horizon_observed_s(self) -> float:
        return self.horizon_ms / 1000 * self.horizon_coverage


@dataclass(frozen=True, slots=True)
class Crossing:
    """A condition the evidence crossed, with the value measured."""

    condition: RollbackCondition
    value: float


@dataclass(frozen=True, slots=True)
class RollbackCheck:
    """What the evidence says: the conditions it triggered and those it cannot decide yet."""

    observed_s: float
    bucket_count: int
    triggered: tuple[Crossing, ...]
    waiting: tuple[RollbackCondition, ...]

    @property
    def should_roll_back(self) -> bool:
        return bool(self.triggered)

    def reasons(self) -> tuple[str, ...]:
        """One audit line per triggered condition: what it says, what was measured, over how much trading."""
        return tuple(
            f"{crossing.condition.describe()}: measured {crossing.value:g} over {self.observed_s:.0f} s "
            f"of trading since the change"
            for crossing in self.triggered
        )


def observation_window(applied_ts_ms: int, now_ms: int, policy: RollbackWatchPolicy) -> ReflectionWindow | None:
    """The minute buckets to judge a change applied at `applied_ts_ms` by; None before the first one starts."""
    start_ms = max(_next_minute_ms(applied_ts_ms), _next_minute_ms(now_ms - policy.horizon_ms))
    if now_ms <= start_ms:
        return None
    return ReflectionWindow(start_ms, now_ms)


def observed_trading_s(aggregates: Sequence[BucketSummary]) -> float:
    """Seconds of strategy time the buckets summarize, in any mode."""
    return float(sum(a.time_normal_s + a.time_defensive_s + a.time_pause_s for a in aggregates))


def check_rollback(
    conditions: Sequence[RollbackCondition],
    aggregates: Sequence[BucketSummary],
    worst_fills: Sequence[EnrichedFill],
    policy: RollbackWatchPolicy,
) -> RollbackCheck:
    """Judge `conditions` against the buckets (and worst fills) of a change's observation window."""
    if not aggregates:
        return RollbackCheck(0.0, 0, (), tuple(conditions))
    summary = summarize_market(aggregates, worst_fills)
    observed_s = observed_trading_s(aggregates)
    crossed = set(triggered_rollback_conditions(tuple(conditions), summary))
    triggered: list[Crossing] = []
    waiting: list[RollbackCondition] = []
    for condition in conditions:
        value = metric_value(summary, condition.metric) if condition.metric in ROLLBACK_METRICS else None
        if value is None:
            waiting.append(condition)
            continue
        is_crossed = condition in crossed
        if not _is_decided(condition, is_crossed, observed_s, policy):
            waiting.append(condition)
        elif is_crossed:
            triggered.append(Crossing(condition, value))
    return RollbackCheck(observed_s, len(aggregates), tuple(triggered), tuple(waiting))


def _is_decided(condition: RollbackCondition, is_crossed: bool, observed_s: float, policy: RollbackWatchPolicy) -> bool:
    if observed_s >= policy.full_horizon_observed_s:
        return True
    shape = METRIC_SHAPES.get(condition.metric, MetricShape.TOTAL)
    if shape is MetricShape.AVERAGE:
        return observed_s >= policy.min_observed_s
    return is_crossed and (shape, condition.comparison) in _FINAL_CROSSINGS


def _next_minute_ms(ts_ms: int) -> int:
    """Start of the first whole minute bucket at or after `ts_ms`."""
    floor_ms = BucketWidth.MINUTE.floor_ms(ts_ms)
    return floor_ms if floor_ms == ts_ms else floor_ms + BucketWidth.MINUTE.ms
