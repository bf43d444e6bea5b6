"""What the executor saves to recover after a restart. Pure value, no I/O."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mm.domain.mode import Mode


@dataclass(frozen=True, slots=True)
class StrategySnapshot:
    """The executor's recoverable state for one market.

    `version` is the optimistic-concurrency counter: a store accepts a save only when it is exactly
    one above the stored version (0 for the first save), so two executors cannot both own a market.
    `detail` holds JSON-ready engine state (owned client order ids, calm-period timers, counters).
    """

    exchange: str
    symbol: str
    mode: Mode
    params_version: int
    saved_ts_ms: int
    version: int
    mode_reasons: tuple[str, ...] = ()
    detail: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.version < 1:
            raise ValueError(f"snapshot version starts at 1, got {self.version}")
