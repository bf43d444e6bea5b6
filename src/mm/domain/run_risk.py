"""Risk figures of a run's PnL path and activity: drawdown, Sharpe and Sortino, fill rate, uptime, turnover. No I/O.

Sharpe and Sortino are of per-period PnL changes (the caller's period, per minute in reports),
neither annualized nor net of a risk-free rate: a market maker's minutes are its samples.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RiskFigures:
    """Figures of one PnL path; None where the path is too short to say (fewer than two changes, no spread)."""

    max_drawdown: float
    sharpe: float | None
    sortino: float | None
    periods: int

    def to_mapping(self) -> dict[str, float | int | None]:
        return {
            "max_drawdown": self.max_drawdown,
            "sharpe_per_minute": self.sharpe,
            "sortino_per_minute": self.sortino,
            "minutes": self.periods,
        }


def max_drawdown(marks: Sequence[float]) -> float:
    """The largest fall from a running peak of `marks` (PnL over time, starting at 0); 0 when it never falls."""
    peak = 0.0
    worst = 0.0
    for mark in marks:
        peak = max(peak, mark)
        worst = max(worst, peak - mark)
    return worst


def period_changes(marks: Sequence[float]) -> list[float]:
    """PnL earned in each period, from marks taken at the end of each (the path starts at 0)."""
    return [mark - before for before, mark in zip((0.0, *marks[:-1]), marks, strict=True)]


def sharpe_ratio(changes: Sequence[float]) -> float | None:
    """Mean over sample standard deviation of the per-period changes."""
    if len(changes) < 2:
        return None
    mean = sum(changes) / len(changes)
    variance = sum((change - mean) ** 2 for change in changes) / (len(changes) - 1)
    return mean / math.sqrt(variance) if variance > 0 else None


def sortino_ratio(changes: Sequence[float]) -> float | None:
    """Mean over downside deviation (root mean square of the losses, gains counted as 0)."""
    if len(changes) < 2:
        return None
    mean = sum(changes) / len(changes)
    downside = math.sqrt(sum(min(change, 0.0) ** 2 for change in changes) / len(changes))
    return mean / downside if downside > 0 else None


def risk_figures(marks: Sequence[float]) -> RiskFigures:
    """All path figures of `marks`, the marked PnL at the end of each period."""
    changes = period_changes(marks)
    return RiskFigures(max_drawdown(marks), sharpe_ratio(changes), sortino_ratio(changes), len(changes))


def covered_fraction(intervals: Sequence[tuple[int, int]], start_ms: int, end_ms: int) -> float | None:
    """The share of [start_ms, end_ms) covered by disjoint [start, end) `intervals` (quote uptime)."""
    if end_ms <= start_ms:
        return None
    covered = sum(max(0, min(end, end_ms) - max(start, start_ms)) for start, end in intervals)
    return covered / (end_ms - start_ms)


def time_weighted_mean_abs(changes: Sequence[tuple[int, float]], start_ms: int, end_ms: int) -> float:
    """Mean |position| over [start_ms, end_ms) of a step path: (ts_ms, position from then on), starting flat."""
    if end_ms <= start_ms:
        return 0.0
    total = 0.0
    held, since = 0.0, start_ms
    for ts_ms, position in changes:
        at = min(max(ts_ms, start_ms), end_ms)
        total += abs(held) * (at - since)
        held, since = position, at
    total += abs(held) * (end_ms - since)
    return total / (end_ms - start_ms)


def inventory_turnover(volume: float, mean_abs_position: float) -> float | None:
    """Traded volume over the mean |position|: how many times the inventory turned over (None when never held)."""
    return volume / mean_abs_position if mean_abs_position > 0 else None


def fill_rate(fills: int, orders_sent: int) -> float | None:
    """Fills per order placed or replaced."""
    return fills / orders_sent if orders_sent > 0 else None
