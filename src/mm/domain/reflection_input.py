"""What one reflection reads about a market: its hourly aggregates, worst fills and current params. No I/O.

These are the numbers, and only the numbers, the reflector may show a model. `WorstFill.fill_id`
is kept for the audit trail (the reasoning file) but is never put into a prompt.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from mm.domain.mode import Mode
from mm.domain.params import StrategyParams
from mm.domain.reflection_window import ReflectionWindow
from mm.domain.side import Side


@dataclass(frozen=True, slots=True)
class HourlyAggregate:
    """One `agg_1h` bucket (`agg_1m` rows have the same shape and are read as this too).

    PnL and volume are in quote and base units; times in seconds.
    """

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
    mtm_pnl: Decimal | None
    inventory_min: Decimal | None
    inventory_max: Decimal | None
    pause_count: int
    time_normal_s: Decimal
    time_defensive_s: Decimal
    time_pause_s: Decimal
    quote_uptime: Decimal | None

    def __post_init__(self) -> None:
        if min(self.fill_count, self.buy_count, self.sell_count, self.pause_count) < 0:
            raise ValueError("hourly aggregate counts must not be negative")


@dataclass(frozen=True, slots=True)
class WorstFill:
    """One of the window's fills with the lowest 10 s markout (positive markouts are good for us)."""

    fill_id: str
    ts_ms: int
    side: Side
    price: Decimal
    size: Decimal
    markout_1s_bps: Decimal | None
    markout_10s_bps: Decimal
    markout_60s_bps: Decimal | None
    mode: Mode | None
    params_version: int | None


@dataclass(frozen=True, slots=True)
class ReflectionInput:
    """Everything a proposal for one market and window is based on; `params` are those in force."""

    exchange: str
    symbol: str
    window: ReflectionWindow
    aggregates: tuple[HourlyAggregate, ...]
    worst_fills: tuple[WorstFill, ...]
    params: StrategyParams

    @property
    def fill_count(self) -> int:
        return sum(aggregate.fill_count for aggregate in self.aggregates)

    @property
    def has_activity(self) -> bool:
        """Whether there is anything to learn from: at least one fill or one summarized bucket."""
        return bool(self.aggregates) or bool(self.worst_fills)
