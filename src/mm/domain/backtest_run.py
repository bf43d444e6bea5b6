"""A finished backtest as it is stored: what ran on which data, its fills and its mode timeline. No I/O."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from mm.domain.fill_summary import EnrichedFill
from mm.domain.mode import Mode
from mm.domain.value import value


@value(frozen=True)
class ModeChange:
    """From `ts_ms` on, the engine was in `mode` for `reasons` (the decision's, no-quote reasons included)."""

    ts_ms: int
    mode: Mode
    reasons: tuple[str, ...] = ()


@value(frozen=True)
class BacktestFill:
    """One simulated fill with its pseudo-markouts and the position it left (base units, long positive)."""

    enriched: EnrichedFill
    position_after: Decimal


@dataclass(frozen=True, slots=True)
class BacktestRunRecord:
    """One run: its market and data span, the data's identity, every setting, the results.

    `params` is the strategy's `to_mapping()`; `settings` holds the replay's own choices (fill model,
    latencies, timer resolution, fee, instrument, data repairs); `summary` the headline numbers.
    `run_id` is None until a store has given the run one.
    """

    exchange: str
    symbol: str
    start_ms: int
    end_ms: int
    data_source: str
    data_sha256: str
    rows: int
    params: Mapping[str, Any]
    settings: Mapping[str, Any]
    summary: Mapping[str, Any]
    fills: tuple[BacktestFill, ...] = ()
    modes: tuple[ModeChange, ...] = ()
    run_id: int | None = None
    created_ts_ms: int | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if self.end_ms < self.start_ms:
            raise ValueError(f"a run cannot end ({self.end_ms}) before it starts ({self.start_ms})")
